import {
  addIcon,
  fileUploadIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { ITagCount, SortKey } from '../../tokens';
import { IProjectsQuery } from '../model';
import { IconButton } from './icon-button';

const SORT_LABELS: Record<SortKey, string> = {
  '-updated': 'Recently updated',
  updated: 'Least recently updated',
  name: 'Name A–Z',
  '-name': 'Name Z–A',
  '-created': 'Newest',
  created: 'Oldest'
};

const SEARCH_DELAY_MS = 250;

export interface IProjectsToolbarProps {
  query: IProjectsQuery;
  tags: readonly ITagCount[];
  onQuery: (changes: Partial<IProjectsQuery>) => void;
  onNew: () => void;
  onImport: () => void;
  onRefresh: () => void;
}

/** New/import/refresh buttons and the filters of the list. */
export function ProjectsToolbar(props: IProjectsToolbarProps): JSX.Element {
  const { query, onQuery } = props;
  const [text, setText] = useState(query.text);

  // Debounced: one request when the user pauses typing, not one per key.
  useEffect(() => {
    if (text === query.text) {
      return;
    }
    const timer = window.setTimeout(() => onQuery({ text }), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  return (
    <div className="jp-OmniPanel-toolbar">
      <div className="jp-OmniPanel-toolbarRow">
        <h2 className="jp-OmniPanel-title">Projects</h2>
        <IconButton
          label="Import project"
          title="Import a project archive (.zip)"
          icon={fileUploadIcon}
          onClick={props.onImport}
        />
        <IconButton
          label="Refresh projects"
          icon={refreshIcon}
          onClick={props.onRefresh}
        />
        <button
          type="button"
          className="jp-OmniPanel-primary"
          aria-label="New project"
          title="New project (Alt+Shift+N)"
          onClick={props.onNew}
        >
          <addIcon.react tag="span" elementSize="normal" />
          <span>New</span>
        </button>
      </div>
      <input
        type="search"
        className="jp-OmniPanel-search"
        aria-label="Filter projects"
        placeholder="Filter by name or description"
        value={text}
        onChange={event => setText(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Escape') {
            setText('');
          }
        }}
      />
      <div className="jp-OmniPanel-toolbarRow jp-OmniPanel-filters">
        <button
          type="button"
          className="jp-OmniPanel-toggle"
          aria-pressed={query.favoritesOnly}
          onClick={() => onQuery({ favoritesOnly: !query.favoritesOnly })}
        >
          <span aria-hidden="true">★</span> Favorites only
        </button>
        <select
          aria-label="Filter by tag"
          value={query.tag}
          onChange={event => onQuery({ tag: event.target.value })}
        >
          <option value="">All tags</option>
          {props.tags.map(tag => (
            <option key={tag.name} value={tag.name}>
              {tag.name} ({tag.count})
            </option>
          ))}
        </select>
        <select
          className="jp-OmniPanel-sort"
          aria-label="Sort projects"
          value={query.sort}
          onChange={event => onQuery({ sort: event.target.value as SortKey })}
        >
          {(Object.keys(SORT_LABELS) as SortKey[]).map(key => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
