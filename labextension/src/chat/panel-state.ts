/**
 * What the chat panel keeps across reloads (its project and open chat, in JupyterLab's
 * state database) and how it follows the project chosen in the Projects panel.
 */
import { IStateDB } from '@jupyterlab/statedb';
import { ReadonlyJSONObject } from '@lumino/coreutils';

import { IProjectSelection } from '../tokens';
import { chatsAPI } from './api';
import { ChatPanel } from './panel';

const STATE_KEY = 'omnipanel-lab:chat-panel';

/** Show a project's chats; a chat of another project gives way (a draft moves along). */
export async function showProject(
  panel: ChatPanel,
  projectId: string
): Promise<void> {
  const { session, list } = panel;
  if (session.isDraft) {
    session.moveDraft(projectId);
  } else if (session.thread && session.thread.project_id !== projectId) {
    session.close(); // its reply, if any, goes on on the server
  }
  if (list.projects.some(project => project.id === projectId)) {
    await list.setProject(projectId);
  } else {
    list.projectId = projectId; // a project made since the list loaded
    await list.refresh();
  }
}

/** One chosen project: the Projects panel's selection and the chat panel's agree. */
export function followProjectSelection(
  panel: ChatPanel,
  selection: IProjectSelection
): void {
  let shown = selection.selectedId;
  if (shown) {
    void showProject(panel, shown);
  }
  selection.changed.connect(() => {
    const id = selection.selectedId;
    if (id && id !== shown) {
      shown = id;
      void showProject(panel, id);
    }
  });
  panel.list.changed.connect(() => {
    const id = panel.list.projectId;
    if (id && id !== shown) {
      shown = id; // chosen in the chat panel: the Projects panel follows
      selection.select(id);
    }
  });
}

/** Reopen the project and chat of the last visit, then remember them as they change. */
export async function rememberPanel(
  panel: ChatPanel,
  state: IStateDB,
  selection: IProjectSelection | null
): Promise<void> {
  const saved = (await state.fetch(STATE_KEY)) as
    ReadonlyJSONObject | undefined;
  const projectId = saved?.projectId;
  const chatId = saved?.chatId;
  if (typeof projectId === 'string' && projectId) {
    if (selection) {
      selection.select(projectId); // the chat panel follows the selection
    } else {
      await showProject(panel, projectId);
    }
  }
  if (typeof chatId === 'string' && chatId && !panel.session.thread) {
    // A chat deleted since (elsewhere) leaves the list shown, without a word.
    const exists = await chatsAPI
      .existing([chatId])
      .then(found => found.has(chatId))
      .catch(() => false);
    if (exists && !panel.session.thread) {
      await panel.openChat(chatId);
    }
  }
  let last = '';
  const save = () => {
    const value = {
      projectId: panel.list.projectId,
      chatId: panel.session.chatId
    };
    if (JSON.stringify(value) !== last) {
      last = JSON.stringify(value);
      void state.save(STATE_KEY, value);
    }
  };
  panel.list.changed.connect(save);
  panel.session.changed.connect(save);
  save();
}
