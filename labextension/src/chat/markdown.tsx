/**
 * A reply's Markdown, rendered by JupyterLab's rendermime (through the untrusted
 * sanitizer), with a toolbar on each code block and a consent button for each remote
 * image. Both are React components placed into the rendered HTML through portals; the
 * code a toolbar acts on is the text of its own rendered `<pre>`, so what a button
 * inserts is what the user sees above it, whatever Markdown made the block.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React, { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

import { ICodeActions, ICodeBlock } from './code-actions';
import { CodeToolbar } from './code-toolbar';
import { RemoteImage } from './remote-image';
import { ChatSession } from './session';
import { REMOTE_IMAGE_CLASS } from './untrusted-html';

/** What the rendered HTML holds that React fills in: code toolbars and remote images. */
interface IRendered {
  blocks: { slot: HTMLElement; block: ICodeBlock }[];
  images: { slot: HTMLElement; src: string; alt: string }[];
}

/** A rendered code block's text and language (marked writes `language-<lang>`). */
export function blockOf(pre: HTMLPreElement): ICodeBlock {
  const code = pre.querySelector('code');
  const language = /(?:^|\s)language-(\S+)/.exec(code?.className ?? '');
  return {
    // marked ends a block with a newline the fence did not have
    code: (code ?? pre).textContent?.replace(/\n$/, '') ?? '',
    language: language?.[1] ?? ''
  };
}

/** The code blocks and remote images of rendered HTML, each with a slot for React. */
function findParts(node: HTMLElement): IRendered {
  const blocks = [...node.querySelectorAll('pre')].map(pre => {
    // One box per block: the toolbar's slot, then the code (hover and focus of the
    // box show the toolbar; its width decides what folds into the menu).
    const box = document.createElement('div');
    box.className = 'jp-OmniPanel-codeBlock';
    const slot = document.createElement('div');
    slot.className = 'jp-OmniPanel-codeToolbarSlot';
    pre.before(box);
    box.append(slot, pre);
    return { slot, block: blockOf(pre) };
  });
  const images = [
    ...node.querySelectorAll<HTMLElement>(`.${REMOTE_IMAGE_CLASS}`)
  ].map(slot => ({
    slot,
    src: slot.dataset.src ?? '',
    alt: slot.dataset.alt ?? ''
  }));
  return { blocks, images };
}

export function Markdown(props: {
  source: string;
  /** A registry whose sanitizer makes HTML inert (see untrusted-html.ts). */
  rendermime: IRenderMimeRegistry;
  session: ChatSession;
  actions: ICodeActions;
}): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const [parts, setParts] = useState<IRendered>({ blocks: [], images: [] });
  useEffect(() => {
    const renderer = props.rendermime.createRenderer('text/markdown');
    const model = props.rendermime.createModel({
      data: { 'text/markdown': props.source }
    });
    let current = true;
    void renderer.renderModel(model).then(() => {
      if (current) {
        const found = findParts(renderer.node);
        host.current?.replaceChildren(renderer.node);
        setParts(found);
      }
    });
    return () => {
      current = false;
      renderer.dispose();
    };
  }, [props.source, props.rendermime]);
  return (
    <>
      <div ref={host} className="jp-OmniPanel-markdown" />
      {parts.blocks.map(({ slot, block }, index) =>
        createPortal(
          <CodeToolbar
            block={block}
            session={props.session}
            actions={props.actions}
          />,
          slot,
          `code-${index}`
        )
      )}
      {parts.images.map(({ slot, src, alt }, index) =>
        createPortal(
          <RemoteImage src={src} alt={alt} />,
          slot,
          `image-${index}`
        )
      )}
    </>
  );
}
