import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { modelsPlugin } from './models/plugin';
import { projectsPlugin } from './projects/plugin';

const plugins: JupyterFrontEndPlugin<void>[] = [projectsPlugin, modelsPlugin];

export default plugins;
