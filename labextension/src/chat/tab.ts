/**
 * A chat in a main-area tab: several can sit side by side, each following its replies.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { chatsIcon } from '../icons';
import { ChatView, IChatViewOptions } from './chat-view';
import { ChatSession } from './session';
import { WarningBanners } from './warning-banners';

export class ChatTab extends MainAreaWidget<ReactWidget> {
  constructor(
    readonly session: ChatSession,
    options: IChatViewOptions
  ) {
    const content = ReactWidget.create(
      React.createElement(
        'div',
        { className: 'jp-OmniPanel-chatRoot' },
        React.createElement(WarningBanners, { warnings: options.warnings }),
        React.createElement(ChatView, { ...options, session })
      )
    );
    content.addClass('jp-OmniPanel-chatPanel');
    super({ content });
    this.title.icon = chatsIcon;
    this.title.closable = true;
    const showTitle = () => {
      this.title.label = session.thread?.title || 'New chat';
    };
    showTitle();
    session.changed.connect(showTitle);
  }
}
