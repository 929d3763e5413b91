/**
 * Rendering at most once per animation frame: a model streaming 1,000 tokens/s would
 * otherwise re-render a reply 1,000 times a second, more than the screen can show.
 */
export class FrameBatcher {
  /** `render` is called in the next animation frame after one or more `schedule`s. */
  constructor(private readonly _render: () => void) {}

  /** Ask for a render in the next frame; several asks before it make one render. */
  schedule(): void {
    if (this._frame === null) {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        this._render();
      });
    }
  }

  /** Render now if a render is pending (e.g. when the stream ends). */
  flush(): void {
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
      this._frame = null;
      this._render();
    }
  }

  private _frame: number | null = null;
}
