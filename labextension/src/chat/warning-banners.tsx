/**
 * The server's warnings as banners at the top of a chat.
 */
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { ServerWarnings } from './server-warnings';

export function WarningBanners(props: {
  warnings: ServerWarnings;
}): JSX.Element {
  return (
    <UseSignal signal={props.warnings.changed}>
      {() => (
        <>
          {props.warnings.items.map(warning => (
            <div
              key={warning.id}
              className="jp-OmniPanel-warning"
              role="alert"
              data-warning-id={warning.id}
            >
              {warning.message}
            </div>
          ))}
        </>
      )}
    </UseSignal>
  );
}
