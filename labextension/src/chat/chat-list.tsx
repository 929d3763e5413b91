/**
 * The chats of the chosen project: project picker, new chat, import, search, pins.
 */
import React from 'react';

import { ChatListModel } from './model';

export function ChatList(props: {
  list: ChatListModel;
  open: (chatId: string, leaf?: string) => void;
  openInTab: (chatId: string) => void;
}): JSX.Element {
  const { list, open } = props;
  return (
    <div className="jp-OmniPanel-chatList">
      <div className="jp-OmniPanel-toolbar">
        <select
          aria-label="Project"
          value={list.projectId ?? ''}
          onChange={event => void list.setProject(event.target.value)}
        >
          {list.projects.map(project => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={async () => {
            const id = await list.newChat();
            if (id) {
              open(id);
            }
          }}
        >
          New chat
        </button>
        <label className="jp-OmniPanel-importChat">
          Import…
          <input
            type="file"
            accept=".json,application/json"
            aria-label="Import a chat (JSON export)"
            onChange={event => {
              const file = event.target.files?.[0];
              if (file) {
                void list.importChat(file);
              }
              event.target.value = '';
            }}
          />
        </label>
      </div>
      <input
        type="search"
        aria-label="Search chats"
        placeholder="Search all chats (Enter)"
        onKeyDown={event => {
          if (event.key === 'Enter') {
            void list.search((event.target as HTMLInputElement).value);
          }
        }}
      />
      {list.hits !== null ? (
        <ul className="jp-OmniPanel-hits" aria-label="Search results">
          {list.hits.length === 0 && <li>No message matches.</li>}
          {list.hits.map(hit => (
            <li key={hit.message_id}>
              <button
                type="button"
                onClick={() => open(hit.chat_id, hit.message_id)}
              >
                <strong>{hit.chat_title || 'Chat'}</strong>:{' '}
                {hit.snippet.map((part, i) =>
                  part.match ? <mark key={i}>{part.text}</mark> : part.text
                )}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <ul className="jp-OmniPanel-chats" aria-label="Chats">
          {list.chats.length === 0 && (
            <li>No chats in this project yet: start one with New chat.</li>
          )}
          {list.chats.map(chat => (
            <li key={chat.id} className="jp-OmniPanel-chatItem">
              <button
                type="button"
                className="jp-OmniPanel-chatOpen"
                onClick={() => open(chat.id)}
              >
                {chat.title || 'New chat'}
                {chat.tags.map(tag => (
                  <span key={tag} className="jp-OmniPanel-chip">
                    {tag}
                  </span>
                ))}
              </button>
              <button
                type="button"
                aria-label={
                  chat.pinned ? `Unpin ${chat.title}` : `Pin ${chat.title}`
                }
                aria-pressed={chat.pinned}
                onClick={() => void list.togglePin(chat)}
              >
                {chat.pinned ? '★' : '☆'}
              </button>
              <button
                type="button"
                aria-label={`Open ${chat.title || 'chat'} in a tab`}
                onClick={() => props.openInTab(chat.id)}
              >
                ⧉
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
