/**
 * Event time is integer microseconds since the Unix epoch. eslogger writes
 * RFC 3339 with nanoseconds (`2025-08-07T15:13:09.811587464Z`); `Date.parse` keeps only
 * milliseconds, so the fraction is read digit by digit and added to the whole seconds as integers.
 * Digits past the microsecond are truncated (not rounded), so ordering never changes.
 */

// YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH:MM|±HHMM); lower-case t/z accepted as RFC 3339 allows.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** The `YYYY-MM-DDTHH:MM:SS` prefix of the last parsed time (not a leap second) and its value in ms. */
let lastPrefix = '';
let lastPrefixMs = 0;

/** `.fraction` then `Z`/`z` at the end, from index 19 (sticky). */
const ZULU_TAIL = /\.\d+[Zz]$/y;

/**
 * The µs within the second of `…SS[.fraction](Z|z)` after a known 19-character prefix; undefined
 * for any other tail. One regex test checks the tail's shape (per-character JS loops over the nine
 * digits eslogger writes cost twice as much), then the first six digits are read.
 */
function zuluTail(s: string): number | undefined {
  const n = s.length;
  if (n === 20) {
    const z = s.charCodeAt(19);
    return z === 90 || z === 122 ? 0 : undefined;
  }
  ZULU_TAIL.lastIndex = 19;
  if (!ZULU_TAIL.test(s)) return undefined;
  let f = 0;
  for (let i = 20; i < 26; i++) {
    const c = i < n - 1 ? s.charCodeAt(i) - 48 : 0; // fewer than six digits: zeros
    f = f * 10 + c;
  }
  return f;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an RFC 3339 timestamp to integer µs since the epoch. Returns undefined for anything else
 * (wrong shape, out-of-range fields, or a time outside the range a double holds exactly in µs,
 * about years 1685–2255).
 */
export function parseTimeUs(s: string): number | undefined {
  if (typeof s !== 'string' || s.length > 64) return undefined;
  // Fast path: consecutive events share their whole-second prefix; with a `Z` zone only the fraction
  // is new. Same answers as the full parse below (which fills the cache).
  // (slice + === compares in one memcmp; startsWith with a sliced prefix took ~50 ns.)
  if (lastPrefix !== '' && s.length >= 20 && s.slice(0, 19) === lastPrefix) {
    const us = zuluTail(s);
    if (us !== undefined) return lastPrefixMs * 1000 + us;
  }
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = +m[4]!;
  const minute = +m[5]!;
  const second = +m[6]!;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  // Reject day overflow (Feb 30) rather than silently moving the event to March.
  if (day > daysInMonth(year, month)) return undefined;
  // Years 0..99 (which Date.UTC would map to 19xx) are far outside the exact µs range anyway.
  if (year < 1000) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second === 60 ? 59 : second);
  if (second !== 60 && Number.isSafeInteger(ms * 1000 + 999_999)) {
    lastPrefix = s.slice(0, 19);
    lastPrefixMs = ms;
  }
  let us = ms * 1000 + (second === 60 ? 999_999 : 0);
  const frac = m[7];
  if (frac !== undefined && second !== 60) {
    let f = 0;
    for (let i = 0; i < 6; i++) f = f * 10 + (i < frac.length ? frac.charCodeAt(i) - 48 : 0);
    us += f;
  }
  if (m[9] !== undefined) {
    const offH = +m[10]!;
    const offM = +m[11]!;
    if (offH > 23 || offM > 59) return undefined;
    const off = (offH * 60 + offM) * 60_000_000;
    us += m[9] === '+' ? -off : off;
  }
  return Number.isSafeInteger(us) ? us : undefined;
}

// formatTimeUs's last whole second and its text: times formatted together (process start times,
// alert times) mostly share their second, and Date#toISOString is the costly part.
let fmtSecond = NaN;
let fmtPrefix = '';

/** µs since the epoch → `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fraction digits, UTC). */
export function formatTimeUs(us: number): string {
  if (!Number.isFinite(us)) return 'invalid-time';
  const t = Math.trunc(us);
  const sec = Math.floor(t / 1_000_000);
  const micro = t - sec * 1_000_000; // 0..999,999 even for negative times
  if (sec !== fmtSecond) {
    const iso = new Date(sec * 1000).toISOString(); // …T00:12:12.000Z
    if (iso.length < 5) return 'invalid-time';
    fmtSecond = sec;
    fmtPrefix = iso.slice(0, -5);
  }
  return `${fmtPrefix}.${String(micro).padStart(6, '0')}Z`;
}

/**
 * A duration in µs for people: `250 µs`, `12.5 ms`, `5 s`, `1.5 min`, `2 h` (at most one decimal,
 * trailing `.0` dropped), so messages never show `5000000 µs`.
 */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return `${us} µs`;
  const abs = Math.abs(us);
  const one = (v: number, unit: string) => `${Number(v.toFixed(1))} ${unit}`;
  if (abs < 1000) return `${us} µs`;
  if (abs < 1e6) return one(us / 1000, 'ms');
  if (abs < 120e6) return one(us / 1e6, 's');
  if (abs < 7200e6) return one(us / 60e6, 'min');
  return one(us / 3600e6, 'h');
}
