/**
 * The chat's "⋯" menu in its header: export (Markdown, a notebook, JSON that imports
 * back) and the keyboard shortcuts. A menu button as ARIA describes it: arrows move,
 * Enter picks, Esc closes.
 */
import { ellipsesIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React, { useEffect, useRef } from 'react';

import { CommandIDs } from '../tokens';
import { chatsAPI } from './api';
import { ICodeActions } from './code-actions';
import { usePopup } from './popup';
import { ChatSession } from './session';

interface IMenuItem {
  label: string;
  run: () => void;
}

export function ChatMenu(props: {
  session: ChatSession;
  actions: ICodeActions;
  commands: CommandRegistry;
}): JSX.Element {
  const { session, actions } = props;
  const popup = usePopup<HTMLDivElement>();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const exportAs = (format: 'markdown' | 'ipynb' | 'json') => () =>
    session.chatId &&
    void chatsAPI.download(session.chatId, format).catch(actions.report);
  const items: IMenuItem[] = [
    { label: 'Export as Markdown', run: exportAs('markdown') },
    { label: 'Export as notebook (.ipynb)', run: exportAs('ipynb') },
    { label: 'Export as JSON (imports back)', run: exportAs('json') },
    {
      label: 'Keyboard shortcuts…',
      run: () => void props.commands.execute(CommandIDs.showShortcuts)
    }
  ];

  const entries = () =>
    Array.from(
      menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []
    );
  // Opened, the menu has the focus on its first item.
  useEffect(() => {
    if (popup.open) {
      entries()[0]?.focus();
    }
  }, [popup.open]);
  const closeToButton = () => {
    popup.close();
    button.current?.focus();
  };

  return (
    <div className="jp-OmniPanel-chatMenu" ref={popup.root}>
      <button
        ref={button}
        type="button"
        className="jp-OmniPanel-iconButton"
        aria-label="Chat menu"
        title="More: export…"
        aria-haspopup="menu"
        aria-expanded={popup.open}
        onClick={() => popup.toggle()}
        onKeyDown={event => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            popup.show();
          }
        }}
      >
        <ellipsesIcon.react tag="span" />
      </button>
      {popup.open && (
        <div
          ref={menu}
          role="menu"
          aria-label="Chat menu"
          className="jp-OmniPanel-popup jp-OmniPanel-menu"
          onKeyDown={event => {
            const all = entries();
            const at = all.indexOf(document.activeElement as HTMLElement);
            const move = (index: number) =>
              all[(index + all.length) % all.length]?.focus();
            switch (event.key) {
              case 'ArrowDown':
                move(at + 1);
                break;
              case 'ArrowUp':
                move(at - 1);
                break;
              case 'Home':
                move(0);
                break;
              case 'End':
                move(all.length - 1);
                break;
              case 'Escape':
                closeToButton();
                break;
              case 'Tab':
                popup.close();
                return; // the focus moves on as Tab moves it
              default:
                return;
            }
            event.preventDefault();
            event.stopPropagation();
          }}
        >
          {items.map(item => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="jp-OmniPanel-menuItem"
              onClick={() => {
                closeToButton();
                item.run();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
