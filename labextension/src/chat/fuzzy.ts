/**
 * Fuzzy matching of paths, as editors' "go to file" does: the query's characters in
 * order, anywhere in the path; matches within the file name, at word starts and in runs
 * rank first.
 */

/** Match `q` in `t` from `from` on, taking each character's first occurrence. */
function matchFrom(q: string, t: string, from: number, nameStart: number) {
  let score = 0;
  let previous = -2;
  let at = from;
  for (const char of q) {
    at = t.indexOf(char, at);
    if (at < 0) {
      return null;
    }
    score += 1;
    if (at >= nameStart) {
      score += 2; // in the file name
    }
    if (at === 0 || '/_-. '.includes(t[at - 1])) {
      score += 3; // at the start of a word
    }
    if (at === previous + 1) {
      score += 4; // right after the last matched character
    }
    previous = at;
    at += 1;
  }
  return score;
}

/** The score of `text` for `query` (higher is better), or null when it does not match. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  if (!q) {
    return 0;
  }
  const nameStart = t.lastIndexOf('/') + 1;
  // Within the file name first (what people type), else anywhere in the path.
  const inName = matchFrom(q, t, nameStart, nameStart);
  const score =
    inName !== null
      ? inName + 10 + (t.startsWith(q, nameStart) ? 10 : 0)
      : matchFrom(q, t, 0, nameStart);
  // Shorter paths win a tie: "a.py" before "deep/folder/a.py".
  return score === null ? null : score - text.length / 1000;
}

/** The items of `items` matching `query`, best first (all of them, in order, for ''). */
export function fuzzyFilter<T>(
  query: string,
  items: readonly T[],
  text: (item: T) => string
): T[] {
  if (!query) {
    return [...items];
  }
  return items
    .map(item => ({ item, score: fuzzyScore(query, text(item)) }))
    .filter(
      (scored): scored is { item: T; score: number } => scored.score !== null
    )
    .sort((a, b) => b.score - a.score)
    .map(scored => scored.item);
}
