import { describe, expect, it } from 'vitest';
import { scanHeader } from '@nightjar/core';

/** What the scanner must return, computed with JSON.parse. */
function expected(line: string) {
  const o = JSON.parse(line) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const host = o.host as Record<string, unknown> | undefined;
  const ev = o.event;
  const isObj = ev !== null && typeof ev === 'object' && !Array.isArray(ev);
  return {
    payloadKey: isObj ? Object.keys(ev)[0] : undefined,
    eventObject: isObj,
    eventType: n(o.event_type),
    seq: n(o.seq_num),
    globalSeq: n(o.global_seq_num),
    globSeq: n(o.glob_seq_num),
    time: typeof o.time === 'string' ? o.time : undefined,
    host:
      host !== null && typeof host === 'object' && !Array.isArray(host) && typeof host.hostname === 'string'
        ? host.hostname
        : undefined,
  };
}

let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const TRICKY = [
  'event_type',
  'seq_num',
  '"event_type":1',
  '\\',
  '\\"',
  '"',
  '}',
  '{',
  ']',
  '[',
  ',',
  ':',
  'time',
  'host',
  'hostname',
  '\u00e9',
  '\ud83d\ude00',
  '\n',
  '\t',
  '\u0000',
  '/',
];
const KEYS = [
  'event_type',
  'seq_num',
  'global_seq_num',
  'glob_seq_num',
  'time',
  'host',
  'hostname',
  'event',
  'process',
  'x',
];

function rstring(): string {
  let s = '';
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) s += pick(TRICKY);
  return s;
}

function rvalue(depth: number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.3) return pick([0, -1, 1.5, 1e21, true, false, null, rstring(), 12345678901]);
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => rvalue(depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) o[rnd() < 0.5 ? pick(KEYS) : rstring()] = rvalue(depth + 1);
  return o;
}

function rmessage(): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const keys = [...KEYS, rstring(), rstring()].sort(() => rnd() - 0.5);
  for (const k of keys) {
    if (rnd() < 0.25) continue;
    switch (k) {
      case 'event_type':
      case 'seq_num':
      case 'global_seq_num':
      case 'glob_seq_num':
        o[k] = rnd() < 0.8 ? Math.floor(rnd() * 1e6) : rvalue(0);
        break;
      case 'time':
        o[k] = rnd() < 0.8 ? '2025-08-07T15:13:09.811587464Z' : rvalue(0);
        break;
      case 'host':
        o[k] =
          rnd() < 0.7
            ? { ips: [rstring()], hostname: rnd() < 0.8 ? rstring() || 'h' : rvalue(1), nested: rvalue(1) }
            : rvalue(0);
        break;
      default:
        o[k] = rvalue(0);
    }
  }
  return o;
}

/** Same JSON with random whitespace between tokens (outside strings). */
function spaced(json: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    out += c;
    if (inStr) {
      if (c === '\\') out += json[++i];
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if ('{}[],:'.includes(c) && rnd() < 0.3) out += pick([' ', '\n', '\t', '\r\n', '  ']);
  }
  return out;
}

describe('scanHeader', () => {
  it('agrees with JSON.parse on 3000 random messages full of decoy keys and tricky strings', () => {
    for (let i = 0; i < 3000; i++) {
      const o = rmessage();
      const line = i % 2 === 0 ? JSON.stringify(o) : spaced(JSON.stringify(o));
      expect(scanHeader(line), line).toEqual(expected(line));
    }
  });

  it('reads escaped keys as JSON.parse does', () => {
    const line = '{"event\\u005ftype":24,"se\\u0071_num":3,"time":"2025-01-01T00:00:00Z"}';
    expect(scanHeader(line)).toMatchObject({ eventType: 24, seq: 3 });
    expect(scanHeader(line)).toEqual(expected(line));
  });

  it('takes the last of duplicate keys, as JSON.parse does', () => {
    const line = '{"event_type":1,"event_type":2,"host":{"hostname":"a"},"host":{"os":"b"}}';
    expect(scanHeader(line)).toEqual(expected(line));
    expect(scanHeader(line)).toMatchObject({ eventType: 2, host: undefined });
  });

  it('handles strings ending in escaped backslashes', () => {
    const line = '{"a":"\\\\","event_type":5,"b":"x\\\\\\"y","time":"t\\\\"}';
    expect(scanHeader(line)).toEqual(expected(line));
    expect(scanHeader(line)?.eventType).toBe(5);
  });

  it('returns null for what is not one JSON object', () => {
    for (const bad of [
      '',
      '   ',
      '[1]',
      '"s"',
      '{',
      '{"a":1',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      '{"a":"unterminated}',
      '{"a":[1,2}',
      '{"a":{"b":1]}',
      '{"a":}',
      '{"a":1}{"b":2}',
      '{"a":1} x',
      '{"host":{"hostname":"x",}}',
      '{"a":[' + '['.repeat(1000) + ']}',
    ]) {
      expect(scanHeader(bad), bad).toBeNull();
    }
  });

  it('skips very deep nesting without recursion', () => {
    const line = '{"x":' + '[{"a":'.repeat(100_000) + '1' + '}]'.repeat(100_000) + ',"event_type":9}';
    expect(scanHeader(line)?.eventType).toBe(9);
  });

  it('ignores non-number sequence values and non-string time/hostname, like the full parse', () => {
    const line = '{"event_type":"9","seq_num":null,"global_seq_num":[1],"time":5,"host":{"hostname":7}}';
    expect(scanHeader(line)).toEqual(expected(line));
  });

  it('accepts surrounding whitespace', () => {
    expect(scanHeader('  \t{"event_type":3}\r\n')?.eventType).toBe(3);
  });

  it('stops at event_type when stopIf says the line is wanted, and not otherwise', () => {
    const line = '{"seq_num":4,"event_type":9,"time":"2025-01-01T00:00:00Z","rest":[1,2,{]}';
    expect(scanHeader(line, (t) => t === 9)).toMatchObject({ stopped: true, eventType: 9, seq: 4, time: undefined });
    // Not wanted: the scan goes on and sees the malformed tail.
    expect(scanHeader(line, (t) => t === 10)).toBeNull();
  });

  it('handles values beyond the regex step bounds (many tokens, strings with many escapes), same answer', () => {
    const escapes =
      '{"event":{"exec":{"args":["' +
      'a\\"'.repeat(5000) +
      '","ends in a backslash\\\\",' +
      '"x\\\\\\"y"' +
      ']}},"event_type":9,"seq_num":5,"time":"2025-01-01T00:00:00Z"}';
    const tokens =
      '{"event":{"exec":{"args":[' +
      Array.from({ length: 20_000 }, (_, i) => `"a${i}"`).join(',') +
      ']}},"event_type":9,"seq_num":6}';
    const huge = '{"event":{"exec":{"args":["' + 'a\\"'.repeat(4_000_000) + '"]}},"event_type":9,"seq_num":7}';
    for (const line of [escapes, tokens, huge]) expect(scanHeader(line)).toEqual(expected(line));
    expect(scanHeader(escapes.replace('"]}}', ']}}'))).toBeNull(); // unterminated after many escapes
  });
});

describe("scanHeader, check 'balance' (the decoder's default for skipped lines)", () => {
  const quick = (line: string, stopIf?: (t: number) => boolean) => scanHeader(line, stopIf, 'balance');

  it('agrees with JSON.parse on the same 3000 random messages (decoy keys, brackets and quotes in strings)', () => {
    seed = 11;
    for (let i = 0; i < 3000; i++) {
      const o = rmessage();
      const line = i % 2 === 0 ? JSON.stringify(o) : spaced(JSON.stringify(o));
      expect(quick(line), line).toEqual(expected(line));
    }
  });

  it('agrees with JSON.parse on escaped keys, duplicates and nested decoys (it hands those to the walk)', () => {
    for (const line of [
      '{"event\\u005ftype":24,"se\\u0071_num":3,"time":"2025-01-01T00:00:00Z"}',
      '{"event_type":1,"time":"2025-01-01T00:00:00Z","event\\u005ftype":2}', // the escaped duplicate wins
      '{"event_type":1,"event_type":2,"host":{"hostname":"a"},"host":{"os":"b"}}',
      '{"x":{"time":"nested"},"event_type":3,"seq_num":[1]}',
      '{"x":["}",{"seq_num":9}],"event_type":3,"seq_num":1}',
      '{"event_type":3,"host":{"hostname":"h","ips":["{"]},"time":"2025-01-01T00:00:00Z"}',
      '{"event_type":3,"host":"scalar","time":"t"}',
      '{"time":"has { brace","event_type":3}',
    ]) {
      expect(quick(line), line).toEqual(expected(line));
    }
  });

  it('still returns null for every truncation of real ES lines and for lines with trailing garbage', () => {
    const lines = [
      '{"schema_version":1,"event_type":10,"seq_num":4,"global_seq_num":9,"time":"2025-01-01T00:00:00.000000001Z","process":{"audit_token":{"pid":5,"pidversion":6},"executable":{"path":"/bin/{odd} [name]"}},"event":{"open":{"fflag":1,"file":{"path":"/tmp/a","stat":{"st_size":1}}}}}',
      '{"event":{"exec":{"args":["sh","-c","echo \\"}\\" ]"],"target":{"executable":{"path":"/bin/sh"}}}},"event_type":9,"time":"2025-01-01T00:00:00Z","seq_num":1}',
    ];
    for (const full of lines) {
      expect(quick(full)).toEqual(expected(full));
      for (let cut = 1; cut < full.length; cut++) {
        const t = full.slice(0, cut);
        expect(quick(t), t).toBeNull();
      }
      expect(quick(full + ' x')).toBeNull();
      expect(quick(full + full)).toBeNull();
    }
  });

  it('stops at event_type when stopIf says the line is wanted', () => {
    const line = '{"seq_num":4,"event_type":9,"time":"2025-01-01T00:00:00Z","rest":[1,2,{"a":1}]}';
    expect(quick(line, (t) => t === 9)).toMatchObject({ stopped: true, eventType: 9, seq: 4 });
    expect(quick(line, (t) => t === 10)).toEqual(expected(line));
  });

  it('stops as the walk does: same answer on random messages, escapes, truncations past event_type', () => {
    // A stopped scan reads only up to event_type (the line is then parsed whole), so what follows —
    // a `\\u` escape, the line's end — is left to the parse, as the walk leaves it.
    const walk = (line: string, stopIf: (t: number) => boolean) => scanHeader(line, stopIf, 'structure');
    const even = (t: number) => t % 2 === 0;
    seed = 12;
    let stops = 0;
    for (let i = 0; i < 3000; i++) {
      const line = JSON.stringify(rmessage());
      const got = quick(line, even);
      expect(got, line).toEqual(walk(line, even));
      if (got?.stopped === true) stops++;
    }
    expect(stops).toBeGreaterThan(500);
    const head = '{"seq_num":4,"time":"2025-01-01T00:00:00Z","event_type":10,"action":{"x":1}';
    for (const line of [
      `${head},"process":{"executable":{"path":"/bin/\\u0073h"}}}`, // an escape after the stop
      `${head},"proc`, // truncated after the stop
      `{"se\\u0071_num":4,"event_type":10,"action":{}}`, // an escaped key before it: the walk reads it
      `{"seq_num":"\\\\u","event_type":10,"action":{}}`, // text that looks like an escape
      `{"seq_num":4,"event_type":10,"x\\u0041":{}}`, // an escape just before the stop's brace
      `{"se\\u0071_num":4,"a":"\\n\\t","event_type":10,"b":{}}`, // an escaped key behind later backslashes
    ]) {
      const got = quick(line, even);
      expect(got, line).toEqual(walk(line, even));
      expect(got?.stopped, line).toBe(true);
    }
    expect(quick(`{"se\\u0071_num":4,"event_type":10,"action":{}}`, even)?.seq).toBe(4);
  });

  it('documents its blind spots: top-level grammar between keys, and brackets in strings that balance out', () => {
    const grammar = '{"event_type":10 "time":"2025-01-01T00:00:00Z","process":{}}';
    expect(scanHeader(grammar)).toBeNull();
    expect(quick(grammar)).toMatchObject({ eventType: 10, time: '2025-01-01T00:00:00Z' });
    // A brace inside a string whose neighbours give it away ('"}"', '"{"') hands the line to the walk.
    const decoy = '{"x":{"a":"}","time":"nested","b":"{"},"event_type":3}';
    expect(quick(decoy)).toEqual(expected(decoy));
    // Found by fuzzing: a '{' in a string hid the last seq_num (an object: no seq) at depth 2, so the
    // first one (0) was read; JSON.parse takes the last.
    const hidden =
      '{"event_type":59,"seq_num":0,"time":"2025-01-01T00:00:00Z","host":{"hostname":"{"},"seq_num":{"}":null}}';
    expect(quick(hidden)).toEqual(expected(hidden));
    expect(quick(hidden)?.seq).toBeUndefined();
    // What is left: braces in strings that look like grammar (': {', '} ,') and balance out later.
    const mimic = '{"x":{"a":"} ,","time":"nested","b":": {"},"event_type":3}';
    expect(scanHeader(mimic)).toEqual(expected(mimic));
    expect(quick(mimic)).toMatchObject({ eventType: 3, time: 'nested' });
    // Re-balanced only after the object closed: the top level seems to end early, so the walk decides.
    const late = '{"x":{"a":"}","time":"nested"},"b":"{","event_type":3}';
    expect(quick(late)).toEqual(expected(late));
  });
});
