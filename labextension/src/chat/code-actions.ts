/**
 * What a code block of a reply can do: the actions (implemented by the Workspace) and
 * the buttons of the toolbar under each block. Kept apart from the views so that the
 * actions can change without touching how blocks are found and rendered.
 */
import { ChatSession } from './session';
import { ContextKind } from './workspace';

/** One code block as the Markdown rendered it: the text shown and its fence's language. */
export interface ICodeBlock {
  code: string;
  /** The first word of the fence's info string, '' when it has none. */
  language: string;
}

/** What a code block of a reply can do (see Workspace). */
export interface ICodeActions {
  insertBelow(code: string): void;
  replaceActiveCell(code: string): void;
  /** Save the code as a new file of the chat's project (never over a file). */
  newFile(session: ChatSession, code: string, language: string): Promise<void>;
  /** Review the code's change to the open file; write what the user accepts. */
  applyToFile(code: string, language: string): Promise<boolean>;
  /** Type the code into a terminal the user confirms (a new one in the chat's project). */
  runInTerminal(session: ChatSession, code: string): Promise<boolean>;
  /** Save a pasted or dropped image in the project folder and attach it. */
  attachImage(session: ChatSession, file: File): Promise<void>;
  /** Add workspace context of a kind to the session (the @ menu). */
  addContext(session: ChatSession, kind: ContextKind): Promise<void>;
  /** Add a file (or notebook) of the chat's project to the session as context. */
  addFile(session: ChatSession, path: string): Promise<void>;
  /** The chat's project folder and its files, for the @ menu. */
  projectFiles(
    session: ChatSession
  ): Promise<{ folder: string | null; files: string[] }>;
  /** Errors of actions are shown to the user, not thrown into React. */
  report(error: unknown): void;
}

/** A button of the code toolbar: its label, and what it does with its block. */
export interface ICodeButton {
  label: string;
  run(actions: ICodeActions, block: ICodeBlock, session: ChatSession): unknown;
}

/** The buttons under every code block, in order. */
export const CODE_BUTTONS: readonly ICodeButton[] = [
  {
    label: 'Copy',
    run: (_, block) => navigator.clipboard?.writeText(block.code)
  },
  {
    label: 'Insert below',
    run: (actions, block) => actions.insertBelow(block.code)
  },
  {
    label: 'Replace cell',
    run: (actions, block) => actions.replaceActiveCell(block.code)
  },
  {
    label: 'New file',
    run: (actions, block, session) =>
      actions.newFile(session, block.code, block.language)
  },
  {
    label: 'Apply to file',
    run: (actions, block) => actions.applyToFile(block.code, block.language)
  },
  {
    label: 'Run in terminal',
    run: (actions, block, session) => actions.runInTerminal(session, block.code)
  }
];
