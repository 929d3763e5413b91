/**
 * One open chat: its shown branch, the text being typed, its context items, and the
 * replies being written (followed from the server, which writes them with or without a
 * tab). The side panel and every chat tab each hold one.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  chatsAPI,
  IContextItem,
  IImageAttachment,
  IMessage,
  IModelChoice,
  IThread
} from './api';
import { FrameBatcher } from '../frames';
import { ChatState } from './state';

/** How many messages a chat loads at first; earlier ones load as the user scrolls up. */
export const FIRST_PAGE = 60;

export class ChatSession extends ChatState {
  thread: IThread | null = null;
  /** Set while the user edits a message: the edit is sent as its sibling. */
  editing: IMessage | null = null;
  /** The text typed in the input; kept when sending fails. */
  draft = '';
  /** Context from the workspace (the @ menu), sent with the next message. */
  context: IContextItem[] = [];
  /** Images pasted or dropped, sent with the next message. */
  attachments: IImageAttachment[] = [];
  /** Messages shown from the end of the branch (the rest wait above). */
  shown = FIRST_PAGE;

  /** Emitted when a message should be scrolled into view (a search hit). */
  get reveal(): ISignal<this, string> {
    return this._reveal;
  }

  /** The stored chat's id; null with no chat or a draft (not stored until it is sent). */
  get chatId(): string | null {
    return this.thread?.id || null;
  }

  /** A new chat not stored yet: the server gets it with its first message. */
  get isDraft(): boolean {
    return this.thread !== null && !this.thread.id;
  }

  /** Emitted with the new chat's id when a draft is stored (its first send). */
  get stored(): ISignal<this, string> {
    return this._stored;
  }

  /** Start a new chat in a project, as a draft: nothing is stored until the first send. */
  startDraft(projectId: string): void {
    this.thread = {
      id: '',
      project_id: projectId,
      title: '',
      tags: [],
      pinned: false,
      model: null,
      system_prompt: '',
      active_leaf_id: null,
      created_at: '',
      updated_at: '',
      messages: [],
      branch_length: 0
    };
    this.editing = null;
    this.draft = '';
    this.context = [];
    this.attachments = [];
    this.error = null;
    this._changed.emit();
  }

  /** Move a draft to another project (the user chose another one before sending). */
  moveDraft(projectId: string): void {
    if (this.thread && this.isDraft) {
      this.thread = { ...this.thread, project_id: projectId };
      this._changed.emit();
    }
  }

  /** The reply being written, if any. */
  get streaming(): IMessage | null {
    return this.thread?.messages.find(m => m.status === 'streaming') ?? null;
  }

  async open(chatId: string, leaf?: string): Promise<void> {
    await this.run(async () => {
      this.editing = null;
      this.shown = FIRST_PAGE;
      // Opening at a message (a search hit) loads its whole branch, to show it in place.
      this.thread = await chatsAPI.thread(
        chatId,
        leaf,
        leaf ? undefined : this.shown
      );
      this.shown = Math.max(this.shown, this.thread.messages.length);
      const live = this.streaming;
      if (live) {
        void this.follow(live.id);
      }
    });
    if (leaf) {
      this._reveal.emit(leaf);
    }
  }

  close(): void {
    this.thread = null;
    this.editing = null;
    this.context = [];
    this._changed.emit();
  }

  /** Messages of the branch not loaded yet (above the first one shown). */
  get earlier(): number {
    return this.thread
      ? this.thread.branch_length - this.thread.messages.length
      : 0;
  }

  /** Load earlier messages: twice as many each time, so any chat is a few loads away. */
  async showEarlier(): Promise<void> {
    this.shown *= 2;
    await this.run(() => this.reload());
  }

  setDraft(text: string): void {
    this.draft = text;
    this._changed.emit();
  }

  addContext(items: IContextItem[]): void {
    this.context = [...this.context, ...items];
    this._changed.emit();
  }

  addAttachment(image: IImageAttachment): void {
    this.attachments = [...this.attachments, image];
    this._changed.emit();
  }

  removeAttachment(index: number): void {
    this.attachments = this.attachments.filter((_, i) => i !== index);
    this._changed.emit();
  }

  removeContext(index: number): void {
    this.context = this.context.filter((_, i) => i !== index);
    this._changed.emit();
  }

  async send(): Promise<void> {
    const thread = this.thread;
    const text = this.draft;
    if (!thread || !text.trim() || this.streaming) {
      return;
    }
    await this.run(async () => {
      const parent = this.editing ? this.editing.parent_id : undefined;
      // A draft is stored now, with what was chosen for it (model, tags, pin).
      const created = thread.id
        ? null
        : await chatsAPI.create(thread.project_id, {
            model: thread.model,
            tags: thread.tags,
            pinned: thread.pinned,
            ...(thread.title ? { title: thread.title } : {})
          });
      const chatId = created?.id ?? thread.id;
      let reply: IMessage;
      try {
        reply = (
          await chatsAPI.send(
            chatId,
            text,
            parent,
            this.context,
            this.attachments
          )
        ).reply;
      } catch (error) {
        if (created) {
          // The message was refused: no empty chat is left behind; the draft stays.
          await chatsAPI.remove(created.id).catch(() => undefined);
        }
        throw error;
      }
      // Cleared only once the server has the message: a failure keeps what was typed.
      this.draft = '';
      this.context = [];
      this.attachments = [];
      this.editing = null;
      if (created) {
        this._stored.emit(created.id);
        if (this.thread !== thread) {
          return; // the user left the draft meanwhile; the reply goes on
        }
        this.thread = { ...thread, ...created };
      }
      await this.reload(reply.id);
      void this.follow(reply.id);
    });
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    const live = this.streaming;
    if (thread && live) {
      await this.run(async () => {
        await chatsAPI.stop(thread.id, live.id);
      });
    }
  }

  async regenerate(message: IMessage): Promise<void> {
    const thread = this.thread;
    if (!thread || this.streaming) {
      return;
    }
    await this.run(async () => {
      const { reply } = await chatsAPI.regenerate(thread.id, message.id);
      await this.reload(reply.id);
      void this.follow(reply.id);
    });
  }

  /** Show the previous (-1) or next (+1) version of a message; remembered. */
  async switchBranch(message: IMessage, step: number): Promise<void> {
    const thread = this.thread;
    const index = message.siblings.indexOf(message.id) + step;
    if (!thread || index < 0 || index >= message.siblings.length) {
      return;
    }
    await this.run(async () => {
      const shown = await chatsAPI.thread(
        thread.id,
        message.siblings[index],
        this.shown
      );
      const leaf = shown.messages[shown.messages.length - 1];
      this.thread = leaf ? { ...shown, active_leaf_id: leaf.id } : shown;
      if (leaf) {
        await chatsAPI.update(thread.id, { active_leaf_id: leaf.id });
      }
    });
  }

  /** Rename, tag or pin the chat. */
  async update(changes: {
    title?: string;
    tags?: string[];
    pinned?: boolean;
    model?: IModelChoice | null;
  }): Promise<void> {
    const thread = this.thread;
    if (thread && this.isDraft) {
      this.thread = { ...thread, ...changes }; // kept for the first send
      this._changed.emit();
    } else if (thread) {
      await this.run(async () => {
        const chat = await chatsAPI.update(thread.id, changes);
        this.thread = { ...thread, ...chat };
      });
    }
  }

  /** The last reply of the shown branch, if any. */
  get lastReply(): IMessage | null {
    const messages = this.thread?.messages ?? [];
    const last = messages[messages.length - 1];
    return last?.role === 'assistant' ? last : null;
  }

  startEdit(message: IMessage): void {
    this.editing = message;
    this.draft = message.content;
    this._changed.emit();
  }

  cancelEdit(): void {
    this.editing = null;
    this.draft = '';
    this._changed.emit();
  }

  private async follow(messageId: string): Promise<void> {
    const chatId = this.thread?.id;
    if (!chatId) {
      return;
    }
    // The text arrives as often as the server writes; the chat shows it once a frame.
    let latest: string | null = null;
    const frames = new FrameBatcher(() => {
      const live = this.thread?.messages.find(m => m.id === messageId);
      if (live && latest !== null) {
        live.content = latest;
        this._changed.emit();
      }
    });
    try {
      await chatsAPI.follow(chatId, messageId, text => {
        latest = text;
        frames.schedule();
      });
    } catch (error) {
      this.error = (error as Error).message;
    }
    frames.flush();
    if (this.thread?.id === chatId) {
      await this.run(() => this.reload());
    }
  }

  /** Fetch the shown branch again (its last `shown` messages), through `leaf`. */
  private async reload(leaf?: string): Promise<void> {
    const thread = this.thread;
    if (thread) {
      const through = leaf ?? thread.active_leaf_id ?? undefined;
      this.thread = await chatsAPI.thread(thread.id, through, this.shown);
    }
  }

  private _reveal = new Signal<this, string>(this);
  private _stored = new Signal<this, string>(this);
}
