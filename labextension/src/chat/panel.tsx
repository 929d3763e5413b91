/**
 * The chat side panel: the chosen project's chats (pins, search) or one open chat.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { omnipanelIcon } from '../icons';
import { CHAT_PANEL_ID } from '../tokens';
import { ChatListModel } from './model';
import { ChatSession } from './session';
import { ChatView, ICodeActions } from './views';

function ChatList(props: {
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

export class ChatPanel extends ReactWidget {
  readonly session = new ChatSession();

  constructor(
    readonly list: ChatListModel,
    private readonly rendermime: IRenderMimeRegistry,
    private readonly actions: ICodeActions,
    private readonly openInTab: (chatId: string) => void,
    /** Called when the panel is shown: on a phone, the left sidebar gives way. */
    private readonly makeRoom: () => void = () => undefined
  ) {
    super();
    this.id = CHAT_PANEL_ID;
    this.title.icon = omnipanelIcon;
    this.title.caption = 'OmniPanel Chat';
    this.addClass('jp-OmniPanel-chatPanel');
    this.session.changed.connect(() => this.update());
  }

  async openChat(chatId: string, leaf?: string): Promise<void> {
    await this.session.open(chatId, leaf);
  }

  /** Activating the panel puts the cursor where typing makes sense. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this.makeRoom();
    const input =
      this.node.querySelector<HTMLElement>('.jp-OmniPanel-chatInput') ??
      this.node.querySelector<HTMLElement>('input[type="search"]');
    input?.focus();
  }

  /** Put the cursor in the message box (the "Focus Chat Input" command). */
  focusInput(): void {
    this.node
      .querySelector<HTMLTextAreaElement>('.jp-OmniPanel-chatInput')
      ?.focus();
  }

  protected onAfterShow(): void {
    void this.list.refresh();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.list.changed}>
        {() => (
          <div className="jp-OmniPanel-chatRoot">
            {this.list.error && (
              <div className="jp-OmniPanel-error" role="alert">
                {this.list.error}
              </div>
            )}
            {this.session.thread ? (
              <ChatView
                session={this.session}
                rendermime={this.rendermime}
                actions={this.actions}
                header={this.header()}
              />
            ) : (
              <ChatList
                list={this.list}
                open={(id, leaf) => void this.openChat(id, leaf)}
                openInTab={this.openInTab}
              />
            )}
          </div>
        )}
      </UseSignal>
    );
  }

  private header(): JSX.Element {
    const thread = this.session.thread!;
    return (
      <div className="jp-OmniPanel-chatHeader">
        <button
          type="button"
          aria-label="Back to chats"
          onClick={() => {
            this.session.close();
            void this.list.refresh();
          }}
        >
          ‹ Chats
        </button>
        <span className="jp-OmniPanel-chatTitle">
          {thread.title || 'New chat'}
        </span>
        <button
          type="button"
          aria-label="Open in a tab"
          onClick={() => this.openInTab(thread.id)}
        >
          ⧉
        </button>
      </div>
    );
  }
}
