/**
 * The @ menu of the composer: what can be added as context where the user types `@`
 * (the project's files and notebooks by fuzzy match, the active notebook, the selected
 * cells, the editor selection, a terminal's output, the git diff).
 */
import {
  codeIcon,
  fileIcon,
  historyIcon,
  LabIcon,
  notebookIcon,
  terminalIcon,
  textEditorIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { ICodeActions } from './code-actions';
import { fuzzyFilter } from './fuzzy';
import { IOption } from './listbox';
import { ChatSession } from './session';
import { CONTEXT_KINDS, ContextKind } from './workspace';

/** Most files the menu shows at once (typing narrows them down). */
const SHOWN_FILES = 50;

/** The `@query` typed just before the caret: where its `@` is, and what follows it. */
export interface IMention {
  start: number;
  query: string;
}

export function mentionAt(text: string, caret: number): IMention | null {
  // An `@` at the start or after a space (not in "a@b.com"), then no space up to the caret.
  const match = /(?:^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  return match ? { start: caret - match[1].length - 1, query: match[1] } : null;
}

/** One entry of the menu: a kind of context, or a file of the project. */
export interface IContextChoice extends IOption {
  kind: ContextKind;
  path?: string;
}

const KIND_ICONS: Record<string, LabIcon> = {
  notebook: notebookIcon,
  cell: codeIcon,
  selection: textEditorIcon,
  terminal: terminalIcon,
  diff: historyIcon,
  file: fileIcon
};

/** An option's look: icon, name, and a quieter detail. */
function optionContent(
  icon: LabIcon,
  name: string,
  detail: string
): JSX.Element {
  return (
    <>
      <icon.react tag="span" className="jp-OmniPanel-optionIcon" />
      <span className="jp-OmniPanel-optionName">{name}</span>
      <span className="jp-OmniPanel-optionDetail">{detail}</span>
    </>
  );
}

/** The menu's entries for `query`: matching kinds first, then matching files. */
export function contextChoices(
  query: string,
  folder: string | null,
  files: readonly string[]
): IContextChoice[] {
  const kinds = fuzzyFilter(query, CONTEXT_KINDS, item => item.kind).map(
    ({ kind, label }): IContextChoice => ({
      key: `kind-${kind}`,
      kind,
      label: `@${kind}: ${label}`,
      content: optionContent(KIND_ICONS[kind], `@${kind}`, label)
    })
  );
  const prefix = folder ? `${folder}/` : '';
  const relative = (path: string) =>
    path.startsWith(prefix) ? path.slice(prefix.length) : path;
  const matching = fuzzyFilter(query, files, relative).slice(0, SHOWN_FILES);
  return [
    ...kinds,
    ...matching.map((path): IContextChoice => {
      const name = relative(path);
      const cut = name.lastIndexOf('/');
      const notebook = path.endsWith('.ipynb');
      return {
        key: `file-${path}`,
        kind: notebook ? 'notebook' : 'file',
        path,
        label: name,
        content: optionContent(
          notebook ? notebookIcon : fileIcon,
          name.slice(cut + 1),
          cut >= 0 ? name.slice(0, cut) : ''
        )
      };
    })
  ];
}

/**
 * The chat's project files, asked anew each time the menu opens (files come and go); the
 * last list is shown meanwhile. `loading` only until the chat's first list arrives: an
 * Enter typed before then must not send the message instead of picking a file.
 */
export function useProjectFiles(
  actions: ICodeActions,
  session: ChatSession,
  open: boolean
): { folder: string | null; files: string[]; loading: boolean } {
  const [state, setState] = useState<{
    folder: string | null;
    files: string[];
    chatId: string | null;
  }>({ folder: null, files: [], chatId: null });
  const chatId = session.chatId;
  useEffect(() => {
    if (!open) {
      return;
    }
    let live = true;
    actions
      .projectFiles(session)
      .then(({ folder, files }) => {
        if (live) {
          setState({ folder, files, chatId });
        }
      })
      .catch(() => {
        // The kinds of context are still offered; the files are just not listed.
        if (live) {
          setState({ folder: null, files: [], chatId });
        }
      });
    return () => {
      live = false;
    };
  }, [open, session, chatId]);
  const current = state.chatId === chatId;
  return {
    folder: current ? state.folder : null,
    files: current ? state.files : [],
    loading: open && !current
  };
}

/** The icon of a context item's chip. */
export function kindIcon(kind: string): LabIcon {
  return KIND_ICONS[kind] ?? fileIcon;
}
