/**
 * The cells the user worked in, for @cell. Usually the selected cells; but Shift+Enter
 * runs a cell and moves the selection to the next one (a new, empty cell at the end of
 * a notebook), so right after such a run the cells that ran are meant, not the one the
 * run moved to - until the user edits that cell or selects another.
 */
import { Cell } from '@jupyterlab/cells';
import {
  INotebookTracker,
  Notebook,
  NotebookActions
} from '@jupyterlab/notebook';

/** A selection move this close to a run (ms) is the run's own advance. */
const ADVANCE_WINDOW = 1_000;

interface INotebookHistory {
  /** The cells of the last run, and when it was scheduled. */
  ran: Cell[];
  ranAt: number;
  /** When the active cell last changed, and its text then. */
  movedAt: number;
  sourceWhenMoved: string;
}

export class WorkedCells {
  constructor(notebooks: INotebookTracker | null) {
    NotebookActions.executionScheduled.connect((_, { notebook, cell }) => {
      const history = this.history(notebook);
      const now = Date.now();
      // The cells of one command are scheduled together.
      history.ran = now - history.ranAt < 100 ? [...history.ran, cell] : [cell];
      history.ranAt = now;
    });
    notebooks?.widgetAdded.connect((_, panel) => {
      panel.content.activeCellChanged.connect((notebook, cell) => {
        const history = this.history(notebook);
        history.movedAt = Date.now();
        history.sourceWhenMoved = cell?.model.sharedModel.getSource() ?? '';
      });
    });
  }

  /** The cells to attach: those that just ran when a run moved on, else the selected. */
  cells(notebook: Notebook): Cell[] {
    const selected = notebook.widgets.filter(cell =>
      notebook.isSelectedOrActive(cell)
    );
    const active = notebook.activeCell;
    const history = this.histories.get(notebook);
    if (!active || !history || selected.length > 1) {
      return selected;
    }
    const ran = history.ran.filter(cell => !cell.isDisposed);
    const lastRan = ran[ran.length - 1];
    const advanced =
      lastRan !== undefined &&
      !ran.includes(active) &&
      notebook.widgets.indexOf(active) ===
        notebook.widgets.indexOf(lastRan) + 1 &&
      Math.abs(history.movedAt - history.ranAt) < ADVANCE_WINDOW &&
      active.model.sharedModel.getSource() === history.sourceWhenMoved;
    return advanced ? ran : selected;
  }

  private history(notebook: Notebook): INotebookHistory {
    let history = this.histories.get(notebook);
    if (!history) {
      history = { ran: [], ranAt: 0, movedAt: 0, sourceWhenMoved: '' };
      this.histories.set(notebook, history);
    }
    return history;
  }

  private readonly histories = new WeakMap<Notebook, INotebookHistory>();
}
