/**
 * A line diff (longest common subsequence) for showing a proposed change before it is
 * applied. Files are small enough here; very long ones fall back to remove-all/add-all.
 */
export interface IDiffLine {
  kind: 'same' | 'add' | 'remove';
  text: string;
}

const MAX_CELLS = 4_000_000;

export function lineDiff(before: string, after: string): IDiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map(text => ({ kind: 'remove' as const, text })),
      ...b.map(text => ({ kind: 'add' as const, text }))
    ];
  }
  // lengths[i][j]: LCS of a[i:] and b[j:]
  const lengths = Array.from(
    { length: a.length + 1 },
    () => new Uint32Array(b.length + 1)
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] =
        a[i] === b[j]
          ? lengths[i + 1][j + 1] + 1
          : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const lines: IDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      lines.push({ kind: 'remove', text: a[i++] });
    } else {
      lines.push({ kind: 'add', text: b[j++] });
    }
  }
  a.slice(i).forEach(text => lines.push({ kind: 'remove', text }));
  b.slice(j).forEach(text => lines.push({ kind: 'add', text }));
  return lines;
}
