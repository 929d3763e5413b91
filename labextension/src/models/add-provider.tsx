/**
 * "Add a provider": everything that is not usable yet, folded into one list. A row opens
 * its form in place: a cloud provider's key, an OpenAI-compatible server, an Ollama URL.
 */
import {
  addIcon,
  caretDownIcon,
  caretRightIcon
} from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IProvider } from '../tokens';
import { ConnectionForm } from './connection-form';
import { ModelsModel } from './model';
import { displayName } from './names';

/** A cloud provider's key, stored encrypted for this user. */
function KeyForm(props: {
  model: ModelsModel;
  provider: IProvider;
}): JSX.Element {
  const { model, provider } = props;
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="jp-OmniPanel-connectionForm"
      onSubmit={event => {
        event.preventDefault();
        model.setKey(provider.id, value).then(
          () => setValue(''),
          reason => setError((reason as Error).message)
        );
      }}
    >
      <div className="jp-OmniPanel-providerRow">
        <input
          type="password"
          autoComplete="off"
          className="jp-OmniPanel-search"
          aria-label={`API key for ${provider.id}`}
          placeholder={`${displayName(provider.id)} API key`}
          value={value}
          onChange={event => setValue(event.target.value)}
        />
        <button
          type="submit"
          className="jp-OmniPanel-primary"
          disabled={!value.trim()}
        >
          Save key
        </button>
      </div>
      {error && (
        <p className="jp-OmniPanel-providerError" role="alert">
          {error}
        </p>
      )}
      {provider.error && <p className="jp-OmniPanel-note">{provider.error}</p>}
    </form>
  );
}

interface IRow {
  id: string;
  title: string;
  hint: string;
  form: (close: () => void) => JSX.Element;
}

export function AddProvider(props: {
  model: ModelsModel;
  /** Providers not usable yet: cloud ones without a key, an unreachable server Ollama. */
  waiting: IProvider[];
}): JSX.Element {
  const { model, waiting } = props;
  const [open, setOpen] = useState<string | null>(null);
  const ollama = waiting.find(p => p.id === 'ollama');
  const rows: IRow[] = [
    {
      id: 'connection-openai',
      title: 'OpenAI-compatible server',
      hint: 'llama.cpp, vLLM, LM Studio, OpenRouter…',
      form: close => <ConnectionForm model={model} kind="openai" done={close} />
    },
    {
      id: 'ollama',
      title: 'Ollama',
      hint: ollama?.error ?? 'Your own Ollama server',
      form: close => <ConnectionForm model={model} kind="ollama" done={close} />
    },
    ...waiting
      .filter(p => p.id !== 'ollama')
      .map(provider => ({
        id: provider.id,
        title: displayName(provider.id),
        hint: 'API key',
        form: () => <KeyForm model={model} provider={provider} />
      }))
  ];
  return (
    <section
      className="jp-OmniPanel-section jp-OmniPanel-addProvider"
      aria-label="Add a provider"
    >
      <h3 className="jp-OmniPanel-sectionTitle">
        <addIcon.react tag="span" elementSize="normal" />
        Add a provider
      </h3>
      <ul className="jp-OmniPanel-addList">
        {rows.map(row => {
          const expanded = open === row.id;
          const Caret = expanded ? caretDownIcon : caretRightIcon;
          return (
            <li key={row.id} data-add-provider={row.id}>
              <button
                type="button"
                className="jp-OmniPanel-addRow"
                aria-expanded={expanded}
                onClick={() => setOpen(expanded ? null : row.id)}
              >
                <Caret.react tag="span" elementSize="normal" />
                <span className="jp-OmniPanel-addText">
                  <span className="jp-OmniPanel-addTitle">{row.title}</span>
                  <span className="jp-OmniPanel-addHint">{row.hint}</span>
                </span>
              </button>
              {expanded && row.form(() => setOpen(null))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
