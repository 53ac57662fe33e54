import { RE2JS } from 're2js';
import { QMARK, STAR, type SigmaStr, normalize } from './sigma-string.js';
import { quoteRegex } from './regex.js';

/**
 * Turn a Sigma string (already case-folded when the comparison is case-insensitive) into a test over
 * one (equally folded) event string. Built once per value at load time:
 *   no wildcard → ===; `*x*` → includes; `x*` → startsWith; `*x` → endsWith;
 *   only `*` wildcards → a linear segment scan (leftmost match of each middle segment is optimal);
 *   any `?` → an anchored re2js regex (linear time).
 */
export type StringTest = (s: string) => boolean;

export function compileWildcard(input: SigmaStr): StringTest {
  const parts = normalize(input);
  if (parts.some((p) => typeof p === 'object')) throw new Error('internal: unexpanded placeholder');
  if (parts.length === 0) return (s) => s === '';
  if (parts.every((p) => p === STAR)) return () => true;
  if (parts.includes(QMARK)) return regexMatcher(parts);

  const lits = parts as (string | typeof STAR)[];
  if (lits.length === 1) {
    const v = lits[0] as string;
    return (s) => s === v;
  }
  const startsStar = lits[0] === STAR;
  const endsStar = lits[lits.length - 1] === STAR;
  const segs = lits.filter((p): p is string => p !== STAR);
  if (segs.length === 1) {
    const v = segs[0]!;
    if (startsStar && endsStar) return (s) => s.includes(v);
    if (startsStar) return (s) => s.endsWith(v);
    return (s) => s.startsWith(v);
  }
  const prefix = startsStar ? '' : segs.shift()!;
  const suffix = endsStar ? '' : segs.pop()!;
  const middle = segs;
  const minLen = prefix.length + suffix.length;
  return (s) => {
    if (s.length < minLen) return false;
    if (prefix && !s.startsWith(prefix)) return false;
    const end = s.length - suffix.length;
    if (suffix && !s.endsWith(suffix)) return false;
    let pos = prefix.length;
    for (let i = 0; i < middle.length; i++) {
      const m = middle[i]!;
      const at = s.indexOf(m, pos);
      if (at < 0 || at + m.length > end) return false;
      pos = at + m.length;
    }
    return true;
  };
}

/**
 * The same classification as compileWildcard, as data: `{kind, lit}` when the test is one literal
 * compared with ===, startsWith, endsWith or includes; undefined otherwise (always-true, `?`, or
 * several `*` segments).
 */
export function classifyWildcard(
  input: SigmaStr,
): { kind: 'eq' | 'startswith' | 'endswith' | 'contains'; lit: string } | undefined {
  const parts = normalize(input);
  if (parts.some((p) => typeof p === 'object')) return undefined;
  if (parts.length === 0) return { kind: 'eq', lit: '' };
  if (parts.every((p) => p === STAR)) return undefined;
  if (parts.includes(QMARK)) return undefined;
  const lits = parts as (string | typeof STAR)[];
  if (lits.length === 1) return { kind: 'eq', lit: lits[0] as string };
  const startsStar = lits[0] === STAR;
  const endsStar = lits[lits.length - 1] === STAR;
  const segs = lits.filter((p): p is string => p !== STAR);
  if (segs.length !== 1) return undefined;
  const lit = segs[0]!;
  if (startsStar && endsStar) return { kind: 'contains', lit };
  if (startsStar) return { kind: 'endswith', lit };
  return { kind: 'startswith', lit };
}

function regexMatcher(parts: SigmaStr): StringTest {
  let src = '';
  for (const p of parts) src += p === STAR ? '.*' : p === QMARK ? '.' : quoteRegex(p as string);
  // DOTALL: wildcards span newlines in command lines too. testExact anchors both ends.
  const re = RE2JS.compile(src, RE2JS.DOTALL);
  return (s) => re.testExact(s);
}
