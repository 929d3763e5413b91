/**
 * The chat side panel: the project's chats with search, and the open chat with its
 * branch navigator, stop, regenerate and edit. Replies render as Markdown through
 * JupyterLab's rendermime once written (plain text while they stream).
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import React, { useEffect, useRef } from 'react';

import { omnipanelIcon } from '../icons';
import { CHAT_PANEL_ID } from '../tokens';
import { IMessage } from './api';
import { ChatModel } from './model';

function Markdown(props: {
  source: string;
  rendermime: IRenderMimeRegistry;
}): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const renderer = props.rendermime.createRenderer('text/markdown');
    const model = props.rendermime.createModel({
      data: { 'text/markdown': props.source }
    });
    void renderer.renderModel(model).then(() => {
      if (host.current) {
        host.current.replaceChildren(renderer.node);
      }
    });
    return () => renderer.dispose();
  }, [props.source]);
  return <div ref={host} className="jp-OmniPanel-markdown" />;
}

function Message(props: {
  message: IMessage;
  model: ChatModel;
  rendermime: IRenderMimeRegistry;
}): JSX.Element {
  const { message, model } = props;
  const index = message.siblings.indexOf(message.id);
  const who = message.role === 'user' ? 'You' : 'Assistant';
  const stats = message.stats;
  return (
    <li
      className={`jp-OmniPanel-message jp-OmniPanel-message-${message.role}`}
      data-message-id={message.id}
      data-status={message.status}
      aria-label={`From ${who === 'You' ? 'you' : 'the assistant'}`}
    >
      <div className="jp-OmniPanel-messageHeader">
        <strong>{who}</strong>
        {message.siblings.length > 1 && (
          <span className="jp-OmniPanel-branches" aria-label="Versions">
            <button
              type="button"
              aria-label="Previous version"
              disabled={index <= 0}
              onClick={() => void model.switchBranch(message, -1)}
            >
              ‹
            </button>
            {index + 1}/{message.siblings.length}
            <button
              type="button"
              aria-label="Next version"
              disabled={index >= message.siblings.length - 1}
              onClick={() => void model.switchBranch(message, 1)}
            >
              ›
            </button>
          </span>
        )}
      </div>
      {message.status === 'streaming' || message.role === 'user' ? (
        <div className="jp-OmniPanel-plain">{message.content}</div>
      ) : (
        <Markdown source={message.content} rendermime={props.rendermime} />
      )}
      {message.status === 'failed' && (
        <div className="jp-OmniPanel-error" role="alert">
          {stats.error}
        </div>
      )}
      <div className="jp-OmniPanel-messageFooter">
        {message.role === 'assistant' && stats.provider && (
          <span className="jp-OmniPanel-meta">
            {stats.model ? `${stats.provider}/${stats.model}` : stats.provider}
            {stats.output_tokens !== null && ` · ${stats.output_tokens} tokens`}
            {stats.ttft_ms !== null &&
              ` · first token ${Math.round(stats.ttft_ms)} ms`}
            {message.status === 'stopped' && ' · stopped'}
          </span>
        )}
        <button
          type="button"
          onClick={() => void navigator.clipboard?.writeText(message.content)}
        >
          Copy
        </button>
        {message.role === 'user' ? (
          <button type="button" onClick={() => model.startEdit(message)}>
            Edit
          </button>
        ) : (
          message.status !== 'streaming' && (
            <button
              type="button"
              onClick={() => void model.regenerate(message)}
            >
              {message.status === 'failed' ? 'Retry' : 'Regenerate'}
            </button>
          )
        )}
      </div>
    </li>
  );
}

function Composer(props: { model: ChatModel }): JSX.Element {
  const { model } = props;
  const streaming = model.streaming;
  return (
    <div className="jp-OmniPanel-composer">
      {model.editing && (
        <div className="jp-OmniPanel-editing">
          Editing a message: sending makes a new version.{' '}
          <button type="button" onClick={() => model.cancelEdit()}>
            Cancel
          </button>
        </div>
      )}
      <textarea
        className="jp-OmniPanel-chatInput"
        aria-label="Message"
        placeholder="Message (Enter sends, Shift+Enter for a new line)"
        value={model.draft}
        rows={3}
        onChange={event => model.setDraft(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void model.send();
          } else if (event.key === 'Escape' && streaming) {
            event.preventDefault();
            void model.stop();
          }
        }}
      />
      {streaming ? (
        <button type="button" onClick={() => void model.stop()}>
          Stop
        </button>
      ) : (
        <button type="button" onClick={() => void model.send()}>
          Send
        </button>
      )}
    </div>
  );
}

function ChatView(props: {
  model: ChatModel;
  rendermime: IRenderMimeRegistry;
}): JSX.Element {
  const { model } = props;
  const thread = model.thread!;
  return (
    <div className="jp-OmniPanel-chat">
      <div className="jp-OmniPanel-chatHeader">
        <button
          type="button"
          aria-label="Back to chats"
          onClick={() => model.closeChat()}
        >
          ‹ Chats
        </button>
        <span className="jp-OmniPanel-chatTitle">
          {thread.title || 'New chat'}
        </span>
      </div>
      <ol className="jp-OmniPanel-messages" aria-live="polite">
        {thread.messages.map(message => (
          <Message
            key={message.id}
            message={message}
            model={model}
            rendermime={props.rendermime}
          />
        ))}
      </ol>
      <Composer model={model} />
    </div>
  );
}

function ChatList(props: { model: ChatModel }): JSX.Element {
  const { model } = props;
  return (
    <div className="jp-OmniPanel-chatList">
      <div className="jp-OmniPanel-toolbar">
        <select
          aria-label="Project"
          value={model.projectId ?? ''}
          onChange={event => void model.setProject(event.target.value)}
        >
          {model.projects.map(project => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void model.newChat()}>
          New chat
        </button>
      </div>
      <input
        type="search"
        aria-label="Search chats"
        placeholder="Search all chats"
        onKeyDown={event => {
          if (event.key === 'Enter') {
            void model.search((event.target as HTMLInputElement).value);
          }
        }}
      />
      {model.hits !== null ? (
        <ul className="jp-OmniPanel-hits" aria-label="Search results">
          {model.hits.length === 0 && <li>No message matches.</li>}
          {model.hits.map(hit => (
            <li key={hit.message_id}>
              <button
                type="button"
                onClick={() => void model.openChat(hit.chat_id, hit.message_id)}
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
          {model.chats.length === 0 && (
            <li>No chats in this project yet: start one with New chat.</li>
          )}
          {model.chats.map(chat => (
            <li key={chat.id}>
              <button
                type="button"
                onClick={() => void model.openChat(chat.id)}
              >
                {chat.pinned ? '📌 ' : ''}
                {chat.title || 'New chat'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export class ChatPanel extends ReactWidget {
  constructor(
    readonly model: ChatModel,
    private readonly rendermime: IRenderMimeRegistry
  ) {
    super();
    this.id = CHAT_PANEL_ID;
    this.title.icon = omnipanelIcon;
    this.title.caption = 'OmniPanel Chat';
    this.addClass('jp-OmniPanel-chatPanel');
  }

  /** Put the cursor in the message box (the "Focus Chat Input" command). */
  focusInput(): void {
    this.node
      .querySelector<HTMLTextAreaElement>('.jp-OmniPanel-chatInput')
      ?.focus();
  }

  protected onAfterShow(): void {
    void this.model.refresh();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <div className="jp-OmniPanel-chatRoot">
            {this.model.error && (
              <div className="jp-OmniPanel-error" role="alert">
                {this.model.error}
              </div>
            )}
            {this.model.thread ? (
              <ChatView model={this.model} rendermime={this.rendermime} />
            ) : (
              <ChatList model={this.model} />
            )}
          </div>
        )}
      </UseSignal>
    );
  }
}
