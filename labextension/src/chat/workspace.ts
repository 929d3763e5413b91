/**
 * The bridge between chats and the workspace: context for the @ menu (files, the
 * notebook, cells, the editor selection, terminal output, the git diff) and the actions
 * on a reply's code blocks (insert into a notebook, new file, apply to a file, terminal).
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import {
  INotebookTracker,
  Notebook,
  NotebookActions
} from '@jupyterlab/notebook';
import { ITerminalTracker } from '@jupyterlab/terminal';

import { requestAPI } from '../request';
import { IContextItem, IImageAttachment } from './api';
import { applyToFile } from './apply-to-file';
import { extensionFor } from './languages';
import { saveAsNewFile } from './new-file';
import { TerminalRunner } from './terminal-run';
import { WorkedCells } from './worked-cells';

/** Longest text of one context item; longer is cut, and the label says so. */
export const MAX_ITEM_CHARS = 20_000;
const MAX_OUTPUT_CHARS = 2_000;
const TERMINAL_LINES = 200;
// eslint-disable-next-line no-control-regex -- terminal escapes are control characters
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export type ContextKind = IContextItem['kind'];

/** The kinds of context the @ menu offers besides the project's files. */
export const CONTEXT_KINDS: { kind: ContextKind; label: string }[] = [
  { kind: 'notebook', label: 'The active notebook' },
  { kind: 'cell', label: 'The selected cells' },
  { kind: 'selection', label: 'The editor selection' },
  { kind: 'terminal', label: 'Recent terminal output' },
  { kind: 'diff', label: "The project's git diff" }
];

/** Most files the @ menu lists from a project folder (three levels deep). */
const MAX_FILES = 2_000;

/** Cut a text to the limit, saying so in the label. */
export function trimmed(
  kind: ContextKind,
  label: string,
  text: string
): IContextItem {
  if (text.length <= MAX_ITEM_CHARS) {
    return { kind, label, text };
  }
  const cut = text.length - MAX_ITEM_CHARS;
  return {
    kind,
    label: `${label} (trimmed: last ${cut.toLocaleString()} characters left out)`,
    text: text.slice(0, MAX_ITEM_CHARS)
  };
}

export class Workspace {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly notebooks: INotebookTracker | null,
    private readonly editors: IEditorTracker | null,
    terminals: ITerminalTracker | null,
    private readonly languages: IEditorLanguageRegistry | null
  ) {
    this.terminals = terminals;
    this.runner = new TerminalRunner(app, terminals);
    this.workedCells = new WorkedCells(notebooks);
    // Terminal output is kept from when a terminal opens (or OmniPanel loads).
    terminals?.widgetAdded.connect((_, widget) => {
      const name = widget.content.session.name;
      widget.content.session.messageReceived.connect((_, message) => {
        if (message.type === 'stdout' && message.content) {
          const text = String(message.content[0] ?? '');
          this.recordTerminal(name, text);
          this.runner.sawOutput(name, text);
        }
      });
    });
  }

  /** The context items of one kind, or [] when there is none (with a reason thrown). */
  async gather(
    kind: ContextKind,
    projectId: string | null
  ): Promise<IContextItem[]> {
    switch (kind) {
      case 'notebook':
        return [this.notebookContext(false)];
      case 'cell':
        return [this.notebookContext(true)];
      case 'selection':
        return [this.selectionContext()];
      case 'terminal':
        return [this.terminalContext()];
      case 'diff':
        return [await this.diffContext(projectId)];
      default:
        return [];
    }
  }

  // -- code block actions ----------------------------------------------------------------

  /** Insert the code as a new cell below the active cell of the active notebook. */
  insertBelow(code: string): void {
    const notebook = this.activeNotebook();
    NotebookActions.insertBelow(notebook);
    notebook.activeCell?.model.sharedModel.setSource(code);
  }

  replaceActiveCell(code: string): void {
    const cell = this.activeNotebook().activeCell;
    if (!cell) {
      throw new Error('Select a cell to replace.');
    }
    cell.model.sharedModel.setSource(code);
  }

  /** Save the code as a new file of the chat's project folder (never over a file). */
  async newFile(
    code: string,
    language: string,
    folder: string | null
  ): Promise<void> {
    await saveAsNewFile(this.app, code, extensionFor(language), folder ?? '');
  }

  /** Review the block's change to the open file; write only what is accepted. */
  async applyToFile(code: string, language: string): Promise<boolean> {
    const editor = this.editors?.currentWidget;
    if (!editor) {
      throw new Error('Open the file to change in an editor first.');
    }
    return applyToFile(editor, code, language, this.languages);
  }

  /** Show the command and the terminal; type it there only when the user confirms. */
  runInTerminal(code: string, folder: string | null): Promise<boolean> {
    return this.runner.run(code, folder);
  }

  /** Save an image in `<folder>/attachments/` and describe it for a message. */
  async saveImage(folder: string, file: File): Promise<IImageAttachment> {
    const contents = this.app.serviceManager.contents;
    const directory = `${folder}/attachments`;
    // Saving a directory that exists changes nothing (no 404 probe first).
    await contents.save(directory, { type: 'directory' });
    const extension = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = `${directory}/image-${stamp}.${extension}`;
    // A data URL is base64 already: no byte-by-byte string building for big images.
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    await contents.save(path, {
      type: 'file',
      format: 'base64',
      content: dataUrl.slice(dataUrl.indexOf(',') + 1)
    });
    return { kind: 'image', path, media_type: file.type };
  }

  // -- context ---------------------------------------------------------------------------

  private activeNotebook(): Notebook {
    const notebook = this.notebooks?.currentWidget?.content;
    if (!notebook) {
      throw new Error('Open a notebook first.');
    }
    return notebook;
  }

  private notebookContext(selectedOnly: boolean): IContextItem {
    const panel = this.notebooks?.currentWidget;
    if (!panel) {
      throw new Error('Open a notebook first.');
    }
    const notebook = panel.content;
    const cells = selectedOnly
      ? new Set(this.workedCells.cells(notebook))
      : null;
    const chosen: ICellText[] = [];
    notebook.widgets.forEach((cell, index) => {
      if (!cells || cells.has(cell)) {
        chosen.push({
          number: index + 1,
          type: cell.model.type,
          source: cell.model.sharedModel.getSource(),
          outputs:
            cell.model.type === 'code'
              ? ((cell.model as any).outputs?.toJSON() ?? [])
              : []
        });
      }
    });
    const numbers = chosen.map(cell => cell.number);
    const path = panel.context.path;
    const label = selectedOnly
      ? `${path} cell${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')}`
      : path;
    return trimmed(
      selectedOnly ? 'cell' : 'notebook',
      label,
      cellsText(chosen)
    );
  }

  private selectionContext(): IContextItem {
    const current = this.app.shell.currentWidget;
    let editor: CodeEditor.IEditor | null | undefined = null;
    let label = '';
    if (current && current === this.notebooks?.currentWidget) {
      editor = this.notebooks.currentWidget.content.activeCell?.editor;
      label = this.notebooks.currentWidget.context.path;
    } else if (current && current === this.editors?.currentWidget) {
      editor = this.editors.currentWidget.content.editor;
      label = this.editors.currentWidget.context.path;
    }
    if (!editor) {
      throw new Error('Select text in an editor or a notebook cell first.');
    }
    const range = editor.getSelection();
    const start = editor.getOffsetAt(range.start);
    const end = editor.getOffsetAt(range.end);
    const text = editor.model.sharedModel
      .getSource()
      .slice(Math.min(start, end), Math.max(start, end));
    if (!text) {
      throw new Error('The selection is empty.');
    }
    return trimmed('selection', `selection in ${label}`, text);
  }

  private terminalContext(): IContextItem {
    const terminal = this.terminals?.currentWidget;
    const name = terminal?.content.session.name;
    const lines = name ? this.terminalOutput.get(name) : undefined;
    if (!terminal || !lines || lines.length === 0) {
      throw new Error('No terminal output yet: run something in a terminal.');
    }
    return trimmed(
      'terminal',
      `terminal ${name} (last ${lines.length} lines)`,
      lines.join('\n')
    );
  }

  /** A file of the project as context: its text, or a notebook's cells and outputs. */
  async fileContext(path: string): Promise<IContextItem> {
    const contents = this.app.serviceManager.contents;
    if (path.endsWith('.ipynb')) {
      const model = await contents.get(path, {
        content: true,
        type: 'notebook'
      });
      const cells: any[] = model.content?.cells ?? [];
      const text = cellsText(
        cells.map((cell, index) => ({
          number: index + 1,
          type: String(cell.cell_type),
          source: Array.isArray(cell.source)
            ? cell.source.join('')
            : String(cell.source ?? ''),
          outputs: cell.outputs ?? []
        }))
      );
      return trimmed('notebook', path, text);
    }
    const model = await contents.get(path, {
      content: true,
      format: 'text',
      type: 'file'
    });
    return trimmed('file', path, String(model.content ?? ''));
  }

  /** The files of a project folder, three levels deep, hidden ones left out. */
  async projectFiles(folder: string | null): Promise<string[]> {
    return this.listFiles(folder ?? '', 3, []);
  }

  private async diffContext(projectId: string | null): Promise<IContextItem> {
    if (!projectId) {
      throw new Error('Choose a project first.');
    }
    const diff = await requestAPI<{ diff: string }>(
      `projects/${projectId}/diff`
    );
    if (!diff.diff) {
      throw new Error('No uncommitted changes in the project.');
    }
    return trimmed('diff', 'git diff of the project', diff.diff);
  }

  private async listFiles(
    path: string,
    depth: number,
    files: string[]
  ): Promise<string[]> {
    const listing = await this.app.serviceManager.contents.get(path, {
      content: true
    });
    for (const item of listing.content ?? []) {
      if (files.length >= MAX_FILES) {
        break;
      }
      if (item.name.startsWith('.')) {
        continue;
      }
      if (item.type === 'directory') {
        if (depth > 0) {
          await this.listFiles(item.path, depth - 1, files);
        }
      } else {
        files.push(item.path);
      }
    }
    return files;
  }

  private recordTerminal(name: string, text: string): void {
    const lines = this.terminalOutput.get(name) ?? [];
    lines.push(...text.replace(ANSI, '').replace(/\r/g, '').split('\n'));
    this.terminalOutput.set(name, lines.slice(-TERMINAL_LINES));
  }

  private readonly terminals: ITerminalTracker | null;
  private readonly runner: TerminalRunner;
  private readonly workedCells: WorkedCells;
  private readonly terminalOutput = new Map<string, string[]>();
}

/** One cell of a notebook, as context text is made of it. */
interface ICellText {
  number: number;
  type: string;
  source: string;
  outputs: any[];
}

/** Cells with their numbers and outputs, as a model reads them. */
function cellsText(cells: ICellText[]): string {
  return cells
    .map(cell => {
      const outputs = cell.type === 'code' ? outputText(cell.outputs) : '';
      return (
        `# In [${cell.number}] (${cell.type})\n${cell.source}` +
        (outputs ? `\n# Out [${cell.number}]\n${outputs}` : '')
      );
    })
    .join('\n\n');
}

function outputText(outputs: any[]): string {
  const texts = outputs.map(output => {
    if (output.output_type === 'stream') {
      return String(output.text ?? '');
    }
    if (output.output_type === 'error') {
      return `${output.ename}: ${output.evalue}`;
    }
    const data = output.data ?? {};
    if (data['text/plain']) {
      return String(data['text/plain']);
    }
    return `[${Object.keys(data).join(', ')} output]`;
  });
  const text = texts.join('\n');
  return text.length > MAX_OUTPUT_CHARS
    ? text.slice(0, MAX_OUTPUT_CHARS) + '\n[output trimmed]'
    : text;
}
