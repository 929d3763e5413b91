/**
 * The on-screen keyboard must not hide the message box and Send.
 *
 * Chrome on Android resizes the page for the keyboard once the viewport asks for it
 * (``interactive-widget=resizes-content``), and JupyterLab lays itself out again. Safari
 * on iOS lays the keyboard over the page instead: there the visual viewport shrinks, and
 * ``--jp-OmniPanel-keyboard-height`` (the page height the keyboard covers) lifts the chat's
 * message box above it (phone.css).
 */

export const KEYBOARD_HEIGHT = '--jp-OmniPanel-keyboard-height';

/** Ask the browser to resize the page, not overlay it, when the keyboard opens. */
export function resizeForKeyboard(): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="viewport"]');
  if (meta && !meta.content.includes('interactive-widget')) {
    meta.content = `${meta.content},interactive-widget=resizes-content`;
  }
}

/** Keep KEYBOARD_HEIGHT up to date with the visual viewport (where the API exists). */
export function followKeyboard(): void {
  const viewport = window.visualViewport;
  if (!viewport) {
    return;
  }
  const update = () => {
    // A pinch-zoom shrinks the visual viewport too, but not at the page's own scale.
    const zoomed = Math.abs(viewport.scale - 1) > 0.01;
    const covered = zoomed
      ? 0
      : Math.max(0, window.innerHeight - viewport.height - viewport.offsetTop);
    document.body.style.setProperty(
      KEYBOARD_HEIGHT,
      `${Math.round(covered)}px`
    );
  };
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
}
