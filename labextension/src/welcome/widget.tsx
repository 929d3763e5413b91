/**
 * The welcome: three steps to a working workspace (a first project, the built-in model
 * answering, a better model connected), in a main-area tab.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React, { useState } from 'react';

import { omnipanelIcon } from '../icons';
import { CommandIDs } from '../tokens';
import { FIRST_PROMPT, WelcomeModel } from './model';
import { Reply } from './reply';

export const WELCOME_ID = 'omnipanel-welcome';

function ProjectStep(props: { model: WelcomeModel }): JSX.Element {
  const { model } = props;
  const [name, setName] = useState('My first project');
  const project = model.project;
  return (
    <li className="jp-OmniPanel-welcomeStep" aria-label="Make a project">
      <h2>Make your first project</h2>
      <p>
        A project is a folder with its chats, notes and model settings. You can
        have as many as you like.
      </p>
      {project ? (
        <p className="jp-OmniPanel-welcomeDone" role="status">
          “{project.name}” is ready, in the folder <code>{project.folder}</code>
          .
        </p>
      ) : (
        <form
          className="jp-OmniPanel-welcomeRow"
          onSubmit={event => {
            event.preventDefault();
            void model.createProject(name);
          }}
        >
          <input
            className="jp-OmniPanel-search"
            aria-label="Project name"
            value={name}
            onChange={event => setName(event.target.value)}
          />
          <button
            type="submit"
            className="jp-OmniPanel-primary"
            disabled={model.busy || !name.trim()}
          >
            Create project
          </button>
        </form>
      )}
    </li>
  );
}

function ModelStep(props: {
  model: WelcomeModel;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model, rendermime } = props;
  const [prompt, setPrompt] = useState(FIRST_PROMPT);
  const asked = model.streaming || model.reply !== '' || model.stats !== null;
  return (
    <li
      className="jp-OmniPanel-welcomeStep"
      aria-label="Meet the built-in model"
    >
      <h2>Meet the built-in model</h2>
      <p>
        It runs on this computer, offline, with no account or key: Gemma 3 270M,
        a tiny model that is quick but often wrong. Ask it something.
      </p>
      <form
        className="jp-OmniPanel-welcomeRow"
        onSubmit={event => {
          event.preventDefault();
          void model.ask(prompt);
        }}
      >
        <input
          className="jp-OmniPanel-search"
          aria-label="Question for the built-in model"
          value={prompt}
          onChange={event => setPrompt(event.target.value)}
        />
        {model.streaming ? (
          <button
            type="button"
            className="jp-OmniPanel-toggle"
            onClick={() => model.stop()}
          >
            Stop
          </button>
        ) : (
          <button
            type="submit"
            className="jp-OmniPanel-primary"
            disabled={!prompt.trim()}
          >
            Ask
          </button>
        )}
      </form>
      {asked && (
        <Reply
          text={model.reply}
          done={!model.streaming}
          rendermime={rendermime}
        />
      )}
      {model.stats && (
        <p className="jp-OmniPanel-note">
          {model.stats.ttft_ms !== null &&
            `First word after ${Math.round(model.stats.ttft_ms)} ms · `}
          {model.stats.tokens_per_s !== null &&
            `${model.stats.tokens_per_s} tokens/s`}
        </p>
      )}
    </li>
  );
}

function ConnectStep(props: { commands: CommandRegistry }): JSX.Element {
  const { commands } = props;
  return (
    <li
      className="jp-OmniPanel-welcomeStep"
      aria-label="Connect a better model"
    >
      <h2>Connect a better model</h2>
      <p>
        For real work, add a stronger model in the Models panel: an
        OpenAI-compatible server (llama.cpp, vLLM, LM Studio, OpenRouter), your
        Ollama, or a cloud provider with your own key (OpenAI, Anthropic,
        Gemini, Mistral, …). Keys are stored encrypted on the server.
      </p>
      <div className="jp-OmniPanel-welcomeRow">
        <button
          type="button"
          className="jp-OmniPanel-primary"
          onClick={() => void commands.execute(CommandIDs.openModels)}
        >
          Open the Models panel
        </button>
        <button
          type="button"
          className="jp-OmniPanel-toggle"
          onClick={() => void commands.execute(CommandIDs.newChat)}
        >
          Start a chat
        </button>
      </div>
    </li>
  );
}

export class WelcomeWidget extends ReactWidget {
  constructor(
    readonly model: WelcomeModel,
    private readonly commands: CommandRegistry,
    private readonly rendermime: IRenderMimeRegistry | null
  ) {
    super();
    this.id = WELCOME_ID;
    this.title.label = 'Welcome to OmniPanel';
    this.title.icon = omnipanelIcon;
    this.title.closable = true;
    this.addClass('jp-OmniPanel-welcome');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <div className="jp-OmniPanel-welcomeBody">
            <header className="jp-OmniPanel-welcomeHeader">
              <omnipanelIcon.react
                tag="span"
                className="jp-OmniPanel-welcomeLogo"
              />
              <div>
                <h1>Welcome to OmniPanel</h1>
                <p>
                  Projects, chats and models in JupyterLab: private by default,
                  with any model, local or cloud.
                </p>
              </div>
            </header>
            {this.model.error && (
              <div className="jp-OmniPanel-error" role="alert">
                <span>{this.model.error}</span>
              </div>
            )}
            <ol className="jp-OmniPanel-welcomeSteps">
              <ProjectStep model={this.model} />
              <ModelStep model={this.model} rendermime={this.rendermime} />
              <ConnectStep commands={this.commands} />
            </ol>
          </div>
        )}
      </UseSignal>
    );
  }
}
