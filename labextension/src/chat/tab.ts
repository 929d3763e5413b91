/**
 * A chat in a main-area tab: several can sit side by side, each following its replies.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { omnipanelIcon } from '../icons';
import { ChatSession } from './session';
import { ChatView, ICodeActions } from './views';

export class ChatTab extends MainAreaWidget<ReactWidget> {
  constructor(
    readonly session: ChatSession,
    rendermime: IRenderMimeRegistry,
    actions: ICodeActions
  ) {
    const content = ReactWidget.create(
      React.createElement(ChatView, { session, rendermime, actions })
    );
    content.addClass('jp-OmniPanel-chatPanel');
    super({ content });
    this.title.icon = omnipanelIcon;
    this.title.closable = true;
    const showTitle = () => {
      this.title.label = session.thread?.title || 'New chat';
    };
    showTitle();
    session.changed.connect(showTitle);
  }
}
