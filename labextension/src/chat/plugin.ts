/**
 * The chat feature: a right-side panel, chats in main-area tabs, the workspace bridge
 * (@ context, code-block actions), commands and keyboard shortcuts.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  Notification,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStateDB } from '@jupyterlab/statedb';
import { ITerminalTracker } from '@jupyterlab/terminal';

import { requestAPI } from '../request';
import {
  CommandIDs,
  IProject,
  IProjectSelection,
  PALETTE_CATEGORY
} from '../tokens';
import { chatsAPI } from './api';
import { AvailableModels } from './available-models';
import { ICodeActions } from './code-actions';
import { IChatViewOptions } from './chat-view';
import { ChatListModel } from './model';
import { ChatPanel } from './panel';
import { ServerWarnings } from './server-warnings';
import { ChatSession } from './session';
import { ChatTab } from './tab';
import { followProjectSelection, rememberPanel } from './panel-state';
import { Workspace } from './workspace';

/** Below this width the chat panel and the left sidebar do not fit side by side. */
const NARROW_SCREEN = '(max-width: 600px)';

export const chatPlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:chat',
  description: 'OmniPanel chat: chat with any model inside a project.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    INotebookTracker,
    IEditorTracker,
    ITerminalTracker,
    ILabShell,
    IEditorLanguageRegistry,
    IStateDB,
    IProjectSelection
  ],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    notebooks: INotebookTracker | null,
    editors: IEditorTracker | null,
    terminals: ITerminalTracker | null,
    labShell: ILabShell | null,
    languages: IEditorLanguageRegistry | null,
    state: IStateDB | null,
    selection: IProjectSelection | null
  ) => {
    const list = new ChatListModel();
    const workspace = new Workspace(
      app,
      notebooks,
      editors,
      terminals,
      languages
    );
    const report = (error: unknown) =>
      void showErrorMessage(
        'OmniPanel',
        (error as Error).message ?? String(error)
      );
    /** The project folder of a chat (a chat tab's may not be the side panel's). */
    const folderOf = (session: ChatSession): string | null => {
      const projectId = session.thread?.project_id ?? list.projectId;
      return list.projects.find(p => p.id === projectId)?.folder ?? null;
    };
    const actions: ICodeActions = {
      insertBelow: code => workspace.insertBelow(code),
      replaceActiveCell: code => workspace.replaceActiveCell(code),
      newFile: (session, code, language) =>
        workspace.newFile(code, language, folderOf(session)),
      applyToFile: (code, language) => workspace.applyToFile(code, language),
      runInTerminal: (session, code) =>
        workspace.runInTerminal(code, folderOf(session)),
      addContext: async (session, kind) => {
        try {
          const projectId = session.thread?.project_id ?? list.projectId;
          session.addContext(await workspace.gather(kind, projectId));
        } catch (error) {
          report(error);
        }
      },
      addFile: async (session, path) => {
        try {
          session.addContext([await workspace.fileContext(path)]);
        } catch (error) {
          report(error);
        }
      },
      projectFiles: async session => {
        // Only the chat's project folder is offered, never the whole server root. A
        // chat tab's project may not be among the side panel's yet: then it is asked.
        const projectId = session.thread?.project_id;
        const folder =
          folderOf(session) ??
          (projectId
            ? (await requestAPI<IProject>(`projects/${projectId}`)).folder
            : null);
        const files = folder ? await workspace.projectFiles(folder) : [];
        return { folder, files };
      },
      attachImage: async (session, file) => {
        try {
          const folder = folderOf(session);
          if (!folder) {
            throw new Error('Choose a project for the chat first.');
          }
          session.addAttachment(await workspace.saveImage(folder, file));
        } catch (error) {
          report(error);
        }
      },
      report
    };
    const warnings = new ServerWarnings();
    void warnings.refresh();
    const views: IChatViewOptions = {
      rendermime,
      actions,
      models: new AvailableModels(),
      warnings,
      commands: app.commands
    };

    // Chat tabs are tracked, so a reloaded page opens them again where they were.
    const tabs = new WidgetTracker<ChatTab>({ namespace: 'omnipanel-chat' });
    const openInTab = async (chatId: string, leaf?: string) => {
      const existing = tabs.find(tab => tab.session.chatId === chatId);
      if (existing) {
        app.shell.activateById(existing.id);
        return;
      }
      // Deleted in another tab, or a layout saved against another store (JupyterLab
      // keeps layouts per OS user): a quiet notice, and the tab is not opened again.
      const gone = () =>
        Notification.warning(
          'A chat tab was closed: its chat no longer exists (deleted, or from another store).',
          { autoClose: 8000 }
        );
      const exists = await chatsAPI.existing([chatId]).then(
        found => found.has(chatId),
        () => true // cannot tell (e.g. the store is down): try, and say why it fails
      );
      if (!exists) {
        gone();
        return;
      }
      const session = new ChatSession();
      await session.open(chatId, leaf); // first: the tracker names the tab by its chat
      if (!session.chatId) {
        Notification.warning(
          `A chat tab was closed: ${session.error ?? `cannot open chat ${chatId}.`}`,
          { autoClose: 8000 }
        );
        return;
      }
      const tab = new ChatTab(session, views);
      tab.id = `omnipanel-chat-${chatId}`;
      app.shell.add(tab, 'main', { mode: 'split-right' });
      await tabs.add(tab);
      app.shell.activateById(tab.id);
    };
    // A phone-sized screen has no width for both sidebars and the main area: the chat
    // panel takes the left sidebar's.
    const makeRoom = () => {
      if (window.matchMedia(NARROW_SCREEN).matches) {
        labShell?.collapseLeft();
      }
    };
    const panel = new ChatPanel(
      list,
      views,
      id => void openInTab(id),
      makeRoom,
      // A chat deleted from the list closes its tabs too.
      id => tabs.forEach(tab => tab.session.chatId === id && tab.dispose())
    );
    app.shell.add(panel, 'right', { rank: 100 });
    restorer?.add(panel, panel.id);
    if (selection) {
      followProjectSelection(panel, selection);
    }
    if (state) {
      void app.restored.then(() => rememberPanel(panel, state, selection));
    }

    const open = async () => {
      app.shell.activateById(panel.id);
      await list.refresh();
    };
    /** The chat the user is in: the active chat tab, else the side panel's. */
    const current = (): ChatSession => {
      const widget = app.shell.currentWidget;
      return widget instanceof ChatTab ? widget.session : panel.session;
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
        panel.newChat(); // a draft: stored when its first message is sent
      }
    });
    app.commands.addCommand(CommandIDs.openChatInTab, {
      label: 'Open Chat in a Tab',
      isEnabled: args => !!args.chatId || panel.session.chatId !== null,
      execute: args =>
        openInTab((args.chatId as string) ?? panel.session.chatId!)
    });
    void restorer?.restore(tabs, {
      command: CommandIDs.openChatInTab,
      args: tab => ({ chatId: tab.session.chatId }),
      name: tab => tab.session.chatId ?? ''
    });
    app.commands.addCommand(CommandIDs.focusChatInput, {
      label: 'Focus Chat Input',
      execute: () => {
        app.shell.activateById(panel.id);
        return panel.focusInput();
      }
    });
    app.commands.addCommand(CommandIDs.stopReply, {
      label: 'Stop the Reply Being Written',
      isEnabled: () => current().streaming !== null,
      execute: () => current().stop()
    });
    app.commands.addCommand(CommandIDs.addCellContext, {
      label: 'Add Selected Cells to the Chat',
      execute: () => actions.addContext(current(), 'cell')
    });
    const hasChat = () => current().chatId !== null;
    app.commands.addCommand(CommandIDs.regenerateReply, {
      label: 'Regenerate the Last Reply',
      isEnabled: () =>
        current().lastReply !== null && current().streaming === null,
      execute: () => current().regenerate(current().lastReply!)
    });
    app.commands.addCommand(CommandIDs.renameChat, {
      label: 'Rename Chat…',
      isEnabled: hasChat,
      execute: async () => {
        const session = current();
        const result = await InputDialog.getText({
          title: 'Rename chat',
          text: session.thread?.title ?? ''
        });
        if (result.button.accept && result.value !== null) {
          await session.update({ title: result.value });
        }
      }
    });
    app.commands.addCommand(CommandIDs.tagChat, {
      label: 'Tag Chat…',
      isEnabled: hasChat,
      execute: async () => {
        const session = current();
        const result = await InputDialog.getText({
          title: 'Tags (comma-separated)',
          text: session.thread?.tags.join(', ') ?? ''
        });
        if (result.button.accept && result.value !== null) {
          const tags = result.value.split(',').map(tag => tag.trim());
          await session.update({ tags: tags.filter(Boolean) });
        }
      }
    });
    app.commands.addCommand(CommandIDs.exportChat, {
      label: args =>
        `Export Chat as ${args.format === 'ipynb' ? 'Notebook' : 'Markdown'}`,
      isEnabled: hasChat,
      execute: args =>
        chatsAPI
          .download(
            current().chatId!,
            args.format === 'ipynb' ? 'ipynb' : 'markdown'
          )
          .catch(report)
    });
    app.commands.addCommand(CommandIDs.searchChats, {
      label: 'Search Chats',
      execute: async () => {
        await open();
        panel.session.close();
        panel.node
          .querySelector<HTMLInputElement>('input[type="search"]')
          ?.focus();
      }
    });
    for (const command of [
      CommandIDs.regenerateReply,
      CommandIDs.renameChat,
      CommandIDs.tagChat,
      CommandIDs.searchChats
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
    for (const format of ['markdown', 'ipynb']) {
      palette?.addItem({
        command: CommandIDs.exportChat,
        args: { format },
        category: PALETTE_CATEGORY
      });
    }
    for (const command of [
      CommandIDs.openChat,
      CommandIDs.newChat,
      CommandIDs.openChatInTab,
      CommandIDs.focusChatInput,
      CommandIDs.stopReply,
      CommandIDs.addCellContext
    ]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
};
