/**
 * "New file": a reply's code saved as a file of the chat's project. The name offered is
 * free (snippet.py, else snippet-2.py, ...); a name the user types that is taken is
 * replaced only after a confirmation whose focus is on Cancel.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { Contents, ServerConnection } from '@jupyterlab/services';

/** The first of `stem.ext`, `stem-2.ext`, ... that is not among the taken names. */
export function freeName(
  taken: ReadonlySet<string>,
  stem: string,
  extension: string
): string {
  for (let n = 1; ; n++) {
    const name = `${stem}${n > 1 ? `-${n}` : ''}.${extension}`;
    if (!taken.has(name)) {
      return name;
    }
  }
}

/** Ask for a name in the folder (a free one offered), save the code, open it. */
export async function saveAsNewFile(
  app: JupyterFrontEnd,
  code: string,
  extension: string,
  folder: string
): Promise<string | null> {
  const contents = app.serviceManager.contents;
  const offered = PathExt.join(
    folder,
    freeName(await names(contents, folder), 'snippet', extension)
  );
  const answer = await InputDialog.getText({
    title: folder
      ? `New file in the project folder “${folder}”`
      : 'New file in the server’s root folder',
    label: 'File name',
    text: offered
  });
  const path = answer.value?.trim().replace(/^\/+/, '');
  if (!answer.button.accept || !path) {
    return null;
  }
  if ((await exists(contents, path)) && !(await confirmReplace(path))) {
    return null;
  }
  await contents.save(path, { type: 'file', format: 'text', content: code });
  await app.commands.execute('docmanager:open', { path });
  return path;
}

/** The names in a folder: none in a folder not made yet; other errors are thrown. */
async function names(
  contents: Contents.IManager,
  folder: string
): Promise<Set<string>> {
  try {
    const listing = await contents.get(folder, { content: true });
    return new Set(
      (listing.content as Contents.IModel[]).map(item => item.name)
    );
  } catch (error) {
    if ((error as ServerConnection.ResponseError).response?.status === 404) {
      return new Set();
    }
    throw error; // unknown: never overwrite on a guess
  }
}

/** Whether a file is there, read from its folder's listing (no 404 for a free name). */
async function exists(
  contents: Contents.IManager,
  path: string
): Promise<boolean> {
  const taken = await names(contents, PathExt.dirname(path));
  return taken.has(PathExt.basename(path));
}

async function confirmReplace(path: string): Promise<boolean> {
  const result = await showDialog({
    title: 'Replace the file?',
    body: `“${path}” exists. Replace its contents with the code?`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Replace' })],
    defaultButton: 0
  });
  return result.button.accept;
}
