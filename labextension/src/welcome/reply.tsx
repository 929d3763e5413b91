/**
 * The built-in model's answer: plain text while it streams, then Markdown rendered by
 * JupyterLab (untrusted: the registry's sanitizer applies) so a code block looks like one.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React, { useEffect, useRef } from 'react';

export function Reply(props: {
  text: string;
  done: boolean;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { text, done, rendermime } = props;
  const host = useRef<HTMLDivElement>(null);
  const rendered = done && rendermime !== null && text.trim() !== '';
  useEffect(() => {
    const node = host.current;
    if (!rendered || !node || !rendermime) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    const model = rendermime.createModel({
      data: { 'text/markdown': text },
      trusted: false
    });
    let live = true;
    void renderer.renderModel(model).then(() => {
      if (live) {
        node.replaceChildren(renderer.node);
      }
    });
    return () => {
      live = false;
      renderer.dispose();
    };
  }, [rendered, text, rendermime]);
  return (
    <div
      className="jp-OmniPanel-welcomeReply"
      aria-label="Answer of the built-in model"
      aria-live="polite"
      aria-busy={!done}
    >
      {rendered ? (
        <div ref={host} />
      ) : (
        <div className="jp-OmniPanel-welcomeRaw">{text}</div>
      )}
    </div>
  );
}
