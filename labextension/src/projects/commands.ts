/**
 * Project commands: one implementation for the panel's buttons, the palette and shortcuts.
 *
 * Per-project commands take `{ id }`; without it they act on the panel's selected project.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { activateAndFocus } from '../focus';
import { requestAPI, requestRaw } from '../request';
import { CommandIDs, IProject, IProvider, PALETTE_CATEGORY } from '../tokens';
import { ProjectsModel } from './model';
import { ProjectsPanel } from './panel';

/** Show a failed action as a notification; the panel keeps working. */
async function reportFailure(action: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    Notification.error(`${action}: ${(error as Error).message}`, {
      autoClose: 8000
    });
  }
}

/** "a, B ,b" → ["a", "b"]: the server lower-cases and sorts as well. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map(tag => tag.trim().replace(/\s+/g, ' ').toLowerCase())
    .filter(tag => tag.length > 0);
  return [...new Set(tags)];
}

function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function pickFile(accept: string): Promise<File | null> {
  return new Promise(resolve => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null));
    input.click();
  });
}

export function registerProjectCommands(
  app: JupyterFrontEnd,
  model: ProjectsModel,
  panel: ProjectsPanel,
  palette: ICommandPalette | null
): void {
  const { commands, shell } = app;

  const projectOf = (args: ReadonlyPartialJSONObject): IProject | null => {
    const id = args.id as string | undefined;
    return id ? model.find(id) : model.selected;
  };

  /** A command on one project (args.id, else the selected one), enabled when allowed. */
  const addProjectCommand = (
    id: string,
    options: {
      label: string | ((project: IProject | null) => string);
      caption?: string;
      allowed?: (project: IProject) => boolean;
      execute: (project: IProject) => Promise<unknown>;
    }
  ) =>
    commands.addCommand(id, {
      label: args =>
        typeof options.label === 'string'
          ? options.label
          : options.label(projectOf(args)),
      caption: options.caption,
      isEnabled: args => {
        const project = projectOf(args);
        return !!project && (options.allowed?.(project) ?? true);
      },
      execute: async args => {
        const project = projectOf(args);
        if (project) {
          await options.execute(project);
        }
      }
    });
  const canEdit = (project: IProject) => project.role !== 'viewer';

  commands.addCommand(CommandIDs.openProjects, {
    label: 'Open Projects Panel',
    caption: 'Show the OmniPanel projects in the left sidebar',
    // The focus goes to the selected project, else to the search box.
    execute: () =>
      activateAndFocus(shell, panel, [
        '.jp-mod-selected .jp-OmniPanel-projectName',
        'input[type="search"]'
      ])
  });

  commands.addCommand(CommandIDs.refreshProjects, {
    label: 'Refresh Projects',
    execute: () => model.refresh()
  });

  commands.addCommand(CommandIDs.newProject, {
    label: 'New Project…',
    caption: 'Create a project with its own folder',
    execute: async () => {
      const result = await InputDialog.getText({
        title: 'New project',
        label: 'Name',
        placeholder: 'e.g. Customer churn'
      });
      const name = result.value?.trim();
      if (!result.button.accept || !name) {
        return;
      }
      shell.activateById(panel.id);
      await reportFailure('Could not create the project', async () => {
        const project = await model.create({ name });
        Notification.success(
          `Project “${project.name}” created in ${project.folder}`,
          { autoClose: 4000 }
        );
      });
    }
  });

  addProjectCommand(CommandIDs.renameProject, {
    label: 'Rename Project…',
    allowed: canEdit,
    execute: async project => {
      const result = await InputDialog.getText({
        title: 'Rename project',
        label: 'Name',
        text: project.name
      });
      const name = result.value?.trim();
      if (!result.button.accept || !name || name === project.name) {
        return;
      }
      await reportFailure('Could not rename the project', () =>
        model.update(project.id, { name })
      );
    }
  });

  addProjectCommand(CommandIDs.tagProject, {
    label: 'Edit Project Tags…',
    allowed: canEdit,
    execute: async project => {
      const result = await InputDialog.getText({
        title: `Tags of ${project.name}`,
        label: 'Tags, separated by commas',
        text: project.tags.join(', '),
        placeholder: 'ml, sales, q3'
      });
      if (!result.button.accept || result.value === null) {
        return;
      }
      await reportFailure('Could not change the tags', () =>
        model.update(project.id, { tags: parseTags(result.value ?? '') })
      );
    }
  });

  addProjectCommand(CommandIDs.toggleFavorite, {
    label: project => (project?.favorite ? 'Unstar Project' : 'Star Project'),
    execute: project =>
      reportFailure('Could not change the star', () =>
        model.update(project.id, { favorite: !project.favorite })
      )
  });

  addProjectCommand(CommandIDs.deleteProject, {
    label: 'Delete Project…',
    allowed: project => project.role === 'owner',
    execute: async project => {
      const result = await showDialog({
        title: 'Delete project',
        body: `Delete project “${project.name}”? Its folder ${project.folder} and files are kept unless you tick the box below.`,
        checkbox: { label: `Also delete ${project.folder}`, checked: false },
        buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
      });
      if (!result.button.accept) {
        return;
      }
      await reportFailure('Could not delete the project', () =>
        model.remove(project.id, result.isChecked === true)
      );
    }
  });

  addProjectCommand(CommandIDs.openProjectFolder, {
    label: 'Open Project Folder',
    caption: 'Show the project’s folder in the file browser',
    execute: project =>
      commands.execute('filebrowser:go-to-path', { path: `/${project.folder}` })
  });

  addProjectCommand(CommandIDs.setProjectModel, {
    label: 'Choose Project Model…',
    caption: 'The model the project’s chats use when they name none',
    allowed: canEdit,
    execute: async project => {
      const listing = await requestAPI<{ items: IProvider[] }>(
        'models/providers'
      );
      const choices = listing.items.flatMap(provider =>
        provider.models.map(info => `${provider.id}/${info.id}`)
      );
      const current = project.model as { provider?: string; model?: string };
      const inherit = 'Server default';
      const result = await InputDialog.getItem({
        title: `Model of ${project.name}`,
        label: 'Model',
        items: [inherit, ...choices],
        current: current.provider
          ? `${current.provider}/${current.model ?? ''}`
          : inherit
      });
      if (!result.button.accept || result.value === null) {
        return;
      }
      const [provider, ...modelId] = result.value.split('/');
      const settings =
        result.value === inherit
          ? {}
          : { ...project.model, provider, model: modelId.join('/') };
      await reportFailure('Could not set the model', () =>
        model.update(project.id, { model: settings })
      );
    }
  });

  addProjectCommand(CommandIDs.setContextFiles, {
    label: 'Set Project Context Files…',
    caption: 'Files whose text goes into every chat of the project',
    allowed: canEdit,
    execute: async project => {
      const result = await InputDialog.getText({
        title: `Context files of ${project.name}`,
        label: `Paths inside ${project.folder}/, separated by commas`,
        text: project.context_files.join(', ')
      });
      if (!result.button.accept || result.value === null) {
        return;
      }
      const files = result.value
        .split(',')
        .map(path => path.trim())
        .filter(Boolean);
      await reportFailure('Could not set the context files', () =>
        model.update(project.id, { context_files: files })
      );
    }
  });

  addProjectCommand(CommandIDs.exportProject, {
    label: 'Export Project…',
    caption: 'Download the project (metadata and files) as one .zip',
    execute: project =>
      reportFailure('Could not export the project', async () => {
        const response = await requestRaw(
          `projects/${encodeURIComponent(project.id)}/export`
        );
        const disposition = response.headers.get('Content-Disposition') ?? '';
        const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
        const filename = match
          ? decodeURIComponent(match[1])
          : `${project.name}.omnipanel.zip`;
        downloadBlob(await response.blob(), filename);
      })
  });

  commands.addCommand(CommandIDs.importProject, {
    label: 'Import Project…',
    caption: 'Create a project from an exported .zip',
    execute: async () => {
      const file = await pickFile('.zip,application/zip');
      if (!file) {
        return;
      }
      shell.activateById(panel.id);
      await reportFailure('Could not import the project', async () => {
        const project = await model.importArchive(file);
        Notification.success(
          `Project “${project.name}” imported into ${project.folder}`,
          { autoClose: 4000 }
        );
      });
    }
  });

  if (palette) {
    for (const command of [
      CommandIDs.openProjects,
      CommandIDs.newProject,
      CommandIDs.importProject,
      CommandIDs.refreshProjects,
      CommandIDs.renameProject,
      CommandIDs.tagProject,
      CommandIDs.toggleFavorite,
      CommandIDs.openProjectFolder,
      CommandIDs.setProjectModel,
      CommandIDs.setContextFiles,
      CommandIDs.exportProject,
      CommandIDs.deleteProject
    ]) {
      palette.addItem({ command, category: PALETTE_CATEGORY });
    }
  }
}
