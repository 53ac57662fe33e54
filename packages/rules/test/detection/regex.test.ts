import { describe, expect, it } from 'vitest';
import { compileDetection, findBacktrackingConstruct } from '../../src/detection/index.js';
import { NATIVE, compileError } from './helpers.js';

const compileRe = (pattern: string, key = 'event.open.a|re') =>
  compileDetection({
    detection: { sel: { [key]: pattern }, condition: 'sel' },
    logsource: NATIVE('open'),
    fieldMapping: null,
  });

describe('regexes run on a linear-time engine', () => {
  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<n>a)\\k<n>', 'named backreference'],
    ['foo(?=bar)', 'lookahead'],
    ['foo(?!bar)', 'negative lookahead'],
    ['(?<=foo)bar', 'lookbehind'],
    ['(?<!foo)bar', 'negative lookbehind'],
    ['(?>a+)b', 'atomic group'],
    ['a*+b', 'possessive quantifier'],
    ['a++b', 'possessive quantifier'],
  ])('rejects %s (%s) with NJ_REGEX_UNSUPPORTED', (pattern, what) => {
    const e = compileError(() => compileRe(pattern));
    expect(e.code).toBe('NJ_REGEX_UNSUPPORTED');
    expect(e.message).toContain(what);
    expect(e.path).toEqual(['detection', 'sel', 'event.open.a|re']);
  });
  it('does not mistake escaped or bracketed characters for those constructs', () => {
    expect(findBacktrackingConstruct('\\(\\?=x')).toBeNull();
    expect(findBacktrackingConstruct('[(?=]')).toBeNull();
    expect(findBacktrackingConstruct('\\\\1')).toBeNull();
    expect(findBacktrackingConstruct('a+?b')).toBeNull(); // lazy, not possessive
    expect(findBacktrackingConstruct('(?i)(?P<x>a)(?:b)')).toBeNull();
  });
  it('rejects malformed patterns with NJ_BAD_REGEX', () => {
    for (const p of ['(a', '[z-a]', 'a{2,1}', '*a'])
      expect(compileError(() => compileRe(p)).code, p).toBe('NJ_BAD_REGEX');
  });
  it('records regexes (source, flags, error) in info', () => {
    const d = compileDetection({
      detection: { sel: { 'event.open.a|re|i|m': 'x+', 'event.open.b|re': '(?i)y' }, condition: 'sel' },
      logsource: NATIVE('open'),
      fieldMapping: null,
    });
    expect(d.info.regexes.map((r) => [r.source, r.flags, r.error])).toEqual([
      ['x+', 'im', undefined],
      ['(?i)y', '', undefined],
    ]);
  });
  it('reports the list index of a bad regex', () => {
    expect(compileError(() => compileRe(['ok', '(bad'] as unknown as string)).path).toEqual([
      'detection',
      'sel',
      'event.open.a|re',
      1,
    ]);
  });
});

describe('items of a selection run cheapest first', () => {
  // Found by the long fuzz run: `TargetFilename|re` listed before `TargetFilename|endswith: .pth`
  // scanned a 600 KB path with the regex (12 ms) on every write, where the suffix test answers at once.
  const compiled = compileDetection({
    detection: {
      sel: {
        'event.write.target.path|re': '(?i)/lib/python3\\.([5-9]|[0-9]{2})/site-packages/',
        'event.write.target.path|endswith': '.pth',
      },
      condition: 'sel',
    },
    logsource: NATIVE('write'),
    fieldMapping: null,
  });
  const ev = (path: string) =>
    ({ name: 'write', msg: { event: { write: { target: { path } } } } }) as unknown as Parameters<
      typeof compiled.match
    >[0];

  it('a literal test listed after a regex is evaluated first, and becomes the rule prefilter', () => {
    expect(compiled.prefilter?.tests).toEqual([{ kind: 'endswith', lit: '.pth' }]);
  });

  it('the order does not change what matches', () => {
    const ctx = {
      lineage: {
        parent: () => undefined,
        realParent: () => undefined,
        responsible: () => undefined,
        ancestors: () => [],
      },
    };
    expect(compiled.match(ev('/usr/lib/python3.11/site-packages/x.pth'), ctx)).toBe(true);
    expect(compiled.match(ev('/usr/lib/python3.11/site-packages/x.py'), ctx)).toBe(false);
    expect(compiled.match(ev('/usr/lib/python2.7/site-packages/x.pth'), ctx)).toBe(false);
  });
});
