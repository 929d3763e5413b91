/**
 * Moving the keyboard focus into a panel its command opened. A panel is a React view:
 * Lumino shows it at once but React renders it a frame or more later, so the element to
 * focus is waited for (JupyterLab's own activation would otherwise leave the focus where
 * it was, e.g. on the Launcher after palette -> New Chat).
 */
import { Widget } from '@lumino/widgets';

const FOCUSABLE =
  'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), ' +
  'button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Longest wait for a panel to render what should get the focus. */
const WAIT_MS = 3000;

function visible(element: HTMLElement): boolean {
  return element.getClientRects().length > 0;
}

/**
 * Focus the first visible element matching one of `selectors` (in order; then, unless
 * `only`, any focusable element) inside `node`, as soon as there is one. Resolves
 * whether it was focused.
 */
export function focusWhenShown(
  node: HTMLElement,
  selectors: readonly string[] = [],
  only = false
): Promise<boolean> {
  const deadline = performance.now() + WAIT_MS;
  const candidates = only ? selectors : [...selectors, FOCUSABLE];
  return new Promise(resolve => {
    const attempt = () => {
      for (const selector of candidates) {
        const target = Array.from(
          node.querySelectorAll<HTMLElement>(selector)
        ).find(visible);
        if (target) {
          target.focus();
          resolve(document.activeElement === target);
          return;
        }
      }
      if (performance.now() > deadline) {
        resolve(false);
      } else {
        requestAnimationFrame(attempt);
      }
    };
    requestAnimationFrame(attempt);
  });
}

/** Show a sidebar panel (as its command does) and put the focus in it. */
export function activateAndFocus(
  shell: { activateById(id: string): void },
  widget: Widget,
  selectors: readonly string[] = []
): Promise<boolean> {
  shell.activateById(widget.id);
  return focusWhenShown(widget.node, selectors);
}
