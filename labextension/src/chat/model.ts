/**
 * State of the chat panel: the project, its chats, the open chat's shown branch and the
 * replies being written (followed from the server, which writes them even with no tab).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../request';
import { IProjectPage } from '../tokens';
import { chatsAPI, IChat, IMessage, ISearchHit, IThread } from './api';

export class ChatModel {
  projects: { id: string; name: string }[] = [];
  projectId: string | null = null;
  chats: IChat[] = [];
  thread: IThread | null = null;
  hits: ISearchHit[] | null = null;
  /** Set while the user edits a message: the edit is sent as its sibling. */
  editing: IMessage | null = null;
  error: string | null = null;
  /** The text typed in the input; kept when sending fails. */
  draft = '';

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The reply being written in the open chat, if any. */
  get streaming(): IMessage | null {
    return this.thread?.messages.find(m => m.status === 'streaming') ?? null;
  }

  async refresh(): Promise<void> {
    await this.run(async () => {
      const page = await requestAPI<IProjectPage>('projects?limit=200');
      this.projects = page.items.map(p => ({ id: p.id, name: p.name }));
      if (!this.projects.find(p => p.id === this.projectId)) {
        this.projectId = this.projects[0]?.id ?? null;
      }
      await this.loadChats();
    });
  }

  async setProject(projectId: string): Promise<void> {
    this.projectId = projectId;
    this.thread = null;
    await this.run(() => this.loadChats());
  }

  async newChat(): Promise<void> {
    await this.run(async () => {
      if (!this.projectId) {
        throw new Error('Create a project first (Projects panel).');
      }
      const chat = await chatsAPI.create(this.projectId);
      await this.loadChats();
      await this.openChat(chat.id);
    });
  }

  async openChat(chatId: string, leaf?: string): Promise<void> {
    await this.run(async () => {
      this.thread = await chatsAPI.thread(chatId, leaf);
      this.hits = null;
      this.editing = null;
      const live = this.streaming;
      if (live) {
        void this.follow(live.id);
      }
    });
  }

  closeChat(): void {
    this.thread = null;
    this.editing = null;
    void this.run(() => this.loadChats());
  }

  async send(): Promise<void> {
    const thread = this.thread;
    const text = this.draft;
    if (!thread || !text.trim() || this.streaming) {
      return;
    }
    await this.run(async () => {
      const parent = this.editing ? this.editing.parent_id : undefined;
      const { reply } = await chatsAPI.send(thread.id, text, parent);
      this.draft = ''; // cleared only once the server has the message
      this.editing = null;
      this.thread = await chatsAPI.thread(thread.id);
      void this.follow(reply.id);
    });
  }

  async stop(): Promise<void> {
    const live = this.streaming;
    if (this.thread && live) {
      await this.run(async () => {
        await chatsAPI.stop(this.thread!.id, live.id);
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
      this.thread = await chatsAPI.thread(thread.id);
      void this.follow(reply.id);
    });
  }

  /** Show the previous (-1) or next (+1) alternative of a message. */
  async switchBranch(message: IMessage, step: number): Promise<void> {
    const thread = this.thread;
    const index = message.siblings.indexOf(message.id) + step;
    if (!thread || index < 0 || index >= message.siblings.length) {
      return;
    }
    await this.run(async () => {
      const shown = await chatsAPI.thread(thread.id, message.siblings[index]);
      const leaf = shown.messages[shown.messages.length - 1];
      this.thread = leaf ? { ...shown, active_leaf_id: leaf.id } : shown;
      if (leaf) {
        await chatsAPI.update(thread.id, { active_leaf_id: leaf.id });
      }
    });
  }

  setDraft(text: string): void {
    this.draft = text;
    this._changed.emit();
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

  async search(query: string): Promise<void> {
    if (!query.trim()) {
      this.hits = null;
      this._changed.emit();
      return;
    }
    await this.run(async () => {
      this.hits = (await chatsAPI.search(query)).items;
    });
  }

  private async follow(messageId: string): Promise<void> {
    const chatId = this.thread?.id;
    if (!chatId) {
      return;
    }
    try {
      await chatsAPI.follow(chatId, messageId, text => {
        const live = this.thread?.messages.find(m => m.id === messageId);
        if (live) {
          live.content = text;
          this._changed.emit();
        }
      });
    } catch (error) {
      this.error = (error as Error).message;
    }
    if (this.thread?.id === chatId) {
      await this.openChat(chatId);
    }
  }

  private async loadChats(): Promise<void> {
    this.chats = this.projectId
      ? (await chatsAPI.list(this.projectId)).items
      : [];
  }

  private async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
}
