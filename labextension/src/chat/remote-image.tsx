/**
 * A remote image of a reply, loaded only when the user asks: until then a button names
 * the host it would be fetched from.
 */
import React, { useState } from 'react';

/** The host a URL points to, for the user to judge ('' when it is not a URL). */
function hostOf(src: string): string {
  try {
    return new URL(src, document.baseURI).host;
  } catch {
    return '';
  }
}

export function RemoteImage(props: { src: string; alt: string }): JSX.Element {
  const { src, alt } = props;
  const [loaded, setLoaded] = useState(false);
  const host = hostOf(src);
  if (loaded) {
    return <img src={src} alt={alt} />;
  }
  return (
    <button
      type="button"
      className="jp-OmniPanel-remoteImageLoad"
      title={src}
      disabled={!host}
      onClick={() => setLoaded(true)}
    >
      {host
        ? `Load image${alt ? ` "${alt}"` : ''} from ${host}`
        : `Image${alt ? ` "${alt}"` : ''} (not a loadable address)`}
    </button>
  );
}
