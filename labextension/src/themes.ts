/**
 * OmniPanel's themes for the whole of JupyterLab: Light, Dark, Neon and Glass, chosen in
 * Settings -> Theme. Each loads the JupyterLab theme it builds on (light or dark, so
 * every part of JupyterLab is styled), then OmniPanel's palette over it
 * (style/themes/, served as this extension's theme), scoped by an attribute on <html>:
 * the variables derived from others (`--jp-cell-editor-background:
 * var(--jp-layout-color1)`) are computed there, so they follow the palette.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IThemeManager } from '@jupyterlab/apputils';

/** Where the palettes are served from: this package's theme (package.json themePath). */
const PALETTES = 'omnipanel-lab/index.css';

interface IOmniPanelTheme {
  name: string;
  /** The value of <html data-omnipanel-theme>, which selects the palette. */
  palette: string;
  isLight: boolean;
}

export const OMNIPANEL_THEMES: readonly IOmniPanelTheme[] = [
  { name: 'OmniPanel Light', palette: 'light', isLight: true },
  { name: 'OmniPanel Dark', palette: 'dark', isLight: false },
  { name: 'OmniPanel Neon', palette: 'neon', isLight: false },
  { name: 'OmniPanel Glass', palette: 'glass', isLight: true }
];

export const themesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'omnipanel-lab:themes',
  description: 'The OmniPanel Light, Dark, Neon and Glass themes.',
  autoStart: true,
  requires: [IThemeManager],
  activate: (_: JupyterFrontEnd, manager: IThemeManager) => {
    const root = document.documentElement;
    for (const theme of OMNIPANEL_THEMES) {
      const base = theme.isLight
        ? '@jupyterlab/theme-light-extension/index.css'
        : '@jupyterlab/theme-dark-extension/index.css';
      manager.register({
        name: theme.name,
        displayName: theme.name,
        isLight: theme.isLight,
        themeScrollbars: true,
        load: async () => {
          root.dataset.omnipanelTheme = theme.palette;
          // In this order: the palette's links come after the base's, so they win.
          await Promise.all([manager.loadCSS(base), manager.loadCSS(PALETTES)]);
        },
        unload: async () => {
          // The manager unloads the old theme before it loads the next one.
          if (root.dataset.omnipanelTheme === theme.palette) {
            delete root.dataset.omnipanelTheme;
          }
        }
      });
    }
  }
};
