/**
 * The chat list of the side panel: projects, the chosen project's chats, search hits.
 */
import { requestAPI } from '../request';
import { IProjectPage } from '../tokens';
import { chatsAPI, IChat, ISearchHit } from './api';
import { ChatState } from './state';

export class ChatListModel extends ChatState {
  projects: { id: string; name: string; folder: string }[] = [];
  projectId: string | null = null;
  chats: IChat[] = [];
  hits: ISearchHit[] | null = null;

  get project(): { id: string; name: string; folder: string } | null {
    return this.projects.find(p => p.id === this.projectId) ?? null;
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
    });
  }

  async setProject(projectId: string): Promise<void> {
    this.projectId = projectId;
    this.hits = null;
    await this.run(() => this.loadChats());
  }

  /** A new chat in the chosen project; its id, or null when there is no project. */
  async newChat(): Promise<string | null> {
    let id: string | null = null;
    await this.run(async () => {
      if (!this.projectId) {
        throw new Error('Create a project first (Projects panel).');
      }
      id = (await chatsAPI.create(this.projectId)).id;
      await this.loadChats();
    });
    return id;
  }

  /** A chat exported as JSON becomes a new chat of the chosen project. */
  async importChat(file: File): Promise<void> {
    await this.run(async () => {
      if (!this.projectId) {
        throw new Error('Choose a project first.');
      }
      await chatsAPI.importChat(this.projectId, await file.text());
      this.hits = null; // show the list, where the new chat is
      await this.loadChats();
    });
  }

  async togglePin(chat: IChat): Promise<void> {
    await this.run(async () => {
      await chatsAPI.update(chat.id, { pinned: !chat.pinned });
      await this.loadChats();
    });
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

  private async loadChats(): Promise<void> {
    this.chats = this.projectId
      ? (await chatsAPI.list(this.projectId)).items
      : [];
  }
}
