/**
 * One chat, shared by the side panel and chat tabs: header (with the model, the token
 * meter and the chat's menu), messages, composer.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React, { useMemo } from 'react';

import { AvailableModels } from './available-models';
import { ChatBar } from './chat-bar';
import { ICodeActions } from './code-actions';
import { Composer } from './composer';
import { MessageList } from './message-list';
import { ServerWarnings } from './server-warnings';
import { ChatSession } from './session';
import { UntrustedSanitizer } from './untrusted-html';

/** What every chat view shares: set up once by the plugin. */
export interface IChatViewOptions {
  rendermime: IRenderMimeRegistry;
  actions: ICodeActions;
  models: AvailableModels;
  warnings: ServerWarnings;
  /** JupyterLab's commands, for the chat menu's entries that are commands. */
  commands: CommandRegistry;
}

export function ChatView(
  props: IChatViewOptions & { session: ChatSession; header?: JSX.Element }
): JSX.Element {
  const { session, actions, models } = props;
  // Replies and imported chats are untrusted: their HTML loads nothing remote.
  const rendermime = useMemo(
    () =>
      props.rendermime.clone({
        sanitizer: new UntrustedSanitizer(props.rendermime.sanitizer)
      }),
    [props.rendermime]
  );
  return (
    <UseSignal signal={session.changed}>
      {() => (
        <div className="jp-OmniPanel-chat">
          {props.header}
          <ChatBar
            session={session}
            models={models}
            actions={actions}
            commands={props.commands}
          />
          {session.error && (
            <div className="jp-OmniPanel-error" role="alert">
              {session.error}
            </div>
          )}
          <MessageList
            session={session}
            rendermime={rendermime}
            actions={actions}
          />
          <Composer session={session} actions={actions} />
        </div>
      )}
    </UseSignal>
  );
}
