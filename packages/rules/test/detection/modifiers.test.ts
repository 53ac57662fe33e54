import { describe, expect, it } from 'vitest';
import { compileDetection } from '../../src/detection/index.js';
import { base64offset, windashVariants } from '../../src/detection/transforms.js';
import { CTX, NATIVE, compileError, event, matcher } from './helpers.js';

function on(key: string, value: unknown, placeholders?: Record<string, string[]>) {
  const [f, ...mods] = key.split('|');
  const m = matcher(
    { sel: { [['event.open.' + f, ...mods].join('|')]: value }, condition: 'sel' },
    NATIVE('open'),
    placeholders,
  );
  return (fieldValue: unknown, extra: Record<string, unknown> = {}) =>
    m(event('open', { ...(fieldValue === undefined ? {} : { [f]: fieldValue }), ...extra }));
}
const err = (key: string, value: unknown, placeholders?: Record<string, string[]>) =>
  compileError(() => on(key, value, placeholders));

describe('contains / startswith / endswith', () => {
  it('wrap the value in wildcards', () => {
    expect(on('a|contains', 'b')('abc')).toBe(true);
    expect(on('a|startswith', 'ab')('abc')).toBe(true);
    expect(on('a|startswith', 'bc')('abc')).toBe(false);
    expect(on('a|endswith', 'bc')('abc')).toBe(true);
    expect(on('a|endswith', 'ab')('abc')).toBe(false);
  });
  it('keep inner wildcards (contains: va*lue is *va*lue*)', () => {
    expect(on('a|contains', 'va*lue')('xxvaQQluexx')).toBe(true);
    expect(on('a|contains', 'va?ue')('xvaXuex')).toBe(true);
  });
  it('do not double wildcards already present', () => {
    expect(on('a|contains', '*b*')('abc')).toBe(true);
    expect(on('a|startswith', 'a*')('abc')).toBe(true);
  });
});

describe('all', () => {
  it('contains|all ANDs the values', () => {
    const t = on('a|contains|all', ['x', 'y']);
    expect(t('..x..y..')).toBe(true);
    expect(t('..x..')).toBe(false);
  });
  it('all|contains is the same as contains|all', () => {
    const t = on('a|all|contains', ['x', 'y']);
    expect(t('xy')).toBe(true);
    expect(t('x')).toBe(false);
  });
  it('all with a single value is plain equality (pySigma accepts it)', () => {
    expect(on('a|all', 'x')('x')).toBe(true);
    expect(on('a|all', 'x')('xy')).toBe(false);
  });
  it('field-bound all without contains on different values can never match (reported)', () => {
    const d = compileDetection({
      detection: { sel: { 'event.open.a|all': ['x', 'y'] }, condition: 'sel' },
      logsource: NATIVE('open'),
      fieldMapping: null,
    });
    expect(d.info.selections[0].canMatch).toBe(false);
    expect(d.info.selections[0].items[0].reason).toMatch(/all/);
    expect(d.match(event('open', { a: 'x' }), CTX)).toBe(false);
  });
  it('a list of maps can match when one of its maps can', () => {
    const info = (sel: unknown) =>
      compileDetection({ detection: { sel, condition: 'sel' }, logsource: NATIVE('open'), fieldMapping: null }).info
        .selections[0].canMatch;
    expect(info([{ 'event.open.a|all': ['x', 'y'], 'event.open.b': 1 }, { 'event.open.c': 1 }])).toBe(true);
    expect(info([{ 'event.open.a|all': ['x', 'y'], 'event.open.b': 1 }, { 'event.open.c|all': ['p', 'q'] }])).toBe(
      false,
    );
    expect(info([{ 'event.open.b': 1, 'event.open.a|all': ['x', 'y'] }])).toBe(false);
  });
});

describe('exists', () => {
  it('checks presence only', () => {
    expect(on('a|exists', true)('x')).toBe(true);
    expect(on('a|exists', true)('')).toBe(true);
    expect(on('a|exists', true)(undefined)).toBe(false);
    expect(on('a|exists', false)(undefined)).toBe(true);
    expect(on('a|exists', false)('x')).toBe(false);
  });
  it('cannot be combined with other modifiers, needs a boolean and a field', () => {
    expect(err('a|exists|contains', true).code).toBe('NJ_MODIFIER_COMBINATION');
    expect(err('a|exists', 'yes').code).toBe('NJ_MODIFIER_VALUE');
  });
});

describe('cased', () => {
  it('makes the comparison case-sensitive', () => {
    expect(on('a|cased', 'Abc')('Abc')).toBe(true);
    expect(on('a|cased', 'Abc')('abc')).toBe(false);
    expect(on('a|contains|cased', 'B')('aBc')).toBe(true);
    expect(on('a|contains|cased', 'B')('abc')).toBe(false);
  });
});

describe('neq', () => {
  it('negates the whole item: not (a in (x, y))', () => {
    const t = on('a|neq', ['x', 'y']);
    expect(t('z')).toBe(true);
    expect(t('x')).toBe(false);
    expect(t('Y')).toBe(false);
  });
  it('matches an event without the field', () => {
    expect(on('a|neq', 'x')(undefined)).toBe(true);
  });
  it('combines with other modifiers', () => {
    expect(on('a|contains|neq', 'bad')('good')).toBe(true);
    expect(on('a|contains|neq', 'bad')('so bad')).toBe(false);
  });
});

describe('windash', () => {
  it('expands a dash or slash at the start of a word into the five dash characters', () => {
    expect(windashVariants('-foo')).toEqual(['-foo', '/foo', '\u2013foo', '\u2014foo', '\u2015foo']);
  });
  it('leaves dashes inside words alone: -param-1 -param2 gives 25 variants', () => {
    const v = windashVariants('-param-1 -param2');
    expect(v).toHaveLength(25);
    expect(v).toContain('/param-1 \u2014param2');
    expect(v.every((s) => s.includes('param-1'))).toBe(true);
  });
  it('matches every variant in events', () => {
    const t = on('a|windash|contains', ' -enc ');
    expect(t('x /enc y')).toBe(true);
    expect(t('x \u2013enc y')).toBe(true);
    expect(t('x -enc y')).toBe(true);
    expect(t('x +enc y')).toBe(false);
  });
});

describe('re', () => {
  it('is a search, case-sensitive by default', () => {
    expect(on('a|re', 'b+c')('abbbcd')).toBe(true);
    expect(on('a|re', 'B+C')('abbbcd')).toBe(false);
    expect(on('a|re', '^b')('abc')).toBe(false);
  });
  it('i / ignorecase, m / multiline and s / dotall set flags', () => {
    expect(on('a|re|i', 'B+C')('abc')).toBe(true);
    expect(on('a|re|ignorecase', 'B+C')('abc')).toBe(true);
    expect(on('a|re', '^b$')('a\nb\nc')).toBe(false);
    expect(on('a|re|m', '^b$')('a\nb\nc')).toBe(true);
    expect(on('a|re|multiline', '^b$')('a\nb\nc')).toBe(true);
    expect(on('a|re', 'a.b')('a\nb')).toBe(false);
    expect(on('a|re|s', 'a.b')('a\nb')).toBe(true);
    expect(on('a|re|dotall', 'a.b')('a\nb')).toBe(true);
  });
  it('accepts inline (?i) as SigmaHQ rules write it', () => {
    expect(on('a|re', '(?i)/LIB/python3\\.([5-9]|[0-9]{2})/')('/usr/lib/Python3.11/x')).toBe(true);
  });
  it('matches numbers through their decimal form', () => {
    expect(on('a|re', '^4[0-9]$')(42)).toBe(true);
  });
  it('startswith / endswith after re anchor it; contains is a no-op', () => {
    expect(on('a|re|startswith', 'b')('abc')).toBe(false);
    expect(on('a|re|startswith', 'a')('abc')).toBe(true);
    expect(on('a|re|endswith', 'b')('abc')).toBe(false);
    expect(on('a|re|endswith', 'c')('abc')).toBe(true);
    expect(on('a|re|contains', 'b')('abc')).toBe(true);
  });
  it('must come first; flags need re', () => {
    expect(err('a|contains|re', 'x').code).toBe('NJ_MODIFIER_COMBINATION');
    expect(err('a|i', 'x').code).toBe('NJ_MODIFIER_COMBINATION');
  });
  it('runs (.){200,} style patterns from SigmaHQ in linear time', () => {
    const t = on('a|re', '(.){200,}');
    expect(t('x'.repeat(250))).toBe(true);
    expect(t('x'.repeat(150))).toBe(false);
  });
});

describe('base64 and base64offset', () => {
  it('base64 matches the encoded value', () => {
    expect(on('a|base64', 'foobar')('Zm9vYmFy')).toBe(true);
    expect(on('a|base64|contains', 'foobar')('xxZm9vYmFyxx')).toBe(true);
  });
  it('base64offset gives the three shifted encodings (pySigma test_base64offset)', () => {
    expect(base64offset('foobar', false)).toEqual(['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
  });
  it('base64offset|contains finds the value at any offset', () => {
    const t = on('a|base64offset|contains', 'foobar');
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const enc = Buffer.from(`${prefix}foobar tail`).toString('base64');
      expect(t(enc), prefix).toBe(true);
    }
    expect(t(Buffer.from('nothing here').toString('base64'))).toBe(false);
  });
  it('reject wildcards', () => {
    expect(err('a|base64', 'foo*').code).toBe('NJ_MODIFIER_VALUE');
    expect(err('a|base64offset', 'foo?').code).toBe('NJ_MODIFIER_VALUE');
    expect(err('a|contains|base64', 'foo').code).toBe('NJ_MODIFIER_VALUE');
  });
});

describe('wide / utf16le / utf16be / utf16', () => {
  const b64 = (s: string, enc: BufferEncoding) => Buffer.from(s, enc).toString('base64');
  it('wide and utf16le encode as UTF-16LE', () => {
    expect(on('a|wide|base64', 'ping')(b64('ping', 'utf16le'))).toBe(true);
    expect(on('a|utf16le|base64', 'ping')(b64('ping', 'utf16le'))).toBe(true);
  });
  it('utf16be encodes big-endian, utf16 adds a little-endian BOM', () => {
    const be = Buffer.from('ping', 'utf16le').swap16().toString('base64');
    expect(on('a|utf16be|base64', 'ping')(be)).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ping', 'utf16le')]).toString('base64');
    expect(on('a|utf16|base64', 'ping')(bom)).toBe(true);
  });
  it('wide|base64offset|contains finds PowerShell-style encoded commands', () => {
    const t = on('a|wide|base64offset|contains', 'Invoke-');
    // Prefixes of 0, 1, 2 and 3 characters (0, 2, 4, 6 bytes) cover every byte offset modulo 3.
    for (const prefix of ['', 'a', 'ab', 'x; '])
      expect(t(b64(`${prefix}Invoke-Expression`, 'utf16le')), prefix).toBe(true);
    expect(t(b64('Get-Process', 'utf16le'))).toBe(false);
    expect(t(b64('Invoke-Expression', 'utf8'))).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 networks', () => {
    const t = on('a|cidr', '10.0.0.0/8');
    expect(t('10.1.2.3')).toBe(true);
    expect(t('11.1.2.3')).toBe(false);
    expect(t('not an ip')).toBe(false);
    expect(on('a|cidr', ['192.168.0.0/16', '172.16.0.0/12'])('172.20.0.1')).toBe(true);
    expect(on('a|cidr', '1.2.3.4/32')('1.2.3.4')).toBe(true);
    expect(on('a|cidr', '0.0.0.0/0')('8.8.8.8')).toBe(true);
  });
  it('matches IPv6 networks, compressed forms included', () => {
    const t = on('a|cidr', 'fe80::/10');
    expect(t('fe80::1')).toBe(true);
    expect(t('FEBF:0:0:0:0:0:0:1')).toBe(true);
    expect(t('fec0::1')).toBe(false);
    expect(t('10.0.0.1')).toBe(false);
    expect(on('a|cidr', '2001:db8::/32')('2001:0db8:85a3::8a2e:370:7334')).toBe(true);
  });
  it('matches IPv4-mapped IPv6 addresses against IPv4 networks', () => {
    expect(on('a|cidr', '10.0.0.0/8')('::ffff:10.0.0.1')).toBe(true);
  });
  it('rejects malformed networks and must come first', () => {
    expect(err('a|cidr', '10.0.0.0/33').code).toBe('NJ_MODIFIER_VALUE');
    expect(err('a|cidr', '300.0.0.0/8').code).toBe('NJ_MODIFIER_VALUE');
    expect(err('a|contains|cidr', '10.0.0.0/8').code).toBe('NJ_MODIFIER_COMBINATION');
  });
});

describe('lt / lte / gt / gte', () => {
  it('compare numbers and numeric strings', () => {
    expect(on('a|lt', 10)(9)).toBe(true);
    expect(on('a|lt', 10)(10)).toBe(false);
    expect(on('a|lte', 10)(10)).toBe(true);
    expect(on('a|gt', 10)('11')).toBe(true);
    expect(on('a|gt', 10)(10)).toBe(false);
    expect(on('a|gte', 10)(10)).toBe(true);
    expect(on('a|gte', 10)('abc')).toBe(false);
    expect(on('a|gt', 10)(undefined)).toBe(false);
  });
  it('need a YAML number', () => {
    expect(err('a|gt', '10').code).toBe('NJ_MODIFIER_VALUE');
  });
});

describe('minute / hour / day / week / month / year', () => {
  // 2026-03-04T05:06:07Z is a Wednesday in ISO week 10.
  const ts = '2026-03-04T05:06:07.123456789Z';
  it('take that part of an RFC 3339 time (UTC) and compare it', () => {
    expect(on('a|minute', 6)(ts)).toBe(true);
    expect(on('a|hour', 5)(ts)).toBe(true);
    expect(on('a|day', 4)(ts)).toBe(true);
    expect(on('a|week', 10)(ts)).toBe(true);
    expect(on('a|month', 3)(ts)).toBe(true);
    expect(on('a|year', 2026)(ts)).toBe(true);
    expect(on('a|hour', 6)(ts)).toBe(false);
  });
  it('honour time zone offsets', () => {
    expect(on('a|hour', 5)('2026-03-04T07:06:07+02:00')).toBe(true);
  });
  it('read the message time', () => {
    const m = matcher({ sel: { 'time|hour': [5, 6] }, condition: 'sel' }, NATIVE('open'));
    expect(m(event('open', {}))).toBe(true);
  });
  it('combine with comparisons (off-hours)', () => {
    expect(on('a|hour|lt', 6)(ts)).toBe(true);
    expect(on('a|hour|gte', 6)(ts)).toBe(false);
  });
  it('ISO weeks at year boundaries', () => {
    expect(on('a|week', 53)('2021-01-01T00:00:00Z')).toBe(true);
    expect(on('a|week', 1)('2024-12-30T00:00:00Z')).toBe(true);
  });
  it('need a number and ignore non-times', () => {
    expect(err('a|hour', 'five').code).toBe('NJ_MODIFIER_VALUE');
    expect(on('a|hour', 5)('not a time')).toBe(false);
  });
});

describe('expand', () => {
  const ph = { admins: ['root', 'admin*'], dirs: ['/tmp', '/private/tmp'] };
  it('replaces %name% with every placeholder value (ORed)', () => {
    const t = on('a|expand', '%admins%', ph);
    expect(t('root')).toBe(true);
    expect(t('administrator')).toBe(true);
    expect(t('bob')).toBe(false);
  });
  it('works inside a value and with other modifiers', () => {
    const t = on('a|expand|startswith', '%dirs%/x', ph);
    expect(t('/private/tmp/x1')).toBe(true);
    expect(t('/tmp/x')).toBe(true);
    expect(t('/var/x')).toBe(false);
  });
  it('\\% escapes a percent sign under expand', () => {
    expect(on('a|expand', '100\\%', ph)('100%')).toBe(true);
  });
  it('expands placeholders inside a regex as literal alternatives', () => {
    const t = on('a|re|expand', '^%dirs%/[a-z]+$', ph);
    expect(t('/private/tmp/abc')).toBe(true);
    expect(t('/tmp/abc')).toBe(true);
    expect(t('/tmpX/abc')).toBe(false);
    expect(err('a|re|expand', '%nope%', ph).code).toBe('NJ_UNKNOWN_PLACEHOLDER');
  });
  it('refuses an expansion that would explode', () => {
    const many = Array.from({ length: 100 }, (_, i) => `v${i}`);
    expect(err('a|expand', '%p%%p%%p%', { p: many }).code).toBe('NJ_MODIFIER_VALUE');
  });
  it('an unknown placeholder is an error', () => {
    const e = err('a|expand', '%nope%', ph);
    expect(e.code).toBe('NJ_UNKNOWN_PLACEHOLDER');
    expect(e.path).toEqual(['detection', 'sel', 'event.open.a|expand']);
  });
});

describe('fieldref', () => {
  it('compares with another field of the same event at match time', () => {
    const t = on('a|fieldref', 'event.open.b');
    expect(t('x', { b: 'X' })).toBe(true);
    expect(t('x', { b: 'y' })).toBe(false);
    expect(t('x')).toBe(false);
  });
  it('combines with contains / startswith / endswith / neq', () => {
    expect(on('a|fieldref|contains', 'event.open.b')('xyz', { b: 'y' })).toBe(true);
    expect(on('a|fieldref|startswith', 'event.open.b')('xyz', { b: 'x' })).toBe(true);
    expect(on('a|fieldref|endswith', 'event.open.b')('xyz', { b: 'x' })).toBe(false);
    expect(on('a|fieldref|neq', 'event.open.b')('x', { b: 'y' })).toBe(true);
    expect(on('a|fieldref|neq', 'event.open.b')('x', { b: 'x' })).toBe(false);
  });
  it('resolves taxonomy names through the mapping (an exec whose image is its first argument)', () => {
    const m = matcher(
      { sel: { 'Image|fieldref': 'CommandLine' }, condition: 'sel' },
      { product: 'macos', category: 'process_creation' },
    );
    const ev = (args: string[]) =>
      event('exec', { args, target: { executable: { path: '/bin/ls' }, audit_token: [0, 0, 0, 0, 0, 1, 0, 1] } });
    expect(m(ev(['/bin/ls']))).toBe(true);
    expect(m(ev(['ls', '-l']))).toBe(false);
  });
  it('rejects wildcards in the field name', () => {
    expect(err('a|fieldref', 'event.*').code).toBe('NJ_MODIFIER_VALUE');
  });
});

describe('modifier errors', () => {
  it('an unknown modifier names itself and the key path', () => {
    const e = err('a|contanis', 'x');
    expect(e.code).toBe('NJ_UNKNOWN_MODIFIER');
    expect(e.message).toContain('contanis');
    expect(e.path).toEqual(['detection', 'sel', 'event.open.a|contanis']);
    // The key is the offender (the loader points at the key, not the value).
    expect((e as { key?: boolean }).key).toBe(true);
    expect((err('a|re', '(bad') as { key?: boolean }).key).toBeUndefined();
  });
  it('a repeated modifier is an error', () => {
    expect(err('a|contains|contains', 'x').code).toBe('NJ_MODIFIER_COMBINATION');
  });
  it('null cannot take string modifiers', () => {
    expect(err('a|contains', null).code).toBe('NJ_MODIFIER_VALUE');
  });
  it('a map as a value is a syntax error', () => {
    expect(err('a', { b: 1 }).code).toBe('NJ_DETECTION_SYNTAX');
  });
});
