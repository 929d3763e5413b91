/**
 * Icons of the chat list that JupyterLab does not have (a pin), as LabIcons so that they
 * follow the theme like JupyterLab's own. The pin is Material Symbols' push_pin (Apache-2.0).
 */
import { LabIcon } from '@jupyterlab/ui-components';

export const pinIcon = new LabIcon({
  name: 'omnipanel-lab:pin',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M16 9V4h1c.55 0 1-.45 1-1s-.45-1-1-1H7c-.55 0-1 .45-1 1s.45 1 1 1h1v5c0 1.66-1.34 3-3 3v2h5.97v7l1 1 1-1v-7H19v-2c-1.66 0-3-1.34-3-3z"/>
</svg>`
});
