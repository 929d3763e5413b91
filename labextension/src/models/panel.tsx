/**
 * The models panel: the providers the user can use (their models, the built-in model's
 * engine), one "Add a provider" list for the rest, and a prompt box to try a model.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { modelsIcon } from '../icons';
import { IProvider, MODELS_PANEL_ID } from '../tokens';
import { AddProvider } from './add-provider';
import { ModelsModel } from './model';
import { ProviderCard } from './provider-card';

/** Not usable until the user adds something: a cloud key, or a reachable Ollama. */
function waiting(provider: IProvider): boolean {
  if (provider.key && !provider.key.set) {
    return true;
  }
  return (
    provider.id === 'ollama' && !provider.available && !provider.connection
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
            <ul className="jp-OmniPanel-providerCards" aria-label="Providers">
              {model.providers
                .filter(provider => !waiting(provider))
                .map(provider => (
                  <ProviderCard
                    key={provider.id}
                    model={model}
                    provider={provider}
                  />
                ))}
            </ul>
            <AddProvider
              model={model}
              waiting={model.providers.filter(waiting)}
            />
            <TryIt model={model} />
          </div>
        )}
      </UseSignal>
    );
  }
}
