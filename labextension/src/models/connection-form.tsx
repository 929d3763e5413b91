/**
 * Connect a model server: an OpenAI-compatible endpoint (name, base URL, optional key)
 * or the user's Ollama (its URL). "Test" lists its models before anything is saved.
 */
import React, { useState } from 'react';

import { IConnectionFields, ModelsModel } from './model';

type Outcome = { ok: boolean; text: string } | null;

export function ConnectionForm(props: {
  model: ModelsModel;
  kind: 'openai' | 'ollama';
  /** Called once the connection is saved. */
  done: () => void;
}): JSX.Element {
  const { model, kind, done } = props;
  const ollama = kind === 'ollama';
  const [name, setName] = useState(ollama ? 'ollama' : '');
  const [baseUrl, setBaseUrl] = useState(
    ollama ? 'http://127.0.0.1:11434' : ''
  );
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const fields = (): IConnectionFields => ({ kind, baseUrl, apiKey });
  const work = async (step: () => Promise<Outcome>) => {
    setBusy(true);
    try {
      setOutcome(await step());
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const test = () =>
    work(async () => {
      const result = await model.testConnection(fields());
      if (!result.ok) {
        return { ok: false, text: result.message ?? 'No answer.' };
      }
      const count = result.models.length;
      const names = result.models.slice(0, 5).join(', ');
      return {
        ok: true,
        text: `Connected: ${count} model${count === 1 ? '' : 's'}${count ? ` (${names}${count > 5 ? ', …' : ''})` : ''}.`
      };
    });
  const save = () =>
    work(async () => {
      await model.saveConnection(name.trim(), fields());
      done();
      return null;
    });
  const label = ollama ? 'Ollama' : 'OpenAI-compatible server';
  return (
    <form
      className="jp-OmniPanel-connectionForm"
      aria-label={`Connect ${label}`}
      onSubmit={event => {
        event.preventDefault();
        void save();
      }}
    >
      {!ollama && (
        <label>
          <span>Name</span>
          <input
            className="jp-OmniPanel-search"
            aria-label="Connection name"
            placeholder="my-server"
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
            title="Lower-case letters, digits, '.', '_' or '-'"
            required
            value={name}
            onChange={event => setName(event.target.value.toLowerCase())}
          />
        </label>
      )}
      <label>
        <span>{ollama ? 'Ollama URL' : 'Base URL'}</span>
        <input
          className="jp-OmniPanel-search"
          aria-label={ollama ? 'Ollama URL' : 'Base URL'}
          placeholder={
            ollama ? 'http://127.0.0.1:11434' : 'http://127.0.0.1:8000/v1'
          }
          type="url"
          required
          value={baseUrl}
          onChange={event => setBaseUrl(event.target.value)}
        />
      </label>
      {!ollama && (
        <label>
          <span>API key (optional)</span>
          <input
            className="jp-OmniPanel-search"
            aria-label="API key (optional)"
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={event => setApiKey(event.target.value)}
          />
        </label>
      )}
      <div className="jp-OmniPanel-providerRow">
        <button
          type="button"
          className="jp-OmniPanel-toggle"
          disabled={busy || !baseUrl.trim()}
          onClick={() => void test()}
        >
          Test
        </button>
        <button
          type="submit"
          className="jp-OmniPanel-primary"
          disabled={busy || !baseUrl.trim() || !name.trim()}
        >
          {ollama ? 'Save URL' : 'Add connection'}
        </button>
      </div>
      {outcome && (
        <p
          className={`jp-OmniPanel-connectionOutcome ${outcome.ok ? 'jp-mod-ok' : 'jp-mod-error'}`}
          role={outcome.ok ? 'status' : 'alert'}
        >
          {outcome.text}
        </p>
      )}
      <p className="jp-OmniPanel-note">
        {ollama
          ? 'Your own Ollama: its models appear here for you only.'
          : 'llama.cpp, vLLM, LM Studio, OpenRouter, … The key is stored encrypted on the server and never shown again.'}
      </p>
    </form>
  );
}
