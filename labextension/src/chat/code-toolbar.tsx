/**
 * The header of a reply's code block: one icon button per code action (named for
 * assistive technology and in a tooltip, as in VS Code's chat), shown on hover and on
 * focus, then the block's language. On a narrow block the less used actions fold into a "More
 * actions" menu (JupyterLab's own menu, so it looks and works like every other one).
 */
import {
  addBelowIcon,
  copyIcon,
  editIcon,
  ellipsesIcon,
  fileIcon,
  LabIcon,
  MenuSvg,
  pasteIcon,
  terminalIcon
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import {
  CODE_BUTTONS,
  ICodeActions,
  ICodeBlock,
  ICodeButton
} from './code-actions';
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

/** The buttons that stay in view on a narrow block; the others fold into the menu. */
const ALWAYS_SHOWN = new Set(['Copy', 'Insert below']);

/** Open JupyterLab's menu of ``buttons`` under ``anchor``; it is gone once closed. */
function openMenu(
  anchor: HTMLElement,
  buttons: readonly ICodeButton[],
  run: (button: ICodeButton) => void
): void {
  const commands = new CommandRegistry();
  const menu = new MenuSvg({ commands });
  menu.addClass('jp-OmniPanel-codeMenu');
  for (const button of buttons) {
    commands.addCommand(button.label, {
      label: button.label,
      icon: ICONS[button.label],
      execute: () => run(button)
    });
    menu.addItem({ command: button.label });
  }
  menu.aboutToClose.connect(() => {
    anchor.setAttribute('aria-expanded', 'false');
    // Disposed once the chosen item's command has run.
    requestAnimationFrame(() => menu.dispose());
  });
  const box = anchor.getBoundingClientRect();
  anchor.setAttribute('aria-expanded', 'true');
  menu.open(box.left, box.bottom);
  menu.activeIndex = 0;
}

export function CodeToolbar(props: {
  block: ICodeBlock;
  session: ChatSession;
  actions: ICodeActions;
}): JSX.Element {
  const { block, session, actions } = props;
  const run = (button: ICodeButton) => {
    // An action's error is shown to the user, never thrown into React.
    try {
      void Promise.resolve(button.run(actions, block, session)).catch(
        actions.report
      );
    } catch (error) {
      actions.report(error);
    }
  };
  const folded = CODE_BUTTONS.filter(button => !ALWAYS_SHOWN.has(button.label));
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
            className={
              ALWAYS_SHOWN.has(button.label)
                ? 'jp-OmniPanel-codeAction'
                : 'jp-OmniPanel-codeAction jp-mod-foldable'
            }
            aria-label={button.label}
            title={button.label}
            onClick={() => run(button)}
          >
            {icon ? <icon.react tag="span" /> : button.label}
          </button>
        );
      })}
      <button
        type="button"
        className="jp-OmniPanel-codeAction jp-OmniPanel-codeMore"
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded="false"
        onClick={event => openMenu(event.currentTarget, folded, run)}
      >
        <ellipsesIcon.react tag="span" />
      </button>
      <span className="jp-OmniPanel-codeLanguage">{block.language}</span>
    </div>
  );
}
