/**
 * "Apply to file": the block goes where it belongs in the open file (see code-region.ts)
 * and the change is reviewed in CodeMirror's merge view, JupyterLab's own editor, each
 * change accepted or rejected on its own as in Copilot or Cursor. Only what the user
 * accepts is written, as edits of the changed ranges (the rest of the file, its undo
 * history and the cursor are left alone).
 */
import {
  diff,
  getChunks,
  getOriginalDoc,
  unifiedMergeView
} from '@codemirror/merge';
import { EditorState, Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry, jupyterTheme } from '@jupyterlab/codemirror';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentWidget } from '@jupyterlab/docregistry';
import { FileEditor } from '@jupyterlab/fileeditor';
import { Widget } from '@lumino/widgets';

import { IProposal, propose } from './code-region';
import { blockLanguage } from './languages';

const APPLY_ALL = 'Apply all';
const APPLY_ACCEPTED = 'Apply accepted';

/** Review the block's change to the file; write what is accepted. True if written. */
export async function applyToFile(
  editor: IDocumentWidget<FileEditor>,
  code: string,
  tag: string,
  languages: IEditorLanguageRegistry | null
): Promise<boolean> {
  const path = editor.context.path;
  const source = editor.content.model.sharedModel;
  const before = source.getSource();
  const proposal = propose(before, code);
  if (proposal.text === before) {
    throw new Error(`${PathExt.basename(path)} already has this code.`);
  }
  const fileLanguage = languages?.findByFileName(PathExt.basename(path));
  const support = fileLanguage
    ? (await languages!.getLanguage(fileLanguage))?.support
    : undefined;
  const review = new ChangeReview(before, proposal.text, support ?? []);
  const body = document.createElement('div');
  body.className = 'jp-OmniPanel-applyDialog';
  const mismatch = languageMismatch(tag, path, languages);
  if (mismatch) {
    const warning = document.createElement('p');
    warning.className = 'jp-OmniPanel-dialogWarning';
    warning.setAttribute('role', 'alert');
    warning.textContent = mismatch;
    body.append(warning);
  }
  const where = document.createElement('p');
  where.textContent = placementText(proposal);
  body.append(where, review.status, review.node);
  try {
    const result = await showDialog({
      title: `Apply to ${path}?`,
      body: new Widget({ node: body }),
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: APPLY_ACCEPTED, displayType: 'default' }),
        Dialog.okButton({ label: APPLY_ALL })
      ],
      defaultButton: 0 // Enter (or a stray key press) cancels
    });
    if (!result.button.accept) {
      return false;
    }
    if (source.getSource() !== before) {
      throw new Error(
        `${path} changed while the change was shown: nothing was applied.`
      );
    }
    const after =
      result.button.label === APPLY_ALL
        ? review.allButRejected
        : review.accepted;
    source.transact(() => {
      // From the end, so that earlier positions stay valid.
      for (const change of [...diff(before, after)].reverse()) {
        source.updateSource(
          change.fromA,
          change.toA,
          after.slice(change.fromB, change.toB)
        );
      }
    });
    return after !== before;
  } finally {
    review.dispose();
  }
}

/** The merge view of one proposed change, and what the user decided on each chunk. */
class ChangeReview {
  constructor(before: string, after: string, language: Extension) {
    this.node.className = 'jp-OmniPanel-mergeView';
    this.node.setAttribute('aria-label', 'Changes');
    this.status.className = 'jp-OmniPanel-reviewStatus';
    this.status.setAttribute('aria-live', 'polite');
    this.view = new EditorView({
      parent: this.node,
      state: EditorState.create({
        doc: after,
        extensions: [
          unifiedMergeView({
            original: before,
            gutter: true,
            mergeControls: chunkButton,
            collapseUnchanged: { margin: 3, minSize: 4 }
          }),
          lineNumbers(),
          jupyterTheme,
          language,
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.updateListener.of(update => {
            for (const transaction of update.transactions) {
              if (transaction.isUserEvent('accept')) {
                this.decided.accepted++;
              } else if (transaction.isUserEvent('revert')) {
                this.decided.rejected++;
              }
            }
            this.showStatus();
          })
        ]
      })
    });
    this.total = getChunks(this.view.state)?.chunks.length ?? 0;
    this.showStatus();
  }

  readonly node = document.createElement('div');
  readonly status = document.createElement('p');

  /** The file with the accepted chunks only. */
  get accepted(): string {
    return getOriginalDoc(this.view.state).toString();
  }

  /** The file with every chunk but the rejected ones. */
  get allButRejected(): string {
    return this.view.state.doc.toString();
  }

  dispose(): void {
    this.view.destroy();
  }

  private showStatus(): void {
    const { accepted, rejected } = this.decided;
    const open = this.total - accepted - rejected;
    this.status.textContent =
      `${this.total} change${this.total === 1 ? '' : 's'}: ${accepted} accepted, ` +
      `${rejected} rejected, ${open} not decided. “${APPLY_ACCEPTED}” writes ` +
      `the accepted ones; “${APPLY_ALL}” all but the rejected.`;
  }

  private readonly view: EditorView;
  private readonly total: number;
  private readonly decided = { accepted: 0, rejected: 0 };
}

/** Accept/Reject of one chunk: real buttons, so the keyboard reaches them too. */
function chunkButton(
  type: 'accept' | 'reject',
  action: (event: MouseEvent) => void
): HTMLElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.name = type;
  button.className = `jp-OmniPanel-chunkButton jp-OmniPanel-chunk-${type}`;
  button.textContent = type === 'accept' ? 'Accept' : 'Reject';
  button.title =
    type === 'accept'
      ? 'Keep this change'
      : 'Leave this part of the file as is';
  button.onclick = action;
  return button;
}

function placementText(proposal: IProposal): string {
  switch (proposal.placement) {
    case 'whole':
      return 'The code replaces the whole file.';
    case 'append':
      return 'No line of the file matches the code: it is added at the end.';
    default:
      return proposal.to > proposal.from
        ? `The code replaces lines ${proposal.from + 1} to ${proposal.to} of the file.`
        : `The code goes in at line ${proposal.from + 1}.`;
  }
}

/** A sentence when the block's language is not the file's, else null. */
function languageMismatch(
  tag: string,
  path: string,
  languages: IEditorLanguageRegistry | null
): string | null {
  if (!tag || !languages) {
    return null;
  }
  const block = blockLanguage(tag, languages);
  const file = languages.findByFileName(PathExt.basename(path));
  if (!block || !file || block.name === file.name) {
    return null;
  }
  return (
    `This is ${block.displayName ?? block.name} code, and ` +
    `${PathExt.basename(path)} is a ${file.displayName ?? file.name} file.`
  );
}
