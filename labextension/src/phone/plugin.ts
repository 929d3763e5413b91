/**
 * Phones: below 600 px JupyterLab shows one document at a time, an open side panel (the
 * chat above all) takes the whole width as its own view, and the keyboard leaves the
 * message box in sight. Tap-sized controls are in style/phone.css.
 */
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { followKeyboard, resizeForKeyboard } from './keyboard';
import { PhoneLayout } from './layout';

export const phonePlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:phone',
  description:
    'OmniPanel on phones: one view at a time, room for the keyboard.',
  autoStart: true,
  optional: [ILabShell],
  activate: (app: JupyterFrontEnd, labShell: ILabShell | null) => {
    resizeForKeyboard();
    followKeyboard();
    if (labShell) {
      const layout = new PhoneLayout(labShell);
      // The shell restores the saved layout and mode first, which would undo ours.
      void app.restored.then(() => layout.start());
    }
  }
};
