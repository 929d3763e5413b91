/**
 * One message: a role mark and who wrote it, its context and images, its text (Markdown
 * for a finished reply), what can be done with it (icon buttons, shown on hover and
 * focus), and a quiet footer with the model and its timing; the time it was written
 * shows on hover.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import {
  copyIcon,
  editIcon,
  LabIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import { assistantIcon, userRoleIcon } from '../icons';
import { IMessage } from './api';
import { ICodeActions } from './code-actions';
import { fileURL } from './file-url';
import { Markdown } from './markdown';
import { ChatSession } from './session';
import { Versions } from './versions';

/** "14:05" for today, "3 Dec, 14:05" before; the full date and time for a tooltip. */
export function messageTime(
  iso: string | undefined,
  now = new Date()
): { short: string; full: string } | null {
  const date = iso ? new Date(iso) : null;
  if (!date || isNaN(date.getTime())) {
    return null;
  }
  const time = date.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit'
  });
  const today = date.toDateString() === now.toDateString();
  const day = date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short'
  });
  return {
    short: today ? time : `${day}, ${time}`,
    full: date.toLocaleString(undefined, {
      dateStyle: 'full',
      timeStyle: 'short'
    })
  };
}

/** The reply's model and timing, for its footer: "ollama/llama3 · 120 tokens · 2.4 s". */
function replyFacts(message: IMessage): { text: string; detail: string } {
  const stats = message.stats;
  const parts = [
    stats.model ? `${stats.provider}/${stats.model}` : stats.provider
  ];
  if (stats.output_tokens !== null) {
    parts.push(`${stats.output_tokens} tokens`);
  }
  if (stats.duration_ms !== null) {
    parts.push(`${(stats.duration_ms / 1000).toFixed(1)} s`);
  }
  if (message.status === 'stopped') {
    parts.push('stopped');
  }
  const detail =
    stats.ttft_ms !== null ? `first token ${Math.round(stats.ttft_ms)} ms` : '';
  return { text: parts.join(' · '), detail };
}

function ActionButton(props: {
  label: string;
  icon: LabIcon;
  onClick: () => void;
}): JSX.Element {
  return (
    <button
      type="button"
      className="jp-OmniPanel-messageAction"
      aria-label={props.label}
      title={props.label}
      onClick={props.onClick}
    >
      <props.icon.react tag="span" />
    </button>
  );
}

export function MessageView(props: {
  message: IMessage;
  /** Where it is in the branch, for assistive technology (the list is virtual). */
  position: number;
  total: number;
  session: ChatSession;
  rendermime: IRenderMimeRegistry;
  actions: ICodeActions;
}): JSX.Element {
  const { message, session } = props;
  const mine = message.role === 'user';
  const RoleIcon = mine ? userRoleIcon : assistantIcon;
  const when = messageTime(message.created_at);
  const facts = !mine && message.stats.provider ? replyFacts(message) : null;
  return (
    <article
      className={`jp-OmniPanel-message jp-OmniPanel-message-${message.role}`}
      data-message-id={message.id}
      data-status={message.status}
      aria-label={mine ? 'From you' : 'From the assistant'}
      aria-posinset={props.position}
      aria-setsize={props.total}
      tabIndex={0}
    >
      <div className="jp-OmniPanel-messageHeader">
        <span className="jp-OmniPanel-roleMark" aria-hidden="true">
          <RoleIcon.react tag="span" />
        </span>
        <strong className="jp-OmniPanel-author">
          {mine ? 'You' : 'Assistant'}
        </strong>
        {when && (
          <time
            className="jp-OmniPanel-messageTime"
            dateTime={message.created_at}
            title={when.full}
          >
            {when.short}
          </time>
        )}
        <Versions message={message} session={session} />
        <span
          className="jp-OmniPanel-messageActions"
          role="toolbar"
          aria-label="Message actions"
        >
          <ActionButton
            label="Copy"
            icon={copyIcon}
            onClick={() => void navigator.clipboard?.writeText(message.content)}
          />
          {mine ? (
            <ActionButton
              label="Edit"
              icon={editIcon}
              onClick={() => session.startEdit(message)}
            />
          ) : (
            message.status !== 'streaming' && (
              <ActionButton
                label={message.status === 'failed' ? 'Retry' : 'Regenerate'}
                icon={refreshIcon}
                onClick={() => void session.regenerate(message)}
              />
            )
          )}
        </span>
      </div>
      {message.context?.length > 0 && (
        <div className="jp-OmniPanel-contextUsed">
          {message.context.map((item, i) => (
            <span key={i} className="jp-OmniPanel-chip">
              @{item.kind} {item.label}
            </span>
          ))}
        </div>
      )}
      {message.attachments?.length > 0 && (
        <div className="jp-OmniPanel-images">
          {message.attachments.map(image => (
            <img
              key={image.path}
              src={fileURL(image.path)}
              alt={`Attached image ${image.path}`}
            />
          ))}
        </div>
      )}
      {message.status === 'streaming' || mine ? (
        <div className="jp-OmniPanel-plain">{message.content}</div>
      ) : (
        <Markdown
          source={message.content}
          rendermime={props.rendermime}
          session={session}
          actions={props.actions}
        />
      )}
      {message.status === 'failed' && (
        <div className="jp-OmniPanel-error" role="alert">
          {message.stats.error}
        </div>
      )}
      {facts && (
        <div className="jp-OmniPanel-messageFooter">
          <span className="jp-OmniPanel-meta" title={facts.detail || undefined}>
            {facts.text}
          </span>
        </div>
      )}
    </article>
  );
}
