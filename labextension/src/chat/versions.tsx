/**
 * The "‹ 2/3 ›" switch between the versions of an edited or regenerated message.
 */
import React from 'react';

import { IMessage } from './api';
import { ChatSession } from './session';

export function Versions(props: {
  message: IMessage;
  session: ChatSession;
}): JSX.Element | null {
  const { message, session } = props;
  const index = message.siblings.indexOf(message.id);
  if (message.siblings.length < 2) {
    return null;
  }
  return (
    <span className="jp-OmniPanel-branches" aria-label="Versions">
      <button
        type="button"
        aria-label="Previous version"
        disabled={index <= 0}
        onClick={() => void session.switchBranch(message, -1)}
      >
        ‹
      </button>
      {index + 1}/{message.siblings.length}
      <button
        type="button"
        aria-label="Next version"
        disabled={index >= message.siblings.length - 1}
        onClick={() => void session.switchBranch(message, 1)}
      >
        ›
      </button>
    </span>
  );
}
