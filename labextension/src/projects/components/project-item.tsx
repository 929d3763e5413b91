import {
  deleteIcon,
  downloadIcon,
  editIcon,
  folderIcon,
  tagIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import { CommandIDs, IProject } from '../../tokens';
import { IconButton } from './icon-button';

export interface IProjectItemProps {
  project: IProject;
  selected: boolean;
  execute: (command: string, id: string) => void;
  onSelect: (id: string) => void;
}

/** One project: name (opens its folder), folder, tags, star and actions. */
export function ProjectItem(props: IProjectItemProps): JSX.Element {
  const { project, execute } = props;
  const canEdit = project.role !== 'viewer';
  const canDelete = project.role === 'owner';
  const run = (command: string) => () => execute(command, project.id);
  return (
    <li
      className={`jp-OmniPanel-project${props.selected ? ' jp-mod-selected' : ''}`}
      role="listitem"
      data-project-id={project.id}
      aria-current={props.selected ? 'true' : undefined}
      onClick={() => props.onSelect(project.id)}
      style={
        project.color ? { borderInlineStartColor: project.color } : undefined
      }
    >
      <div className="jp-OmniPanel-projectMain">
        <button
          type="button"
          className="jp-OmniPanel-favorite"
          aria-label={`Favorite ${project.name}`}
          aria-pressed={project.favorite}
          title={project.favorite ? 'Remove the star' : 'Star this project'}
          onClick={event => {
            event.stopPropagation();
            execute(CommandIDs.toggleFavorite, project.id);
          }}
        >
          <span aria-hidden="true">{project.favorite ? '★' : '☆'}</span>
        </button>
        <button
          type="button"
          className="jp-OmniPanel-projectName"
          title={`Open ${project.folder} in the file browser`}
          onClick={event => {
            event.stopPropagation();
            props.onSelect(project.id);
            execute(CommandIDs.openProjectFolder, project.id);
          }}
        >
          {project.name}
        </button>
      </div>
      <div className="jp-OmniPanel-projectFolder" title={project.folder}>
        {project.folder}
      </div>
      <button
        type="button"
        className="jp-OmniPanel-projectModel"
        aria-label={`Model of ${project.name}`}
        title="The model this project's chats use"
        disabled={project.role === 'viewer'}
        onClick={event => {
          event.stopPropagation();
          execute(CommandIDs.setProjectModel, project.id);
        }}
      >
        {typeof project.model?.provider === 'string'
          ? `model: ${project.model.provider}/${String(project.model.model ?? '')}`
          : 'model: server default'}
      </button>
      {project.tags.length > 0 && (
        <ul
          className="jp-OmniPanel-tags"
          aria-label={`Tags of ${project.name}`}
        >
          {project.tags.map(tag => (
            <li key={tag} className="jp-OmniPanel-tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
      <div className="jp-OmniPanel-projectActions">
        <IconButton
          label={`Open folder of ${project.name}`}
          icon={folderIcon}
          onClick={run(CommandIDs.openProjectFolder)}
        />
        <IconButton
          label={`Rename ${project.name}`}
          icon={editIcon}
          onClick={run(CommandIDs.renameProject)}
          disabled={!canEdit}
        />
        <IconButton
          label={`Edit tags of ${project.name}`}
          icon={tagIcon}
          onClick={run(CommandIDs.tagProject)}
          disabled={!canEdit}
        />
        <IconButton
          label={`Export ${project.name}`}
          icon={downloadIcon}
          onClick={run(CommandIDs.exportProject)}
        />
        <IconButton
          label={`Delete ${project.name}`}
          icon={deleteIcon}
          onClick={run(CommandIDs.deleteProject)}
          disabled={!canDelete}
        />
      </div>
    </li>
  );
}
