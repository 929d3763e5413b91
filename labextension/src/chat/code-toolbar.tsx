/**
 * The toolbar under a reply's code block: one button per code action.
 */
import React from 'react';

import { CODE_BUTTONS, ICodeActions, ICodeBlock } from './code-actions';
import { ChatSession } from './session';

export function CodeToolbar(props: {
  block: ICodeBlock;
  session: ChatSession;
  actions: ICodeActions;
}): JSX.Element {
  const { block, session, actions } = props;
  return (
    <div
      className="jp-OmniPanel-codeActions"
      role="toolbar"
      aria-label="Code actions"
    >
      {CODE_BUTTONS.map(button => (
        <button
          key={button.label}
          type="button"
          onClick={() => {
            // An action's error is shown to the user, never thrown into React.
            try {
              void Promise.resolve(button.run(actions, block, session)).catch(
                actions.report
              );
            } catch (error) {
              actions.report(error);
            }
          }}
        >
          {button.label}
        </button>
      ))}
    </div>
  );
}
