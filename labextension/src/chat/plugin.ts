/**
 * The chat feature: a right-side panel, its commands and keyboard shortcuts.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { CommandIDs, PALETTE_CATEGORY } from '../tokens';
import { ChatModel } from './model';
import { ChatPanel } from './panel';

export const chatPlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:chat',
  description: 'OmniPanel chat: chat with any model inside a project.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    const model = new ChatModel();
    const panel = new ChatPanel(model, rendermime);
    app.shell.add(panel, 'right', { rank: 100 });
    restorer?.add(panel, panel.id);

    const open = async () => {
      app.shell.activateById(panel.id);
      await model.refresh();
    };
    app.commands.addCommand(CommandIDs.openChat, {
      label: 'Open Chat Panel',
      caption: 'Show the OmniPanel chat in the right sidebar',
      execute: open
    });
    app.commands.addCommand(CommandIDs.newChat, {
      label: 'New Chat',
      execute: async () => {
        await open();
        await model.newChat();
        panel.focusInput();
      }
    });
    app.commands.addCommand(CommandIDs.focusChatInput, {
      label: 'Focus Chat Input',
      execute: async () => {
        app.shell.activateById(panel.id);
        panel.focusInput();
      }
    });
    app.commands.addCommand(CommandIDs.stopReply, {
      label: 'Stop the Reply Being Written',
      isEnabled: () => model.streaming !== null,
      execute: () => model.stop()
    });
    for (const command of [
      CommandIDs.openChat,
      CommandIDs.newChat,
      CommandIDs.focusChatInput,
      CommandIDs.stopReply
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
