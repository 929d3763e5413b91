/**
 * The server's warnings as banners at the top of a chat: the first lines of each, with a
 * button to read the whole message.
 */
import { UseSignal } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IServerWarning, ServerWarnings } from './server-warnings';

function WarningBanner(props: { warning: IServerWarning }): JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <div
      className="jp-OmniPanel-warning"
      role="alert"
      data-warning-id={props.warning.id}
    >
      <span className="jp-OmniPanel-warningIcon" aria-hidden="true">
        ⚠
      </span>
      <span
        className={
          open
            ? 'jp-OmniPanel-warningText'
            : 'jp-OmniPanel-warningText jp-mod-clamped'
        }
      >
        {props.warning.message}
      </span>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Less' : 'More'}
      </button>
    </div>
  );
}

export function WarningBanners(props: {
  warnings: ServerWarnings;
}): JSX.Element {
  return (
    <UseSignal signal={props.warnings.changed}>
      {() => (
        <>
          {props.warnings.items.map(warning => (
            <WarningBanner key={warning.id} warning={warning} />
          ))}
        </>
      )}
    </UseSignal>
  );
}
