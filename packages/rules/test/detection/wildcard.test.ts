import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { expandPattern, globMatch, parseConditionSyntax, resolveCondition } from '../../src/detection/condition.js';
import { quoteRegex } from '../../src/detection/regex.js';
import { QMARK, STAR, type SigmaStr, normalize, parseSigmaString } from '../../src/detection/sigma-string.js';
import { classifyWildcard, compileWildcard, wildcardWork } from '../../src/detection/wildcard.js';

/** The slow path: the wildcard as an anchored DOTALL regex (what pySigma generates), run by re2js. */
function reference(parts: SigmaStr, s: string): boolean {
  let src = '';
  for (const p of normalize(parts)) src += p === STAR ? '.*' : p === QMARK ? '.' : quoteRegex(p as string);
  return RE2JS.compile(src, RE2JS.DOTALL).testExact(s);
}

// A small alphabet so that random patterns and texts actually match each other; an astral character
// and a lone surrogate check that `?` is one code point, as a regex `.` is.
const alphabet = fc.constantFrom('a', 'b', 'c', '\n', '😀', 'é');
const text = fc.array(fc.oneof(alphabet, fc.constant('\uD800')), { maxLength: 40 }).map((a) => a.join(''));
const pattern = fc
  .array(fc.oneof(alphabet, alphabet, fc.constant('*'), fc.constant('?'), fc.constant('\\*')), { maxLength: 14 })
  .map((a) => a.join(''));

describe('wildcard values match like the regex they stand for (property, 3000 runs)', () => {
  it('agrees with the anchored re2js regex on random patterns and texts', () => {
    fc.assert(
      fc.property(pattern, text, (p, s) => {
        const parts = parseSigmaString(p);
        expect(compileWildcard(parts)(s), `pattern ${JSON.stringify(p)} text ${JSON.stringify(s)}`).toBe(
          reference(parts, s),
        );
      }),
      { numRuns: 3000 },
    );
  });
  it('agrees on texts built to match the pattern (so the true cases are exercised too)', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 20, maxLength: 20 }), (p, fills) => {
        let k = 0;
        // Replace each wildcard by a random fill (`?` by one code point of it), giving a matching text.
        const fill = (x: SigmaStr[number]): string => {
          if (x === STAR) return fills[k++ % 20];
          if (x === QMARK) return [...`${fills[k++ % 20]}a`][0];
          return typeof x === 'string' ? x : '';
        };
        const s = parseSigmaString(p).map(fill).join('');
        const parts = parseSigmaString(p);
        expect(compileWildcard(parts)(s)).toBe(true);
        expect(reference(parts, s)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the prefilter index's literal for a wildcard value (classifyWildcard)", () => {
  const passes = (c: ReturnType<typeof classifyWildcard>, s: string): boolean =>
    c === undefined ||
    (c.kind === 'eq'
      ? s === c.lit
      : c.kind === 'startswith'
        ? s.startsWith(c.lit)
        : c.kind === 'endswith'
          ? s.endsWith(c.lit)
          : s.includes(c.lit));

  it('passes on every text the pattern matches, and is the match itself for one-comparison shapes', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 20, maxLength: 20 }), text, (p, fills, other) => {
        let k = 0;
        const fill = (x: SigmaStr[number]): string => {
          if (x === STAR) return fills[k++ % 20];
          if (x === QMARK) return [...`${fills[k++ % 20]}a`][0];
          return typeof x === 'string' ? x : '';
        };
        const parts = parseSigmaString(p);
        const c = classifyWildcard(parts);
        const matching = parts.map(fill).join('');
        expect(passes(c, matching), `pattern ${JSON.stringify(p)} text ${JSON.stringify(matching)}`).toBe(true);
        // A pattern of one literal and at most a `*` at each end: the test is exact.
        const n = normalize(parts);
        const inner = n.slice(n[0] === STAR ? 1 : 0, n[n.length - 1] === STAR ? -1 : undefined);
        if (inner.length <= 1 && inner.every((x) => typeof x === 'string') && n.length > 0)
          expect(passes(c, other)).toBe(compileWildcard(parts)(other));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes the longest of the head, the tail and the literal runs', () => {
    const c = (p: string) => classifyWildcard(parseSigmaString(p));
    expect(c("*'*:0:'*")).toEqual({ kind: 'contains', lit: ":0:'" });
    expect(c('/*/Library/LaunchAgents/*.plist')).toEqual({ kind: 'contains', lit: '/Library/LaunchAgents/' });
    expect(c('/usr/bin/*/x')).toEqual({ kind: 'startswith', lit: '/usr/bin/' });
    expect(c('*a*/evil?.sh')).toEqual({ kind: 'contains', lit: '/evil' });
    expect(c('*a*b?/evil.sh')).toEqual({ kind: 'endswith', lit: '/evil.sh' });
    expect(c('*?*')).toBeUndefined();
    expect(c('*')).toBeUndefined();
  });
});

describe('wildcard matching reads the text once, whatever the pattern', () => {
  const scanned = (value: string, s: string): { result: boolean; read: number } => {
    const test = compileWildcard(parseSigmaString(value));
    const before = wildcardWork.scanned;
    const result = test(s);
    return { result, read: wildcardWork.scanned - before };
  };
  // 1,000 `a?` segments against a 64 KB command line took 2.6 s per event through a regex automaton.
  it('1,000 `a?` segments on a 64 KB line: one pass over the text', () => {
    const value = `*${'a?'.repeat(1000)}*`;
    // Every alignment runs 999 groups deep before an `x` breaks it: the worst case for backtracking.
    const miss = `${'ab'.repeat(999)}x`.repeat(33);
    const r1 = scanned(value, miss);
    expect(r1.result).toBe(reference(parseSigmaString(value), miss));
    expect(r1.read).toBeLessThanOrEqual(miss.length);
    const hit = `${'x'.repeat(60_000)}${'ab'.repeat(1000)}`;
    const r2 = scanned(value, hit);
    expect(r2.result).toBe(true);
    expect(r2.read).toBeLessThanOrEqual(hit.length);
  });
  it('many `?` groups separated by `*`: still one pass', () => {
    const value = `*${'a?b*'.repeat(300)}`;
    const s = 'axb'.repeat(299) + 'c'.repeat(60_000);
    const r = scanned(value, s);
    expect(r.result).toBe(false);
    expect(r.read).toBeLessThanOrEqual(s.length);
    expect(scanned(value, 'axb'.repeat(300)).result).toBe(true);
  });
  it('anchored `?` groups at both ends read only their own length', () => {
    const value = `a?${'*'}b?`;
    const s = `ax${'z'.repeat(100_000)}by`;
    const r = scanned(value, s);
    expect(r.result).toBe(true);
    expect(r.read).toBe(4);
  });
});

describe('`x of` patterns match identifiers as globs', () => {
  // Took 22 s to lint when patterns were backtracking regexes.
  it('the hostile `1 of a*a*a*a*a*a*a*a*c` next to a 60-character name', () => {
    const long = 'a'.repeat(60);
    expect(globMatch('a*a*a*a*a*a*a*a*c', long)).toBe(false);
    expect(globMatch('a*a*a*a*a*a*a*a*c', `${long}c`)).toBe(true);
    expect(expandPattern('a*a*a*a*a*a*a*a*c', [long, 'sel', `${long}bc`])).toEqual([`${long}bc`]);
    const { node, pruned } = resolveCondition(parseConditionSyntax('sel or 1 of a*a*a*a*a*a*a*a*c'), [long, 'sel'], []);
    expect(node).toEqual({ type: 'ref', name: 'sel' });
    expect(pruned).toEqual(['1 of a*a*a*a*a*a*a*a*c']);
  });
  it('is case-sensitive and whole-name', () => {
    expect(globMatch('Sel*', 'sel_a')).toBe(false);
    expect(globMatch('sel', 'sel_a')).toBe(false);
    expect(globMatch('*_a', 'sel_a')).toBe(true);
  });
  it('agrees with the regex reference on random patterns and names (property)', () => {
    const name = fc.array(fc.constantFrom('a', 'b', '_'), { maxLength: 30 }).map((a) => a.join(''));
    const pat = fc.array(fc.constantFrom('a', 'b', '_', '*'), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(pat, name, (p, n) => {
        expect(globMatch(p, n)).toBe(reference(parseSigmaString(p), n));
      }),
      { numRuns: 2000 },
    );
  });
});
