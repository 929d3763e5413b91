import { LabIcon } from '@jupyterlab/ui-components';
import React from 'react';

export interface IIconButtonProps {
  /** Read by screen readers and shown as a tooltip. */
  label: string;
  icon: LabIcon;
  onClick: () => void;
  disabled?: boolean;
  title?: string;
}

/** A small icon-only button; the click does not reach the list item below it. */
export function IconButton(props: IIconButtonProps): JSX.Element {
  return (
    <button
      type="button"
      className="jp-OmniPanel-iconButton"
      aria-label={props.label}
      title={props.title ?? props.label}
      disabled={props.disabled}
      onClick={event => {
        event.stopPropagation();
        props.onClick();
      }}
    >
      <props.icon.react tag="span" elementSize="normal" />
    </button>
  );
}
