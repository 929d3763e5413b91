/**
 * Shared ids and types of the OmniPanel front end.
 */
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

/**
 * The project chosen in the Projects panel: the chat panel shows its chats and files new
 * chats in it (provided by the projects plugin).
 */
export interface IProjectSelection {
  readonly selectedId: string | null;
  select(id: string | null): void;
  /** Emitted on any change of the projects model (compare `selectedId`). */
  readonly changed: ISignal<unknown, void>;
}

export const IProjectSelection = new Token<IProjectSelection>(
  'omnipanel-lab:IProjectSelection',
  'The project chosen in the Projects panel.'
);

/** Command ids; every command is also in the palette under "OmniPanel". */
export namespace CommandIDs {
  export const openProjects = 'omnipanel:open-projects';
  export const newProject = 'omnipanel:new-project';
  export const refreshProjects = 'omnipanel:refresh-projects';
  export const renameProject = 'omnipanel:rename-project';
  export const tagProject = 'omnipanel:tag-project';
  export const toggleFavorite = 'omnipanel:toggle-favorite';
  export const deleteProject = 'omnipanel:delete-project';
  export const openProjectFolder = 'omnipanel:open-project-folder';
  export const exportProject = 'omnipanel:export-project';
  export const setProjectModel = 'omnipanel:set-project-model';
  export const setContextFiles = 'omnipanel:set-project-context-files';
  export const importProject = 'omnipanel:import-project';
  export const openModels = 'omnipanel:open-models';
  export const refreshModels = 'omnipanel:refresh-models';
  export const openChat = 'omnipanel:open-chat';
  export const newChat = 'omnipanel:new-chat';
  export const focusChatInput = 'omnipanel:focus-chat-input';
  export const stopReply = 'omnipanel:stop-reply';
  export const openChatInTab = 'omnipanel:open-chat-in-tab';
  export const addCellContext = 'omnipanel:add-cell-context';
  export const regenerateReply = 'omnipanel:regenerate-reply';
  export const renameChat = 'omnipanel:rename-chat';
  export const tagChat = 'omnipanel:tag-chat';
  export const exportChat = 'omnipanel:export-chat';
  export const searchChats = 'omnipanel:search-chats';
  export const showShortcuts = 'omnipanel:show-shortcuts';
  export const openWelcome = 'omnipanel:open-welcome';
}

export const PALETTE_CATEGORY = 'OmniPanel';

/** Id of the projects sidebar widget (also its DOM id). */
export const PROJECTS_PANEL_ID = 'omnipanel-projects';

/** Id of the chat sidebar widget, on the right (also its DOM id). */
export const CHAT_PANEL_ID = 'omnipanel-chat';

/** Id of the models sidebar widget (also its DOM id). */
export const MODELS_PANEL_ID = 'omnipanel-models';

export type Role = 'owner' | 'editor' | 'viewer';

export type SortKey =
  'updated' | '-updated' | 'name' | '-name' | 'created' | '-created';

/** A project as the server returns it (see schema/openapi.yaml). */
export interface IProject {
  id: string;
  name: string;
  description: string;
  folder: string;
  tags: string[];
  favorite: boolean;
  icon: string | null;
  color: string | null;
  model: Record<string, unknown>;
  /** Files of the folder whose text goes into every chat's system prompt. */
  context_files: string[];
  role: Role;
  created_at: string;
  updated_at: string;
}

/** Fields that can be sent when creating or changing a project. */
export interface IProjectChanges {
  name?: string;
  description?: string;
  folder?: string;
  tags?: string[];
  favorite?: boolean;
  icon?: string | null;
  color?: string | null;
  model?: Record<string, unknown>;
  context_files?: string[];
}

export interface IProjectPage {
  items: IProject[];
  total: number;
  limit: number;
  offset: number;
}

export interface ITagCount {
  name: string;
  count: number;
}

export interface IModelInfo {
  id: string;
  provider: string;
  name: string;
  context_length: number | null;
  details: Record<string, any>;
}

export interface IProvider {
  id: string;
  available: boolean;
  error?: string;
  models: IModelInfo[];
  /** For the user's own connections (added in the Models panel). */
  connection?: {
    name: string;
    kind: 'openai' | 'ollama';
    base_url: string;
    key: { set: boolean; last4: string };
  };
  /** For providers that need an API key; the key itself never reaches the browser. */
  key?: {
    set: boolean;
    source?: 'user' | 'project' | 'environment';
    last4?: string;
  };
}

export interface IChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Timing of one reply, as the server measured it. */
export interface IStreamStats {
  ttft_ms: number | null;
  duration_ms: number;
  chunks: number;
  output_tokens: number | null;
  tokens_per_s: number | null;
}
