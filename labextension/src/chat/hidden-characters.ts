/**
 * Characters that act on a terminal or a reader without being seen: control characters
 * (a backspace or an escape sequence can make a command look like another), zero-width
 * and bidirectional formatting characters (text that reads in another order than it
 * runs). Tab and newline are ordinary.
 */

const HIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f-\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/g;

const NAMES: Record<string, string> = {
  '\u0000': 'NUL',
  '\u0003': 'CTRL-C',
  '\u0004': 'CTRL-D',
  '\u0007': 'BELL',
  '\u0008': 'BACKSPACE',
  '\u000b': 'VERTICAL TAB',
  '\u000c': 'FORM FEED',
  '\u000d': 'CARRIAGE RETURN',
  '\u0015': 'CTRL-U',
  '\u0017': 'CTRL-W',
  '\u001b': 'ESC',
  '\u007f': 'DELETE',
  '\u00ad': 'SOFT HYPHEN',
  '\u200b': 'ZERO WIDTH SPACE',
  '\u200c': 'ZERO WIDTH NON-JOINER',
  '\u200d': 'ZERO WIDTH JOINER',
  '\u200e': 'LEFT-TO-RIGHT MARK',
  '\u200f': 'RIGHT-TO-LEFT MARK',
  '\u202a': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202b': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202c': 'POP DIRECTIONAL FORMATTING',
  '\u202d': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202e': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2060': 'WORD JOINER',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
  '\ufeff': 'ZERO WIDTH NO-BREAK SPACE'
};

/** "U+0008 BACKSPACE": how a hidden character is named to the user. */
export function describe(char: string): string {
  const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return NAMES[char] ? `U+${code} ${NAMES[char]}` : `U+${code}`;
}

/** The hidden characters of a text, in order (repeats included). */
export function hiddenCharacters(text: string): string[] {
  return text.match(HIDDEN) ?? [];
}

/** The text as a <pre> in which every hidden character is a visible, named mark. */
export function visibleText(text: string, className: string): HTMLElement {
  const node = document.createElement('pre');
  node.className = className;
  let last = 0;
  for (const match of text.matchAll(HIDDEN)) {
    node.append(text.slice(last, match.index));
    const mark = document.createElement('mark');
    mark.className = 'jp-OmniPanel-hiddenChar';
    mark.textContent = `⟨${describe(match[0])}⟩`;
    node.append(mark);
    last = match.index! + match[0].length;
  }
  node.append(text.slice(last));
  return node;
}
