import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { chatPlugin } from './chat/plugin';
import { modelsPlugin } from './models/plugin';
import { projectsPlugin } from './projects/plugin';

const plugins: JupyterFrontEndPlugin<void>[] = [
  projectsPlugin,
  modelsPlugin,
  chatPlugin
];

export default plugins;
