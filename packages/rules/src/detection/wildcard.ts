import { QMARK, STAR, type SigmaStr, normalize } from './sigma-string.js';

/**
 * Turn a Sigma string (already case-folded when the comparison is case-insensitive) into a test over
 * one (equally folded) event string. Built once per value at load time:
 *   no wildcard → ===; `*x*` → includes; `x*` → startsWith; `*x` → endsWith;
 *   only `*` wildcards → a segment scan with indexOf (leftmost match of each middle segment is optimal);
 *   any `?` → the same segment scan, where a segment holding `?` is found by a bit-parallel
 *   (shift-and) scan: every text character is read once per scan, whatever the pattern's shape.
 * `?` is one code point (an astral character or a lone surrogate), as in a regex `.`.
 */
export type StringTest = (s: string) => boolean;

export function compileWildcard(input: SigmaStr): StringTest {
  const parts = normalize(input);
  if (parts.some((p) => typeof p === 'object')) throw new Error('internal: unexpanded placeholder');
  if (parts.length === 0) return (s) => s === '';
  if (parts.every((p) => p === STAR)) return () => true;
  if (parts.includes(QMARK)) return segmentMatcher(parts as (string | typeof STAR | typeof QMARK)[]);

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
 * compileWildcard's test as data for the prefilter index: `{kind, lit}`, one literal compared with
 * ===, startsWith, endsWith or includes. Exact for the shapes compileWildcard compares that way. For
 * other patterns (several `*` segments, `?`) a test every match passes: a match starts with the text
 * before the first wildcard, ends with the text after the last and contains every literal run, so
 * the longest of those stands for it (as a regex's literals do). Undefined when there is none
 * (`*`, `?*`).
 */
export function classifyWildcard(
  input: SigmaStr,
): { kind: 'eq' | 'startswith' | 'endswith' | 'contains'; lit: string } | undefined {
  const parts = normalize(input);
  if (parts.some((p) => typeof p === 'object')) return undefined;
  if (parts.length === 0) return { kind: 'eq', lit: '' };
  if (parts.every((p) => p === STAR)) return undefined;
  if (!parts.includes(QMARK)) {
    const lits = parts as (string | typeof STAR)[];
    if (lits.length === 1) return { kind: 'eq', lit: lits[0] as string };
    const startsStar = lits[0] === STAR;
    const endsStar = lits[lits.length - 1] === STAR;
    const segs = lits.filter((p): p is string => p !== STAR);
    if (segs.length === 1) {
      const lit = segs[0]!;
      if (startsStar && endsStar) return { kind: 'contains', lit };
      if (startsStar) return { kind: 'endswith', lit };
      return { kind: 'startswith', lit };
    }
  }
  const head = parts[0];
  const tail = parts[parts.length - 1];
  let best: { kind: 'startswith' | 'endswith' | 'contains'; lit: string } | undefined;
  if (typeof head === 'string') best = { kind: 'startswith', lit: head };
  if (typeof tail === 'string' && tail.length > (best?.lit.length ?? 0)) best = { kind: 'endswith', lit: tail };
  for (const p of parts)
    if (typeof p === 'string' && p.length > (best?.lit.length ?? 0)) best = { kind: 'contains', lit: p };
  return best;
}

/**
 * Work done by the `?` matchers: `scanned` counts the text characters they read. Tests use it to
 * show that the work is linear in the text (each scan resumes where the previous one stopped).
 */
export const wildcardWork = { scanned: 0 };

/** A run between two `*`: code points, with -1 for `?`. Fixed length in code points. */
type Group = number[];

/** The end (exclusive, in code units) of `g` matched at `at`, or -1. */
function matchForward(s: string, at: number, g: Group): number {
  let i = at;
  for (let k = 0; k < g.length; k++) {
    if (i >= s.length) return -1;
    const c = s.codePointAt(i)!;
    if (g[k] !== -1 && g[k] !== c) return -1;
    i += c > 0xffff ? 2 : 1;
  }
  wildcardWork.scanned += i - at;
  return i;
}

/** The start (in code units) of `g` matched so that it ends at `end`, or -1. */
function matchBackward(s: string, end: number, g: Group, floor: number): number {
  let i = end;
  for (let k = g.length - 1; k >= 0; k--) {
    if (i <= floor) return -1;
    let c = s.charCodeAt(i - 1);
    let w = 1;
    if (c >= 0xdc00 && c <= 0xdfff && i - 2 >= 0) {
      const h = s.charCodeAt(i - 2);
      if (h >= 0xd800 && h <= 0xdbff) {
        c = (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    if (i - w < floor) return -1;
    if (g[k] !== -1 && g[k] !== c) return -1;
    i -= w;
  }
  wildcardWork.scanned += end - i;
  return i;
}

/**
 * Shift-and search for a group holding `?`: bit k of the state says "the last k+1 code points match
 * the group's first k+1". One pass over the text, ceil(length/32) word operations per character.
 * The state is preallocated: a scan allocates nothing.
 */
class ShiftAnd {
  private readonly words: number;
  /** Masks of non-ASCII code points; ASCII ones live in `ascii` (a Map lookup per character was the scan's main cost). */
  private readonly masks = new Map<number, Uint32Array>();
  /** `words` mask words per ASCII code point, flattened. */
  private readonly ascii: Uint32Array;
  private readonly any: Uint32Array;
  private readonly state: Uint32Array;
  private readonly lastWord: number;
  private readonly lastBit: number;
  /** The group's first character when it is not `?`: with no partial match, the scan jumps to it. */
  private readonly lead: string | undefined;
  /**
   * The group's literal character most likely to be rare (the highest code point): a text without
   * it cannot match, which indexOf (native) tells before the scan reads a character.
   */
  private readonly probe: string | undefined;
  constructor(g: Group) {
    // Not for a lone surrogate: indexOf could land on half of a pair, which the scan reads as one code point.
    const c0 = g[0]!;
    this.lead = c0 !== -1 && (c0 < 0xd800 || c0 > 0xdfff) ? String.fromCodePoint(c0) : undefined;
    const best = Math.max(...g.filter((c) => c < 0xd800 || c > 0xdfff));
    this.probe = best >= 0 ? String.fromCodePoint(best) : undefined;
    this.words = Math.ceil(g.length / 32);
    this.any = new Uint32Array(this.words);
    this.state = new Uint32Array(this.words);
    this.lastWord = (g.length - 1) >>> 5;
    this.lastBit = 1 << ((g.length - 1) & 31);
    g.forEach((c, k) => {
      if (c === -1) this.any[k >>> 5]! |= 1 << (k & 31);
    });
    for (const c of g) if (c !== -1 && !this.masks.has(c)) this.masks.set(c, this.any.slice());
    g.forEach((c, k) => {
      if (c !== -1) this.masks.get(c)![k >>> 5]! |= 1 << (k & 31);
    });
    this.ascii = new Uint32Array(128 * this.words);
    for (let c = 0; c < 128; c++) this.ascii.set(this.masks.get(c) ?? this.any, c * this.words);
    for (let c = 0; c < 128; c++) this.masks.delete(c);
  }
  /** The end (exclusive, code units) of the leftmost match starting at or after `from` and ending by `limit`, or -1. */
  find(s: string, from: number, limit: number): number {
    const d = this.state;
    const n = this.words;
    const ascii = this.ascii;
    if (this.probe !== undefined) {
      const at = s.indexOf(this.probe, from);
      if (at < 0 || at >= limit) return -1;
    }
    d.fill(0);
    let i = from;
    let idle = true;
    const lead = this.lead;
    while (i < limit) {
      // No partial match: the next can only start at the group's first character (indexOf runs in
      // native code; the characters it passes are never read by this loop).
      if (idle && lead !== undefined) {
        const at = s.indexOf(lead, i);
        if (at < 0 || at >= limit) {
          i = limit;
          break;
        }
        i = at;
      }
      const c = s.codePointAt(i)!;
      const w = c > 0xffff ? 2 : 1;
      if (i + w > limit) break;
      i += w;
      let carry = 1;
      if (c < 128) {
        const base = c * n;
        for (let k = 0; k < n; k++) {
          const v = d[k]!;
          d[k] = ((v << 1) | carry) & ascii[base + k]!;
          carry = v >>> 31;
        }
      } else {
        const m = this.masks.get(c) ?? this.any;
        for (let k = 0; k < n; k++) {
          const v = d[k]!;
          d[k] = ((v << 1) | carry) & m[k]!;
          carry = v >>> 31;
        }
      }
      if ((d[this.lastWord]! & this.lastBit) !== 0) {
        wildcardWork.scanned += i - from;
        return i;
      }
      idle = true;
      for (let k = 0; k < n; k++) if (d[k] !== 0) idle = false;
    }
    wildcardWork.scanned += i - from;
    return -1;
  }
}

/**
 * A group of `?` only: its leftmost match starts where the search starts, so finding it is stepping
 * over its length in code points.
 */
class AnyRun {
  constructor(private readonly length: number) {}
  find(s: string, from: number, limit: number): number {
    let i = from;
    for (let k = 0; k < this.length; k++) {
      if (i >= limit) return -1;
      // As ShiftAnd reads code points: a pair that straddles the limit does not fit.
      const w = s.codePointAt(i)! > 0xffff ? 2 : 1;
      if (i + w > limit) return -1;
      i += w;
    }
    wildcardWork.scanned += i - from;
    return i;
  }
}

function toGroup(parts: readonly (string | typeof QMARK)[]): Group {
  const g: Group = [];
  for (const p of parts) {
    if (p === QMARK) g.push(-1);
    else for (const ch of p) g.push(ch.codePointAt(0)!);
  }
  return g;
}

/**
 * Wildcards with `?`: the pattern is groups separated by `*`, each of a fixed number of code points.
 * The first group is anchored at the start, the last at the end; each middle group is matched at its
 * leftmost position after the previous one (optimal, since every group has a fixed length).
 */
function segmentMatcher(parts: readonly (string | typeof STAR | typeof QMARK)[]): StringTest {
  const groups: (string | typeof QMARK)[][] = [[]];
  for (const p of parts) {
    if (p === STAR) groups.push([]);
    else groups[groups.length - 1]!.push(p);
  }
  if (groups.length === 1) {
    const g = toGroup(groups[0]!);
    return (s) => matchForward(s, 0, g) === s.length;
  }
  const head = toGroup(groups[0]!);
  const tail = toGroup(groups[groups.length - 1]!);
  const middle = groups
    .slice(1, -1)
    .filter((g) => g.length > 0)
    .map((g) =>
      g.every((p) => p === QMARK)
        ? new AnyRun(g.length)
        : g.includes(QMARK)
          ? new ShiftAnd(toGroup(g))
          : (g as string[]).join(''),
    );
  return (s) => {
    const start = head.length === 0 ? 0 : matchForward(s, 0, head);
    if (start < 0) return false;
    const end = tail.length === 0 ? s.length : matchBackward(s, s.length, tail, start);
    if (end < 0) return false;
    let pos = start;
    for (let k = 0; k < middle.length; k++) {
      const m = middle[k]!;
      if (typeof m === 'string') {
        const at = s.indexOf(m, pos);
        if (at < 0 || at + m.length > end) return false;
        pos = at + m.length;
      } else {
        pos = m.find(s, pos, end);
        if (pos < 0) return false;
      }
    }
    return true;
  };
}
