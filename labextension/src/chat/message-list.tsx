/**
 * The messages of a chat, newest at the bottom, as a virtual list.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useEffect, useLayoutEffect, useRef } from 'react';

import { ICodeActions } from './code-actions';
import { MessageView } from './message-view';
import { ChatSession } from './session';

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
export function MessageList(props: {
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
      {/* The feed's items are the messages (articles): the list and its rows are
          layout only, for assistive technology. */}
      <ol
        ref={rows}
        role="none"
        className="jp-OmniPanel-messageRows"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map(item => (
          <li
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            role="none"
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
              <MessageView
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
