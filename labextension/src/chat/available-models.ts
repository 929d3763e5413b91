/**
 * The models a chat can use (every model of every available provider) and their context
 * windows, kept fresh: asked again when a model picker gets the focus, and when the
 * page or a chat is opened after a while, so that a key set or a model pulled in the
 * Models panel shows up without reloading the page.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

import { requestAPI } from '../request';
import { IProvider } from '../tokens';

/** After this long the list is asked again the next time it is used. */
const MAX_AGE_MS = 15_000;

export class AvailableModels {
  constructor() {
    window.addEventListener('focus', this._onFocus);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** "provider/model" → context window (tokens, or null when unknown). */
  get contextWindows(): ReadonlyMap<string, number | null> {
    return this._models;
  }

  /** Whether the server's list has arrived (the list is empty until then). */
  get loaded(): boolean {
    return this._loadedAt > 0;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Ask the server now (one request at a time); a failure keeps the last list. */
  refresh(): Promise<void> {
    this._pending ??= this._load().finally(() => (this._pending = null));
    return this._pending;
  }

  /** Ask again when the list is older than a few seconds (or was never asked). */
  refreshIfStale(): void {
    if (Date.now() - this._loadedAt > MAX_AGE_MS) {
      void this.refresh();
    }
  }

  dispose(): void {
    if (!this._disposed) {
      this._disposed = true;
      window.removeEventListener('focus', this._onFocus);
      Signal.clearData(this);
    }
  }

  private async _load(): Promise<void> {
    try {
      const listing = await requestAPI<{ items: IProvider[] }>(
        'models/providers'
      );
      this._models = new Map(
        listing.items
          .filter(provider => provider.available)
          .flatMap(provider =>
            provider.models.map(
              m => [`${provider.id}/${m.id}`, m.context_length] as const
            )
          )
      );
      this._loadedAt = Date.now();
      this._changed.emit();
    } catch {
      // The picker still offers the chat's own model and the project default.
    }
  }

  private _onFocus = () => this.refreshIfStale();
  private _models = new Map<string, number | null>();
  private _loadedAt = 0;
  private _pending: Promise<void> | null = null;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}

/** The context windows of the available models, re-rendering when they change. */
export function useContextWindows(
  models: AvailableModels
): ReadonlyMap<string, number | null> {
  const [windows, setWindows] = useState(models.contextWindows);
  useEffect(() => {
    const update = () => setWindows(models.contextWindows);
    models.changed.connect(update);
    update();
    models.refreshIfStale();
    return () => {
      models.changed.disconnect(update);
    };
  }, [models]);
  return windows;
}
