/**
 * Warnings the server gives about its set-up (`warnings` of GET /status), e.g. a
 * PostgreSQL store shared by every user of a JupyterHub.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../request';

/** One warning: a stable id and a message written for the user. */
export interface IServerWarning {
  id: string;
  message: string;
}

export class ServerWarnings {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get items(): readonly IServerWarning[] {
    return this._items;
  }

  /** Ask the server; an unreachable server keeps the warnings already known. */
  async refresh(): Promise<void> {
    try {
      const status = await requestAPI<{ warnings?: IServerWarning[] }>(
        'status'
      );
      this._items = status.warnings ?? [];
      this._changed.emit();
    } catch {
      // The chat shows its own error when the server cannot be reached.
    }
  }

  private _items: IServerWarning[] = [];
  private _changed = new Signal<this, void>(this);
}
