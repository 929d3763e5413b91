/**
 * One provider the user can use now: its models (the choice for "Try it"), its state,
 * its key or connection, and what can be removed.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { deleteIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IProvider } from '../tokens';
import { ModelsModel } from './model';
import { displayName } from './names';

/** Deleting cannot be undone: ask first. */
async function confirm(title: string, body: string, label: string) {
  const result = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })]
  });
  return result.button.accept;
}

function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** A key that is set: masked, with a way to remove the user's own. */
function KeySet(props: {
  model: ModelsModel;
  provider: IProvider;
}): JSX.Element | null {
  const { model, provider } = props;
  const [error, setError] = useState<string | null>(null);
  const key = provider.key;
  if (!key?.set) {
    return null;
  }
  return (
    <div className="jp-OmniPanel-providerRow">
      <span aria-label={`API key for ${provider.id}`}>
        Key {key.last4 ? `••••${key.last4}` : '••••'} ({key.source})
      </span>
      {key.source !== 'environment' && (
        <button
          type="button"
          className="jp-OmniPanel-toggle"
          onClick={() =>
            void model.removeKey(provider.id).then(
              () => setError(null),
              reason => setError((reason as Error).message)
            )
          }
        >
          Remove key
        </button>
      )}
      {error && (
        <p className="jp-OmniPanel-providerError" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Pull an Ollama model by name, with a progress bar and a cancel button. */
function OllamaPull(props: { model: ModelsModel }): JSX.Element {
  const { model } = props;
  const [name, setName] = useState('');
  const pull = model.pull;
  if (pull) {
    return (
      <div className="jp-OmniPanel-providerRow">
        <label className="jp-OmniPanel-pullLabel">
          {`Pulling ${pull.model}: ${pull.status}`}
          <progress
            max={1}
            value={pull.fraction ?? undefined}
            aria-label={`Download of ${pull.model}`}
          />
        </label>
        <button
          type="button"
          className="jp-OmniPanel-toggle"
          onClick={() => model.cancelPull()}
        >
          Cancel
        </button>
      </div>
    );
  }
  return (
    <form
      className="jp-OmniPanel-providerRow"
      onSubmit={event => {
        event.preventDefault();
        void model.pullOllama(name.trim());
        setName('');
      }}
    >
      <input
        className="jp-OmniPanel-search"
        aria-label="Ollama model to pull"
        placeholder="e.g. llama3.2"
        value={name}
        onChange={event => setName(event.target.value)}
      />
      <button
        type="submit"
        className="jp-OmniPanel-primary"
        disabled={!name.trim()}
      >
        Pull
      </button>
    </form>
  );
}

/** Where a connection points, and the button that removes it. */
function ConnectionInfo(props: {
  model: ModelsModel;
  provider: IProvider;
}): JSX.Element | null {
  const { model, provider } = props;
  const connection = provider.connection;
  if (!connection) {
    return null;
  }
  return (
    <div className="jp-OmniPanel-providerRow">
      <span className="jp-OmniPanel-providerUrl">{connection.base_url}</span>
      {connection.key.set && (
        <span className="jp-OmniPanel-providerMeta">
          key {connection.key.last4 ? `••••${connection.key.last4}` : '••••'}
        </span>
      )}
      <button
        type="button"
        className="jp-OmniPanel-iconButton"
        aria-label={`Remove connection ${provider.id}`}
        title="Remove this connection"
        onClick={async () => {
          const sure = await confirm(
            'Remove connection',
            `Remove ${provider.id} (${connection.base_url})? Chats that used it keep their messages.`,
            'Remove'
          );
          if (sure) {
            await model.removeConnection(provider.id);
          }
        }}
      >
        <deleteIcon.react tag="span" elementSize="normal" />
      </button>
    </div>
  );
}

export function ProviderCard(props: {
  model: ModelsModel;
  provider: IProvider;
}): JSX.Element {
  const { model, provider } = props;
  return (
    <li className="jp-OmniPanel-providerCard" data-provider-id={provider.id}>
      <div className="jp-OmniPanel-providerHead">
        <strong>{displayName(provider.id)}</strong>
        {provider.connection && (
          <span className="jp-OmniPanel-providerMeta">yours</span>
        )}
        <span
          className={`jp-OmniPanel-badge ${provider.available ? 'jp-mod-ok' : 'jp-mod-off'}`}
        >
          {provider.available ? 'available' : 'unavailable'}
        </span>
      </div>
      {provider.error && (
        <p className="jp-OmniPanel-providerError">{provider.error}</p>
      )}
      <ConnectionInfo model={model} provider={provider} />
      <KeySet model={model} provider={provider} />
      {provider.id === 'ollama' && provider.available && (
        <OllamaPull model={model} />
      )}
      {provider.models.map(info => {
        const value = `${provider.id}/${info.id}`;
        const engine = info.details?.engine;
        return (
          <label key={value} className="jp-OmniPanel-modelChoice">
            <input
              type="radio"
              name="omnipanel-model"
              value={value}
              checked={model.choice === value}
              onChange={() => model.choose(value)}
            />
            <span>{info.name || info.id}</span>
            {engine && (
              <span className="jp-OmniPanel-providerMeta">
                engine {engine.state}
                {engine.rss_bytes ? ` · ${formatBytes(engine.rss_bytes)}` : ''}
              </span>
            )}
            {(info.details?.size_bytes ?? 0) > 0 && (
              <span className="jp-OmniPanel-providerMeta">
                {formatBytes(info.details.size_bytes)}
              </span>
            )}
            {(info.details?.removable || provider.id === 'ollama') && (
              <button
                type="button"
                className="jp-OmniPanel-toggle"
                aria-label={`Remove ${info.id}`}
                onClick={async () => {
                  const sure = await confirm(
                    'Remove model',
                    `Delete ${info.id} from ${provider.id}? Its file is deleted; pull or copy it again to use it.`,
                    'Remove'
                  );
                  if (sure) {
                    await model.removeModel(provider.id, info.id);
                  }
                }}
              >
                Remove
              </button>
            )}
          </label>
        );
      })}
      {provider.models.some(info => info.details?.shipped) && (
        <p className="jp-OmniPanel-note">
          The built-in model is Gemma 3 270M: a tiny demo model that runs
          offline on your CPU (Gemma terms of use apply). For better answers,
          add a provider below: an OpenAI-compatible server, Ollama, or a cloud
          key.
        </p>
      )}
    </li>
  );
}
