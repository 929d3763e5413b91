/**
 * The left-sidebar projects panel: a React view of a ProjectsModel.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { projectsIcon } from '../icons';
import { CommandIDs, PROJECTS_PANEL_ID } from '../tokens';
import { ProjectList } from './components/project-list';
import { ProjectsToolbar } from './components/projects-toolbar';
import { ProjectsModel } from './model';

export class ProjectsPanel extends ReactWidget {
  constructor(
    readonly model: ProjectsModel,
    private readonly _commands: CommandRegistry
  ) {
    super();
    this.id = PROJECTS_PANEL_ID;
    this.addClass('jp-OmniPanel-projectsPanel');
    this.title.icon = projectsIcon;
    this.title.caption = 'OmniPanel projects';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'OmniPanel projects');
  }

  protected onAfterShow(): void {
    void this.model.refresh();
  }

  private _execute = (command: string, id: string): void => {
    void this._commands.execute(command, { id });
  };

  render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-OmniPanel-panelBody" aria-busy={model.loading}>
            <ProjectsToolbar
              query={model.query}
              tags={model.tags}
              onQuery={changes => void model.setQuery(changes)}
              onNew={() => void this._commands.execute(CommandIDs.newProject)}
              onImport={() =>
                void this._commands.execute(CommandIDs.importProject)
              }
              onRefresh={() => void model.refresh()}
            />
            {model.error && (
              <div className="jp-OmniPanel-error" role="alert">
                <span>{model.error}</span>
                <button
                  type="button"
                  aria-label="Dismiss error"
                  onClick={() => model.dismissError()}
                >
                  ×
                </button>
              </div>
            )}
            {model.loading && (
              <div className="jp-OmniPanel-loading" role="status">
                Loading…
              </div>
            )}
            <ProjectList
              items={model.items}
              total={model.total}
              loading={model.loading}
              filtered={
                !!model.query.text ||
                !!model.query.tag ||
                model.query.favoritesOnly
              }
              selectedId={model.selected?.id ?? null}
              execute={this._execute}
              onSelect={id => model.select(id)}
              onLoadMore={() => void model.loadMore()}
            />
          </div>
        )}
      </UseSignal>
    );
  }
}
