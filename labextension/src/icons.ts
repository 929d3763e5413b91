/**
 * OmniPanel's icons: one per panel (Projects, Chats, Models) so that the sidebars tell
 * them apart, and the role marks of chat messages. Each path group has `jp-icon3`
 * (JupyterLab's themable icon class) so every theme recolours it, like its own icons.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const svg = (body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">${body}</g>
</svg>`;

// A stack of panels: the OmniPanel mark.
export const omnipanelIcon = new LabIcon({
  name: 'omnipanel-lab:logo',
  svgstr: svg(`
    <path d="M3 4.5A1.5 1.5 0 0 1 4.5 3h15A1.5 1.5 0 0 1 21 4.5v3A1.5 1.5 0 0 1 19.5 9h-15A1.5 1.5 0 0 1 3 7.5z"/>
    <path d="M3 12a1.5 1.5 0 0 1 1.5-1.5h6A1.5 1.5 0 0 1 12 12v7.5a1.5 1.5 0 0 1-1.5 1.5h-6A1.5 1.5 0 0 1 3 19.5z"/>
    <path d="M13.5 12a1.5 1.5 0 0 1 1.5-1.5h4.5A1.5 1.5 0 0 1 21 12v7.5a1.5 1.5 0 0 1-1.5 1.5H15a1.5 1.5 0 0 1-1.5-1.5z"/>`)
});

// Projects: a folder with a second one behind it.
export const projectsIcon = new LabIcon({
  name: 'omnipanel-lab:projects',
  svgstr: svg(`
    <path d="M5 4h4.2l1.6 1.8H19a1 1 0 0 1 1 1V8H7.5A2.5 2.5 0 0 0 5 10.5V16a1 1 0 0 1-2 0V6a2 2 0 0 1 2-2z"/>
    <path d="M8.5 9.5h4l1.5 1.7h6A1.5 1.5 0 0 1 21.5 12.7v6.3a1.5 1.5 0 0 1-1.5 1.5H8.5A1.5 1.5 0 0 1 7 19v-8a1.5 1.5 0 0 1 1.5-1.5z"/>`)
});

// Chats: two speech bubbles.
export const chatsIcon = new LabIcon({
  name: 'omnipanel-lab:chats',
  svgstr: svg(`
    <path d="M4 3h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H8.5L5 16v-3H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/>
    <path d="M18 8h2a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2h-1v3l-3.5-3H11a2 2 0 0 1-2-2v-1h5a4 4 0 0 0 4-4z"/>`)
});

// Models: a chip with its pins.
export const modelsIcon = new LabIcon({
  name: 'omnipanel-lab:models',
  svgstr: svg(`
    <path fill-rule="evenodd" d="M7 5h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2zm2.5 4.5v5h5v-5z"/>
    <path d="M8 2h1.6v2.4H8zM11.2 2h1.6v2.4h-1.6zM14.4 2H16v2.4h-1.6zM8 19.6h1.6V22H8zM11.2 19.6h1.6V22h-1.6zM14.4 19.6H16V22h-1.6zM2 8h2.4v1.6H2zM2 11.2h2.4v1.6H2zM2 14.4h2.4V16H2zM19.6 8H22v1.6h-2.4zM19.6 11.2H22v1.6h-2.4zM19.6 14.4H22V16h-2.4z"/>`)
});

// The assistant's role mark: a four-pointed spark.
export const assistantIcon = new LabIcon({
  name: 'omnipanel-lab:assistant',
  svgstr: svg(`
    <path d="M12 2.5c.5 4.6 2.9 7 7.5 7.5v.2c-4.6.5-7 2.9-7.5 7.5h-.2c-.5-4.6-2.9-7-7.5-7.5V10c4.6-.5 7-2.9 7.5-7.5z"/>
    <path d="M18.5 15.5c.2 1.9 1.1 2.8 3 3-1.9.2-2.8 1.1-3 3-.2-1.9-1.1-2.8-3-3 1.9-.2 2.8-1.1 3-3z"/>`)
});

// The user's role mark: a person.
export const userRoleIcon = new LabIcon({
  name: 'omnipanel-lab:user',
  svgstr: svg(`
    <circle cx="12" cy="8" r="4"/>
    <path d="M4 20c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5v.5H4z"/>`)
});
