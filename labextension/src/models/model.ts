/**
 * The models panel's state: providers, the chosen model, and one "try it" exchange.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI, requestRaw } from '../request';
import { IProvider, IStreamStats } from '../tokens';

/** A model server the user connects: OpenAI-compatible or Ollama. */
export interface IConnectionFields {
  kind: 'openai' | 'ollama';
  baseUrl: string;
  apiKey?: string;
}

function connectionBody(fields: IConnectionFields): Record<string, string> {
  const body: Record<string, string> = {
    kind: fields.kind,
    base_url: fields.baseUrl.trim()
  };
  if (fields.apiKey?.trim()) {
    body.api_key = fields.apiKey.trim();
  }
  return body;
}
import { readEvents, StreamError, streamChat } from './stream';

export class ModelsModel {
  maxTokens = 256;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get providers(): readonly IProvider[] {
    return this._providers;
  }

  get loading(): boolean {
    return this._loading;
  }

  get error(): string | null {
    return this._error;
  }

  /** "provider/model" of the chosen model, or '' before providers are known. */
  get choice(): string {
    return this._choice;
  }

  get reply(): string {
    return this._reply;
  }

  get replyError(): string | null {
    return this._replyError;
  }

  get stats(): IStreamStats | null {
    return this._stats;
  }

  get streaming(): boolean {
    return this._abort !== null;
  }

  choose(choice: string): void {
    this._choice = choice;
    this._changed.emit();
  }

  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const result = await requestAPI<{
        items: IProvider[];
        default: { provider: string; model: string };
      }>('models/providers');
      this._providers = result.items;
      this._error = null;
      if (!this._choice) {
        // The server's default model, else the first model anyone offers.
        const preferred = this._providers.find(
          p => p.id === result.default.provider && p.models.length > 0
        );
        const first =
          preferred ?? this._providers.find(p => p.models.length > 0);
        const model =
          first?.models.find(m => m.id === result.default.model) ??
          first?.models[0];
        this._choice = first && model ? `${first.id}/${model.id}` : '';
      }
    } catch (error) {
      this._error = (error as Error).message;
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /** Ask the chosen model; the reply streams into `reply`. */
  async ask(prompt: string): Promise<void> {
    const [provider, ...rest] = this._choice.split('/');
    if (!provider || !prompt.trim() || this._abort) {
      return;
    }
    this._abort = new AbortController();
    this._reply = '';
    this._replyError = null;
    this._stats = null;
    this._changed.emit();
    try {
      await streamChat(
        {
          provider,
          model: rest.join('/'),
          messages: [{ role: 'user', content: prompt }],
          max_tokens: this.maxTokens
        },
        {
          onText: text => {
            this._reply += text;
            this._changed.emit();
          },
          onStats: stats => {
            this._stats = stats;
          }
        },
        this._abort.signal
      );
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        // What had arrived stays on screen, with the reason it stopped.
        if (error instanceof StreamError && error.partialText) {
          this._reply = error.partialText;
        }
        this._replyError = (error as Error).message;
      }
    } finally {
      this._abort = null;
      this._changed.emit();
    }
    // The engine may have started (or restarted): show its state now.
    await this.refresh();
  }

  /** Store the user's API key for a provider (encrypted on the server). */
  async setKey(provider: string, value: string): Promise<void> {
    await requestAPI(`secrets/${encodeURIComponent(provider)}`, {
      method: 'PUT',
      body: JSON.stringify({ value })
    });
    await this.refresh();
  }

  /** List a server's models before saving it as a connection (throws on a refusal). */
  async testConnection(
    fields: IConnectionFields
  ): Promise<{ ok: boolean; message?: string; models: string[] }> {
    return requestAPI('connection-tests', {
      method: 'POST',
      body: JSON.stringify(connectionBody(fields))
    });
  }

  /** Add (or replace) the user's connection `name`; it is listed at once. */
  async saveConnection(name: string, fields: IConnectionFields): Promise<void> {
    await requestAPI(`connections/${encodeURIComponent(name)}`, {
      method: 'PUT',
      body: JSON.stringify(connectionBody(fields))
    });
    await this.refresh();
  }

  async removeConnection(name: string): Promise<void> {
    try {
      await requestAPI(`connections/${encodeURIComponent(name)}`, {
        method: 'DELETE'
      });
      if (this._choice.startsWith(`${name}/`)) {
        this._choice = '';
      }
    } catch (error) {
      this._error = (error as Error).message;
    }
    await this.refresh();
  }

  async removeKey(provider: string): Promise<void> {
    await requestAPI(`secrets/${encodeURIComponent(provider)}`, {
      method: 'DELETE'
    });
    await this.refresh();
  }

  /** Progress of an Ollama download: null when none is running. */
  get pull(): {
    model: string;
    status: string;
    fraction: number | null;
  } | null {
    return this._pull;
  }

  /** Download an Ollama model, with progress; `cancelPull` stops it. */
  async pullOllama(model: string): Promise<void> {
    if (this._pullAbort || !model.trim()) {
      return;
    }
    this._pullAbort = new AbortController();
    this._pull = { model, status: 'starting', fraction: null };
    this._changed.emit();
    try {
      const response = await requestRaw('models/ollama/pull', {
        method: 'POST',
        body: JSON.stringify({ model }),
        signal: this._pullAbort.signal
      });
      await readEvents(response, (event, data) => {
        if (event === 'progress') {
          const fraction = data.total ? data.completed / data.total : null;
          this._pull = { model, status: data.status, fraction };
          this._changed.emit();
        } else if (event === 'error') {
          throw new Error(data.message);
        }
      });
      this._error = null;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        this._error = (error as Error).message;
      }
    } finally {
      this._pull = null;
      this._pullAbort = null;
      this._changed.emit();
    }
    await this.refresh();
  }

  cancelPull(): void {
    this._pullAbort?.abort();
  }

  /** Delete a model file: Ollama's, or a GGUF of the local models folder. */
  async removeModel(provider: string, model: string): Promise<void> {
    const kind = provider === 'ollama' ? 'ollama' : 'local';
    try {
      await requestAPI(`models/${kind}/models/${encodeURIComponent(model)}`, {
        method: 'DELETE'
      });
    } catch (error) {
      this._error = (error as Error).message;
    }
    await this.refresh();
  }

  stop(): void {
    this._abort?.abort();
  }

  private _providers: IProvider[] = [];
  private _loading = false;
  private _error: string | null = null;
  private _choice = '';
  private _reply = '';
  private _replyError: string | null = null;
  private _stats: IStreamStats | null = null;
  private _abort: AbortController | null = null;
  private _pull: {
    model: string;
    status: string;
    fraction: number | null;
  } | null = null;
  private _pullAbort: AbortController | null = null;
  private _changed = new Signal<this, void>(this);
}
