/**
 * The chats of the chosen project, grouped (pinned, today, previous 7 days, older), with
 * search over every chat's title and messages at the top. The keyboard works the list:
 * arrows move, Enter opens, F2 renames, Delete deletes (after asking), Shift+F10 or the
 * context-menu key shows the menu.
 */
import {
  addIcon,
  fileUploadIcon,
  HTMLSelect,
  InputGroup
} from '@jupyterlab/ui-components';
import React, { useEffect, useRef, useState } from 'react';

import { IChat } from './api';
import { groupChats } from './chat-groups';
import {
  ChatListMenu,
  deleteChat,
  IChatListActions,
  renameChat
} from './chat-list-menu';
import { ChatRow } from './chat-row';
import { ChatListModel } from './model';

/** Typing pauses this long before the search runs (Enter runs it at once). */
const SEARCH_DELAY_MS = 250;

export function ChatList(props: {
  list: ChatListModel;
  actions: IChatListActions;
  menu: ChatListMenu;
  newChat: () => void;
}): JSX.Element {
  const { list, actions, menu } = props;
  const [text, setText] = useState(list.query);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const timer = useRef<number>();
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const searching = list.query !== '';
  const shown: IChat[] = searching ? (list.titleHits ?? []) : list.chats;
  const current =
    shown.find(chat => chat.id === currentId)?.id ?? shown[0]?.id ?? null;

  const search = (value: string, delay: number) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void list.search(value), delay);
  };

  const row = (chat: IChat) => (
    <ChatRow
      key={chat.id}
      chat={chat}
      projectName={list.projectName(chat.project_id)}
      current={chat.id === current}
      onOpen={() => actions.open(chat.id)}
      onOpenInTab={() => actions.openInTab(chat.id)}
      onMenu={(x, y, from) => menu.open(chat, x, y, from)}
      onFocus={() => setCurrentId(chat.id)}
    />
  );

  const onKeyDown = (event: React.KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (!target.classList.contains('jp-OmniPanel-chatOpen')) {
      return;
    }
    const chat = shown.find(c => c.id === target.dataset.chatId);
    const rows = Array.from(
      event.currentTarget.querySelectorAll<HTMLElement>(
        '.jp-OmniPanel-chatOpen'
      )
    );
    const index = rows.indexOf(target);
    const moveTo = (i: number) => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, i))];
      next?.focus();
      next?.scrollIntoView({ block: 'nearest' });
    };
    const handled = () => {
      event.preventDefault();
      event.stopPropagation();
    };
    if (event.key === 'ArrowDown') {
      handled();
      moveTo(index + 1);
    } else if (event.key === 'ArrowUp') {
      handled();
      moveTo(index - 1);
    } else if (event.key === 'Home') {
      handled();
      moveTo(0);
    } else if (event.key === 'End') {
      handled();
      moveTo(rows.length - 1);
    } else if (chat && event.key === 'F2') {
      handled();
      void renameChat(list, chat).then(() => target.focus());
    } else if (chat && event.key === 'Delete') {
      handled();
      void deleteChat(list, chat, actions).then(deleted => {
        // The focus goes to the row that takes the deleted one's place.
        const rest = rows.filter(r => r !== target && r.isConnected);
        (deleted ? rest[Math.min(index, rest.length - 1)] : target)?.focus();
      });
    } else if (
      chat &&
      (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey))
    ) {
      handled();
      const box = target.getBoundingClientRect();
      menu.open(chat, box.left + 16, box.bottom, target);
    }
  };

  return (
    <div className="jp-OmniPanel-chatBrowser">
      <div className="jp-OmniPanel-chatBrowserBar">
        <HTMLSelect
          className="jp-OmniPanel-chatProjectPicker"
          aria-label="Project"
          title="Project: new chats go here"
          value={list.projectId ?? ''}
          onChange={event => void list.setProject(event.target.value)}
          options={list.projects.map(project => ({
            label: project.name,
            value: project.id
          }))}
        />
        <span className="jp-OmniPanel-chatBrowserActions">
          <button
            type="button"
            className="jp-OmniPanel-newChat jp-mod-styled jp-mod-accept"
            title="New chat (stored when you send its first message)"
            onClick={props.newChat}
          >
            <addIcon.react tag="span" />
            New chat
          </button>
          <label
            className="jp-OmniPanel-iconButton jp-OmniPanel-importChat"
            title="Import a chat (JSON export)"
          >
            <fileUploadIcon.react tag="span" />
            <input
              type="file"
              accept=".json,application/json"
              aria-label="Import a chat (JSON export)"
              onChange={event => {
                const file = event.target.files?.[0];
                if (file) {
                  setText('');
                  void list.importChat(file);
                }
                event.target.value = '';
              }}
            />
          </label>
        </span>
      </div>
      <InputGroup
        className="jp-OmniPanel-chatSearch"
        type="search"
        aria-label="Search chats"
        placeholder="Search chats and messages"
        rightIcon="ui-components:search"
        value={text}
        onChange={event => {
          setText(event.currentTarget.value);
          search(event.currentTarget.value, SEARCH_DELAY_MS);
        }}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            search(event.currentTarget.value, 0);
          } else if (event.key === 'Escape' && text) {
            event.stopPropagation();
            setText('');
            search('', 0);
          } else if (event.key === 'ArrowDown') {
            event.preventDefault();
            event.currentTarget
              .closest('.jp-OmniPanel-chatBrowser')
              ?.querySelector<HTMLElement>('.jp-OmniPanel-chatOpen')
              ?.focus();
          }
        }}
      />
      <div className="jp-OmniPanel-chatScroller" onKeyDown={onKeyDown}>
        {searching ? (
          <SearchResults list={list} open={actions.open} row={row} />
        ) : (
          <div className="jp-OmniPanel-chats" aria-label="Chats" role="group">
            {list.chats.length === 0 && (
              <p className="jp-OmniPanel-chatEmpty">
                {list.projectId
                  ? 'No chats in this project yet: start one with New chat.'
                  : 'Create a project first (Projects panel).'}
              </p>
            )}
            {groupChats(list.chats).map(group => (
              <section
                key={group.name}
                className="jp-OmniPanel-chatGroup"
                aria-label={group.name}
              >
                <h3 className="jp-OmniPanel-chatGroupName">{group.name}</h3>
                <ul>{group.chats.map(row)}</ul>
              </section>
            ))}
            {list.hasMore && <MoreChats list={list} />}
          </div>
        )}
      </div>
    </div>
  );
}

/** Chats whose title matches, then messages that match (a click jumps to the message). */
function SearchResults(props: {
  list: ChatListModel;
  open: (chatId: string, leaf?: string) => void;
  row: (chat: IChat) => JSX.Element;
}): JSX.Element {
  const { list } = props;
  if (list.titleHits === null || list.hits === null) {
    return <p className="jp-OmniPanel-chatEmpty">Searching…</p>;
  }
  return (
    <>
      <section className="jp-OmniPanel-chatGroup" aria-label="Titles">
        <h3 className="jp-OmniPanel-chatGroupName">Titles</h3>
        {list.titleHits.length === 0 ? (
          <p className="jp-OmniPanel-chatEmpty">No title matches.</p>
        ) : (
          <ul>{list.titleHits.map(props.row)}</ul>
        )}
      </section>
      <section className="jp-OmniPanel-chatGroup" aria-label="Messages">
        <h3 className="jp-OmniPanel-chatGroupName">Messages</h3>
        <ul className="jp-OmniPanel-hits" aria-label="Search results">
          {list.hits.length === 0 && (
            <li className="jp-OmniPanel-chatEmpty">No message matches.</li>
          )}
          {list.hits.map(hit => (
            <li key={hit.message_id}>
              <button
                type="button"
                className="jp-OmniPanel-hit"
                onClick={() => props.open(hit.chat_id, hit.message_id)}
              >
                <span className="jp-OmniPanel-hitTitle">
                  {hit.chat_title || 'New chat'}
                  <span className="jp-OmniPanel-chatProject">
                    {list.projectName(hit.project_id)}
                  </span>
                </span>
                <span className="jp-OmniPanel-hitSnippet">
                  {hit.snippet.map((part, i) =>
                    part.match ? <mark key={i}>{part.text}</mark> : part.text
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** The next page loads when the end of the list scrolls into view (or on a click). */
function MoreChats(props: { list: ChatListModel }): JSX.Element {
  const { list } = props;
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const node = ref.current;
    if (!node) {
      return;
    }
    const observer = new IntersectionObserver(entries => {
      if (entries.some(entry => entry.isIntersecting)) {
        void list.loadMore();
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [list, list.chats.length]);
  return (
    <button
      ref={ref}
      type="button"
      className="jp-OmniPanel-moreChats"
      onClick={() => void list.loadMore()}
    >
      Show more chats ({list.total - list.chats.length} more)
    </button>
  );
}
