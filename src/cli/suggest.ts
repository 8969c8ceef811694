// "Did you mean ...?" for a mistyped command or option: the closest known name by edit distance,
// or the one a prefix abbreviates, so `--tabel` points at `--table` and `--mat` at
// `--materialization-config`.

/** Most edits a typo may take and still be suggested: transpositions and slips, not other words. */
export const MAX_SUGGEST_DISTANCE = 2;
/** Characters per allowed edit: two edits turn any short word into another ("nope" → "pipe"). */
export const CHARS_PER_EDIT = 3;
/** Shortest prefix taken as an abbreviation: one or two letters match too much to be a guess. */
export const MIN_PREFIX_CHARS = 3;

/** Levenshtein distance, a swap of two neighbours counting as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `input`, or undefined when none is close enough to be a guess. */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const allowed = Math.min(MAX_SUGGEST_DISTANCE, Math.max(1, Math.floor(lower.length / CHARS_PER_EDIT)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  if (lower.length < MIN_PREFIX_CHARS) return undefined;
  const prefixed = known.filter((name) => name.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
