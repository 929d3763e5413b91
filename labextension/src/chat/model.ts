/**
 * The chat list of the side panel: projects, the chosen project's chats (a page at a
 * time), search results, and what can be done to a chat from the list.
 */
import { requestAPI } from '../request';
import { IProjectPage } from '../tokens';
import { chatsAPI, IChat, ISearchHit } from './api';
import { ChatState } from './state';

/** Chats fetched at a time: the list stays quick with 10,000 chats. */
export const CHAT_PAGE = 100;

export interface IProjectSummary {
  id: string;
  name: string;
  folder: string;
}

export class ChatListModel extends ChatState {
  projects: IProjectSummary[] = [];
  projectId: string | null = null;
  chats: IChat[] = [];
  /** How many chats the project has (``chats`` may be the first pages only). */
  total = 0;
  /** The search text; while it is set the list shows the results instead. */
  query = '';
  /** Chats of any project whose title matches the search. */
  titleHits: IChat[] | null = null;
  /** Messages that match the search (full-text). */
  hits: ISearchHit[] | null = null;

  get project(): IProjectSummary | null {
    return this.projects.find(p => p.id === this.projectId) ?? null;
  }

  get hasMore(): boolean {
    return this.chats.length < this.total;
  }

  projectName(projectId: string): string {
    return this.projects.find(p => p.id === projectId)?.name ?? '';
  }

  async refresh(): Promise<void> {
    await this.run(async () => {
      const page = await requestAPI<IProjectPage>('projects?limit=200');
      this.projects = page.items.map(p => ({
        id: p.id,
        name: p.name,
        folder: p.folder
      }));
      if (!this.projects.find(p => p.id === this.projectId)) {
        this.projectId = this.projects[0]?.id ?? null;
      }
      await this.loadChats();
      if (this.query) {
        await this.loadResults(this.query);
      }
    });
  }

  async setProject(projectId: string): Promise<void> {
    if (projectId === this.projectId) {
      return;
    }
    this.projectId = projectId;
    this.chats = [];
    this.total = 0;
    await this.run(() => this.loadChats());
  }

  /** The next page of the project's chats. */
  async loadMore(): Promise<void> {
    if (!this.hasMore || this._loadingMore || !this.projectId) {
      return;
    }
    this._loadingMore = true;
    const projectId = this.projectId;
    await this.run(async () => {
      try {
        const page = await chatsAPI.list(projectId, this.chats.length);
        if (projectId === this.projectId) {
          const known = new Set(this.chats.map(chat => chat.id));
          this.chats = [
            ...this.chats,
            ...page.items.filter(chat => !known.has(chat.id))
          ];
          this.total = page.total;
        }
      } finally {
        this._loadingMore = false;
      }
    });
  }

  /** A chat exported as JSON becomes a new chat of the chosen project. */
  async importChat(file: File): Promise<void> {
    await this.run(async () => {
      if (!this.projectId) {
        throw new Error('Choose a project first.');
      }
      await chatsAPI.importChat(this.projectId, await file.text());
      this.clearSearch(); // show the list, where the new chat is
      await this.loadChats();
    });
  }

  async togglePin(chat: IChat): Promise<void> {
    await this.change(chat, { pinned: !chat.pinned });
  }

  async rename(chat: IChat, title: string): Promise<void> {
    await this.change(chat, { title });
  }

  async setTags(chat: IChat, tags: string[]): Promise<void> {
    await this.change(chat, { tags });
  }

  async remove(chat: IChat): Promise<void> {
    await this.run(async () => {
      await chatsAPI.remove(chat.id);
      const gone = (chats: IChat[]) => chats.filter(c => c.id !== chat.id);
      this.chats = gone(this.chats);
      this.total = Math.max(0, this.total - 1);
      this.titleHits = this.titleHits && gone(this.titleHits);
      this.hits = this.hits && this.hits.filter(h => h.chat_id !== chat.id);
    });
  }

  /** Search titles and messages of every chat; an empty text shows the list again. */
  async search(query: string): Promise<void> {
    this.query = query.trim();
    if (!this.query) {
      this.clearSearch();
      this._changed.emit();
      return;
    }
    await this.run(() => this.loadResults(this.query));
  }

  clearSearch(): void {
    this.query = '';
    this.titleHits = null;
    this.hits = null;
  }

  private async change(chat: IChat, changes: Partial<IChat>): Promise<void> {
    await this.run(async () => {
      const changed = await chatsAPI.update(chat.id, changes);
      const swap = (chats: IChat[]) =>
        chats.map(c => (c.id === chat.id ? changed : c));
      this.titleHits = this.titleHits && swap(this.titleHits);
      if ('pinned' in changes) {
        await this.loadChats(); // pinned chats come first: the order changes
      } else {
        this.chats = swap(this.chats);
      }
    });
  }

  private async loadResults(query: string): Promise<void> {
    const request = ++this._searches;
    const [titles, hits] = await Promise.all([
      chatsAPI.list(null, 0, query),
      chatsAPI.search(query)
    ]);
    // Typing goes on while results come: only the latest search is shown.
    if (request === this._searches && query === this.query) {
      this.titleHits = titles.items;
      this.hits = hits.items;
    }
  }

  /** The first page again, or as many pages as were shown (kept while working). */
  private async loadChats(): Promise<void> {
    if (!this.projectId) {
      this.chats = [];
      this.total = 0;
      return;
    }
    const projectId = this.projectId;
    const shown = Math.min(200, Math.max(CHAT_PAGE, this.chats.length));
    const page = await chatsAPI.list(projectId, 0, undefined, shown);
    if (projectId === this.projectId) {
      this.chats = page.items;
      this.total = page.total;
    }
  }

  private _loadingMore = false;
  private _searches = 0;
}
