/**
 * The chat side panel: the chosen project's chats (pins, search) or one open chat.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { focusWhenShown } from '../focus';
import { chatsIcon } from '../icons';
import { CHAT_PANEL_ID } from '../tokens';
import { ChatList } from './chat-list';
import { ChatView, IChatViewOptions } from './chat-view';
import { ChatListModel } from './model';
import { ChatSession } from './session';
import { WarningBanners } from './warning-banners';

export class ChatPanel extends ReactWidget {
  readonly session = new ChatSession();

  constructor(
    readonly list: ChatListModel,
    private readonly options: IChatViewOptions,
    private readonly openInTab: (chatId: string) => void,
    /** Called when the panel is shown: on a phone, the left sidebar gives way. */
    private readonly makeRoom: () => void = () => undefined
  ) {
    super();
    this.id = CHAT_PANEL_ID;
    this.title.icon = chatsIcon;
    this.title.caption = 'OmniPanel Chat';
    this.addClass('jp-OmniPanel-chatPanel');
    this.session.changed.connect(() => this.update());
  }

  async openChat(chatId: string, leaf?: string): Promise<void> {
    await this.session.open(chatId, leaf);
  }

  /** Activating the panel puts the cursor where typing makes sense. */
  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this.makeRoom();
    void focusWhenShown(this.node, [
      '.jp-OmniPanel-chatInput',
      'input[type="search"]'
    ]);
  }

  /** Put the cursor in the message box, once it is rendered ("Focus Chat Input"). */
  focusInput(): Promise<boolean> {
    return focusWhenShown(this.node, ['.jp-OmniPanel-chatInput'], true);
  }

  protected onAfterShow(): void {
    void this.list.refresh();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.list.changed}>
        {() => (
          <div className="jp-OmniPanel-chatRoot">
            <WarningBanners warnings={this.options.warnings} />
            {this.list.error && (
              <div className="jp-OmniPanel-error" role="alert">
                {this.list.error}
              </div>
            )}
            {this.session.thread ? (
              <ChatView
                {...this.options}
                session={this.session}
                header={this.header()}
              />
            ) : (
              <ChatList
                list={this.list}
                open={(id, leaf) => void this.openChat(id, leaf)}
                openInTab={this.openInTab}
              />
            )}
          </div>
        )}
      </UseSignal>
    );
  }

  private header(): JSX.Element {
    const thread = this.session.thread!;
    return (
      <div className="jp-OmniPanel-chatHeader">
        <button
          type="button"
          aria-label="Back to chats"
          onClick={() => {
            this.session.close();
            void this.list.refresh();
          }}
        >
          ‹ Chats
        </button>
        <span className="jp-OmniPanel-chatTitle">
          {thread.title || 'New chat'}
        </span>
        <button
          type="button"
          aria-label="Open in a tab"
          onClick={() => this.openInTab(thread.id)}
        >
          ⧉
        </button>
      </div>
    );
  }
}
