/**
 * JupyterLab's shell on a phone: one document at a time, and a side panel (the chat, the
 * file browser, ...) shown as a view of its own in place of the documents.
 */
import { ILabShell } from '@jupyterlab/application';
import { DockPanel, SplitPanel, TabBar, Widget } from '@lumino/widgets';

/** Below this width a sidebar beside a document leaves neither room to be read. */
export const PHONE_SCREEN = '(max-width: 600px)';

/** Body class while the phone layout is on (phone.css keys on it). */
export const PHONE_CLASS = 'jp-OmniPanel-phone';

/** Set (per browser tab) while the single-document mode is ours to undo. */
const SWITCHED_KEY = 'omnipanel-lab:phone-switched-mode';

const MAIN_DOCK_ID = 'jp-main-dock-panel';
const MAIN_SPLIT_ID = 'jp-main-split-panel';

/** JupyterLab's own sizes of left sidebar, documents, right sidebar. */
const DEFAULT_SIZES = [1, 2.5, 1];

/** The widget with this id under ``root`` (Lumino's public tree; the shell has no getter). */
function findWidget(root: Widget, id: string): Widget | null {
  if (root.id === id) {
    return root;
  }
  for (const child of root.children()) {
    const found = findWidget(child, id);
    if (found) {
      return found;
    }
  }
  return null;
}

/** The document on top in the main area (in single-document mode, the one shown). */
function shownDocument(dock: DockPanel): Widget | null {
  return dock.selectedWidgets().next().value ?? null;
}

/** Documents narrower than a side panel: sizes left by the phone layout, not chosen. */
function squeezed(sizes: number[]): boolean {
  return sizes.length === 3 && sizes[1] < Math.max(sizes[0], sizes[2]);
}

export class PhoneLayout {
  private leftWasOpen = false;
  private shownDocument: Widget | null = null;
  private readonly followedTabBars = new WeakSet<TabBar<Widget>>();
  /** The sidebars' and documents' sizes on the wider screen, given back when it returns. */
  private wideSizes: number[] | null = null;
  private sizesChecked = false;
  private wasOn = false;

  constructor(
    private readonly shell: ILabShell,
    private readonly screen: MediaQueryList = window.matchMedia(PHONE_SCREEN)
  ) {}

  /** Follow the screen's width from now on (call once the shell's layout is restored). */
  start(): void {
    this.screen.addEventListener('change', () => this.apply());
    this.shell.layoutModified.connect(() => this.arrange());
    // A document opened or chosen (from the file browser, the launcher, a chat's "new
    // file", a chat tab) is one to see: the side panel over the documents gives way. The
    // shell's own signals follow the focus, which a hidden document cannot take: the
    // dock's tab bars (hidden on a phone) say which document is on top.
    const dock = this.dock;
    if (dock instanceof DockPanel) {
      this.shownDocument = shownDocument(dock);
      const check = () => {
        for (const tabBar of dock.tabBars()) {
          if (!this.followedTabBars.has(tabBar)) {
            this.followedTabBars.add(tabBar);
            tabBar.currentChanged.connect(check);
          }
        }
        const shown = shownDocument(dock);
        // From none to one is JupyterLab opening its launcher in an empty main area.
        const chosen =
          this.shownDocument !== null && shown !== this.shownDocument;
        this.shownDocument = shown;
        if (this.isOn && chosen && shown) {
          this.showDocuments();
        }
      };
      dock.layoutModified.connect(check);
      check();
    }
    this.apply();
  }

  get isOn(): boolean {
    return this.screen.matches;
  }

  private get dock(): Widget | null {
    return findWidget(this.shell, MAIN_DOCK_ID);
  }

  private get split(): SplitPanel | null {
    const split = findWidget(this.shell, MAIN_SPLIT_ID);
    return split instanceof SplitPanel ? split : null;
  }

  /** Switch the phone layout on or off to match the screen. */
  private apply(): void {
    document.body.classList.toggle(PHONE_CLASS, this.isOn);
    if (this.isOn) {
      const sizes = this.split?.relativeSizes() ?? [];
      if (
        this.wideSizes === null &&
        sizes.some(size => size > 0) &&
        !squeezed(sizes)
      ) {
        this.wideSizes = sizes;
      }
      if (this.shell.mode !== 'single-document') {
        this.setMode('single-document');
        sessionStorage.setItem(SWITCHED_KEY, '1');
      }
      // Both sidebars open (as on a desktop): the chat's side stays.
      if (!this.shell.leftCollapsed && !this.shell.rightCollapsed) {
        this.shell.collapseLeft();
      }
    } else {
      this.dock?.show();
      if (sessionStorage.getItem(SWITCHED_KEY)) {
        sessionStorage.removeItem(SWITCHED_KEY);
        this.setMode('multiple-document');
      }
      if (this.wasOn) {
        this.restoreSizes();
      }
    }
    this.wasOn = this.isOn;
    this.arrange();
  }

  /** Give back the sizes from before the phone layout, or JupyterLab's own. */
  private restoreSizes(): void {
    this.split?.setRelativeSizes(this.wideSizes ?? DEFAULT_SIZES);
    this.wideSizes = null;
    this.sizesChecked = true;
  }

  /** A layout saved on a phone (a side panel in the documents' place) leaves the
   * documents a sliver on a wider screen: JupyterLab's own sizes then, once the shell has
   * laid itself out. */
  private repairSizes(): void {
    const sizes = this.split?.relativeSizes() ?? [];
    if (!this.sizesChecked && sizes.some(size => size > 0)) {
      this.sizesChecked = true;
      if (squeezed(sizes)) {
        this.split?.setRelativeSizes(DEFAULT_SIZES);
      }
    }
  }

  /** Change the shell's mode; the document it then shows was not chosen by the user. */
  private setMode(mode: 'single-document' | 'multiple-document'): void {
    this.shell.mode = mode;
    const dock = this.dock;
    if (dock instanceof DockPanel) {
      this.shownDocument = shownDocument(dock);
    }
  }

  /** One view at a time: an open sidebar takes the place of the documents. */
  private arrange(): void {
    const leftOpen = !this.shell.leftCollapsed;
    const rightOpen = !this.shell.rightCollapsed;
    if (this.isOn) {
      if (leftOpen && rightOpen) {
        // The one just opened stays.
        if (this.leftWasOpen) {
          this.shell.collapseLeft();
        } else {
          this.shell.collapseRight();
        }
        return; // the collapse modifies the layout again, which calls arrange()
      }
      this.dock?.setHidden(leftOpen || rightOpen);
    } else {
      this.repairSizes();
    }
    this.leftWasOpen = leftOpen;
  }

  private showDocuments(): void {
    if (!this.shell.leftCollapsed) {
      this.shell.collapseLeft();
    }
    if (!this.shell.rightCollapsed) {
      this.shell.collapseRight();
    }
  }
}
