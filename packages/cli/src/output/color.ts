/**
 * Terminal styling (Node's util.styleText) that collapses to identity functions when colour is off, so
 * callers never branch. Whether colour is on is decided by `colorEnabled` (NO_COLOR, FORCE_COLOR, TTY)
 * for the stream the text goes to, so styleText's own check of process.stdout is turned off.
 */
import { styleText } from 'node:util';
import { stringWidth } from './table.js';

type StyleFormat = Parameters<typeof styleText>[0];
// The options argument exists from Node 22.13 (20.x ignores it and never checks the stream).
const styleTextOn = styleText as (format: StyleFormat, text: string, options?: { validateStream?: boolean }) => string;
const wrap = (format: StyleFormat) => (s: string) => styleTextOn(format, s, { validateStream: false });
const id = (s: string) => s;
export interface Palette {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  /** Colour for a Sigma level word. */
  level(level: string, s: string): string;
}

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, bold: id, dim: id, red: id, yellow: id, green: id, cyan: id, magenta: id, level: (_l, s) => s };
  }
  const bold = wrap('bold');
  const red = wrap('red');
  const yellow = wrap('yellow');
  const cyan = wrap('cyan');
  const magenta = wrap('magenta');
  const dim = wrap('dim');
  return {
    enabled,
    bold,
    dim,
    red,
    yellow,
    green: wrap('green'),
    cyan,
    magenta,
    level(level, s) {
      switch (level) {
        case 'critical':
          return bold(magenta(s));
        case 'high':
          return bold(red(s));
        case 'medium':
          return yellow(s);
        case 'low':
          return cyan(s);
        default:
          return dim(s);
      }
    },
  };
}

/**
 * Event data is untrusted: a path or argument holding ESC sequences must not drive the terminal, and
 * one holding bidirectional overrides or invisible characters must not show the analyst another text
 * than it is (`/tmp/\u202egnp.sh` displayed as `/tmp/hs.png`, `cu\u200brl` as `curl`). Control
 * characters are shown as `\xNN`, those as `\uNNNN`.
 */
export function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0x9f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The longest start (or end) of `s` that fits `width` display columns. */
function fitWidth(s: string, width: number, fromEnd = false): string {
  const chars = [...s];
  if (fromEnd) chars.reverse();
  let used = 0;
  let n = 0;
  for (const c of chars) {
    const w = stringWidth(c);
    if (used + w > width) break;
    used += w;
    n++;
  }
  const kept = chars.slice(0, n);
  return (fromEnd ? kept.reverse() : kept).join('');
}

/** Shortens a string to `max` display columns (wide CJK characters count 2) with an ellipsis. */
export function truncate(s: string, max: number): string {
  return stringWidth(s) <= max ? s : `${fitWidth(s, Math.max(0, max - 1))}…`;
}

/** 12345 → "12,345" (fixed locale so output does not depend on the machine). */
export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Shortens a path in the middle to `max` display columns, keeping its start and the executable name at its end. */
export function truncatePath(s: string, max: number): string {
  if (stringWidth(s) <= max) return s;
  const tail = Math.ceil((max - 1) * 0.6);
  return `${fitWidth(s, max - 1 - tail)}…${fitWidth(s, tail, true)}`;
}
