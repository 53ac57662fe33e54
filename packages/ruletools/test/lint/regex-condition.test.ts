import { describe, expect, it } from 'vitest';
import { regexProblems } from '../../src/lint/regex.js';
import {
  ConditionSyntaxError,
  expandPattern,
  globMatch,
  parseConditionSyntax as parseCondition,
} from '@nightjar/rules';
import { evalCondition, hasPositiveTerm, satisfiability } from '../../src/condition-analysis.js';

const checks = (re: string, mods: string[] = []) => regexProblems(re, mods).map((p) => p.check);

describe('regexProblems', () => {
  it('flags catastrophic shapes', () => {
    for (const re of ['(a+)+$', '(.*)*x', '^(\\w+\\s?)+$', '(a|ab)*c', '((ab)*c)+', '(x+x+)+y', '(?:[a-z]+\\.)+com'])
      expect(checks(re), re).toEqual(['nj/regex-backtracking']);
  });
  it('accepts linear shapes, including the SigmaHQ macOS ones', () => {
    for (const re of [
      '(.){200,}',
      '([0-9]|[1-9][0-9]|[1-4][0-9]{2})',
      '(?i)/lib/python3\\.([5-9]|[0-9]{2})/site-packages/',
      'curl\\s+-s',
      '(ab|cd)+',
      '[a+]+',
      '\\(a+\\)+',
    ])
      expect(checks(re), re).toEqual([]);
  });
  it('rejects backtracking-only constructs and bad syntax', () => {
    expect(checks('a(?=b)')).toEqual(['nj/regex-unsupported']);
    expect(checks('(?<!x)y')).toEqual(['nj/regex-unsupported']);
    expect(checks('(a)\\1')).toEqual(['nj/regex-unsupported']);
    expect(checks('a*+')).toEqual(['nj/regex-unsupported']);
    expect(checks('[a-')).toEqual(['nj/regex-invalid']);
    expect(checks('(a')).toEqual(['nj/regex-invalid']);
    // Inside a class, lookaround syntax is literal.
    expect(checks('[(?=]x')).toEqual([]);
  });
});

describe('condition parser and analysis', () => {
  const names = ['selection', 'filter_a', 'filter_b', '_private'];
  it('follows pySigma precedence: or < and < not', () => {
    const ast = parseCondition('selection or filter_a and not filter_b');
    const v = (s: boolean, a: boolean, b: boolean) =>
      evalCondition(ast, names, (n) => ({ selection: s, filter_a: a, filter_b: b })[n] ?? false);
    expect(v(false, true, false)).toBe(true);
    expect(v(false, true, true)).toBe(false);
    expect(v(true, false, true)).toBe(true);
  });
  it('expands patterns, excludes _ names from them, prunes empty patterns', () => {
    const t = (n: string) => n === 'filter_b';
    expect(evalCondition(parseCondition('1 of filter_*'), names, t)).toBe(true);
    expect(evalCondition(parseCondition('all of filter_*'), names, t)).toBe(false);
    expect(evalCondition(parseCondition('1 of them'), names, (n) => n === '_private')).toBe(false);
    expect(evalCondition(parseCondition('selection and not 1 of nothing_*'), names, (n) => n === 'selection')).toBe(
      true,
    );
  });
  it('matches patterns as globs, linearly (no regex backtracking on hostile patterns)', () => {
    expect(globMatch('sel_*_x', 'sel_abc_x')).toBe(true);
    expect(globMatch('sel_*_x', 'sel_abc_y')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*', 'b')).toBe(false);
    expect(expandPattern('filter*', ['filter', 'filter_a', 'afilter'])).toEqual(['filter', 'filter_a']);
    // Would take exponential time as ^a.*a.*…b$ on a backtracking engine; must return at once.
    expect(globMatch(`${'*a'.repeat(40)}b`, 'a'.repeat(5000))).toBe(false);
  });

  it('parses a very long condition', () => {
    const src = Array.from({ length: 20000 }, (_, i) => `s${i}`).join(' or ');
    expect(() => parseCondition(src)).not.toThrow();
  });

  it('refuses nesting deeper than 200 levels instead of exhausting the stack', () => {
    expect(() => parseCondition(`${'('.repeat(5000)}s${')'.repeat(5000)}`)).toThrow(/nests deeper than 200/);
    expect(() => parseCondition(`${'not '.repeat(5000)}s`)).toThrow(/nests deeper than 200/);
    expect(() => parseCondition(`${'('.repeat(150)}s${')'.repeat(150)}`)).not.toThrow();
  });

  it('reports syntax errors with a position', () => {
    for (const [src, re] of [
      ['selection AND filter_a', /lower case/],
      ['2 of filter_*', /only '1 of' and 'all of'/],
      ['selection | count() > 5', /deprecated/],
      ['(selection', /missing '\)'/],
      ['selection and', /unexpected end/],
    ] as const) {
      expect(() => parseCondition(src)).toThrow(ConditionSyntaxError);
      expect(() => parseCondition(src)).toThrow(re);
    }
  });
  it('decides unreachable and always-true conditions', () => {
    expect(satisfiability(parseCondition('selection and not selection'), names)).toEqual({
      canBeTrue: false,
      canBeFalse: true,
    });
    expect(satisfiability(parseCondition('selection or not selection'), names)).toEqual({
      canBeTrue: true,
      canBeFalse: false,
    });
    expect(satisfiability(parseCondition('selection and not filter_a'), names)).toEqual({
      canBeTrue: true,
      canBeFalse: true,
    });
    expect(
      satisfiability(parseCondition('selection and filter_a'), names, new Map([['filter_a', false]]))?.canBeTrue,
    ).toBe(false);
    expect(hasPositiveTerm(parseCondition('not filter_a'))).toBe(false);
    expect(hasPositiveTerm(parseCondition('not (not selection)'))).toBe(true);
  });
});
