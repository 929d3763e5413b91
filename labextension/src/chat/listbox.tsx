/**
 * A list of options to pick from with the keyboard while the focus stays in a text box
 * (the @ menu, the model filter): ARIA's listbox, its active option announced through
 * the box's aria-activedescendant.
 */
import React, { useEffect } from 'react';

export interface IOption {
  /** Unique within the list. */
  key: string;
  content: React.ReactNode;
  /** The option's accessible name, when its content is not plain enough. */
  label?: string;
  selected?: boolean;
}

/** The DOM id of the option at `index` of the list `listId`. */
export function optionId(listId: string, index: number): string {
  return `${listId}-option-${index}`;
}

/**
 * Move through or pick from a list with the keys of a combobox. Returns whether the key
 * was the list's (then the caller's default is prevented).
 */
export function listKeys(
  event: React.KeyboardEvent,
  count: number,
  active: number,
  setActive: (index: number) => void,
  pick: (index: number) => void,
  close: () => void
): boolean {
  switch (event.key) {
    case 'ArrowDown':
      setActive(count ? (active + 1) % count : 0);
      break;
    case 'ArrowUp':
      setActive(count ? (active - 1 + count) % count : 0);
      break;
    case 'PageDown':
      setActive(Math.min(count - 1, active + 8));
      break;
    case 'PageUp':
      setActive(Math.max(0, active - 8));
      break;
    case 'Enter':
    case 'Tab':
      if (count === 0 || event.shiftKey) {
        return false;
      }
      pick(active);
      break;
    case 'Escape':
      close();
      break;
    default:
      return false;
  }
  event.preventDefault();
  event.stopPropagation();
  return true;
}

export function Listbox(props: {
  id: string;
  label: string;
  options: IOption[];
  active: number;
  onPick: (index: number) => void;
  onHover: (index: number) => void;
  className?: string;
}): JSX.Element {
  const { id, options, active } = props;
  // The active option stays in view as the arrows move through a long list.
  useEffect(() => {
    document
      .getElementById(optionId(id, active))
      ?.scrollIntoView({ block: 'nearest' });
  }, [active, id]);
  return (
    <ul
      id={id}
      role="listbox"
      aria-label={props.label}
      className={`jp-OmniPanel-listbox ${props.className ?? ''}`}
    >
      {options.map((option, index) => (
        <li
          key={option.key}
          id={optionId(id, index)}
          role="option"
          aria-selected={index === active}
          aria-label={option.label}
          className={
            (index === active ? 'jp-mod-active ' : '') +
            (option.selected ? 'jp-mod-selected' : '')
          }
          // The focus stays in the text box: a mouse press must not take it.
          onMouseDown={event => event.preventDefault()}
          onMouseMove={() => index !== active && props.onHover(index)}
          onClick={() => props.onPick(index)}
        >
          {option.content}
        </li>
      ))}
    </ul>
  );
}
