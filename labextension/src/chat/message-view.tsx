/**
 * One message: who wrote it, its context and images, its text (Markdown for a finished
 * reply), its figures, and what can be done with it.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { IMessage } from './api';
import { ICodeActions } from './code-actions';
import { fileURL } from './file-url';
import { Markdown } from './markdown';
import { ChatSession } from './session';
import { Versions } from './versions';

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
  const stats = message.stats;
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
        <strong>{mine ? 'You' : 'Assistant'}</strong>
        <Versions message={message} session={session} />
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
          {stats.error}
        </div>
      )}
      <div className="jp-OmniPanel-messageFooter">
        {!mine && stats.provider && (
          <span className="jp-OmniPanel-meta">
            {stats.model ? `${stats.provider}/${stats.model}` : stats.provider}
            {stats.output_tokens !== null && ` · ${stats.output_tokens} tokens`}
            {stats.ttft_ms !== null &&
              ` · first token ${Math.round(stats.ttft_ms)} ms`}
            {stats.duration_ms !== null &&
              ` · ${(stats.duration_ms / 1000).toFixed(1)} s`}
            {message.status === 'stopped' && ' · stopped'}
          </span>
        )}
        <button
          type="button"
          onClick={() => void navigator.clipboard?.writeText(message.content)}
        >
          Copy
        </button>
        {mine ? (
          <button type="button" onClick={() => session.startEdit(message)}>
            Edit
          </button>
        ) : (
          message.status !== 'streaming' && (
            <button
              type="button"
              onClick={() => void session.regenerate(message)}
            >
              {message.status === 'failed' ? 'Retry' : 'Regenerate'}
            </button>
          )
        )}
      </div>
    </article>
  );
}
