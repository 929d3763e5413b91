/**
 * The chats API (see schema/openapi.yaml): chats, messages, replies, search.
 */
import { requestAPI, requestRaw } from '../request';
import { readEvents } from '../models/stream';

export interface IModelChoice {
  provider: string;
  model: string;
}

export interface IChat {
  id: string;
  project_id: string;
  title: string;
  tags: string[];
  pinned: boolean;
  model: IModelChoice | null;
  system_prompt: string;
  active_leaf_id: string | null;
  created_at: string;
  updated_at: string;
}

/** Workspace context sent with a message (the @ menu). */
export interface IContextItem {
  kind:
    'file' | 'notebook' | 'cell' | 'selection' | 'terminal' | 'diff' | 'text';
  label: string;
  text: string;
}

/** An image of the project folder, sent to vision models with the message. */
export interface IImageAttachment {
  kind: 'image';
  path: string;
  media_type: string;
}

export interface IMessage {
  id: string;
  chat_id: string;
  parent_id: string | null;
  role: 'user' | 'assistant' | 'system';
  content: string;
  status: 'complete' | 'streaming' | 'failed' | 'stopped';
  context: IContextItem[];
  attachments: IImageAttachment[];
  stats: {
    provider: string | null;
    model: string | null;
    output_tokens: number | null;
    ttft_ms: number | null;
    duration_ms: number | null;
    error: string | null;
  };
  /** Ids of this message and its alternatives (edits or regenerations), oldest first. */
  siblings: string[];
  created_at: string;
}

export interface IThread extends IChat {
  messages: IMessage[];
  /** How many messages the shown branch has (``messages`` may be its last part). */
  branch_length: number;
}

export interface ISearchHit {
  message_id: string;
  chat_id: string;
  chat_title: string;
  project_id: string;
  snippet: { text: string; match: boolean }[];
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  body: body === undefined ? undefined : JSON.stringify(body)
});

export const chatsAPI = {
  /** A page of chats, pinned first then newest: of a project or all; `q` in the title. */
  list: (projectId: string | null, offset = 0, q?: string, limit = 100) => {
    const query = new URLSearchParams({
      limit: String(limit),
      offset: String(offset)
    });
    if (projectId) {
      query.set('project_id', projectId);
    }
    if (q) {
      query.set('q', q);
    }
    return requestAPI<{ items: IChat[]; total: number }>(`chats?${query}`);
  },
  /** Which of these chats still exist (a 200 without the gone ones, never a 404). */
  async existing(chatIds: string[]): Promise<Set<string>> {
    const query = new URLSearchParams({ limit: '200' });
    chatIds.forEach(id => query.append('id', id));
    const page = await requestAPI<{ items: IChat[] }>(`chats?${query}`);
    return new Set(page.items.map(chat => chat.id));
  },
  create: (
    projectId: string,
    fields: Partial<Pick<IChat, 'title' | 'tags' | 'pinned' | 'model'>> = {}
  ) =>
    requestAPI<IChat>(
      'chats',
      json('POST', { ...fields, project_id: projectId })
    ),
  /** The chat and the last `limit` messages of the branch through `leaf`. */
  thread: (chatId: string, leaf?: string, limit?: number) => {
    const query = new URLSearchParams();
    if (leaf) {
      query.set('leaf', leaf);
    }
    if (limit) {
      query.set('limit', String(limit));
    }
    return requestAPI<IThread>(`chats/${chatId}?${query}`);
  },
  update: (chatId: string, changes: Partial<IChat>) =>
    requestAPI<IChat>(`chats/${chatId}`, json('PATCH', changes)),
  remove: (chatId: string) =>
    requestAPI<null>(`chats/${chatId}`, json('DELETE')),
  /** `parentId`: undefined for the end of the shown branch, null for a new first message. */
  send: (
    chatId: string,
    content: string,
    parentId?: string | null,
    context: IContextItem[] = [],
    attachments: IImageAttachment[] = []
  ) =>
    requestAPI<{ message: IMessage; reply: IMessage }>(
      `chats/${chatId}/messages`,
      json('POST', {
        content,
        context,
        attachments,
        ...(parentId === undefined ? {} : { parent_id: parentId ?? 'root' })
      })
    ),
  regenerate: (chatId: string, messageId: string) =>
    requestAPI<{ reply: IMessage }>(
      `chats/${chatId}/messages/${messageId}/regenerate`,
      json('POST', {})
    ),
  stop: (chatId: string, messageId: string) =>
    requestAPI<IMessage>(
      `chats/${chatId}/messages/${messageId}/stop`,
      json('POST', {})
    ),
  search: (query: string, projectId?: string) =>
    requestAPI<{ items: ISearchHit[] }>(
      `chats/search?q=${encodeURIComponent(query)}` +
        (projectId ? `&project_id=${encodeURIComponent(projectId)}` : '')
    ),
  /** Download the chat as a file (Markdown, a notebook, or JSON that imports back). */
  async download(chatId: string, format: 'markdown' | 'ipynb' | 'json') {
    const response = await requestRaw(
      `chats/${chatId}/export?format=${format}`
    );
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const name = decodeURIComponent(
      disposition.split("''")[1] ?? `chat.${format}`
    );
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  },
  importChat: (projectId: string, exported: string) =>
    requestAPI<IChat>(
      `chats/import?project_id=${encodeURIComponent(projectId)}`,
      { method: 'POST', body: exported }
    ),
  /** Follow a reply: `onText` gets the whole text so far each time it grows. */
  async follow(
    chatId: string,
    messageId: string,
    onText: (text: string) => void,
    signal?: AbortSignal
  ): Promise<IMessage | null> {
    const response = await requestRaw(
      `chats/${chatId}/messages/${messageId}/events`,
      { signal }
    );
    let text = '';
    let final: IMessage | null = null;
    await readEvents(response, (event, data) => {
      if (event === 'snapshot') {
        text = data.content;
        onText(text);
      } else if (event === 'text') {
        text += data.text;
        onText(text);
      } else if (event === 'done') {
        final = data.message as IMessage;
      } else if (event === 'error') {
        throw new Error(data.message);
      }
    });
    return final;
  }
};
