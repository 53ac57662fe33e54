/** Text helpers the lint and test formatters share: the colours they use, untrusted-text escaping, short paths. */
import path from 'node:path';

/**
 * The styling the formatters need. Callers pass their own palette (the CLI's satisfies this); when
 * colour is off every function is the identity, so formatters never branch on it.
 */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const id = (s: string) => s;
/** No colour at all. */
export const PLAIN: Style = { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };

/** Rule text is untrusted: control characters (ANSI escapes included) are shown escaped, never sent to the terminal. */
export function safe(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `file` relative to `cwd` when it lies below it, else unchanged. */
export function shortPath(file: string, cwd: string | undefined): string {
  if (!cwd || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Text as XML character data or attribute value (JUnit reports); XML 1.0 forbids most control characters even escaped. */
export function xml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** `1 rule`, `2 rules`, `0 rules` (`many` for irregular plurals); numbers over 999 get separators. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
