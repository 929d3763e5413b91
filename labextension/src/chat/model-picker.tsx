/**
 * The chat's model, as a compact dropdown of the chat's header: the project's (or
 * server's) default, or one chosen from every available model, filtered by typing.
 */
import { caretDownIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useRef, useState } from 'react';

import { AvailableModels, useContextWindows } from './available-models';
import { IOption, Listbox, listKeys, optionId } from './listbox';
import { fuzzyFilter } from './fuzzy';
import { ChatSession } from './session';
import { usePopup } from './popup';

/** "8192" → "8k", "131072" → "128k": a context window at a glance. */
export function compactTokens(tokens: number): string {
  if (tokens < 1000) {
    return String(tokens);
  }
  if (tokens % 1000 === 0) {
    return `${tokens / 1000}k`;
  }
  if (tokens % 1024 === 0) {
    return `${tokens / 1024}k`;
  }
  return `${(tokens / 1000).toFixed(1).replace(/\.0$/, '')}k`;
}

interface IModelOption extends IOption {
  value: string;
}

export function ModelPicker(props: {
  session: ChatSession;
  models: AvailableModels;
}): JSX.Element {
  const { session, models } = props;
  const windows = useContextWindows(models);
  const model = session.thread?.model;
  const current = model ? `${model.provider}/${model.model}` : '';
  const popup = usePopup<HTMLDivElement>();
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);

  const choices = [...windows.keys()];
  if (current && !choices.includes(current)) {
    choices.unshift(current);
  }
  const option = (value: string): IModelOption => {
    const [provider, ...rest] = value.split('/');
    const size = windows.get(value);
    return {
      key: value,
      value,
      label: value,
      selected: value === current,
      content: (
        <>
          <span className="jp-OmniPanel-optionName">{rest.join('/')}</span>
          <span className="jp-OmniPanel-optionDetail">
            {provider}
            {size ? ` · ${compactTokens(size)}` : ''}
          </span>
        </>
      )
    };
  };
  const options: IModelOption[] = [
    ...(filter
      ? []
      : [
          {
            key: '',
            value: '',
            label: 'Project default model',
            selected: current === '',
            content: (
              <span className="jp-OmniPanel-optionName">
                Project default model
              </span>
            )
          }
        ]),
    ...fuzzyFilter(filter, choices, value => value).map(option)
  ];

  useEffect(() => {
    if (popup.open) {
      // The user is about to choose: ask the server for what is there now.
      void models.refresh();
      setFilter('');
    }
  }, [popup.open]);
  useEffect(() => {
    const index = options.findIndex(o => o.selected);
    setActive(filter || index < 0 ? 0 : index);
  }, [filter, popup.open]);

  const choose = (index: number) => {
    const value = options[index]?.value;
    popup.close();
    button.current?.focus();
    if (value === undefined || value === current) {
      return;
    }
    const [provider, ...rest] = value.split('/');
    void session.update({
      model: provider ? { provider, model: rest.join('/') } : null
    });
  };

  const name = current
    ? current.split('/').slice(1).join('/')
    : 'Default model';
  return (
    <div className="jp-OmniPanel-modelPicker" ref={popup.root}>
      <button
        ref={button}
        type="button"
        className="jp-OmniPanel-dropdownButton"
        aria-label={`Model: ${current || 'project default'}`}
        aria-haspopup="listbox"
        aria-expanded={popup.open}
        title={current || 'The project’s default model'}
        onClick={() => popup.toggle()}
        onKeyDown={event => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            popup.show();
          }
        }}
      >
        <span className="jp-OmniPanel-dropdownLabel">{name}</span>
        <caretDownIcon.react tag="span" className="jp-OmniPanel-caret" />
      </button>
      {popup.open && (
        <div className="jp-OmniPanel-popup jp-OmniPanel-modelPopup">
          <input
            className="jp-OmniPanel-popupFilter"
            role="combobox"
            aria-label="Filter models"
            aria-expanded={options.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={
              options.length > 0 ? optionId(listId, active) : undefined
            }
            placeholder="Filter models"
            autoFocus
            value={filter}
            onChange={event => setFilter(event.target.value)}
            onKeyDown={event => {
              if (
                !listKeys(
                  event,
                  options.length,
                  active,
                  setActive,
                  choose,
                  () => {
                    popup.close();
                    button.current?.focus();
                  }
                ) &&
                event.key === 'Escape'
              ) {
                event.preventDefault();
                popup.close();
                button.current?.focus();
              }
            }}
          />
          {options.length > 0 && (
            <Listbox
              id={listId}
              label="Models"
              options={options}
              active={active}
              onPick={choose}
              onHover={setActive}
            />
          )}
          {(!models.loaded || options.length === 0) && (
            <div className="jp-OmniPanel-mentionEmpty" role="status">
              {models.loaded
                ? `No model matches “${filter}”`
                : 'Asking the server for its models…'}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
