/** Seconds per timespan unit: Sigma's s/m/h/d plus pySigma's w, M (1/12 of a Gregorian year) and y. */
export const TIMESPAN_UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  M: 2_629_746,
  y: 31_556_952,
};

const TIMESPAN_RE = /^([0-9]+)([smhdwMy])$/;

/**
 * Parses a Sigma timespan (`90m`, `1h`, `2w`) into microseconds. Compound forms (`1h30m`), signs,
 * fractions, spaces and zero are refused, as pySigma refuses them. Returns an error string instead.
 */
export function parseTimespan(text: unknown): { us: number } | { error: string } {
  if (typeof text !== 'string') return { error: 'a timespan must be a string such as 5m' };
  const m = TIMESPAN_RE.exec(text);
  if (!m) {
    return {
      error: `invalid timespan '${text}': expected a positive integer followed by one of s, m, h, d, w, M, y (compound forms such as 1h30m are not allowed)`,
    };
  }
  const count = Number(m[1]);
  if (count <= 0) return { error: `invalid timespan '${text}': must be greater than zero` };
  const us = count * TIMESPAN_UNIT_SECONDS[m[2]!]! * 1_000_000;
  if (!Number.isSafeInteger(us)) return { error: `invalid timespan '${text}': too large` };
  return { us };
}
