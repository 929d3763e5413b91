/**
 * The views of one chat, shared by the side panel and chat tabs: messages (Markdown
 * through rendermime, code-block actions, versions), and the composer with the @ menu.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { UseSignal } from '@jupyterlab/ui-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { requestAPI } from '../request';
import { IProvider } from '../tokens';
import { chatsAPI, IMessage } from './api';
import { ChatSession } from './session';
import { CONTEXT_KINDS, ContextKind } from './workspace';

/** What a code block of a reply can do (see Workspace). */
export interface ICodeActions {
  insertBelow(code: string): void;
  replaceActiveCell(code: string): void;
  newFile(code: string, language: string): Promise<void>;
  applyToFile(code: string): Promise<boolean>;
  runInTerminal(code: string): Promise<boolean>;
  /** Save a pasted or dropped image in the project folder and attach it. */
  attachImage(session: ChatSession, file: File): Promise<void>;
  /** Add workspace context of a kind to the session (the @ menu). */
  addContext(session: ChatSession, kind: ContextKind): Promise<void>;
  /** Errors of actions are shown to the user, not thrown into React. */
  report(error: unknown): void;
}

const FENCE = /^```([\w+-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;

/** The fenced code blocks of a Markdown text, in order: [language, code]. */
export function codeBlocks(markdown: string): [string, string][] {
  return [...markdown.matchAll(FENCE)].map(m => [
    m[1],
    m[2].replace(/\n$/, '')
  ]);
}

/** Images among pasted or dropped files. */
function imageFiles(files: FileList | undefined | null): File[] {
  return Array.from(files ?? []).filter(file => file.type.startsWith('image/'));
}

/** The URL Jupyter serves a file of the contents tree at (with the session's login). */
function fileURL(path: string): string {
  return URLExt.join(
    PageConfig.getBaseUrl(),
    'files',
    URLExt.encodeParts(path)
  );
}

/** A rough token count (4 characters a token) until the model's tokenizer is asked. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function addCodeToolbar(
  host: HTMLElement,
  code: string,
  language: string,
  actions: ICodeActions
): void {
  const bar = document.createElement('div');
  bar.className = 'jp-OmniPanel-codeActions';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', 'Code actions');
  const buttons: [string, () => unknown][] = [
    ['Copy', () => navigator.clipboard?.writeText(code)],
    ['Insert below', () => actions.insertBelow(code)],
    ['Replace cell', () => actions.replaceActiveCell(code)],
    ['New file', () => actions.newFile(code, language)],
    ['Apply to file', () => actions.applyToFile(code)],
    ['Run in terminal', () => actions.runInTerminal(code)]
  ];
  for (const [label, run] of buttons) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.onclick = () => {
      try {
        void Promise.resolve(run()).catch(error => actions.report(error));
      } catch (error) {
        actions.report(error);
      }
    };
    bar.appendChild(button);
  }
  host.parentElement?.insertBefore(bar, host);
}

function Markdown(props: {
  source: string;
  rendermime: IRenderMimeRegistry;
  actions: ICodeActions;
}): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const renderer = props.rendermime.createRenderer('text/markdown');
    const model = props.rendermime.createModel({
      data: { 'text/markdown': props.source }
    });
    void renderer.renderModel(model).then(() => {
      const blocks = codeBlocks(props.source);
      renderer.node.querySelectorAll('pre').forEach((pre, index) => {
        if (blocks[index]) {
          addCodeToolbar(
            pre,
            blocks[index][1],
            blocks[index][0],
            props.actions
          );
        }
      });
      host.current?.replaceChildren(renderer.node);
    });
    return () => renderer.dispose();
  }, [props.source]);
  return <div ref={host} className="jp-OmniPanel-markdown" />;
}

function Versions(props: {
  message: IMessage;
  session: ChatSession;
}): JSX.Element | null {
  const { message, session } = props;
  const index = message.siblings.indexOf(message.id);
  if (message.siblings.length < 2) {
    return null;
  }
  return (
    <span className="jp-OmniPanel-branches" aria-label="Versions">
      <button
        type="button"
        aria-label="Previous version"
        disabled={index <= 0}
        onClick={() => void session.switchBranch(message, -1)}
      >
        ‹
      </button>
      {index + 1}/{message.siblings.length}
      <button
        type="button"
        aria-label="Next version"
        disabled={index >= message.siblings.length - 1}
        onClick={() => void session.switchBranch(message, 1)}
      >
        ›
      </button>
    </span>
  );
}

function Message(props: {
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

let providers: Promise<IProvider[]> | null = null;

/** Every model of every available provider, asked once per page. */
function availableModels(): Promise<IProvider[]> {
  providers ??= requestAPI<{ items: IProvider[] }>('models/providers').then(
    listing => listing.items,
    error => {
      providers = null; // ask again next time
      throw error;
    }
  );
  return providers;
}

/** "provider/model" → context window (tokens, or null when unknown). */
function useModels(): Map<string, number | null> {
  const [models, setModels] = useState(new Map<string, number | null>());
  useEffect(() => {
    availableModels().then(
      items =>
        setModels(
          new Map(
            items
              .filter(provider => provider.available)
              .flatMap(provider =>
                provider.models.map(
                  m => [`${provider.id}/${m.id}`, m.context_length] as const
                )
              )
          )
        ),
      () => setModels(new Map())
    );
  }, []);
  return models;
}

/** The chat's model: the project's (or server's) default, or one chosen here. */
function ModelPicker(props: { session: ChatSession }): JSX.Element {
  const { session } = props;
  const choices = [...useModels().keys()];
  const model = session.thread?.model;
  const current = model ? `${model.provider}/${model.model}` : '';
  return (
    <select
      aria-label="Model"
      value={current}
      onChange={event => {
        const [provider, ...rest] = event.target.value.split('/');
        void session.update({
          model: provider ? { provider, model: rest.join('/') } : null
        });
      }}
    >
      <option value="">Project default model</option>
      {current && !choices.includes(current) && (
        <option value={current}>{current}</option>
      )}
      {choices.map(choice => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  );
}

function Composer(props: {
  session: ChatSession;
  actions: ICodeActions;
}): JSX.Element {
  const { session, actions } = props;
  const streaming = session.streaming;
  const contextTokens = estimateTokens(
    session.context.map(item => item.text).join('')
  );
  const model = session.thread?.model;
  const contextWindow = useModels().get(
    model ? `${model.provider}/${model.model}` : ''
  );
  return (
    <div className="jp-OmniPanel-composer">
      {session.editing && (
        <div className="jp-OmniPanel-editing">
          Editing a message: sending makes a new version.{' '}
          <button type="button" onClick={() => session.cancelEdit()}>
            Cancel
          </button>
        </div>
      )}
      {session.context.length > 0 && (
        <div className="jp-OmniPanel-contextChips" aria-label="Context">
          {session.context.map((item, i) => (
            <span key={i} className="jp-OmniPanel-chip">
              @{item.kind} {item.label}
              <button
                type="button"
                aria-label={`Remove ${item.kind} context`}
                onClick={() => session.removeContext(i)}
              >
                ×
              </button>
            </span>
          ))}
          <span
            className={
              contextWindow && contextTokens > contextWindow
                ? 'jp-OmniPanel-meta jp-OmniPanel-over'
                : 'jp-OmniPanel-meta'
            }
          >
            ≈ {contextTokens.toLocaleString()} tokens of context
            {contextWindow
              ? ` of the model's ${contextWindow.toLocaleString()}`
              : ''}
          </span>
        </div>
      )}
      {session.attachments.length > 0 && (
        <div className="jp-OmniPanel-contextChips" aria-label="Images">
          {session.attachments.map((image, i) => (
            <span key={image.path} className="jp-OmniPanel-chip">
              <img src={fileURL(image.path)} alt="" />
              {image.path.split('/').pop()}
              <button
                type="button"
                aria-label={`Remove image ${image.path.split('/').pop()}`}
                onClick={() => session.removeAttachment(i)}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <textarea
        className="jp-OmniPanel-chatInput"
        onPaste={event => {
          const images = imageFiles(event.clipboardData?.files);
          if (images.length > 0) {
            event.preventDefault();
            images.forEach(file => void actions.attachImage(session, file));
          }
        }}
        onDragOver={event => event.preventDefault()}
        onDrop={event => {
          const images = imageFiles(event.dataTransfer?.files);
          if (images.length > 0) {
            event.preventDefault();
            images.forEach(file => void actions.attachImage(session, file));
          }
        }}
        aria-label="Message"
        placeholder="Message (Enter sends, Shift+Enter: new line; paste or drop images)"
        value={session.draft}
        rows={3}
        onChange={event => session.setDraft(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void session.send();
          } else if (event.key === 'Escape' && streaming) {
            event.preventDefault();
            void session.stop();
          }
        }}
      />
      <div className="jp-OmniPanel-composerActions">
        <ModelPicker session={session} />
        <select
          aria-label="Add context"
          value=""
          onChange={event => {
            const kind = event.target.value as ContextKind;
            if (kind) {
              void actions.addContext(session, kind);
            }
          }}
        >
          <option value="">@ Add context…</option>
          {CONTEXT_KINDS.map(({ kind, label }) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="Export chat"
          value=""
          onChange={event => {
            const format = event.target.value as 'markdown' | 'ipynb' | 'json';
            if (format && session.chatId) {
              void chatsAPI
                .download(session.chatId, format)
                .catch(actions.report);
            }
          }}
        >
          <option value="">Export…</option>
          <option value="markdown">Markdown</option>
          <option value="ipynb">Notebook (.ipynb)</option>
          <option value="json">JSON (imports back)</option>
        </select>
        {streaming ? (
          <button type="button" onClick={() => void session.stop()}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => void session.send()}>
            Send
          </button>
        )}
      </div>
    </div>
  );
}

/** Pixels from the bottom within which the list follows new text. */
const STICK_DISTANCE = 40;
/** Pixels from the top within which earlier messages are loaded. */
const LOAD_DISTANCE = 400;

/**
 * The messages, newest at the bottom, as a virtual list: only the rows in view (and a
 * few around) are in the DOM, measured as they render, so a long chat scrolls as fast as
 * a short one. Scrolling near the top loads earlier messages, keeping the view still;
 * while the view is at the bottom it follows a reply as it streams.
 */
function Messages(props: {
  session: ChatSession;
  rendermime: IRenderMimeRegistry;
  actions: ICodeActions;
}): JSX.Element {
  const { session } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useRef<HTMLOListElement>(null);
  const messages = session.thread?.messages ?? [];
  const earlier = session.earlier;
  const loaderRows = earlier > 0 ? 1 : 0; // row 0 loads earlier messages
  const stick = useRef(true);
  const lastScroll = useRef({ top: 0, height: 0 });
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const virtualizer = useVirtualizer({
    count: messages.length + loaderRows,
    getScrollElement: () => scroller.current,
    estimateSize: () => 120,
    overscan: 6,
    paddingStart: 8,
    paddingEnd: 8,
    getItemKey: index =>
      index < loaderRows ? 'earlier' : messages[index - loaderRows].id
  });
  const items = virtualizer.getVirtualItems();

  // A chat opens at its end, and the view goes there to follow a new reply.
  const last = messages[messages.length - 1];
  const newReply = last?.status === 'streaming' ? last.id : null;
  const toEnd = () => {
    stick.current = true;
    scroller.current?.scrollTo({ top: scroller.current.scrollHeight });
  };
  useEffect(toEnd, [session.chatId]);
  useEffect(() => {
    if (newReply) {
      toEnd();
    }
  }, [newReply]);

  // The list grows (text streams in, a row is measured): stay at the bottom if there.
  useEffect(() => {
    const list = rows.current;
    const view = scroller.current;
    if (!list || !view) {
      return;
    }
    const observer = new ResizeObserver(() => {
      if (stick.current) {
        view.scrollTop = view.scrollHeight;
      }
    });
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  // Earlier messages arrived above: keep the first row the user was reading in place.
  const firstId = messages[0]?.id;
  useLayoutEffect(() => {
    const kept = anchor.current;
    if (!kept || stick.current) {
      return;
    }
    const index = messages.findIndex(m => m.id === kept.id);
    if (index >= 0) {
      const [start] = virtualizer.getOffsetForIndex(
        index + loaderRows,
        'start'
      ) ?? [0];
      virtualizer.scrollToOffset(start - kept.offset);
    }
  }, [firstId]);

  const loading = useRef(false);
  const onScroll = () => {
    const view = scroller.current;
    if (!view) {
      return;
    }
    // Only the user scrolling up (the content the same height) stops following the end:
    // the list's own moves while rows are measured must not.
    const gap = view.scrollHeight - view.scrollTop - view.clientHeight;
    const movedUp =
      view.scrollTop < lastScroll.current.top - 1 &&
      view.scrollHeight === lastScroll.current.height;
    if (gap < STICK_DISTANCE) {
      stick.current = true;
    } else if (movedUp) {
      stick.current = false;
    }
    lastScroll.current = { top: view.scrollTop, height: view.scrollHeight };
    // The row at the top of the view, from the list's own geometry (the rows in the DOM
    // may still be those of the last render).
    const top = virtualizer.getVirtualItemForOffset(view.scrollTop);
    const reading = top && top.index < loaderRows ? top.index + 1 : top?.index;
    const row =
      reading !== undefined ? virtualizer.measurementsCache[reading] : null;
    anchor.current = row
      ? {
          id: messages[row.index - loaderRows].id,
          offset: row.start - view.scrollTop
        }
      : null;
    // Near the top: load the earlier page (one load at a time).
    if (
      view.scrollTop < LOAD_DISTANCE &&
      session.earlier > 0 &&
      !loading.current
    ) {
      loading.current = true;
      void session.showEarlier().finally(() => (loading.current = false));
    }
  };

  useEffect(() => {
    const reveal = (_: ChatSession, id: string) => {
      const index = session.thread?.messages.findIndex(m => m.id === id) ?? -1;
      if (index >= 0) {
        stick.current = false;
        virtualizer.scrollToIndex(index + (session.earlier > 0 ? 1 : 0), {
          align: 'center'
        });
      }
    };
    session.reveal.connect(reveal);
    return () => {
      session.reveal.disconnect(reveal);
    };
  }, [session, virtualizer]);

  return (
    <div
      className="jp-OmniPanel-messages"
      ref={scroller}
      onScroll={onScroll}
      role="feed"
      aria-label="Messages"
      aria-busy={loading.current}
    >
      <ol
        ref={rows}
        className="jp-OmniPanel-messageRows"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map(item => (
          <li
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="jp-OmniPanel-messageRow"
            style={{ transform: `translateY(${item.start}px)` }}
          >
            {item.index < loaderRows ? (
              <button
                type="button"
                className="jp-OmniPanel-earlier"
                onClick={() => void session.showEarlier()}
              >
                Show earlier messages ({earlier} more)
              </button>
            ) : (
              <Message
                message={messages[item.index - loaderRows]}
                position={earlier + item.index - loaderRows + 1}
                total={earlier + messages.length}
                session={session}
                rendermime={props.rendermime}
                actions={props.actions}
              />
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** One chat: header, messages, composer. */
export function ChatView(props: {
  session: ChatSession;
  rendermime: IRenderMimeRegistry;
  actions: ICodeActions;
  header?: JSX.Element;
}): JSX.Element {
  return (
    <UseSignal signal={props.session.changed}>
      {() => (
        <div className="jp-OmniPanel-chat">
          {props.header}
          {props.session.error && (
            <div className="jp-OmniPanel-error" role="alert">
              {props.session.error}
            </div>
          )}
          <Messages
            session={props.session}
            rendermime={props.rendermime}
            actions={props.actions}
          />
          <Composer session={props.session} actions={props.actions} />
        </div>
      )}
    </UseSignal>
  );
}
