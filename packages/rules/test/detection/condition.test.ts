import { describe, expect, it } from 'vitest';
import {
  ConditionSyntaxError,
  compileDetection,
  parseCondition,
  parseConditionSyntax,
  resolveCondition,
} from '../../src/detection/index.js';
import { CTX, NATIVE, compileError, event } from './helpers.js';

/**
 * Selections a, b, c, … each match when the event's payload has that key set to 1. So an event with
 * {a:1, c:1} makes a and c true and everything else false.
 */
function cond(condition: unknown, names = ['a', 'b', 'c']) {
  const detection: Record<string, unknown> = { condition };
  for (const n of names) detection[n] = { [`event.open.${n}`]: 1 };
  const d = compileDetection({ detection, logsource: NATIVE('open'), fieldMapping: null });
  return Object.assign(
    (...truthy: string[]) => d.match(event('open', Object.fromEntries(truthy.map((t) => [t, 1]))), CTX),
    { d },
  );
}

/** Every assignment of the names → [truthy names, expected]. */
function truthTable(names: string[], f: (v: Record<string, boolean>) => boolean): [string[], boolean][] {
  const out: [string[], boolean][] = [];
  for (let mask = 0; mask < 1 << names.length; mask++) {
    const v = Object.fromEntries(names.map((n, i) => [n, (mask & (1 << i)) !== 0]));
    out.push([names.filter((n) => v[n]), f(v)]);
  }
  return out;
}

describe('condition grammar', () => {
  it('and binds tighter than or: a or b and c = a or (b and c)', () => {
    const t = cond('a or b and c');
    for (const [on, want] of truthTable(['a', 'b', 'c'], (v) => v.a || (v.b && v.c)))
      expect(t(...on), on.join()).toBe(want);
  });
  it('b and c or a = (b and c) or a', () => {
    const t = cond('b and c or a');
    for (const [on, want] of truthTable(['a', 'b', 'c'], (v) => (v.b && v.c) || v.a))
      expect(t(...on), on.join()).toBe(want);
  });
  it('not binds tighter than and: not a and b = (not a) and b', () => {
    const t = cond('not a and b');
    for (const [on, want] of truthTable(['a', 'b'], (v) => !v.a && v.b)) expect(t(...on), on.join()).toBe(want);
  });
  it('parentheses override precedence', () => {
    const t = cond('(a or b) and c');
    for (const [on, want] of truthTable(['a', 'b', 'c'], (v) => (v.a || v.b) && v.c))
      expect(t(...on), on.join()).toBe(want);
    const u = cond('not (a or b)');
    for (const [on, want] of truthTable(['a', 'b'], (v) => !(v.a || v.b))) expect(u(...on), on.join()).toBe(want);
  });
  it("SigmaHQ's unparenthesised `a and b or a and (c and d)`", () => {
    const t = cond('a and b or a and (c and d)', ['a', 'b', 'c', 'd']);
    for (const [on, want] of truthTable(['a', 'b', 'c', 'd'], (v) => (v.a && v.b) || (v.a && v.c && v.d)))
      expect(t(...on), on.join()).toBe(want);
  });
  it('not not x is x; not is right-associative', () => {
    const t = cond('not not a');
    expect(t('a')).toBe(true);
    expect(t()).toBe(false);
  });
  it('and / or are left-associative chains', () => {
    const t = cond('a and b and c');
    expect(t('a', 'b', 'c')).toBe(true);
    expect(t('a', 'b')).toBe(false);
    const u = cond('a or b or c');
    expect(u('c')).toBe(true);
    expect(u()).toBe(false);
  });
  it('a condition list is ORed', () => {
    const t = cond(['a and b', 'c']);
    expect(t('c')).toBe(true);
    expect(t('a', 'b')).toBe(true);
    expect(t('a')).toBe(false);
  });
  it('identifiers may contain hyphens and digits', () => {
    const t = cond('sel-1 and not filter_2', ['sel-1', 'filter_2']);
    expect(t('sel-1')).toBe(true);
    expect(t('sel-1', 'filter_2')).toBe(false);
  });
  it('keeps the parsed tree in info', () => {
    const t = cond('a or not b and c');
    expect(t.d.info.condition).toEqual({
      type: 'or',
      args: [
        { type: 'ref', name: 'a' },
        {
          type: 'and',
          args: [
            { type: 'not', arg: { type: 'ref', name: 'b' } },
            { type: 'ref', name: 'c' },
          ],
        },
      ],
    });
  });
});

describe('x of', () => {
  const names = ['sel_a', 'sel_b', 'filter_x', '_hidden', 'other'];
  it('1 of pattern* is OR over the matches', () => {
    const t = cond('1 of sel_*', names);
    expect(t('sel_b')).toBe(true);
    expect(t('other')).toBe(false);
  });
  it('any of is the same as 1 of', () => {
    expect(cond('any of sel_*', names)('sel_a')).toBe(true);
  });
  it('all of pattern* is AND over the matches', () => {
    const t = cond('all of sel_*', names);
    expect(t('sel_a', 'sel_b')).toBe(true);
    expect(t('sel_a')).toBe(false);
  });
  it('* may appear anywhere in the pattern and must match the whole name', () => {
    const t = cond('1 of s*_a', ['sel_a', 'sel_ab', 'xsel_a']);
    expect(t.d.info.condition).toMatchObject({ type: 'of', matches: ['sel_a'] });
  });
  it('1 of them / all of them cover every identifier except _-prefixed ones', () => {
    const t = cond('1 of them', names);
    expect(t.d.info.condition).toMatchObject({ matches: ['sel_a', 'sel_b', 'filter_x', 'other'] });
    expect(t('_hidden')).toBe(false);
    const u = cond('all of them', ['a', 'b', '_c']);
    expect(u('a', 'b')).toBe(true);
  });
  it('a pattern starting with _ may match _ identifiers', () => {
    const t = cond('1 of _*', names);
    expect(t('_hidden')).toBe(true);
    expect(cond('1 of *', names).d.info.condition).toMatchObject({ matches: ['sel_a', 'sel_b', 'filter_x', 'other'] });
  });
  it('x of binds tighter than not: not 1 of filter* = not (1 of filter*)', () => {
    const t = cond('sel and not 1 of filter*', ['sel', 'filter1', 'filter2']);
    expect(t('sel')).toBe(true);
    expect(t('sel', 'filter2')).toBe(false);
  });
  it('2 of is a syntax error (pySigma allows only 1, any, all)', () => {
    expect(compileError(() => cond('2 of sel_*', names)).code).toBe('NJ_CONDITION_SYNTAX');
  });
  it('patterns cannot contain hyphens', () => {
    expect(compileError(() => cond('1 of sel-*', ['sel-a'])).code).toBe('NJ_CONDITION_SYNTAX');
  });
});

describe('pruning of selectors that match nothing (pySigma)', () => {
  it('selection and not 1 of filter* with no filter is just selection', () => {
    const t = cond('sel and not 1 of filter*', ['sel']);
    expect(t.d.info.condition).toEqual({ type: 'ref', name: 'sel' });
    expect(t.d.info.prunedSelectors).toEqual(['1 of filter*']);
    expect(t('sel')).toBe(true);
  });
  it('an empty or-branch disappears', () => {
    const t = cond('1 of nomatch* or a');
    expect(t.d.info.condition).toEqual({ type: 'ref', name: 'a' });
  });
  it('prunes inside parentheses and nested not', () => {
    const t = cond('a and (not 1 of x* or not all of y*)');
    expect(t.d.info.condition).toEqual({ type: 'ref', name: 'a' });
  });
  it('a condition that prunes to nothing is an error', () => {
    expect(compileError(() => cond('1 of nomatch*')).code).toBe('NJ_CONDITION_SYNTAX');
  });
  it('a list entry that prunes away leaves the others', () => {
    const t = cond(['1 of nomatch*', 'b']);
    expect(t.d.info.conditions[0]).toBeNull();
    expect(t('b')).toBe(true);
  });
});

describe('condition errors', () => {
  const code = (c: unknown, names?: string[]) => compileError(() => cond(c, names)).code;
  it('operators are lower case only', () => {
    expect(code('a AND b')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('NOT a')).toBe('NJ_CONDITION_SYNTAX');
    expect(compileError(() => cond('a OR b')).message).toMatch(/lower case/);
  });
  it('undefined identifiers are errors', () => {
    const e = compileError(() => cond('a and nope'));
    expect(e.code).toBe('NJ_UNKNOWN_SELECTION');
    expect(e.path).toEqual(['detection', 'condition']);
    expect(e.message).toContain('nope');
  });
  it('the deprecated aggregation syntax is rejected', () => {
    expect(code('a | count() by b > 5')).toBe('NJ_CONDITION_AGGREGATION');
  });
  it('unbalanced parentheses, dangling operators, empty conditions', () => {
    expect(code('(a or b')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('a or b)')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('a and')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('a b')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('a && b')).toBe('NJ_CONDITION_SYNTAX');
    expect(code('sel*')).toBe('NJ_CONDITION_SYNTAX');
  });
  it('a missing or non-string condition is an error', () => {
    expect(
      compileError(() =>
        compileDetection({ detection: { a: { x: 1 } }, logsource: NATIVE('open'), fieldMapping: null }),
      ).code,
    ).toBe('NJ_CONDITION_SYNTAX');
    expect(code(42)).toBe('NJ_CONDITION_SYNTAX');
  });
  it('list entries report their index in the path', () => {
    expect(compileError(() => cond(['a', 'nope'])).path).toEqual(['detection', 'condition', 1]);
  });
  it('reports the column', () => {
    expect(compileError(() => cond('a or or b')).message).toMatch(/column 6/);
  });
  it('parseCondition is usable on its own', () => {
    expect(parseCondition('x or y', ['x', 'y'], []).node).toEqual({
      type: 'or',
      args: [
        { type: 'ref', name: 'x' },
        { type: 'ref', name: 'y' },
      ],
    });
  });
});

describe('selection info', () => {
  it('reports unreferenced selections', () => {
    const t = cond('a', ['a', 'b']);
    expect(t.d.info.selections.map((s) => [s.name, s.referenced])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('hostile conditions', () => {
  it('deep parentheses and long not-chains are rejected, not a stack overflow', () => {
    const deep = `${'('.repeat(5000)}a${')'.repeat(5000)}`;
    const e = compileError(() => cond(deep));
    expect(e.code).toBe('NJ_CONDITION_SYNTAX');
    expect(e.message).toMatch(/nesting/);
    expect(compileError(() => cond(`${'not '.repeat(5000)}a`)).code).toBe('NJ_CONDITION_SYNTAX');
  });
  it('reasonable nesting still works', () => {
    const t = cond(`${'('.repeat(50)}a or b${')'.repeat(50)}`);
    expect(t('b')).toBe(true);
  });
});

describe('parseConditionSyntax (the syntax tree the linter and tester walk)', () => {
  it('keeps each term with its offsets in the condition string', () => {
    const src = 'sel and not 1 of filter_*';
    const ast = parseConditionSyntax(src);
    expect(ast).toMatchObject({ type: 'and', start: 0, end: src.length });
    if (ast.type !== 'and') throw new Error('expected and');
    const [ref, not] = ast.args;
    expect(ref).toEqual({ type: 'ref', name: 'sel', start: 0, end: 3 });
    expect(not).toMatchObject({
      type: 'not',
      start: 8,
      arg: { type: 'of', quantifier: 'one', pattern: 'filter_*', start: 12, end: src.length },
    });
  });
  it('needs no identifiers: unknown names and unmatched patterns parse', () => {
    expect(parseConditionSyntax('nope or all of nothing*')).toMatchObject({
      type: 'or',
      args: [
        { type: 'ref', name: 'nope' },
        { type: 'of', quantifier: 'all', pattern: 'nothing*' },
      ],
    });
  });
  it('errors carry the bare reason and the offset of the offending token', () => {
    const e = compileError(() => parseConditionSyntax('a or or b', ['detection', 'condition']));
    expect(e).toBeInstanceOf(ConditionSyntaxError);
    const s = e as unknown as ConditionSyntaxError;
    expect([s.code, s.reason, s.start]).toEqual(['NJ_CONDITION_SYNTAX', "unexpected 'or'", 5]);
    expect(s.message).toBe("unexpected 'or' at column 6 of condition 'a or or b'");
    expect(s.path).toEqual(['detection', 'condition']);
    expect(compileError(() => parseConditionSyntax('a | count() > 5')).code).toBe('NJ_CONDITION_AGGREGATION');
  });
  it('resolveCondition gives the compiler its tree: patterns expanded, empty selectors pruned', () => {
    const r = resolveCondition(parseConditionSyntax('a and not 1 of f*'), ['a'], []);
    expect(r).toEqual({ node: { type: 'ref', name: 'a' }, pruned: ['1 of f*'] });
  });
});
