import { distance } from 'fastest-levenshtein';

/**
 * "Did you mean": the candidates nearest to `input` by edit distance (case-insensitive), nearest
 * first, at most `max`. Only close ones count (1 edit for up to 3 characters, else 2 or a third of the
 * input's length, case ignored), so a wild guess suggests nothing rather than noise.
 */
export function closestNames(input: string, candidates: Iterable<string>, max = 2): string[] {
  const lower = input.toLowerCase();
  const limit = input.length <= 3 ? 1 : Math.max(2, Math.floor(input.length / 3));
  const scored: [string, number][] = [];
  for (const c of new Set(candidates)) {
    if (c === input) continue;
    const d = distance(lower, c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, max).map(([c]) => c);
}

/** ` (did you mean 'a' or 'b'?)`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const near = closestNames(input, candidates);
  return near.length === 0 ? '' : ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)`;
}
