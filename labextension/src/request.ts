/**
 * The one way the front end calls the OmniPanel server API.
 *
 * Going through ServerConnection gives Jupyter's auth headers and XSRF token.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

const API_PATH = 'omnipanel/api/v1';

/** An API error with the server's message, written for the user. */
export class OmniPanelRequestError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

/** Call the API and return the raw response (for downloads); errors are thrown. */
export async function requestRaw(
  endPoint: string,
  init: RequestInit = {}
): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  // Join the path only: URL joining must not touch the query string.
  const [path, query] = endPoint.split('?', 2);
  const url =
    URLExt.join(settings.baseUrl, API_PATH, path) + (query ? `?${query}` : '');
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new OmniPanelRequestError(
      `Cannot reach the Jupyter server: ${(error as Error).message}`,
      0
    );
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

/** Call the API and return its JSON body (or null for an empty reply). */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {}
): Promise<T> {
  const response = await requestRaw(endPoint, init);
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

async function errorOf(response: Response): Promise<OmniPanelRequestError> {
  const text = await response.text();
  let message = `${response.status} ${response.statusText}`;
  try {
    const data: unknown = text ? JSON.parse(text) : null;
    // Jupyter's APIHandler replies {message, reason}; anything else keeps the status line.
    if (data && typeof data === 'object' && 'message' in data) {
      const found = (data as { message: unknown }).message;
      if (typeof found === 'string' && found) {
        message = found;
      }
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the status line is the best we have.
  }
  return new OmniPanelRequestError(message, response.status);
}
