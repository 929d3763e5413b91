/**
 * The font-size and density settings of OmniPanel's panels: each is written on <body> as
 * a data attribute, which style/appearance.css turns into the panels' scale and spacing.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

export const appearancePlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:appearance',
  description: 'Text size and density of the OmniPanel panels.',
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (_: JupyterFrontEnd, registry: ISettingRegistry | null) => {
    if (!registry) {
      return;
    }
    const apply = (settings: ISettingRegistry.ISettings) => {
      document.body.dataset.omnipanelFontSize = settings.get('fontSize')
        .composite as string;
      document.body.dataset.omnipanelDensity = settings.get('density')
        .composite as string;
    };
    void registry.load(appearancePlugin.id).then(settings => {
      apply(settings);
      settings.changed.connect(apply);
    });
  }
};
