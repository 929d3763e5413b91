/**
 * The chat's model: the project's (or server's) default, or one chosen here.
 */
import React from 'react';

import { AvailableModels, useContextWindows } from './available-models';
import { ChatSession } from './session';

export function ModelPicker(props: {
  session: ChatSession;
  models: AvailableModels;
}): JSX.Element {
  const { session, models } = props;
  const choices = [...useContextWindows(models).keys()];
  const model = session.thread?.model;
  const current = model ? `${model.provider}/${model.model}` : '';
  return (
    <select
      aria-label="Model"
      value={current}
      // The user is about to choose: ask the server for what is there now.
      onFocus={() => void models.refresh()}
      onChange={event => {
        const [provider, ...rest] = event.target.value.split('/');
        void session.update({
          model: provider ? { provider, model: rest.join('/') } : null
        });
      }}
    >
      <option value="">Project default model</option>
      {current && !choices.includes(current) && (
        <option value={current}>{current}</option>
      )}
      {choices.map(choice => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  );
}
