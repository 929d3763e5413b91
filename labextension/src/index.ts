import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { chatPlugin } from './chat/plugin';
import { modelsPlugin } from './models/plugin';
import { projectsPlugin } from './projects/plugin';
import { shortcutsPlugin } from './shortcuts';

const plugins: JupyterFrontEndPlugin<void>[] = [
  projectsPlugin,
  modelsPlugin,
  chatPlugin,
  shortcutsPlugin
];

export default plugins;
