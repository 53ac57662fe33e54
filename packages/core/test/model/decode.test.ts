import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NightjarError, createDecoder, decodeLine, eventFromMessage, DecodeError } from '@nightjar/core';
import type { EsMessage, NightjarEvent } from '@nightjar/core';
import { eslogger, execMessage, message } from './fixtures.js';

const corpusDir = fileURLToPath(new URL('../../../../../shared/corpus/jamf-protect/', import.meta.url));
const haveCorpus = existsSync(corpusDir);

function ok(r: NightjarEvent | DecodeError): NightjarEvent {
  if (r instanceof DecodeError) throw new Error(`unexpected decode error: ${r.message}`);
  return r;
}

function err(r: NightjarEvent | DecodeError): DecodeError {
  expect(r).toBeInstanceOf(DecodeError);
  return r as DecodeError;
}

describe.skipIf(!haveCorpus)('Jamf Protect corpus (skipped: ../shared/corpus/jamf-protect absent)', () => {
  const read = (f: string) =>
    readFileSync(corpusDir + f, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);

  it('decodes all 32 telemetry lines: 29 ES messages and 3 vendor records, no errors', () => {
    const d = createDecoder({ source: 'telemetry' });
    const events = read('telemetry-sample.jsonl').map((l, i) => ok(d.decode(l, i + 1, 0)));
    expect(events).toHaveLength(32);
    const s = d.stats();
    expect(s.errors).toEqual({});
    expect(s.decoded).toBe(32);
    expect(s.unknownTypes).toEqual({ 'unknown:9001': 1, 'unknown:9002': 1, 'unknown:9004': 1 });
    const es = events.filter((e) => !e.name.startsWith('unknown:'));
    expect(es).toHaveLength(29);
    for (const e of es) {
      expect(e.version).toBe(7);
      expect(e.globalSeq).toBeTypeOf('number'); // glob_seq_num
      expect(e.seq).toBeTypeOf('number');
      expect(e.pid).toBeGreaterThan(0);
      expect(e.entityId).toBe(`${e.pid}:${e.pidversion}`);
      expect(e.msg!.process!.entity_id).toBe(e.entityId);
      expect(e.host).toBeTypeOf('string');
    }
  });

  it('reads the header facts of the first line exactly', () => {
    const e = ok(decodeLine(read('telemetry-sample.jsonl')[0], 1, 0, 'jamf'));
    expect(e).toMatchObject({
      name: 'lw_session_lock',
      type: 116,
      pid: 388,
      pidversion: 869,
      entityId: '388:869',
      seq: 2,
      globalSeq: 16661,
      host: 'MacBookPro',
      version: 7,
      source: 'jamf',
      skipped: false,
    });
    expect(e.time).toBe(Date.UTC(2024, 4, 15, 0, 12, 12, 555) * 1000);
  });

  it('maps the vendor spelling cs_invalidate to cs_invalidated and keeps the extra token uuid', () => {
    const line = read('telemetry-sample.jsonl').find((l) => l.includes('"cs_invalidate"'))!;
    const e = ok(decodeLine(line));
    expect(e.name).toBe('cs_invalidated');
    expect(e.type).toBe(94);
    expect((e.msg!.process!.audit_token as Record<string, unknown>).uuid).toBeTypeOf('string');
  });

  it('stamps entity_id on the exec target', () => {
    const line = read('telemetry-sample.jsonl').find((l) => l.includes('"event_type":9,'))!;
    const e = ok(decodeLine(line));
    expect(e.name).toBe('exec');
    const target = (
      e.msg!.event.exec as { target: { entity_id: string; audit_token: { pid: number; pidversion: number } } }
    ).target;
    expect(target.entity_id).toBe(`${target.audit_token.pid}:${target.audit_token.pidversion}`);
  });

  it('decodes the 3 btm lines, which carry no actor process', () => {
    const events = read('btm-app-priority.jsonl').map((l, i) => ok(decodeLine(l, i + 1)));
    expect(events.map((e) => e.name)).toEqual(['btm_launch_item_add', 'btm_launch_item_add', 'btm_launch_item_remove']);
    for (const e of events) expect(e).toMatchObject({ pid: 0, pidversion: 0, entityId: '0:0', host: 'test-host' });
  });

  it('skip path gives the same header fields as the full parse on every corpus line', () => {
    const full = createDecoder({ source: 's' });
    const fast = createDecoder({ source: 's', eventTypes: [] });
    for (const f of ['telemetry-sample.jsonl', 'btm-app-priority.jsonl']) {
      read(f).forEach((l, i) => {
        const a = ok(full.decode(l, i + 1, i * 10));
        const b = ok(fast.decode(l, i + 1, i * 10));
        expect(b.skipped).toBe(true);
        expect(b.msg).toBeNull();
        expect([b.name, b.type, b.time, b.seq, b.globalSeq, b.host, b.line, b.offset, b.source]).toEqual([
          a.name,
          a.type,
          a.time,
          a.seq,
          a.globalSeq,
          a.host,
          a.line,
          a.offset,
          a.source,
        ]);
      });
    }
    expect(fast.stats().skipped).toBe(35);
  });
});

describe('eslogger messages, versions 1 to 10', () => {
  for (let v = 1; v <= 10; v++) {
    it(`v${v}: exec decodes with name, time, actor identity and version-gated fields`, () => {
      const line = eslogger(execMessage(v));
      const e = ok(decodeLine(line, 3, 120, 'cap.jsonl'));
      expect(e).toMatchObject({
        name: 'exec',
        type: 9,
        pid: 812,
        pidversion: 2301,
        entityId: '812:2301',
        version: v,
        line: 3,
        offset: 120,
        source: 'cap.jsonl',
      });
      expect(e.time).toBe(Date.UTC(2025, 7, 7, 15, 13, 9) * 1000 + 811587);
      expect(e.seq).toBe(v >= 2 ? 7 : undefined);
      expect(e.globalSeq).toBe(v >= 4 ? 70 : undefined);
      const exec = e.msg!.event.exec as Record<string, any>;
      expect(exec.target.entity_id).toBe('812:2302');
      expect(exec.target.executable.path).toBe('/bin/ls');
      expect(Array.isArray(e.msg!.process!.audit_token)).toBe(v >= 10);
    });
  }

  it('reads a message version newer than any known, and counts it', () => {
    const d = createDecoder();
    const o = execMessage(10);
    o.version = 13;
    o.some_future_key = { nested: [1, 2] };
    const e = ok(d.decode(eslogger(o), 1, 0));
    expect(e.version).toBe(13);
    expect(e.entityId).toBe('812:2301');
    expect(d.stats().newerVersions).toBe(1);
  });

  it('accepts nulls and missing optional fields (tty null, no team_id, thread null)', () => {
    const o = execMessage(7);
    o.thread = null;
    delete (o.process as Record<string, unknown>).team_id;
    const e = ok(decodeLine(JSON.stringify(o)));
    expect(e.msg!.process!.tty).toBeNull();
    expect(e.msg!.process!.team_id).toBeUndefined();
  });

  it('prefers global_seq_num and accepts glob_seq_num', () => {
    const o = execMessage(7);
    delete o.global_seq_num;
    o.glob_seq_num = 555;
    expect(ok(decodeLine(JSON.stringify(o))).globalSeq).toBe(555);
    o.global_seq_num = 556;
    expect(ok(decodeLine(JSON.stringify(o))).globalSeq).toBe(556);
  });

  it('names events from the key under event; falls back to the event_type table; vendors get unknown:<n>', () => {
    const base = {
      time: '2025-01-01T00:00:00Z',
      process: { audit_token: [0, 0, 0, 0, 0, 9, 0, 3], ppid: 1, executable: { path: '/x' } },
    };
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 24, event: { iokit_open: {} } }))).name).toBe(
      'iokit_open',
    );
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 24, event: {} }))).name).toBe('iokit_open');
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 9001, event: { system_performance: {} } }))).name).toBe(
      'unknown:9001',
    );
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 96, event: { ptrace: {} } }))).name).toBe('trace');
  });

  it('sets entity_id on every process-shaped object under the payload (signal target and instigator)', () => {
    const p = { pid: 50, pidversion: 60, path: '/usr/bin/kill', ppid: 1 };
    const o = message({
      v: 9,
      type: 31,
      name: 'signal',
      process: p,
      payload: {
        sig: 9,
        target: { audit_token: [0, 0, 0, 0, 0, 77, 0, 88], ppid: 1, executable: { path: '/a' } },
        instigator: { audit_token: { pid: 1, pidversion: 5 }, ppid: 0, executable: { path: '/sbin/launchd' } },
      },
    });
    const e = ok(decodeLine(JSON.stringify(o)));
    const sig = e.msg!.event.signal as Record<string, { entity_id: string }>;
    expect(sig.target.entity_id).toBe('77:88');
    expect(sig.instigator.entity_id).toBe('1:5');
  });

  it('an actor whose audit token has no pid keeps its own entity_id and is not a shortcut (actor is set only with a pid)', () => {
    const o = execMessage(7) as unknown as EsMessage;
    const p = o.process as unknown as Record<string, unknown>;
    p.audit_token = { ...(p.audit_token as object), pid: undefined };
    p.entity_id = 'vendor-42';
    const e = ok(eventFromMessage(o));
    expect(e).toMatchObject({ pid: 0, entityId: 'vendor-42' });
    expect(e.actor).toBeUndefined();
    // With a pid: the shortcut is set and its id is the numbers'.
    const withPid = ok(eventFromMessage(execMessage(7) as unknown as EsMessage));
    expect(withPid.actor).toBe(withPid.msg!.process);
    expect(withPid.entityId).toBe(`${withPid.pid}:${withPid.pidversion}`);
  });

  it('eventFromMessage builds the same event from an object', () => {
    const o = execMessage(10) as unknown as EsMessage;
    const e = ok(eventFromMessage(o, { line: 4, source: 'native' }));
    expect(e).toMatchObject({ name: 'exec', entityId: '812:2301', line: 4, offset: 0, source: 'native' });
    expect(o.process!.entity_id).toBe('812:2301');
    const bad = err(
      eventFromMessage({ event_type: 9 } as unknown as EsMessage, { line: 2, offset: 9, source: 'native' }),
    );
    expect(bad).toMatchObject({ code: 'NJ_DECODE_SHAPE', line: 2, offset: 9, source: 'native' });
  });
});

describe('malformed lines', () => {
  it('truncated JSON: NJ_DECODE_JSON with line, byte offset and column', () => {
    const line = eslogger(execMessage(7)).slice(0, 100);
    const e = err(decodeLine(line, 12, 4096, 'trace.jsonl'));
    expect(e).toBeInstanceOf(NightjarError);
    expect(e).toMatchObject({ code: 'NJ_DECODE_JSON', line: 12, offset: 4096, source: 'trace.jsonl' });
    expect(e.message).toContain('trace.jsonl:12');
    expect(e.message).toContain('byte 4096');
  });

  it('reports the column of a syntax error when V8 gives a position', () => {
    const e = err(decodeLine('{"a":1,}', 1, 0));
    expect(e.column).toBe(8);
  });

  it('valid JSON that is not an ES message: NJ_DECODE_SHAPE', () => {
    for (const l of [
      '[1,2]',
      '42',
      '"str"',
      'null',
      'true',
      '{}',
      '{"event_type":9}',
      '{"event_type":"9","time":"2025-01-01T00:00:00Z","event":{}}',
      '{"event_type":9,"time":"yesterday","event":{}}',
      '{"event_type":9,"time":"2025-01-01T00:00:00Z"}',
      '{"event_type":9,"time":"2025-01-01T00:00:00Z","event":{},"process":"me"}',
    ]) {
      expect(err(decodeLine(l)).code, l).toBe('NJ_DECODE_SHAPE');
    }
  });

  it('a line of an unwanted type without an `event` object is NJ_DECODE_SHAPE on every skip strategy and check', () => {
    const head = '{"event_type":9,"time":"2025-01-01T00:00:00Z"';
    for (const l of [
      `${head}}`,
      `${head},"event":5}`,
      `${head},"event":null}`,
      `${head},"event":[{"exec":{}}]}`,
      `${head},"event":{"exec":{}},"event":"x"}`,
    ])
      for (const skipStrategy of ['scan', 'parse', 'auto'] as const)
        for (const skippedLineCheck of ['balance', 'structure'] as const) {
          const d = createDecoder({ eventTypes: ['open'], skipStrategy, skippedLineCheck, source: 's' });
          expect(err(d.decode(l, 1, 0)).code, `${l} ${skipStrategy} ${skippedLineCheck}`).toBe('NJ_DECODE_SHAPE');
        }
    // An empty `event` object is still an ES message's shape: skipped, as the full parse accepts it.
    const d = createDecoder({ eventTypes: ['open'], skipStrategy: 'scan', source: 's' });
    expect(ok(d.decode(`${head},"event":{}}`, 1, 0)).skipped).toBe(true);
  });

  it('empty, whitespace-only and binary garbage lines are NJ_DECODE_JSON', () => {
    for (const l of ['', '   ', '\u0000\u0001\u00ff\ufffd', 'GET / HTTP/1.1', '{{{{', '}']) {
      expect(err(decodeLine(l)).code).toBe('NJ_DECODE_JSON');
    }
  });

  it('a huge line decodes, and a huge invalid line gives a short message', () => {
    const o = execMessage(7);
    (o.event as any).exec.args = Array.from({ length: 50_000 }, (_, i) => `arg${i}`);
    const line = eslogger(o);
    expect(line.length).toBeGreaterThan(500_000);
    expect(ok(decodeLine(line)).name).toBe('exec');
    const bad = err(decodeLine(line.slice(0, -1) + 'x'));
    expect(bad.message.length).toBeLessThan(400);
  });

  it('deeply nested input neither throws nor overflows the stack, on both paths', () => {
    const deep =
      '{"event_type":9,"time":"2025-01-01T00:00:00Z","event":{"exec":' +
      '['.repeat(200_000) +
      ']'.repeat(200_000) +
      '}}';
    expect(ok(decodeLine(deep)).name).toBe('exec');
    expect(ok(createDecoder({ eventTypes: ['open'] }).decode(deep, 1, 0))).toMatchObject({
      skipped: true,
      name: 'exec',
    });
    // Unbalanced nesting is an error on both paths, never a crash.
    const unbalanced = deep.slice(0, -3);
    expect(err(decodeLine(unbalanced)).code).toBe('NJ_DECODE_JSON');
    expect(err(createDecoder({ eventTypes: ['open'] }).decode(unbalanced, 1, 0)).code).toBe('NJ_DECODE_JSON');
  });

  it('never throws on random input and counts every error, the decoder going on after each', () => {
    const d = createDecoder({ eventTypes: ['exec'] });
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const good = eslogger(execMessage(7));
    let errors = 0;
    for (let i = 0; i < 2000; i++) {
      const chars = good.split('');
      for (let k = 0; k < 3; k++)
        chars[Math.floor(rnd() * chars.length)] = String.fromCharCode(Math.floor(rnd() * 128));
      const r = d.decode(chars.join(''), i + 1, 0);
      if (r instanceof DecodeError) errors++;
    }
    const s = d.stats();
    expect(s.lines).toBe(2000);
    expect(Object.values(s.errors).reduce((a, b) => a + b, 0)).toBe(errors);
    expect(s.decoded + s.skipped + errors).toBe(2000);
    expect(ok(d.decode(good, 2001, 0)).name).toBe('exec');
  });

  it('does not throw for a non-string argument', () => {
    expect(err(decodeLine(undefined as unknown as string)).code).toBe('NJ_DECODE_JSON');
  });
});

describe('skip path (eventTypes given)', () => {
  it('skips unwanted types without parsing: msg null, header fields equal to the full parse', () => {
    const line = eslogger(execMessage(7, { seq: 11, gseq: 300 }));
    const a = ok(decodeLine(line, 5, 77, 'f'));
    const b = ok(createDecoder({ eventTypes: ['open'], source: 'f' }).decode(line, 5, 77));
    expect(b).toMatchObject({
      skipped: true,
      msg: null,
      name: 'exec',
      type: 9,
      pid: 0,
      pidversion: 0,
      entityId: '0:0',
      seq: 11,
      globalSeq: 300,
      line: 5,
      offset: 77,
      source: 'f',
    });
    expect(b.time).toBe(a.time);
  });

  it('fully decodes wanted types, aliases accepted in the wanted list', () => {
    const d = createDecoder({ eventTypes: ['exec', 'cs_invalidate'] });
    expect(ok(d.decode(eslogger(execMessage(7)), 1, 0)).skipped).toBe(false);
    const cs = message({
      v: 7,
      type: 94,
      name: 'cs_invalidated',
      payload: {},
      process: { pid: 5, pidversion: 6, path: '/a', ppid: 1 },
    });
    expect(ok(d.decode(JSON.stringify(cs), 2, 0)).skipped).toBe(false);
  });

  it('falls back to the full parse (and its error) when the header cannot be scanned', () => {
    const d = createDecoder({ eventTypes: ['open'] });
    expect(err(d.decode('{"event_type":9,"time":"2025-01-01T00:00:00Z","event":{"exec":{]}}', 1, 0)).code).toBe(
      'NJ_DECODE_JSON',
    );
    expect(err(d.decode('{"event_type":9,"time":"nope","event":{}}', 2, 0)).code).toBe('NJ_DECODE_SHAPE');
    expect(err(d.decode('{"event_type":9,"time":"2025-01-01T00:00:00Z","event":{}} trailing', 3, 0)).code).toBe(
      'NJ_DECODE_JSON',
    );
  });

  it('is not fooled by key names inside strings or nested objects', () => {
    const o = {
      event: {
        exec: {
          args: ['"event_type":10', '\\"seq_num\\":5'],
          nested: { event_type: 10, seq_num: 99, time: 'x', host: { hostname: 'evil' } },
        },
      },
      note: 'event_type\\":10,\\"seq_num\\":1}',
      event_type: 9,
      seq_num: 3,
      glob_seq_num: 4,
      time: '2025-01-01T00:00:00.000001Z',
      process: {
        audit_token: { pid: 1, pidversion: 2 },
        ppid: 0,
        executable: { path: '/a' },
        host: { hostname: 'wrong' },
      },
      host: { os: 'x', hostname: 'right', hostname_note: { hostname: 'nested' } },
    };
    const line = JSON.stringify(o);
    const b = ok(createDecoder({ eventTypes: [] }).decode(line, 1, 0));
    expect(b).toMatchObject({
      name: 'exec',
      type: 9,
      seq: 3,
      globalSeq: 4,
      host: 'right',
      time: Date.UTC(2025, 0, 1) * 1000 + 1,
    });
  });

  it('treats out-of-range numbers as absent on both paths', () => {
    const line =
      '{"event_type":9,"seq_num":1e400,"global_seq_num":-1e999,"time":"2025-01-01T00:00:00Z","event":{"exec":{}}}';
    const a = ok(decodeLine(line));
    const b = ok(createDecoder({ eventTypes: [] }).decode(line, 1, 0));
    expect([a.seq, a.globalSeq]).toEqual([undefined, undefined]);
    expect([b.seq, b.globalSeq]).toEqual([undefined, undefined]);
  });

  it('counts unknown vendor types on the skip path too', () => {
    const d = createDecoder({ eventTypes: ['exec'] });
    const r = ok(
      d.decode(
        '{"event_type":9001,"time":"2024-06-04T09:41:38.708Z","event":{"system_performance":{}},"host":{"hostname":"h"}}',
        1,
        0,
      ),
    );
    expect(r).toMatchObject({ skipped: true, name: 'unknown:9001', host: 'h' });
    expect(d.stats().unknownTypes).toEqual({ 'unknown:9001': 1 });
  });
});

describe('event_type and payload key that disagree', () => {
  const base = {
    version: 7,
    time: '2025-01-01T00:00:00Z',
    seq_num: 4,
    global_seq_num: 9,
    process: { audit_token: [0, 0, 0, 0, 0, 9, 0, 3], ppid: 1, executable: { path: '/x' } },
  };
  // 42 is AUTH_LINK; the payload says fcntl.
  const bad = JSON.stringify({ ...base, event_type: 42, event: { fcntl: { cmd: 1 } } });
  const good = JSON.stringify({ ...base, event_type: 62, event: { fcntl: { cmd: 1 } } });

  it('the full parse reports NJ_DECODE_TYPE_MISMATCH with line and byte offset', () => {
    const e = err(decodeLine(bad, 7, 1234, 'cap.jsonl'));
    expect(e).toMatchObject({ code: 'NJ_DECODE_TYPE_MISMATCH', line: 7, offset: 1234, source: 'cap.jsonl' });
    expect(e.message).toMatch(/^cap\.jsonl:7 \(byte 1234\): event_type 42 is link, but the payload is "fcntl"/);
    expect(ok(decodeLine(good)).name).toBe('fcntl');
  });

  it('is reported whichever of the two types the rules want, on every skip strategy and check', () => {
    for (const eventTypes of [['fcntl'], ['link'], ['exec']])
      for (const skipStrategy of ['scan', 'parse', 'auto'] as const)
        for (const skippedLineCheck of ['balance', 'structure'] as const) {
          const d = createDecoder({ eventTypes, skipStrategy, skippedLineCheck, source: 's' });
          const what = `${eventTypes[0]} ${skipStrategy} ${skippedLineCheck}`;
          expect(err(d.decode(bad, 1, 0)).code, what).toBe('NJ_DECODE_TYPE_MISMATCH');
          // The decoder goes on, and the agreeing line is decoded (or skipped) as usual.
          const next = ok(d.decode(good, 2, bad.length + 1));
          expect(next.name, what).toBe('fcntl');
          expect(next.skipped, what).toBe(eventTypes[0] !== 'fcntl');
          expect(d.stats().errors, what).toEqual({ NJ_DECODE_TYPE_MISMATCH: 1 });
        }
  });

  it('a known payload key under a number ES does not have is a disagreement too, named alike by both paths', () => {
    // The header scan names a line by its number (unknown:29853), the full parse by its key (exit):
    // the two paths disagreed, and the full parse let an `exit` rule read it.
    const odd = JSON.stringify({ ...base, event_type: 29853, event: { exit: { stat: 0 } } });
    const e = err(decodeLine(odd, 3, 77, 'cap.jsonl'));
    expect(e).toMatchObject({ code: 'NJ_DECODE_TYPE_MISMATCH', line: 3, offset: 77 });
    expect(e.message).toMatch(/event_type 29853 is not an ES event type, but the payload is "exit"/);
    for (const eventTypes of [['exit'], ['exec'], null])
      for (const skipStrategy of ['scan', 'parse', 'auto'] as const)
        for (const skippedLineCheck of ['balance', 'structure'] as const) {
          const d = createDecoder({ eventTypes, skipStrategy, skippedLineCheck, source: 's' });
          const what = `${String(eventTypes)} ${skipStrategy} ${skippedLineCheck}`;
          expect(err(d.decode(odd, 1, 0)).code, what).toBe('NJ_DECODE_TYPE_MISMATCH');
        }
  });

  it('a vendor number with a vendor key, or an unknown (newer) payload key, is no disagreement', () => {
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 9001, event: { system_performance: {} } }))).name).toBe(
      'unknown:9001',
    );
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 42, event: { some_future_event: {} } }))).name).toBe(
      'link',
    );
    // AUTH and NOTIFY numbers of one event share its payload key.
    expect(ok(decodeLine(JSON.stringify({ ...base, event_type: 90, event: { fcntl: {} } }))).name).toBe('fcntl');
  });
});

describe('payloadOf', () => {
  it('returns the typed payload for the event name, aliases included, else undefined', async () => {
    const { payloadOf } = await import('@nightjar/core');
    const e = ok(decodeLine(eslogger(execMessage(7))));
    expect(payloadOf(e.msg, 'exec')?.target.executable.path).toBe('/bin/ls');
    expect(payloadOf(e.msg, 'exec')?.fds?.map((f) => f.fdtype)).toEqual([1, 1, 6]);
    expect(payloadOf(e.msg, 'open')).toBeUndefined();
    expect(payloadOf(null, 'exec')).toBeUndefined();
    const cs = ok(decodeLine('{"event_type":94,"time":"2024-01-01T00:00:00Z","event":{"cs_invalidate":{}}}'));
    expect(payloadOf(cs.msg, 'cs_invalidated')).toEqual({});
  });
});

describe('skip path equivalence and robustness', () => {
  const header = (e: NightjarEvent) => [e.name, e.type, e.time, e.seq, e.globalSeq, e.host, e.line, e.offset, e.source];

  it('v1..v10 fixtures: skipped header equals the full parse', () => {
    for (let v = 1; v <= 10; v++) {
      const o = execMessage(v);
      o.host = { hostname: `mac-${v}` };
      const line = eslogger(o);
      const a = ok(createDecoder({ source: 'x' }).decode(line, v, v * 100));
      const b = ok(createDecoder({ source: 'x', eventTypes: ['open'] }).decode(line, v, v * 100));
      expect(b.skipped).toBe(true);
      expect(header(b), `v${v}`).toEqual(header(a));
    }
  });

  it('on randomly mutated lines, whenever both paths accept a line their headers agree', () => {
    let seed = 99;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const o = execMessage(9);
    o.host = { hostname: 'h' };
    const good = JSON.stringify(o);
    const alphabet = '{}[]":,\\ 0123456789seqnumtimehostevent_type';
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const chars = good.split('');
      const k = 1 + Math.floor(rnd() * 3);
      for (let m = 0; m < k; m++) {
        const at = Math.floor(rnd() * chars.length);
        const r = rnd();
        if (r < 0.4) chars[at] = alphabet[Math.floor(rnd() * alphabet.length)];
        else if (r < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      }
      const line = chars.join('');
      const full = decodeLine(line, 1, 0, 'm');
      const fast = createDecoder({ eventTypes: [], source: 'm' }).decode(line, 1, 0);
      if (full instanceof DecodeError) continue;
      // JSON.parse accepted it: the skip path must too, with the same header.
      expect(fast, line).not.toBeInstanceOf(DecodeError);
      expect(header(fast as NightjarEvent), line).toEqual(header(full));
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('strips a UTF-8 byte order mark on both paths', () => {
    const line = '\ufeff' + eslogger(execMessage(7));
    expect(ok(decodeLine(line)).name).toBe('exec');
    expect(ok(createDecoder({ eventTypes: [] }).decode(line, 1, 0)).skipped).toBe(true);
    expect(ok(createDecoder().decode(line, 1, 0)).name).toBe('exec');
    expect(ok(createDecoder({ eventTypes: ['exec'], skipStrategy: 'parse' }).decode(line, 1, 0)).name).toBe('exec');
    // A BOM before something that is not JSON is still a JSON error, reported once.
    const bad = createDecoder().decode('\ufeff{"x":', 3, 120);
    expect(bad).toBeInstanceOf(DecodeError);
    expect((bad as DecodeError).code).toBe('NJ_DECODE_JSON');
    expect((bad as DecodeError).line).toBe(3);
  });

  it('keeps the unknown-type table small under hostile input', () => {
    const d = createDecoder();
    for (let n = 0; n < 1000; n++)
      d.decode(`{"event_type":${10_000 + n},"time":"2025-01-01T00:00:00Z","event":{"x":{}}}`, n + 1, 0);
    const u = d.stats().unknownTypes;
    expect(Object.keys(u).length).toBeLessThanOrEqual(257);
    expect(Object.values(u).reduce((a, b) => a + b, 0)).toBe(1000);
    expect(u['unknown:other']).toBe(1000 - 256);
  });
});

describe('skip strategies', () => {
  it('scan, parse and auto give the same events, also when auto switches mode mid-stream', () => {
    const wantedLine = eslogger(execMessage(9));
    const open = (i: number) =>
      eslogger(
        message({
          v: 9,
          type: 10,
          name: 'open',
          seq: i,
          gseq: 1000 + i,
          process: { pid: 5, pidversion: 6, path: '/bin/cat', ppid: 1 },
          payload: { fflag: 1, file: { path: `/tmp/${i}` } },
        }),
      );
    const lines: string[] = [];
    // 1500 mostly-wanted lines (19 in 20: auto goes parse-first), then 1500 mostly-unwanted (back to scanning),
    // with malformed and vendor lines throughout.
    for (let i = 0; i < 3000; i++) {
      const mostlyWanted = i < 1500;
      if (i % 97 === 0) lines.push('{"event_type":9,"time":"2025-01-01T00:00:00Z","event":{"exec":{]}}');
      else if (i % 89 === 0)
        lines.push(
          '{"event_type":9001,"time":"2024-06-04T09:41:38.708Z","event":{"system_performance":{}},"host":{"hostname":"h"}}',
        );
      else lines.push(i % 20 < 19 === mostlyWanted ? wantedLine : open(i));
    }
    const summarize = (r: NightjarEvent | DecodeError) =>
      r instanceof DecodeError
        ? r.code
        : [r.skipped, r.msg === null, r.name, r.type, r.time, r.seq, r.globalSeq, r.host, r.pid, r.entityId, r.line];
    const run = (skipStrategy: 'scan' | 'parse' | 'auto') => {
      const d = createDecoder({ eventTypes: ['exec'], skipStrategy });
      const out = lines.map((l, i) => summarize(d.decode(l, i + 1, 0)));
      return { out, stats: d.stats() };
    };
    const scan = run('scan');
    const parse = run('parse');
    const auto = run('auto');
    expect(parse.out).toEqual(scan.out);
    expect(auto.out).toEqual(scan.out);
    expect(auto.stats).toEqual(scan.stats);
    expect(scan.stats.skipped).toBeGreaterThan(1000);
  });
});
