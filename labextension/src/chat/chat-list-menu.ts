/**
 * What can be done to a chat of the list: a context menu (right click, the "⋯" button,
 * the context-menu key) and the dialogs behind it (rename, tags, delete).
 */
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import {
  deleteIcon,
  editIcon,
  launchIcon,
  tagIcon
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { Menu } from '@lumino/widgets';

import { IChat } from './api';
import { pinIcon } from './list-icons';
import { ChatListModel } from './model';

/** What the list asks of the panel that holds it. */
export interface IChatListActions {
  open: (chatId: string, leaf?: string) => void;
  openInTab: (chatId: string) => void;
  /** A chat was deleted: tabs and views showing it close. */
  deleted: (chatId: string) => void;
}

export async function renameChat(
  list: ChatListModel,
  chat: IChat
): Promise<void> {
  const result = await InputDialog.getText({
    title: 'Rename chat',
    text: chat.title,
    placeholder: 'Title'
  });
  if (result.button.accept && result.value !== null) {
    await list.rename(chat, result.value);
  }
}

export async function tagChat(list: ChatListModel, chat: IChat): Promise<void> {
  const result = await InputDialog.getText({
    title: 'Tags (comma-separated)',
    text: chat.tags.join(', ')
  });
  if (result.button.accept && result.value !== null) {
    const tags = result.value.split(',').map(tag => tag.trim());
    await list.setTags(chat, tags.filter(Boolean));
  }
}

/** Delete after the user confirms; true when deleted. */
export async function deleteChat(
  list: ChatListModel,
  chat: IChat,
  actions: IChatListActions
): Promise<boolean> {
  const result = await showDialog({
    title: 'Delete chat',
    body: `Delete “${chat.title || 'New chat'}” and all its messages? This cannot be undone.`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  if (!result.button.accept) {
    return false;
  }
  await list.remove(chat);
  if (!list.error) {
    actions.deleted(chat.id);
  }
  return !list.error;
}

/** The context menu of the list's chats: one menu, opened for one chat at a time. */
export class ChatListMenu {
  constructor(list: ChatListModel, actions: IChatListActions) {
    const commands = new CommandRegistry();
    const add = (
      id: string,
      options: Partial<CommandRegistry.ICommandOptions>,
      run: (chat: IChat) => unknown
    ) => {
      commands.addCommand(id, {
        ...options,
        execute: () => {
          if (this._chat) {
            void run(this._chat);
          }
        }
      } as CommandRegistry.ICommandOptions);
    };
    add('open', { label: 'Open' }, chat => actions.open(chat.id));
    add('open-tab', { label: 'Open in a Tab', icon: launchIcon }, chat =>
      actions.openInTab(chat.id)
    );
    add('rename', { label: 'Rename…', icon: editIcon }, chat =>
      renameChat(list, chat)
    );
    add('tag', { label: 'Tags…', icon: tagIcon }, chat => tagChat(list, chat));
    add(
      'pin',
      {
        label: () => (this._chat?.pinned ? 'Unpin' : 'Pin'),
        icon: pinIcon
      },
      chat => list.togglePin(chat)
    );
    add('delete', { label: 'Delete…', icon: deleteIcon }, chat =>
      deleteChat(list, chat, actions)
    );
    this._menu = new Menu({ commands });
    this._menu.addClass('jp-OmniPanel-chatListMenu');
    this._menu.node.setAttribute('aria-label', 'Chat actions');
    for (const command of ['open', 'open-tab']) {
      this._menu.addItem({ command });
    }
    this._menu.addItem({ type: 'separator' });
    for (const command of ['rename', 'tag', 'pin']) {
      this._menu.addItem({ command });
    }
    this._menu.addItem({ type: 'separator' });
    this._menu.addItem({ command: 'delete' });
    this._menu.aboutToClose.connect(() => {
      // Back to where the menu was opened from, unless a dialog takes the focus.
      const back = this._returnFocus;
      requestAnimationFrame(() => {
        if (back?.isConnected && !document.querySelector('.jp-Dialog')) {
          back.focus();
        }
      });
    });
  }

  /** Open for `chat` at (x, y); the focus returns to `from` when the menu closes. */
  open(chat: IChat, x: number, y: number, from?: HTMLElement): void {
    this._chat = chat;
    this._returnFocus = from ?? null;
    this._menu.open(x, y);
  }

  dispose(): void {
    this._menu.dispose();
  }

  private _menu: Menu;
  private _chat: IChat | null = null;
  private _returnFocus: HTMLElement | null = null;
}
