/**
 * The models feature: a sidebar panel with the providers and a prompt to try a model.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { activateAndFocus } from '../focus';
import { CommandIDs, PALETTE_CATEGORY } from '../tokens';
import { ModelsModel } from './model';
import { ModelsPanel } from './panel';

const PLUGIN_ID = 'omnipanel-lab:models';

export const modelsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'OmniPanel models: providers, the built-in model, and a prompt to try them.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const model = new ModelsModel();
    const panel = new ModelsPanel(model);
    app.shell.add(panel, 'left', { rank: 151 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(CommandIDs.openModels, {
      label: 'Open Models Panel',
      caption: 'Show the OmniPanel models in the left sidebar',
      execute: () => activateAndFocus(app.shell, panel)
    });
    app.commands.addCommand(CommandIDs.refreshModels, {
      label: 'Refresh Models',
      execute: () => model.refresh()
    });
    for (const command of [CommandIDs.openModels, CommandIDs.refreshModels]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }

    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(PLUGIN_ID);
        const apply = () => {
          model.maxTokens = settings.get('maxTokens').composite as number;
        };
        apply();
        settings.changed.connect(apply);
      } catch (error) {
        console.warn(`${PLUGIN_ID}: settings not loaded`, error);
      }
    }
  }
};
