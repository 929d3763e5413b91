/**
 * The chat's header controls: the model dropdown, the model's context window with the
 * token meter, and the chat's menu.
 */
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { AvailableModels, useContextWindows } from './available-models';
import { ChatMenu } from './chat-menu';
import { ICodeActions } from './code-actions';
import { estimateTokens } from './composer';
import { compactTokens, ModelPicker } from './model-picker';
import { ChatSession } from './session';

/** What the next request holds, roughly: the messages loaded, the context, the draft. */
function usedTokens(session: ChatSession): number {
  const messages = session.thread?.messages ?? [];
  return estimateTokens(
    messages.map(m => m.content).join('') +
      session.context.map(item => item.text).join('') +
      session.draft
  );
}

function TokenMeter(props: {
  session: ChatSession;
  models: AvailableModels;
}): JSX.Element {
  const { session } = props;
  const model = session.thread?.model;
  const size = useContextWindows(props.models).get(
    model ? `${model.provider}/${model.model}` : ''
  );
  const used = usedTokens(session);
  const over = !!size && used > size;
  const title =
    `≈ ${used.toLocaleString()} tokens in this chat's next request ` +
    '(the messages shown, the context and the draft)' +
    (size
      ? ` of the model's ${size.toLocaleString()}-token context window`
      : '');
  const fill = size ? Math.min(1, used / size) : 0;
  return (
    <span
      className={`jp-OmniPanel-tokenMeter${over ? ' jp-OmniPanel-over' : ''}`}
      title={title}
      {...(size
        ? {
            role: 'meter',
            'aria-label': 'Tokens of the context window',
            'aria-valuemin': 0,
            'aria-valuemax': size,
            'aria-valuenow': Math.min(used, size),
            'aria-valuetext': title
          }
        : {})}
    >
      {size && (
        <span className="jp-OmniPanel-meterBar" aria-hidden="true">
          <span style={{ width: `${Math.round(fill * 100)}%` }} />
        </span>
      )}
      <span className="jp-OmniPanel-meterText">
        ≈{compactTokens(used)}
        {size ? ` / ${compactTokens(size)}` : ' tokens'}
      </span>
    </span>
  );
}

export function ChatBar(props: {
  session: ChatSession;
  models: AvailableModels;
  actions: ICodeActions;
  commands: CommandRegistry;
}): JSX.Element {
  const { session, models, actions, commands } = props;
  return (
    <div className="jp-OmniPanel-chatBar">
      <ModelPicker session={session} models={models} />
      <TokenMeter session={session} models={models} />
      <ChatMenu session={session} actions={actions} commands={commands} />
    </div>
  );
}
