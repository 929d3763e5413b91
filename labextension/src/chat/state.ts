/**
 * What the chat list and a chat session share: a `changed` signal for the views, and
 * work whose failure becomes the `error` shown to the user instead of being thrown.
 */
import { ISignal, Signal } from '@lumino/signaling';

export abstract class ChatState {
  error: string | null = null;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Run `work`; its error (or none) is shown, then the views update. */
  protected async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
    this._changed.emit();
  }

  protected _changed = new Signal<this, void>(this);
}
