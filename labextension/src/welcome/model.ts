/**
 * The welcome's state: the first project it made, and one answer of the built-in model.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { streamChat, StreamError } from '../models/stream';
import { requestAPI } from '../request';
import { IProject, IStreamStats } from '../tokens';

/** What the welcome asks the built-in model first: it should answer with code. */
export const FIRST_PROMPT =
  'Write a Python function that returns the squares of a list of numbers.';

export class WelcomeModel {
  project: IProject | null = null;
  reply = '';
  stats: IStreamStats | null = null;
  error: string | null = null;
  busy = false;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get streaming(): boolean {
    return this._abort !== null;
  }

  /** Make the user's first project. */
  async createProject(name: string): Promise<void> {
    await this._run(async () => {
      this.project = await requestAPI<IProject>('projects', {
        method: 'POST',
        body: JSON.stringify({ name: name.trim() || 'My first project' })
      });
    });
  }

  /** Ask the built-in model; its answer streams into `reply`. */
  async ask(prompt: string): Promise<void> {
    if (this._abort || !prompt.trim()) {
      return;
    }
    this._abort = new AbortController();
    this.reply = '';
    this.stats = null;
    this.error = null;
    this._changed.emit();
    try {
      await streamChat(
        {
          provider: 'builtin',
          model: '',
          messages: [{ role: 'user', content: prompt }],
          max_tokens: 200
        },
        {
          onText: text => {
            this.reply += text;
            this._changed.emit();
          },
          onStats: stats => {
            this.stats = stats;
          }
        },
        this._abort.signal
      );
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        if (error instanceof StreamError && error.partialText) {
          this.reply = error.partialText;
        }
        this.error = (error as Error).message;
      }
    } finally {
      this._abort = null;
      this._changed.emit();
    }
  }

  stop(): void {
    this._abort?.abort();
  }

  private async _run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this._changed.emit();
    try {
      await work();
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
      this._changed.emit();
    }
  }

  private _abort: AbortController | null = null;
  private _changed = new Signal<this, void>(this);
}
