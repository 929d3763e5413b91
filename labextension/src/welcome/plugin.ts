/**
 * The welcome: a main-area tab (also a Launcher card and a palette command), opened by
 * itself on the first start, with the chat side panel instead of the file browser.
 */
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';

import { omnipanelIcon } from '../icons';
import { requestAPI } from '../request';
import { CommandIDs, IProjectPage, PALETTE_CATEGORY } from '../tokens';
import { WelcomeModel } from './model';
import { WelcomeWidget } from './widget';

const PLUGIN_ID = 'omnipanel-lab:welcome';
/** Set once the welcome has opened by itself: it does so on the first start only. */
const SHOWN_KEY = `${PLUGIN_ID}:shown`;
/** Below this width a sidebar would cover the welcome. */
const NARROW_SCREEN = '(max-width: 600px)';

/** True on a first start: the welcome never opened by itself and there is no project. */
async function firstStart(state: IStateDB | null): Promise<boolean> {
  if (state && (await state.fetch(SHOWN_KEY))) {
    return false;
  }
  const page = await requestAPI<IProjectPage>('projects?limit=1');
  return page.total === 0;
}

export const welcomePlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'OmniPanel welcome: a first project, the built-in model, a better one.',
  autoStart: true,
  optional: [
    ICommandPalette,
    ILauncher,
    ILabShell,
    IRenderMimeRegistry,
    ISettingRegistry,
    IStateDB
  ],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    labShell: ILabShell | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null,
    state: IStateDB | null
  ) => {
    let widget: WelcomeWidget | null = null;
    app.commands.addCommand(CommandIDs.openWelcome, {
      label: 'OmniPanel Welcome',
      caption:
        'Make a first project, meet the built-in model, connect a better one',
      icon: omnipanelIcon,
      execute: () => {
        if (!widget || widget.isDisposed) {
          widget = new WelcomeWidget(
            new WelcomeModel(),
            app.commands,
            rendermime
          );
          app.shell.add(widget, 'main');
        }
        if (window.matchMedia(NARROW_SCREEN).matches) {
          labShell?.collapseLeft();
          labShell?.collapseRight();
        }
        app.shell.activateById(widget.id);
      }
    });
    palette?.addItem({
      command: CommandIDs.openWelcome,
      category: PALETTE_CATEGORY
    });
    launcher?.add({
      command: CommandIDs.openWelcome,
      category: 'Other',
      rank: 0
    });

    void app.restored.then(async () => {
      try {
        const settings = settingRegistry
          ? await settingRegistry.load(PLUGIN_ID)
          : null;
        if (settings?.get('openOnFirstStart').composite === false) {
          return;
        }
        if (!(await firstStart(state))) {
          return;
        }
        await state?.save(SHOWN_KEY, true);
        // OmniPanel in front of the file browser: its chat on the right, the welcome
        // (alone on a phone, where the chat panel would cover it).
        labShell?.collapseLeft();
        await app.commands.execute(CommandIDs.openWelcome);
        if (!window.matchMedia(NARROW_SCREEN).matches) {
          await app.commands.execute(CommandIDs.openChat);
        }
      } catch (error) {
        console.warn(`${PLUGIN_ID}: no welcome on first start`, error);
      }
    });
  }
};
