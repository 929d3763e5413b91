/**
 * A code block's language tag (```python, ```sh, ...) as a file extension and as one
 * of JupyterLab's editor languages.
 */
import {
  IEditorLanguage,
  IEditorLanguageRegistry
} from '@jupyterlab/codemirror';

const EXTENSIONS: Record<string, string> = {
  python: 'py',
  py: 'py',
  javascript: 'js',
  js: 'js',
  typescript: 'ts',
  ts: 'ts',
  bash: 'sh',
  sh: 'sh',
  shell: 'sh',
  json: 'json',
  yaml: 'yaml',
  sql: 'sql',
  r: 'R',
  markdown: 'md',
  html: 'html',
  css: 'css'
};

/** The extension of a file for a block's language ("txt" when unknown). */
export function extensionFor(tag: string): string {
  return EXTENSIONS[tag.toLowerCase()] ?? 'txt';
}

/** The editor language of a block's tag, or null when the tag names none. */
export function blockLanguage(
  tag: string,
  languages: IEditorLanguageRegistry
): IEditorLanguage | null {
  const extension = EXTENSIONS[tag.toLowerCase()];
  return (
    (extension ? languages.findByExtension(extension) : null) ??
    languages.findBest(tag, false)
  );
}
