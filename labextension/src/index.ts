import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { projectsPlugin } from './projects/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [projectsPlugin];

export default plugins;
