import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { appearancePlugin } from './appearance';
import { chatPlugin } from './chat/plugin';
import { modelsPlugin } from './models/plugin';
import { phonePlugin } from './phone/plugin';
import { projectsPlugin } from './projects/plugin';
import { shortcutsPlugin } from './shortcuts';
import { themesPlugin } from './themes';
import { welcomePlugin } from './welcome/plugin';

const plugins: JupyterFrontEndPlugin<any>[] = [
  projectsPlugin,
  modelsPlugin,
  chatPlugin,
  shortcutsPlugin,
  themesPlugin,
  appearancePlugin,
  phonePlugin,
  welcomePlugin
];

export default plugins;
