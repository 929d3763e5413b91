/**
 * The models panel: providers and their models, the built-in model's engine, and a
 * small prompt box to try the chosen model.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { modelsIcon } from '../icons';
import { IProvider, MODELS_PANEL_ID } from '../tokens';
import { ModelsModel } from './model';

/** Deleting a model file cannot be undone: ask first. */
async function confirmRemove(
  model: ModelsModel,
  provider: string,
  id: string
): Promise<void> {
  const result = await showDialog({
    title: 'Remove model',
    body: `Delete ${id} from ${provider}? Its file is deleted; pull or copy it again to use it.`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Remove' })]
  });
  if (result.button.accept) {
    await model.removeModel(provider, id);
  }
}

function formatBytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** A provider's key: masked when set, a password field when not. */
function KeyEditor(props: {
  model: ModelsModel;
  provider: IProvider;
}): JSX.Element | null {
  const { model, provider } = props;
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const key = provider.key;
  if (!key) {
    return null;
  }
  const run = (work: () => Promise<void>) =>
    work().then(
      () => setError(null),
      reason => setError((reason as Error).message)
    );
  if (key.set) {
    return (
      <div className="jp-OmniPanel-keyRow">
        <span aria-label={`API key for ${provider.id}`}>
          Key {key.last4 ? `••••${key.last4}` : '••••'} ({key.source})
        </span>
        {key.source !== 'environment' && (
          <button
            type="button"
            className="jp-OmniPanel-toggle"
            onClick={() => void run(() => model.removeKey(provider.id))}
          >
            Remove key
          </button>
        )}
        {error && <span role="alert">{error}</span>}
      </div>
    );
  }
  return (
    <form
      className="jp-OmniPanel-keyRow"
      onSubmit={event => {
        event.preventDefault();
        void run(async () => {
          await model.setKey(provider.id, value);
          setValue('');
        });
      }}
    >
      <input
        type="password"
        autoComplete="off"
        className="jp-OmniPanel-search"
        aria-label={`API key for ${provider.id}`}
        placeholder={`${provider.id} API key`}
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
      {error && <span role="alert">{error}</span>}
    </form>
  );
}

/** Pull an Ollama model by name, with a progress bar and a cancel button. */
function OllamaPull(props: { model: ModelsModel }): JSX.Element {
  const { model } = props;
  const [name, setName] = useState('');
  const pull = model.pull;
  if (pull) {
    return (
      <div className="jp-OmniPanel-keyRow">
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
      className="jp-OmniPanel-keyRow"
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

function TryIt(props: { model: ModelsModel }): JSX.Element {
  const { model } = props;
  const [prompt, setPrompt] = useState('');
  const send = () => void model.ask(prompt);
  return (
    <section className="jp-OmniPanel-section" aria-label="Try the model">
      <h3 className="jp-OmniPanel-sectionTitle">Try it</h3>
      <textarea
        className="jp-OmniPanel-prompt"
        aria-label="Prompt"
        placeholder="Ask the chosen model… (Enter sends, Shift+Enter for a new line)"
        value={prompt}
        rows={3}
        onChange={event => setPrompt(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            send();
          } else if (event.key === 'Escape') {
            model.stop();
          }
        }}
      />
      <div className="jp-OmniPanel-toolbarRow">
        {model.streaming ? (
          <button
            type="button"
            className="jp-OmniPanel-toggle"
            onClick={() => model.stop()}
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="jp-OmniPanel-primary"
            onClick={send}
            disabled={!model.choice || !prompt.trim()}
          >
            Send
          </button>
        )}
      </div>
      <div
        className="jp-OmniPanel-reply"
        role="log"
        aria-label="Reply"
        aria-live="polite"
        aria-busy={model.streaming}
      >
        {model.reply}
      </div>
      {model.replyError && (
        <div className="jp-OmniPanel-error" role="alert">
          <span>{model.replyError}</span>
        </div>
      )}
      {model.stats && (
        <p className="jp-OmniPanel-stats">
          {model.stats.ttft_ms !== null &&
            `first token ${Math.round(model.stats.ttft_ms)} ms · `}
          {model.stats.tokens_per_s !== null &&
            `${model.stats.tokens_per_s} tokens/s · `}
          {`${Math.round(model.stats.duration_ms)} ms in all`}
        </p>
      )}
    </section>
  );
}

export class ModelsPanel extends ReactWidget {
  constructor(readonly model: ModelsModel) {
    super();
    this.id = MODELS_PANEL_ID;
    this.addClass('jp-OmniPanel-projectsPanel');
    this.addClass('jp-OmniPanel-modelsPanel');
    this.title.icon = modelsIcon;
    this.title.caption = 'OmniPanel models';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'OmniPanel models');
  }

  protected onAfterShow(): void {
    void this.model.refresh();
  }

  render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-OmniPanel-panelBody" aria-busy={model.loading}>
            <div className="jp-OmniPanel-toolbar">
              <div className="jp-OmniPanel-toolbarRow">
                <h2 className="jp-OmniPanel-title">Models</h2>
                <button
                  type="button"
                  className="jp-OmniPanel-toggle"
                  onClick={() => void model.refresh()}
                >
                  Refresh
                </button>
              </div>
            </div>
            {model.error && (
              <div className="jp-OmniPanel-error" role="alert">
                <span>{model.error}</span>
              </div>
            )}
            <ul className="jp-OmniPanel-projects" aria-label="Providers">
              {model.providers.map(provider => (
                <li
                  key={provider.id}
                  className="jp-OmniPanel-project"
                  data-provider-id={provider.id}
                >
                  <div className="jp-OmniPanel-projectMain">
                    <strong>{provider.id}</strong>
                    <span
                      className={`jp-OmniPanel-badge ${provider.available ? 'jp-mod-ok' : 'jp-mod-off'}`}
                    >
                      {provider.available ? 'available' : 'unavailable'}
                    </span>
                  </div>
                  {provider.error && (
                    <div className="jp-OmniPanel-providerError">
                      {provider.error}
                    </div>
                  )}
                  <KeyEditor model={model} provider={provider} />
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
                          <span className="jp-OmniPanel-projectFolder">
                            engine {engine.state}
                            {engine.rss_bytes
                              ? ` · ${formatBytes(engine.rss_bytes)}`
                              : ''}
                          </span>
                        )}
                        {(info.details?.size_bytes ?? 0) > 0 && (
                          <span className="jp-OmniPanel-projectFolder">
                            {formatBytes(info.details.size_bytes)}
                          </span>
                        )}
                        {(info.details?.removable ||
                          provider.id === 'ollama') && (
                          <button
                            type="button"
                            className="jp-OmniPanel-toggle"
                            aria-label={`Remove ${info.id}`}
                            onClick={() =>
                              void confirmRemove(model, provider.id, info.id)
                            }
                          >
                            Remove
                          </button>
                        )}
                      </label>
                    );
                  })}
                  {provider.models.some(info => info.details?.shipped) && (
                    <p className="jp-OmniPanel-note">
                      The built-in model is Gemma 3 270M: a tiny demo model that
                      runs offline on your CPU (Gemma terms of use apply). For
                      better answers, point c.OmniPanelApp.builtin_model_path at
                      an instruction-tuned GGUF or add an OpenAI-compatible
                      endpoint.
                    </p>
                  )}
                </li>
              ))}
            </ul>
            <TryIt model={model} />
          </div>
        )}
      </UseSignal>
    );
  }
}
