/**
 * Where Jupyter serves a file of the contents tree.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

/** The URL Jupyter serves a file of the contents tree at (with the session's login). */
export function fileURL(path: string): string {
  return URLExt.join(
    PageConfig.getBaseUrl(),
    'files',
    URLExt.encodeParts(path)
  );
}
