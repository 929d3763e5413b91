import { LabIcon } from '@jupyterlab/ui-components';

// An arrow up, as chat tools draw Send. `jp-icon3` makes it follow the theme colour.
export const sendIcon = new LabIcon({
  name: 'omnipanel-lab:send',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M11 20V7.83l-5.59 5.59L4 12l8-8 8 8-1.41 1.41L13 7.83V20z"/>
</svg>`
});
