import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  Engine,
  alertJsonSchema,
  compileFieldPath,
  createDecoder,
  eventFromMessage,
  type Alert,
  type EsMessage,
  type FieldGetter,
  type NightjarEvent,
} from '@nightjar/core';
import { Ajv } from 'ajv';
import { S, T0, any, corr, ev, groupBy, proc, rule, ruleset } from './helpers.js';

/** The same event as seen on another host (what a merged capture holds). */
function onHost(e: NightjarEvent, host: string): NightjarEvent {
  const msg = JSON.parse(JSON.stringify(e.msg)) as EsMessage;
  const r = eventFromMessage(msg, { host, source: 'merged.jsonl', line: e.line });
  if (r instanceof DecodeError) throw r;
  return r;
}

const execOf = (time: number, pid: number, ppid: number, path = '/usr/bin/curl'): NightjarEvent =>
  ev('exec', time, {
    pid: ppid,
    payload: { target: proc(pid, 2, path, ppid), args: [path, 'x'] },
  });

const targetPath: FieldGetter = (e) =>
  (e.payload?.target as { executable?: { path?: string } } | undefined)?.executable?.path ?? null;

// "3 or more execs of one path in 5 minutes", grouped by the path (not by a host-local field).
const threeExecs = ruleset(
  [rule('curl', ['exec'], (e) => e.msg !== null)],
  [
    corr('burst', 'event_count', ['curl'], 300 * S, [{ op: 'gte', value: 3 }], {
      groupBy: [groupBy('path', targetPath)],
    }),
  ],
);

describe('hosts: the same pid:pidversion on two hosts are two processes', () => {
  it('three hosts’ copies of one exec never meet in one correlation group (the merged-capture example)', () => {
    const engine = new Engine(threeExecs);
    const base = execOf(T0, 500, 400);
    const alerts: Alert[] = [];
    for (const h of ['mac-a', 'mac-b', 'mac-c']) alerts.push(...engine.push(onHost(base, h)));
    alerts.push(...engine.flush());
    expect(alerts.map((a) => a.rule.id)).toEqual(['curl', 'curl', 'curl']);
    expect(alerts.map((a) => a.host)).toEqual(['mac-a', 'mac-b', 'mac-c']);
    expect(engine.metrics().hosts).toBe(3);
    expect(engine.metrics().correlations.burst.fired).toBe(0);
    // Three on one host do fire, with evidence from that host only.
    const one = new Engine(threeExecs);
    const fired: Alert[] = [];
    for (let i = 0; i < 3; i++) fired.push(...one.push(onHost(execOf(T0 + i * S, 500 + i, 400), 'mac-a')));
    const burst = fired.filter((a) => a.rule.id === 'burst');
    expect(burst).toHaveLength(1);
    expect(burst[0].host).toBe('mac-a');
    expect(burst[0].events).toHaveLength(3);
  });

  it('lineage chains stay on their host: a parent known on mac-a is not the parent on mac-b', () => {
    const engine = new Engine(ruleset([rule('child', ['exec'], any)]));
    // 500:1 (child of 400:1) execs curl on both hosts; only mac-a saw launchd fork 400:1.
    const exec = ev('exec', T0 + 2 * S, {
      pid: 500,
      ppid: 400,
      payload: { target: proc(500, 2, '/usr/bin/curl', 400), args: ['curl'] },
    });
    engine.push(onHost(ev('fork', T0, { pid: 1, payload: { child: proc(400, 1, '/bin/zsh', 1) } }), 'mac-a'));
    const a = engine.push(onHost(exec, 'mac-a'));
    const b = engine.push(onHost(exec, 'mac-b'));
    expect(a[0].lineage.map((p) => p.entity_id)).toEqual(['400:1', '1:1']);
    expect(a[0].lineage_complete).toBe(true);
    // mac-b knows only the exec'ing image (the ParentImage fallback), not mac-a's 400:1.
    expect(b[0].lineage.map((p) => p.entity_id)).toEqual(['500:1']);
    expect(b[0].lineage_complete).toBe(false);
    expect(engine.lineageOf('mac-a')!.get('400:1')).toBeDefined();
    expect(engine.lineageOf('mac-b')!.get('400:1')).toBeUndefined();
  });

  it('suppression periods are per host', () => {
    const engine = new Engine(ruleset([rule('r', ['exec'], any, { suppressUs: 60 * S })]));
    const e = execOf(T0, 500, 400);
    const got = ['mac-a', 'mac-a', 'mac-b'].flatMap((h) => engine.push(onHost(e, h)));
    expect(got.map((a) => a.host)).toEqual(['mac-a', 'mac-b']);
    expect(engine.metrics().suppressed).toBe(1);
  });

  it('an open gap marks only its own host’s alerts incomplete', () => {
    const engine = new Engine(ruleset([rule('r', ['open'], any)]));
    const on = (h: string, t: number, gseq: number): NightjarEvent => onHost(ev('open', t, { gseq }), h);
    engine.push(on('mac-a', T0, 1));
    engine.push(on('mac-b', T0, 1));
    const a = engine.push(on('mac-a', T0 + S, 50)); // 48 messages lost on mac-a
    const b = engine.push(on('mac-b', T0 + S, 2));
    expect(a[0].incomplete).toBe(true);
    expect(b[0].incomplete).toBe(false);
  });

  it('host comes from the decoder option, else the record’s host.hostname; nightjar.host reads it', () => {
    const line = JSON.stringify({ ...execOf(T0, 500, 400).msg, host: { hostname: 'jamf-mac' } });
    expect((createDecoder().decode(line, 1, 0) as NightjarEvent).host).toBe('jamf-mac');
    expect((createDecoder({ host: 'subject-host' }).decode(line, 1, 0) as NightjarEvent).host).toBe('subject-host');
    const skippedLine = createDecoder({ host: 'h1', eventTypes: ['open'] }).decode(line, 1, 0) as NightjarEvent;
    expect([skippedLine.skipped, skippedLine.host]).toEqual([true, 'h1']);
    const get = compileFieldPath('nightjar.host').get;
    expect(get(onHost(execOf(T0, 1, 1), 'mac-z'), { lineage: new Engine(threeExecs).lineage! })).toBe('mac-z');
  });
});

describe('maxHosts', () => {
  const rs = ruleset([rule('r', ['exec'], any)]);
  const pushOn = (engine: Engine, hosts: string[]): void => {
    hosts.forEach((h, i) => engine.push(onHost(execOf(T0 + i * S, 500, 400), h)));
  };
  const evicted = (engine: Engine): (string | undefined)[] =>
    engine
      .diagnostics()
      .filter((d) => d.code === 'NJ_HOST_EVICTED')
      .map((d) => d.host);

  it('keeps exactly maxHosts hosts, dropping the least recently seen (never the unnamed one while it holds nothing)', () => {
    for (const max of [1, 2, 3]) {
      const engine = new Engine(rs, { maxHosts: max });
      pushOn(engine, ['h1', 'h2', 'h3', 'h4', 'h5']);
      const kept = ['h1', 'h2', 'h3', 'h4', 'h5'].slice(5 - max);
      expect(engine.hostNames().filter((h) => h !== undefined)).toEqual(kept);
      expect(engine.metrics().hosts).toBe(max);
      expect(engine.metrics().evictedHosts).toBe(5 - max);
      expect(evicted(engine)).toEqual(['h1', 'h2', 'h3', 'h4'].slice(0, 5 - max));
    }
  });

  it('a host seen again is recent again; lineageOf() of a new host never drops the current one', () => {
    const engine = new Engine(rs, { maxHosts: 2 });
    pushOn(engine, ['h1', 'h2', 'h1', 'h3']);
    expect(evicted(engine)).toEqual(['h2']);
    // h3 is current: creating h4 for a backfill drops h1, and h3's next event still finds its state.
    engine.lineageOf('h4');
    expect(evicted(engine)).toEqual(['h2', 'h1']);
    expect(engine.lineageOf('h3')!.get('400:1')).toBeDefined();
    expect(engine.metrics().hosts).toBe(2);
  });

  it('a snapshot with more hosts restores into a smaller maxHosts by dropping its least recently seen', () => {
    const big = new Engine(rs);
    pushOn(big, ['h1', 'h2', 'h3']);
    const small = new Engine(rs, { maxHosts: 2 });
    small.restore(JSON.parse(JSON.stringify(big.snapshot())));
    expect(small.hostNames().filter((h) => h !== undefined)).toEqual(['h2', 'h3']);
    expect(small.metrics().evictedHosts).toBe(1);
    pushOn(small, ['h4']);
    expect(small.hostNames().filter((h) => h !== undefined)).toEqual(['h3', 'h4']);
  });
});

describe('alert id and host', () => {
  it('the id is deterministic across engines and differs by host, rule, time and entity', () => {
    const rs = ruleset([rule('a', ['exec'], any), rule('b', ['exec'], any)]);
    const run = (host: string, t = T0): Alert[] => new Engine(rs).push(onHost(execOf(t, 500, 400), host));
    const [a1, b1] = run('mac-a');
    const [a2] = run('mac-a');
    const [a3] = run('mac-b');
    const [a4] = run('mac-a', T0 + 1);
    expect(a1.id).toMatch(/^[0-9a-f]{32}$/);
    expect(a2.id).toBe(a1.id);
    expect(new Set([a1.id, b1.id, a3.id, a4.id]).size).toBe(4);
    const validate = new Ajv({ strict: false }).compile(alertJsonSchema);
    expect(validate(a1), JSON.stringify(validate.errors)).toBe(true);
  });

  it('alerts of events without a host have host null', () => {
    const [a] = new Engine(threeExecs).push(execOf(T0, 500, 400));
    expect(a.host).toBeNull();
  });
});

describe('muted mode and duplicate dropping', () => {
  it('muted: state goes on (a window spanning the unmute fires), no alerts or diagnostics while muted', () => {
    const engine = new Engine(threeExecs, { muted: true });
    const got: Alert[] = [];
    got.push(...engine.push(execOf(T0, 501, 400)));
    got.push(...engine.push(ev('open', T0 + S, { gseq: 10 })));
    got.push(...engine.push(ev('open', T0 + 2 * S, { gseq: 20 }))); // a gap: no diagnostic while muted
    got.push(...engine.push(execOf(T0 + 3 * S, 502, 400)));
    expect(got).toEqual([]);
    expect(engine.drainDiagnostics()).toEqual([]);
    expect(engine.metrics().mutedAlerts).toBe(2);
    engine.muted = false;
    const after = engine.push(execOf(T0 + 4 * S, 503, 400));
    expect(after.map((a) => a.rule.id)).toEqual(['curl', 'burst']);
    expect(engine.diagnostics()).toEqual([]);
  });

  it('dropDuplicates: a re-sent message (same or older global_seq_num) goes no further', () => {
    const rs = ruleset([rule('r', ['open'], any)]);
    const trace = [1, 2, 3, 2, 3, 4].map((g, i) => ev('open', T0 + i * S, { gseq: g }));
    const count = (e: Engine): number => trace.reduce((n, x) => n + e.push(x).length, 0);
    const dropping = new Engine(rs, { gaps: { dropDuplicates: true } });
    expect(count(dropping)).toBe(4);
    expect(dropping.metrics().gaps.dropped).toBe(2);
    expect(dropping.metrics().gaps.gaps).toBe(0);
    expect(count(new Engine(rs))).toBe(6);
  });
});
