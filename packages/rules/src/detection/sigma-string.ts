/**
 * Sigma string values: literal text plus the wildcards `*` (any run, also empty) and `?` (exactly one
 * character), with pySigma's escaping (sigma.md §1.3, pySigma `SigmaString`):
 *   `\*` → literal `*`, `\?` → literal `?`, `\\` → one `\`; a `\` before anything else (or at the end)
 *   is a literal backslash. Under `expand`, `%name%` is a placeholder and `\%` a literal `%`.
 */

export const STAR = 0 as const;
export const QMARK = 1 as const;
export interface Placeholder {
  readonly ph: string;
}
/** A literal run, a wildcard, or (only before expansion) a placeholder. */
export type Part = string | typeof STAR | typeof QMARK | Placeholder;
export type SigmaStr = Part[];

/** Parse a rule value into parts. `placeholders` turns on `%name%` recognition (the `expand` modifier). */
export function parseSigmaString(raw: string, placeholders = false): SigmaStr {
  const out: SigmaStr = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') out.push(lit);
    lit = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\' || (placeholders && n === '%')) {
        lit += n;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*') {
      flush();
      out.push(STAR);
    } else if (c === '?') {
      flush();
      out.push(QMARK);
    } else if (placeholders && c === '%') {
      const end = raw.indexOf('%', i + 1);
      const name = end > i + 1 ? raw.slice(i + 1, end) : '';
      if (end > i + 1 && /^[A-Za-z0-9_.-]+$/.test(name)) {
        flush();
        out.push({ ph: name });
        i = end;
      } else {
        lit += c;
      }
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

/** A plain (wildcard-free) string as parts. */
export function literal(s: string): SigmaStr {
  return s === '' ? [] : [s];
}

export function hasWildcards(s: SigmaStr): boolean {
  return s.some((p) => p === STAR || p === QMARK);
}

export function hasPlaceholders(s: SigmaStr): boolean {
  return s.some((p) => typeof p === 'object');
}

/** The literal text (wildcards rendered as `*`/`?`), for messages and linter output. */
export function render(s: SigmaStr): string {
  return s.map((p) => (p === STAR ? '*' : p === QMARK ? '?' : typeof p === 'object' ? `%${p.ph}%` : p)).join('');
}

/** Concatenate, merging adjacent literals so matchers see maximal runs. */
export function normalize(s: SigmaStr): SigmaStr {
  const out: SigmaStr = [];
  for (const p of s) {
    if (typeof p === 'string') {
      if (p === '') continue;
      const last = out[out.length - 1];
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else out.push(p);
  }
  return out;
}

/** `contains`/`startswith`/`endswith`: add `*` only where there is none already (pySigma). */
export function wrap(s: SigmaStr, start: boolean, end: boolean): SigmaStr {
  const out = s.slice();
  if (start && out[0] !== STAR) out.unshift(STAR);
  if (end && out[out.length - 1] !== STAR) out.push(STAR);
  return out;
}

/** Map every literal run through `f` (case folding, windash); wildcards are kept. */
export function mapLiterals(s: SigmaStr, f: (lit: string) => string): SigmaStr {
  return s.map((p) => (typeof p === 'string' ? f(p) : p));
}
