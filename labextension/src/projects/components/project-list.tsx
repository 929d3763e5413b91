import React from 'react';

import { IProject } from '../../tokens';
import { ProjectItem } from './project-item';

export interface IProjectListProps {
  items: readonly IProject[];
  total: number;
  loading: boolean;
  filtered: boolean;
  selectedId: string | null;
  execute: (command: string, id: string) => void;
  onSelect: (id: string) => void;
  onLoadMore: () => void;
}

export function ProjectList(props: IProjectListProps): JSX.Element {
  if (props.items.length === 0 && !props.loading) {
    return (
      <p className="jp-OmniPanel-empty">
        {props.filtered
          ? 'No project matches these filters.'
          : 'No projects yet — create one to group files, chats and model settings.'}
      </p>
    );
  }
  return (
    <>
      {/* Explicit roles: `list-style: none` drops list semantics in Safari/VoiceOver. */}
      <ul className="jp-OmniPanel-projects" role="list" aria-label="Projects">
        {props.items.map(project => (
          <ProjectItem
            key={project.id}
            project={project}
            selected={project.id === props.selectedId}
            execute={props.execute}
            onSelect={props.onSelect}
          />
        ))}
      </ul>
      {props.items.length < props.total && (
        <button
          type="button"
          className="jp-OmniPanel-loadMore"
          onClick={props.onLoadMore}
          disabled={props.loading}
        >
          Load more ({props.items.length} of {props.total})
        </button>
      )}
    </>
  );
}
