/**
 * The "OmniPanel Keyboard Shortcuts" dialog: every OmniPanel command bound to keys (read
 * from JupyterLab's key bindings, so the user's own changes show) and the keys of the
 * chat itself.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { CommandIDs, PALETTE_CATEGORY } from './tokens';

/** Keys handled inside OmniPanel's views (not commands, so not in the key bindings). */
const IN_PANEL_KEYS: { section: string; keys: string[][] }[] = [
  {
    section: 'In the message box',
    keys: [
      ['Enter', 'Send the message'],
      ['Shift+Enter', 'New line'],
      ['@', 'Add context: files, notebooks, cells, selection, terminal, diff'],
      ['↑ ↓, Enter or Tab, Esc', 'In the @ menu: move, pick, close'],
      ['Esc', 'Stop the reply being written']
    ]
  },
  {
    section: 'In the chat',
    keys: [
      ['Tab, Shift+Tab', 'Move between the header, the messages and the box'],
      ['↓ on the model', 'Open the model list; type to filter, Enter picks'],
      ['Enter on a code action', 'Copy, insert, replace, new file, apply, run']
    ]
  }
];

/** "Alt Shift P" as the platform writes it (⌥⇧P on a Mac). */
function keysOf(commands: CommandRegistry, command: string): string[] {
  return commands.keyBindings
    .filter(binding => binding.command === command)
    .map(binding =>
      binding.keys.map(CommandRegistry.formatKeystroke).join(', ')
    );
}

function ShortcutTable(props: { commands: CommandRegistry }): JSX.Element {
  const { commands } = props;
  const bound = [
    ...new Set(
      commands.keyBindings
        .map(binding => binding.command)
        .filter(command => command.startsWith('omnipanel:'))
    )
  ];
  const sections = [
    {
      section: 'Anywhere in JupyterLab',
      keys: bound
        .map(command => [
          keysOf(commands, command).join(' or '),
          commands.label(command)
        ])
        .sort((a, b) => a[1].localeCompare(b[1]))
    },
    ...IN_PANEL_KEYS
  ];
  return (
    <div className="jp-OmniPanel-shortcuts">
      {sections.map(({ section, keys }) => (
        <table key={section} aria-label={section}>
          <caption>{section}</caption>
          <tbody>
            {keys.map(([key, what]) => (
              <tr key={key + what}>
                <th scope="row">
                  <kbd>{key}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export const shortcutsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:shortcuts',
  description: "A dialog listing OmniPanel's keyboard shortcuts.",
  autoStart: true,
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, palette: ICommandPalette | null) => {
    app.commands.addCommand(CommandIDs.showShortcuts, {
      label: 'OmniPanel Keyboard Shortcuts',
      caption: "List OmniPanel's keyboard shortcuts",
      execute: () =>
        showDialog({
          title: 'OmniPanel keyboard shortcuts',
          body: <ShortcutTable commands={app.commands} />,
          buttons: [Dialog.okButton({ label: 'Close' })]
        })
    });
    palette?.addItem({
      command: CommandIDs.showShortcuts,
      category: PALETTE_CATEGORY
    });
  }
};
