/**
 * The message box of a chat: context chips, pasted images, the model, the @ menu,
 * export, and Send or Stop.
 */
import React from 'react';

import { chatsAPI } from './api';
import { AvailableModels, useContextWindows } from './available-models';
import { ICodeActions } from './code-actions';
import { fileURL } from './file-url';
import { ModelPicker } from './model-picker';
import { ChatSession } from './session';
import { CONTEXT_KINDS, ContextKind } from './workspace';

/** Images among pasted or dropped files. */
function imageFiles(files: FileList | undefined | null): File[] {
  return Array.from(files ?? []).filter(file => file.type.startsWith('image/'));
}

/** A rough token count (4 characters a token) until the model's tokenizer is asked. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function Composer(props: {
  session: ChatSession;
  actions: ICodeActions;
  models: AvailableModels;
}): JSX.Element {
  const { session, actions, models } = props;
  const streaming = session.streaming;
  const contextTokens = estimateTokens(
    session.context.map(item => item.text).join('')
  );
  const model = session.thread?.model;
  const contextWindow = useContextWindows(models).get(
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
        <ModelPicker session={session} models={models} />
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
