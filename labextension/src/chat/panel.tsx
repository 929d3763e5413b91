/**
 * The chat side panel: the chosen project's chats (pins, search) or one open chat (or a
 * new one, a draft until its first message is sent).
 */
import {
  caretLeftIcon,
  launchIcon,
  ReactWidget,
  UseSignal
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { focusWhenShown } from '../focus';
import { chatsIcon } from '../icons';
import { CHAT_PANEL_ID } from '../tokens';
import { ChatList } from './chat-list';
import { ChatListMenu, IChatListActions } from './chat-list-menu';
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
    private readonly makeRoom: () => void = () => undefined,
    /** A chat was deleted from the list: its tabs close. */
    deleted: (chatId: string) => void = () => undefined
  ) {
    super();
    this.id = CHAT_PANEL_ID;
    this.title.icon = chatsIcon;
    this.title.caption = 'OmniPanel Chat';
    this.addClass('jp-OmniPanel-chatPanel');
    this.session.changed.connect(() => this.update());
    this.actions = {
      open: (id, leaf) => void this.openChat(id, leaf),
      openInTab: id => this.openInTab(id),
      deleted: id => {
        if (this.session.chatId === id) {
          this.session.close();
        }
        deleted(id);
      }
    };
    this.menu = new ChatListMenu(list, this.actions);
  }

  readonly actions: IChatListActions;

  async openChat(chatId: string, leaf?: string): Promise<void> {
    await this.session.open(chatId, leaf);
  }

  /** A new chat in the list's project: a draft, stored with its first message. */
  newChat(): void {
    if (!this.list.projectId) {
      this.list.error = 'Create a project first (Projects panel).';
      this.update();
      return;
    }
    this.session.startDraft(this.list.projectId);
    void this.focusInput(); // once the draft's message box is rendered
  }

  dispose(): void {
    this.menu.dispose();
    super.dispose();
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
                actions={this.actions}
                menu={this.menu}
                newChat={() => this.newChat()}
              />
            )}
          </div>
        )}
      </UseSignal>
    );
  }

  private readonly menu: ChatListMenu;

  private header(): JSX.Element {
    const thread = this.session.thread!;
    return (
      <div className="jp-OmniPanel-chatHeader">
        <button
          type="button"
          className="jp-OmniPanel-iconButton"
          aria-label="Back to chats"
          title="Back to chats"
          onClick={() => {
            this.session.close();
            void this.list.refresh();
          }}
        >
          <caretLeftIcon.react tag="span" />
        </button>
        <span className="jp-OmniPanel-chatTitle">
          {thread.title || 'New chat'}
        </span>
        {thread.id && (
          <button
            type="button"
            className="jp-OmniPanel-iconButton"
            aria-label="Open in a tab"
            title="Open in a tab"
            onClick={() => this.openInTab(thread.id)}
          >
            <launchIcon.react tag="span" />
          </button>
        )}
      </div>
    );
  }
}
