/**
 * One chat of the list: its title, project and relative date (full date on hover), its
 * tags, and buttons to open it in a tab or show its menu.
 */
import { ellipsesIcon, launchIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { IChat } from './api';
import { fullDate, relativeDate } from './chat-groups';
import { pinIcon } from './list-icons';

export function ChatRow(props: {
  chat: IChat;
  projectName: string;
  /** The row the keyboard is on (the one Tab reaches). */
  current: boolean;
  onOpen: () => void;
  onOpenInTab: () => void;
  onMenu: (x: number, y: number, from: HTMLElement) => void;
  onFocus: () => void;
}): JSX.Element {
  const { chat } = props;
  const title = chat.title || 'New chat';
  const metaId = `jp-OmniPanel-chatMeta-${chat.id}`;
  return (
    <li
      className={`jp-OmniPanel-chatRow${props.current ? ' jp-mod-current' : ''}`}
      onClick={props.onOpen}
      onContextMenu={event => {
        event.preventDefault();
        event.stopPropagation(); // JupyterLab's own context menu is not for this
        const open = event.currentTarget.querySelector<HTMLElement>(
          '.jp-OmniPanel-chatOpen'
        );
        props.onMenu(event.clientX, event.clientY, open ?? event.currentTarget);
      }}
    >
      <button
        type="button"
        className="jp-OmniPanel-chatOpen"
        data-chat-id={chat.id}
        tabIndex={props.current ? 0 : -1}
        aria-describedby={metaId}
        onFocus={props.onFocus}
      >
        {title}
      </button>
      <span className="jp-OmniPanel-chatMeta" id={metaId}>
        {chat.pinned && (
          <pinIcon.react
            tag="span"
            className="jp-OmniPanel-chatPinned"
            title="Pinned"
          />
        )}
        {props.projectName && (
          <span className="jp-OmniPanel-chatProject">{props.projectName}</span>
        )}
        <time dateTime={chat.updated_at} title={fullDate(chat.updated_at)}>
          {relativeDate(chat.updated_at)}
        </time>
        {chat.tags.map(tag => (
          <span key={tag} className="jp-OmniPanel-chatTag">
            {tag}
          </span>
        ))}
      </span>
      <span className="jp-OmniPanel-chatActions">
        <button
          type="button"
          className="jp-OmniPanel-iconButton jp-OmniPanel-openInTab"
          tabIndex={props.current ? 0 : -1}
          aria-label={`Open ${title} in a tab`}
          title="Open in a tab"
          onClick={event => {
            event.stopPropagation();
            props.onOpenInTab();
          }}
        >
          <launchIcon.react tag="span" />
        </button>
        <button
          type="button"
          className="jp-OmniPanel-iconButton"
          tabIndex={props.current ? 0 : -1}
          aria-label={`More actions for ${title}`}
          aria-haspopup="menu"
          title="More actions (right click, Shift+F10)"
          onClick={event => {
            event.stopPropagation();
            const box = event.currentTarget.getBoundingClientRect();
            const open = event.currentTarget
              .closest('li')
              ?.querySelector<HTMLElement>('.jp-OmniPanel-chatOpen');
            props.onMenu(box.left, box.bottom, open ?? event.currentTarget);
          }}
        >
          <ellipsesIcon.react tag="span" />
        </button>
      </span>
    </li>
  );
}
