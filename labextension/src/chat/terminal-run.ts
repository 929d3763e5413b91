/**
 * "Run in terminal": the user sees exactly what will be typed and where, then the text
 * goes in as one paste. The dialog names the terminal (the one used last, else a new one
 * opened in the chat's project folder); hidden characters are shown and refused; Cancel
 * has the focus.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, MainAreaWidget, showDialog } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { Terminal } from '@jupyterlab/services';
import { ITerminal, ITerminalTracker } from '@jupyterlab/terminal';
import { Widget } from '@lumino/widgets';

import { hiddenCharacters, visibleText } from './hidden-characters';

type TerminalWidget = MainAreaWidget<ITerminal.ITerminal>;

// Programs ask for bracketed paste (xterm's mode 2004) while they read a line (bash's
// readline, zsh, IPython): pasted text then is inserted whole, not run line by line.
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';
/** How long a new terminal may take to show its prompt. */
const PROMPT_TIMEOUT = 10_000;
/** Quiet after output that means a prompt, for a shell without bracketed paste (ms). */
const QUIET = 500;

/**
 * A folder of the contents tree as the terminal server takes it: absolute, under the
 * server's root (`serverRoot` of the page), when the page says where that is.
 */
export function terminalFolder(folder: string | null): string | undefined {
  const root = PageConfig.getOption('serverRoot');
  if (!root || root.startsWith('~')) {
    return folder || undefined;
  }
  return folder ? `${root.replace(/\/+$/, '')}/${folder}` : root;
}

/** The text as one bracketed paste, then Enter. */
export function bracketedPaste(text: string): string {
  return `\u001b[200~${text}\u001b[201~\r`;
}

export class TerminalRunner {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly terminals: ITerminalTracker | null
  ) {}

  /** Ask, then type the code into the terminal named in the dialog. */
  async run(code: string, projectFolder: string | null): Promise<boolean> {
    const text = code.replace(/\r\n/g, '\n').replace(/\n+$/, '');
    const target = this.terminals?.currentWidget ?? null;
    const hidden = hiddenCharacters(text);
    const body = document.createElement('div');
    body.className = 'jp-OmniPanel-runDialog';
    const where = document.createElement('p');
    where.className = 'jp-OmniPanel-runTarget';
    where.textContent = target
      ? `Types into “${target.title.label}”, the terminal you used last, in the folder it is in now.`
      : `Opens a new terminal in ${projectFolder ? `the project folder “${projectFolder}”` : 'the server’s root folder'} and types there.`;
    body.append(where);
    if (hidden.length > 0) {
      const warning = document.createElement('p');
      warning.className = 'jp-OmniPanel-dialogWarning';
      warning.setAttribute('role', 'alert');
      warning.textContent =
        `This code has ${hidden.length} hidden character${hidden.length > 1 ? 's' : ''} ` +
        '(marked below): a terminal acts on them, so what runs is not what you read. ' +
        'It is not run; copy it and check it first.';
      body.append(warning);
    }
    body.append(visibleText(text, 'jp-OmniPanel-commandPreview'));
    const result = await showDialog({
      title:
        hidden.length > 0 ? 'Not run: hidden characters' : 'Run in a terminal?',
      body: new Widget({ node: body }),
      buttons:
        hidden.length > 0
          ? [Dialog.cancelButton({ label: 'Close' })]
          : [Dialog.cancelButton(), Dialog.warnButton({ label: 'Run' })],
      defaultButton: 0 // Enter (or a stray key press) cancels
    });
    if (!result.button.accept || hidden.length > 0) {
      return false;
    }
    const terminal =
      target && !target.isDisposed ? target : await this.open(projectFolder);
    this.app.shell.activateById(terminal.id);
    const session = terminal.content.session;
    const bracketed =
      terminal === target
        ? (this.pasteModes.get(session.name) ?? false)
        : await this.promptShown(session);
    session.send({
      type: 'stdin',
      // Without bracketed paste the program reads the lines as typed, as it would a paste.
      content: [
        bracketed ? bracketedPaste(text) : text.replace(/\n/g, '\r') + '\r'
      ]
    });
    return true;
  }

  /** A new terminal, started in the folder (relative to the server's root). */
  private async open(folder: string | null): Promise<TerminalWidget> {
    // The terminal server looks a relative folder up from where it was started first,
    // and JupyterLab's own command makes every folder relative: start it here instead.
    const session = await this.app.serviceManager.terminals.startNew({
      cwd: terminalFolder(folder)
    });
    try {
      return await this.app.commands.execute('terminal:create-new', {
        name: session.name
      });
    } finally {
      session.dispose(); // the widget has its own connection; the terminal stays
    }
  }

  /**
   * Wait until a new terminal's program reads input: it asks for bracketed paste, or
   * (a shell that never does) its prompt is followed by a quiet moment. True when it
   * takes a bracketed paste.
   */
  private async promptShown(
    session: Terminal.ITerminalConnection
  ): Promise<boolean> {
    const name = session.name;
    const deadline = Date.now() + PROMPT_TIMEOUT;
    while (!this.pasteModes.has(name) && Date.now() < deadline) {
      const last = this.lastOutput.get(name);
      if (last !== undefined && Date.now() - last > QUIET) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    return this.pasteModes.get(name) ?? false;
  }

  /** Note a terminal's output (the caller watches every terminal). */
  sawOutput(name: string, text: string): void {
    this.lastOutput.set(name, Date.now());
    const on = text.lastIndexOf(PASTE_ON);
    const off = text.lastIndexOf(PASTE_OFF);
    if (on > off) {
      this.pasteModes.set(name, true);
    } else if (off > on) {
      this.pasteModes.set(name, false);
    }
  }

  /** Whether each terminal's program last asked for bracketed paste. */
  private readonly pasteModes = new Map<string, boolean>();
  /** When each terminal last wrote something (ms). */
  private readonly lastOutput = new Map<string, number>();
}
