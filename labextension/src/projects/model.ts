/**
 * The projects list as the panel shows it: query state, loaded pages, and changes.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI } from '../request';
import {
  IProject,
  IProjectChanges,
  IProjectPage,
  ITagCount,
  SortKey
} from '../tokens';

export interface IProjectsQuery {
  text: string;
  tag: string;
  favoritesOnly: boolean;
  sort: SortKey;
}

export class ProjectsModel {
  constructor(options: { pageSize?: number; sort?: SortKey } = {}) {
    this.pageSize = options.pageSize ?? 50;
    this._query = { ...this._query, sort: options.sort ?? '-updated' };
  }

  pageSize: number;

  /** Emitted after any change of query, items, loading state, error or selection. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get query(): IProjectsQuery {
    return this._query;
  }

  get items(): readonly IProject[] {
    return this._items;
  }

  get total(): number {
    return this._total;
  }

  get tags(): readonly ITagCount[] {
    return this._tags;
  }

  get loading(): boolean {
    return this._loading;
  }

  get error(): string | null {
    return this._error;
  }

  get hasMore(): boolean {
    return this._items.length < this._total;
  }

  /** The project that palette commands act on when no id is given. */
  get selected(): IProject | null {
    return this._items.find(item => item.id === this._selectedId) ?? null;
  }

  /** The chosen project's id (even when the current filter hides it). */
  get selectedId(): string | null {
    return this._selectedId;
  }

  select(id: string | null): void {
    if (id === this._selectedId) {
      return;
    }
    this._selectedId = id;
    this._changed.emit();
  }

  find(id: string): IProject | null {
    return this._items.find(item => item.id === id) ?? null;
  }

  setQuery(changes: Partial<IProjectsQuery>): Promise<void> {
    this._query = { ...this._query, ...changes };
    return this.refresh();
  }

  /** Reload the first page (and the tag list) for the current query. */
  async refresh(): Promise<void> {
    const request = ++this._requestCount;
    this._setLoading(true);
    try {
      const [page, tags] = await Promise.all([
        this._fetchPage(0),
        requestAPI<{ items: ITagCount[] }>('tags')
      ]);
      // A newer refresh (the user kept typing) wins over this one.
      if (request !== this._requestCount) {
        return;
      }
      this._items = page.items;
      this._total = page.total;
      this._tags = tags.items;
      this._error = null;
    } catch (error) {
      if (request === this._requestCount) {
        this._error = (error as Error).message;
      }
    } finally {
      if (request === this._requestCount) {
        this._setLoading(false);
      }
    }
  }

  async loadMore(): Promise<void> {
    if (!this.hasMore || this._loading) {
      return;
    }
    this._setLoading(true);
    try {
      const page = await this._fetchPage(this._items.length);
      const known = new Set(this._items.map(item => item.id));
      this._items = [
        ...this._items,
        ...page.items.filter(item => !known.has(item.id))
      ];
      this._total = page.total;
      this._error = null;
    } catch (error) {
      this._error = (error as Error).message;
    } finally {
      this._setLoading(false);
    }
  }

  async create(changes: IProjectChanges): Promise<IProject> {
    const project = await requestAPI<IProject>('projects', {
      method: 'POST',
      body: JSON.stringify(changes)
    });
    this._selectedId = project.id;
    await this.refresh();
    return project;
  }

  /** Create a project from an exported archive (.zip). */
  async importArchive(archive: Blob): Promise<IProject> {
    const project = await requestAPI<IProject>('projects/import', {
      method: 'POST',
      body: archive,
      headers: { 'Content-Type': 'application/zip' }
    });
    this._selectedId = project.id;
    await this.refresh();
    return project;
  }

  async update(id: string, changes: IProjectChanges): Promise<IProject> {
    const project = await requestAPI<IProject>(
      `projects/${encodeURIComponent(id)}`,
      { method: 'PATCH', body: JSON.stringify(changes) }
    );
    // Show the change at once; a refresh then re-applies filters and order.
    this._items = this._items.map(item => (item.id === id ? project : item));
    this._changed.emit();
    await this.refresh();
    return project;
  }

  /** Delete a project; its folder is kept unless `deleteFiles`. */
  async remove(id: string, deleteFiles = false): Promise<void> {
    await requestAPI<void>(
      `projects/${encodeURIComponent(id)}?delete_files=${deleteFiles}`,
      { method: 'DELETE' }
    );
    if (this._selectedId === id) {
      this._selectedId = null;
    }
    await this.refresh();
  }

  dismissError(): void {
    this._error = null;
    this._changed.emit();
  }

  private _fetchPage(offset: number): Promise<IProjectPage> {
    const params = new URLSearchParams({
      sort: this._query.sort,
      limit: String(this.pageSize),
      offset: String(offset)
    });
    if (this._query.text.trim()) {
      params.set('q', this._query.text.trim());
    }
    if (this._query.tag) {
      params.set('tag', this._query.tag);
    }
    if (this._query.favoritesOnly) {
      params.set('favorite', 'true');
    }
    return requestAPI<IProjectPage>(`projects?${params.toString()}`);
  }

  private _setLoading(loading: boolean): void {
    this._loading = loading;
    this._changed.emit();
  }

  private _query: IProjectsQuery = {
    text: '',
    tag: '',
    favoritesOnly: false,
    sort: '-updated'
  };
  private _items: IProject[] = [];
  private _total = 0;
  private _tags: ITagCount[] = [];
  private _loading = false;
  private _error: string | null = null;
  private _selectedId: string | null = null;
  private _requestCount = 0;
  private _changed = new Signal<this, void>(this);
}
