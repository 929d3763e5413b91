/**
 * The message box of a chat: a text area that grows as it fills, the context chips and
 * pasted images, the @ menu where `@` is typed, and Send (Stop while a reply streams).
 */
import { closeIcon, stopIcon } from '@jupyterlab/ui-components';
import React, {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState
} from 'react';

import { IContextItem } from './api';
import { ICodeActions } from './code-actions';
import { fileURL } from './file-url';
import { Listbox, listKeys, optionId } from './listbox';
import {
  contextChoices,
  kindIcon,
  mentionAt,
  useProjectFiles
} from './mention';
import { sendIcon } from './send-icon';
import { ChatSession } from './session';

/** Images among pasted or dropped files. */
function imageFiles(files: FileList | undefined | null): File[] {
  return Array.from(files ?? []).filter(file => file.type.startsWith('image/'));
}

/** A rough token count (4 characters a token) until the model's tokenizer is asked. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What a chip shows: a file's name, else the start of the label (the whole label is
 * its tooltip). */
function chipLabel(item: IContextItem): string {
  if (item.kind === 'file' || item.kind === 'notebook') {
    return item.label.split('/').pop() ?? item.label;
  }
  return item.label.length > 60 ? `…${item.label.slice(-58)}` : item.label;
}

export function Composer(props: {
  session: ChatSession;
  actions: ICodeActions;
}): JSX.Element {
  const { session, actions } = props;
  const streaming = session.streaming;
  const input = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const hintId = useId();

  // The @ menu is open while an `@word` is typed before the caret (Esc closes it).
  const [caret, setCaret] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const mention = mentionAt(session.draft, caret);
  const open = focused && mention !== null && mention.start !== dismissed;
  const project = useProjectFiles(actions, session, open);
  const choices = open
    ? contextChoices(mention.query, project.folder, project.files)
    : [];
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [mention?.query, open]);
  useEffect(() => {
    if (!mention) {
      setDismissed(null);
    }
  }, [mention === null]);
  const expanded = open && choices.length > 0;

  // The box grows with its text (and its width: a narrower panel wraps more lines), up
  // to the height the stylesheet allows.
  const fit = () => {
    const box = input.current;
    if (box) {
      box.style.height = 'auto';
      box.style.height = `${box.scrollHeight + 2}px`;
    }
  };
  useLayoutEffect(fit, [session.draft]);
  useEffect(() => {
    const box = input.current;
    let width = box?.clientWidth;
    const observer = new ResizeObserver(() => {
      if (box && box.clientWidth !== width) {
        width = box.clientWidth;
        fit();
      }
    });
    if (box) {
      observer.observe(box);
    }
    return () => observer.disconnect();
  }, []);

  // After a pick the caret goes where the `@word` was.
  const caretAfterPick = useRef<number | null>(null);
  useLayoutEffect(() => {
    const box = input.current;
    if (box && caretAfterPick.current !== null) {
      box.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
      caretAfterPick.current = null;
    }
  });

  const pick = (index: number) => {
    const choice = choices[index];
    if (!choice || !mention) {
      return;
    }
    const draft = session.draft;
    caretAfterPick.current = mention.start;
    setCaret(mention.start);
    session.setDraft(draft.slice(0, mention.start) + draft.slice(caret));
    void (choice.path
      ? actions.addFile(session, choice.path)
      : actions.addContext(session, choice.kind));
    input.current?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) {
      return; // an input method is composing: its Enter is not ours
    }
    if (
      expanded &&
      listKeys(event, choices.length, active, setActive, pick, () =>
        setDismissed(mention.start)
      )
    ) {
      return;
    }
    if (event.key === 'Enter' && open && project.loading) {
      event.preventDefault(); // the file typed after @ is not listed yet
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setDismissed(mention.start);
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void session.send();
    } else if (event.key === 'Escape' && streaming) {
      event.preventDefault();
      void session.stop();
    }
  };

  const track = (event: React.SyntheticEvent<HTMLTextAreaElement>) =>
    setCaret(event.currentTarget.selectionStart);

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
      {open && (
        <div className="jp-OmniPanel-mentionMenu">
          {expanded ? (
            <Listbox
              id={listId}
              label="Context to add"
              options={choices}
              active={active}
              onPick={pick}
              onHover={setActive}
            />
          ) : (
            <div className="jp-OmniPanel-mentionEmpty" role="status">
              {project.loading
                ? 'Listing the project’s files…'
                : `Nothing matches “${mention.query}”`}
            </div>
          )}
          {expanded && project.loading && (
            <div className="jp-OmniPanel-mentionEmpty" role="status">
              Listing the project’s files…
            </div>
          )}
        </div>
      )}
      <div className="jp-OmniPanel-composerBox">
        {(session.context.length > 0 || session.attachments.length > 0) && (
          <div className="jp-OmniPanel-composerChips">
            {session.context.length > 0 && (
              <ul className="jp-OmniPanel-contextChips" aria-label="Context">
                {session.context.map((item, i) => {
                  const Icon = kindIcon(item.kind);
                  return (
                    <li
                      key={i}
                      className="jp-OmniPanel-chip"
                      title={`@${item.kind} ${item.label}`}
                    >
                      <Icon.react
                        tag="span"
                        className="jp-OmniPanel-chipIcon"
                      />
                      <span className="jp-OmniPanel-chipKind">
                        @{item.kind}
                      </span>{' '}
                      <span className="jp-OmniPanel-chipLabel">
                        {chipLabel(item)}
                      </span>
                      <button
                        type="button"
                        aria-label={`Remove @${item.kind} ${item.label}`}
                        title="Remove"
                        onClick={() => {
                          session.removeContext(i);
                          input.current?.focus();
                        }}
                      >
                        <closeIcon.react tag="span" />
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
            {session.attachments.length > 0 && (
              <ul className="jp-OmniPanel-contextChips" aria-label="Images">
                {session.attachments.map((image, i) => (
                  <li key={image.path} className="jp-OmniPanel-chip">
                    <img src={fileURL(image.path)} alt="" />
                    <span className="jp-OmniPanel-chipLabel">
                      {image.path.split('/').pop()}
                    </span>
                    <button
                      type="button"
                      aria-label={`Remove image ${image.path.split('/').pop()}`}
                      title="Remove"
                      onClick={() => session.removeAttachment(i)}
                    >
                      <closeIcon.react tag="span" />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {/* ARIA 1.1's combobox: a textarea may not take the role itself. */}
        <div
          className="jp-OmniPanel-inputRow"
          role="combobox"
          aria-label="Message"
          aria-haspopup="listbox"
          aria-expanded={expanded}
          aria-owns={expanded ? listId : undefined}
        >
          <textarea
            ref={input}
            className="jp-OmniPanel-chatInput"
            aria-label="Message"
            aria-autocomplete="list"
            aria-describedby={hintId}
            aria-controls={expanded ? listId : undefined}
            aria-activedescendant={
              expanded ? optionId(listId, active) : undefined
            }
            placeholder="Message (@ adds context)"
            value={session.draft}
            rows={1}
            onChange={event => {
              session.setDraft(event.target.value);
              track(event);
            }}
            onSelect={track}
            onKeyDown={onKeyDown}
            onFocus={() => setFocused(true)}
            onBlur={() => setFocused(false)}
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
          />
        </div>
        <div className="jp-OmniPanel-composerActions">
          <button
            type="button"
            className="jp-OmniPanel-iconButton jp-OmniPanel-addContext"
            aria-label="Add context"
            title="Add context (type @)"
            onClick={() => {
              // Type an `@` at the caret: the menu opens there.
              const box = input.current;
              const at = box?.selectionStart ?? session.draft.length;
              const draft = session.draft;
              const space = at > 0 && !/\s/.test(draft[at - 1]) ? ' ' : '';
              caretAfterPick.current = at + space.length + 1;
              setCaret(at + space.length + 1);
              setDismissed(null);
              session.setDraft(
                `${draft.slice(0, at)}${space}@${draft.slice(at)}`
              );
              box?.focus();
            }}
          >
            @
          </button>
          <span id={hintId} className="jp-OmniPanel-composerHint">
            {streaming
              ? 'Esc stops the reply'
              : 'Enter sends · Shift+Enter: new line'}
          </span>
          {/* One button, Send or Stop: the focus stays on it as a reply starts. */}
          <button
            type="button"
            className={`jp-OmniPanel-send${streaming ? ' jp-mod-stop' : ''}`}
            aria-label={streaming ? 'Stop' : 'Send'}
            title={streaming ? 'Stop the reply (Esc)' : 'Send (Enter)'}
            aria-disabled={!streaming && !session.draft.trim()}
            onClick={() => void (streaming ? session.stop() : session.send())}
          >
            {streaming ? (
              <stopIcon.react tag="span" />
            ) : (
              <sendIcon.react tag="span" />
            )}
          </button>
        </div>
      </div>
    </div>
  );
}
