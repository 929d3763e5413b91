/**
 * The header of a reply's code block: one icon button per code action (named for
 * assistive technology and in a tooltip, as in VS Code's chat), then its language.
 */
import {
  addBelowIcon,
  copyIcon,
  editIcon,
  fileIcon,
  LabIcon,
  pasteIcon,
  terminalIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import { CODE_BUTTONS, ICodeActions, ICodeBlock } from './code-actions';
import { ChatSession } from './session';

/** The icon of each button by its label; a button without one shows its label. */
const ICONS: Record<string, LabIcon> = {
  Copy: copyIcon,
  'Insert below': addBelowIcon,
  'Replace cell': pasteIcon,
  'New file': fileIcon,
  'Apply to file': editIcon,
  'Run in terminal': terminalIcon
};

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
      {CODE_BUTTONS.map(button => {
        const icon = ICONS[button.label];
        return (
          <button
            key={button.label}
            type="button"
            aria-label={button.label}
            title={button.label}
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
            {icon ? <icon.react tag="span" /> : button.label}
          </button>
        );
      })}
      <span className="jp-OmniPanel-codeLanguage">{block.language}</span>
    </div>
  );
}
