/**
 * Where a reply's code block goes in a file: models answer with a function or a few
 * lines far more often than with a whole file, so the block replaces the part of the
 * file it matches (found by its first and last lines, or a definition's name and
 * indentation), and only a block as long as the file replaces all of it.
 */

/** The file's text with the block put in, and how the place was found. */
export interface IProposal {
  text: string;
  /** Lines of the file replaced, [from, to) (0-based). */
  from: number;
  to: number;
  placement: 'whole' | 'region' | 'append';
}

/** A line that opens a definition, and the name it defines. */
const DEFINITION =
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:def|class|function\*?|fn|func|interface|type|const|let|var)\s+([A-Za-z_$][\w$]*)/;

/** How alike a changed line must be to an old one to take its place (0-1). */
const ALIKE = 0.6;

const key = (line: string) => line.trim();
const indent = (line: string) => line.length - line.trimStart().length;
const blank = (line: string) => line.trim() === '';

/** Where the block goes in the file, and the file's text with it there. */
export function propose(file: string, block: string): IProposal {
  const fileLines = file.split('\n');
  const hadFinalNewline = file.endsWith('\n');
  if (hadFinalNewline) {
    fileLines.pop();
  }
  const blockLines = block
    .replace(/^(?:[ \t]*\n)+/, '')
    .replace(/\s+$/, '')
    .split('\n');
  const whole = (): IProposal => ({
    text: blockLines.join('\n') + (hadFinalNewline ? '\n' : ''),
    from: 0,
    to: fileLines.length,
    placement: 'whole'
  });
  if (fileLines.every(blank) || blockLines.length >= fileLines.length) {
    return whole();
  }
  const region = locate(fileLines, blockLines);
  const [from, to] = region ?? [fileLines.length, fileLines.length];
  if (from === 0 && to >= fileLines.length) {
    return whole();
  }
  const lines = [
    ...fileLines.slice(0, from),
    ...(region === null && from > 0 && !blank(fileLines[from - 1]) ? [''] : []),
    ...blockLines,
    ...fileLines.slice(to)
  ];
  return {
    text: lines.join('\n') + (hadFinalNewline ? '\n' : ''),
    from,
    to,
    placement: region ? 'region' : 'append'
  };
}

/**
 * The lines [from, to) of the file the block replaces, or null when none match. The
 * block has no blank lines at its start or end.
 */
export function locate(
  fileLines: string[],
  blockLines: string[]
): [number, number] | null {
  // A definition replaces the old one of the same name, to the end of its body.
  const name = DEFINITION.exec(blockLines[0])?.[1];
  if (name && bodyEnd(blockLines, 0) >= blockLines.length) {
    const start = fileLines.findIndex(
      line => DEFINITION.exec(line)?.[1] === name
    );
    // A definition of a new name is new code, however alike its lines.
    return start >= 0 ? [start, bodyEnd(fileLines, start)] : null;
  }
  const start =
    anchor(fileLines, blockLines, 0) ?? nearestLine(fileLines, blockLines[0]);
  if (start === null) {
    return null;
  }
  const end = anchorFromEnd(fileLines, blockLines, start);
  return [start, end ?? Math.min(fileLines.length, start + blockLines.length)];
}

/**
 * The first file line where the block starts: its first line that matches (ignoring
 * indentation), moved back by the block lines above it.
 */
function anchor(
  fileLines: string[],
  blockLines: string[],
  from: number
): number | null {
  for (let j = 0; j < blockLines.length; j++) {
    if (blank(blockLines[j])) {
      continue;
    }
    const i = fileLines.findIndex(
      (line, index) => index >= from && key(line) === key(blockLines[j])
    );
    if (i >= 0) {
      return Math.max(from, i - j);
    }
  }
  return null;
}

/** The file line most like the given one (a changed line), if any is alike enough. */
function nearestLine(fileLines: string[], line: string): number | null {
  let best: number | null = null;
  let bestScore = ALIKE;
  fileLines.forEach((candidate, index) => {
    const score = similarity(key(candidate), key(line));
    if (score >= bestScore) {
      [best, bestScore] = [index, score];
    }
  });
  return best;
}

/** Dice's coefficient of two lines' character pairs: 1 for equal, 0 for unrelated. */
function similarity(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) {
    return a === b ? 1 : 0;
  }
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const pair = a.slice(i, i + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const pair = b.slice(i, i + 2);
    const count = pairs.get(pair) ?? 0;
    if (count > 0) {
      pairs.set(pair, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}

/** One past the file line where the block ends, from its last matching line. */
function anchorFromEnd(
  fileLines: string[],
  blockLines: string[],
  start: number
): number | null {
  for (let j = blockLines.length - 1; j >= 0; j--) {
    if (blank(blockLines[j])) {
      continue;
    }
    // The nearest match from the start, so a repeated line (`}`) ends the region early.
    const limit = start + blockLines.length * 2 + 10;
    for (let i = start; i < Math.min(fileLines.length, limit); i++) {
      if (key(fileLines[i]) === key(blockLines[j])) {
        return Math.min(fileLines.length, i + 1 + (blockLines.length - 1 - j));
      }
    }
  }
  return null;
}

/**
 * One past the last line of the definition starting at `start`: its body is what is
 * indented deeper, plus a closing bracket line at its own indentation.
 */
function bodyEnd(lines: string[], start: number): number {
  const level = indent(lines[start]);
  let end = start + 1;
  for (let i = start + 1; i < lines.length; i++) {
    if (blank(lines[i])) {
      continue;
    }
    if (indent(lines[i]) > level) {
      end = i + 1;
      continue;
    }
    if (/^[}\])]/.test(key(lines[i]))) {
      end = i + 1;
    }
    break;
  }
  return end;
}
