/**
 * The projects feature: the sidebar panel, its commands and its settings.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { IProjectSelection, SortKey } from '../tokens';
import { registerProjectCommands } from './commands';
import { ProjectsModel } from './model';
import { ProjectsPanel } from './panel';

const PLUGIN_ID = 'omnipanel-lab:projects';

export const projectsPlugin: JupyterFrontEndPlugin<IProjectSelection> = {
  id: PLUGIN_ID,
  description:
    'OmniPanel projects: a sidebar panel to organise work in projects.',
  autoStart: true,
  provides: IProjectSelection,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const model = new ProjectsModel();
    const panel = new ProjectsPanel(model, app.commands);
    // Rank 150: after the file browser (100), before running sessions and the rest.
    app.shell.add(panel, 'left', { rank: 150 });
    restorer?.add(panel, panel.id);
    registerProjectCommands(app, model, panel, palette);

    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(PLUGIN_ID);
        const apply = () => {
          model.pageSize = settings.get('pageSize').composite as number;
          const sort = settings.get('defaultSort').composite as SortKey;
          if (sort !== model.query.sort) {
            void model.setQuery({ sort });
          }
        };
        apply();
        settings.changed.connect(apply);
      } catch (error) {
        console.warn(`${PLUGIN_ID}: settings not loaded`, error);
      }
    }
    if (panel.isVisible) {
      void model.refresh();
    }
    return model;
  }
};
