import { LabIcon } from '@jupyterlab/ui-components';

// A stack of panels: the OmniPanel mark. `jp-icon3` makes it follow the theme colour.
const omnipanelSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 4.5A1.5 1.5 0 0 1 4.5 3h15A1.5 1.5 0 0 1 21 4.5v3A1.5 1.5 0 0 1 19.5 9h-15A1.5 1.5 0 0 1 3 7.5z"/>
    <path d="M3 12a1.5 1.5 0 0 1 1.5-1.5h6A1.5 1.5 0 0 1 12 12v7.5a1.5 1.5 0 0 1-1.5 1.5h-6A1.5 1.5 0 0 1 3 19.5z"/>
    <path d="M13.5 12a1.5 1.5 0 0 1 1.5-1.5h4.5A1.5 1.5 0 0 1 21 12v7.5a1.5 1.5 0 0 1-1.5 1.5H15a1.5 1.5 0 0 1-1.5-1.5z"/>
  </g>
</svg>`;

export const omnipanelIcon = new LabIcon({
  name: 'omnipanel-lab:logo',
  svgstr: omnipanelSvg
});
