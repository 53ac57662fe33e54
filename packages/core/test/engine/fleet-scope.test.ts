/**
 * `nightjar.scope: fleet` correlations: one set of windows over every host, where host-scoped ones keep
 * each host's apart. Snapshot/restore and reload keep the fleet windows; flush decides them once.
 */
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  Engine,
  eventFromMessage,
  type Alert,
  type EsMessage,
  type FieldGetter,
  type FleetSignal,
  type NightjarEvent,
} from '@nightjar/core';
import { S, T0, corr, ev, groupBy, proc, rule, ruleset } from './helpers.js';

function onHost(e: NightjarEvent, host: string): NightjarEvent {
  const msg = JSON.parse(JSON.stringify(e.msg)) as EsMessage;
  const r = eventFromMessage(msg, { host, source: 'merged.jsonl', line: e.line });
  if (r instanceof DecodeError) throw r;
  return r;
}

const execOf = (time: number, pid: number, path = '/tmp/dropper'): NightjarEvent =>
  ev('exec', time, { pid: 400, payload: { target: proc(pid, 2, path, 400), args: [path] } });

const targetPath: FieldGetter = (e) =>
  (e.payload?.target as { executable?: { path?: string } } | undefined)?.executable?.path ?? null;
const hostOf: FieldGetter = (e) => e.host ?? null;

/** "The same binary run on 3 or more hosts within 10 minutes": value_count of the host, by path. */
function spread(scope: 'host' | 'fleet' | undefined, type: 'value_count' | 'event_count' = 'value_count') {
  return ruleset(
    [{ ...rule('run', ['exec'], (e) => e.msg !== null), generate: false }],
    [
      corr('spread', type, ['run'], 600 * S, [{ op: 'gte', value: 3 }], {
        groupBy: [groupBy('path', targetPath)],
        ...(type === 'value_count'
          ? { valueField: { byRule: new Map(), default: hostOf, name: 'nightjar.host' } }
          : {}),
        ...(scope !== undefined ? { scope } : {}),
      }),
    ],
  );
}

const hosts = ['mac-a', 'mac-b', 'mac-c'];
function runAll(engine: Engine, events: NightjarEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  out.push(...engine.flush());
  return out;
}
const acrossHosts = hosts.map((h, i) => onHost(execOf(T0 + i * 60 * S, 500 + i), h));

describe('nightjar.scope: fleet', () => {
  it('one window collects the matches of every host: the binary on 3 hosts fires once, with host null', () => {
    const alerts = runAll(new Engine(spread('fleet')), acrossHosts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].rule.id).toBe('spread');
    expect(alerts[0].host).toBeNull();
    expect(alerts[0].group).toEqual({ path: '/tmp/dropper' });
    expect(alerts[0].value).toBe(3);
    expect(alerts[0].events).toHaveLength(3);
    expect(alerts[0].process.pid).toBe(502); // the event that completed the window
  });

  it('host scope (the default) keeps each host apart: the same input raises nothing', () => {
    expect(runAll(new Engine(spread(undefined)), acrossHosts)).toHaveLength(0);
    expect(runAll(new Engine(spread('host')), acrossHosts)).toHaveLength(0);
  });

  it('the same binary on one host three times is one value, not three', () => {
    const oneHost = [0, 1, 2].map((i) => onHost(execOf(T0 + i * S, 500 + i), 'mac-a'));
    expect(runAll(new Engine(spread('fleet')), oneHost)).toHaveLength(0);
    // As an event count it fires, once, whoever the hosts are.
    expect(runAll(new Engine(spread('fleet', 'event_count')), oneHost)).toHaveLength(1);
  });

  it('the window is the fleet’s: matches further apart than the timespan, on any hosts, do not meet', () => {
    const apart = hosts.map((h, i) => onHost(execOf(T0 + i * 400 * S, 500 + i), h));
    expect(runAll(new Engine(spread('fleet')), apart)).toHaveLength(0);
  });

  it('snapshot and restore keep the fleet windows (a cut between any two events)', () => {
    const want = runAll(new Engine(spread('fleet')), acrossHosts);
    for (let cut = 0; cut <= acrossHosts.length; cut++) {
      const a = new Engine(spread('fleet'));
      const got: Alert[] = [];
      for (const e of acrossHosts.slice(0, cut)) got.push(...a.push(e));
      const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<Engine['snapshot']>;
      if (cut > 0 && cut < acrossHosts.length) expect(snap.fleet).toBeDefined();
      const b = new Engine(spread('fleet'));
      b.restore(snap);
      for (const e of acrossHosts.slice(cut)) got.push(...b.push(e));
      got.push(...b.flush());
      expect(got.map((x) => x.id)).toEqual(want.map((x) => x.id));
    }
  });

  it('reload with the same rules keeps the fleet windows; changing the scope starts them anew', () => {
    const e = new Engine(spread('fleet'));
    e.push(acrossHosts[0]);
    e.push(acrossHosts[1]);
    expect(e.reload(spread('fleet')).kept).toEqual(['spread']);
    expect(e.push(acrossHosts[2]).map((a) => a.rule.id)).toEqual(['spread']);
    const f = new Engine(spread('fleet'));
    f.push(acrossHosts[0]);
    f.push(acrossHosts[1]);
    expect(f.reload(spread('host')).reset).toEqual(['spread']);
    expect(runAll(f, [acrossHosts[2]])).toHaveLength(0);
  });

  it('metrics count the fleet groups', () => {
    const e = new Engine(spread('fleet'));
    e.push(acrossHosts[0]);
    expect(e.metrics().liveGroups).toBe(1);
    expect(e.metrics().correlations.spread.groups).toBe(1);
  });
});

describe('fleet signals: per-host engines feed one engine that runs the fleet windows', () => {
  it('signals from three per-host engines raise, in a fourth, the alert one engine over every host raises', () => {
    const want = runAll(new Engine(spread('fleet')), acrossHosts);
    const stage1 = new Map(hosts.map((h) => [h, new Engine(spread('fleet'), { fleetCorrelations: 'signal' })]));
    const stage2 = new Engine(spread('fleet'));
    const got: Alert[] = [];
    for (const e of acrossHosts) {
      const one = stage1.get(e.host!)!;
      expect(one.push(e)).toEqual([]);
      // Through JSON, as over the wire.
      for (const s of one.drainSignals()) got.push(...stage2.pushSignal(JSON.parse(JSON.stringify(s)) as FleetSignal));
    }
    expect(got.map((a) => a.id)).toEqual(want.map((a) => a.id));
    expect(got[0].host).toBeNull();
    for (const one of stage1.values()) expect(one.metrics().liveGroups).toBe(0);
  });

  it('a muted engine queues no signals; a signal for an unknown correlation is reported and dropped', () => {
    const muted = new Engine(spread('fleet'), { fleetCorrelations: 'signal', muted: true });
    muted.push(acrossHosts[0]);
    expect(muted.drainSignals()).toEqual([]);
    const live = new Engine(spread('fleet'), { fleetCorrelations: 'signal' });
    live.push(acrossHosts[0]);
    const [sig] = live.drainSignals();
    expect(sig).toMatchObject({ correlation: 'spread', input: 'run', host: 'mac-a' });
    const stage2 = new Engine(spread('fleet'));
    expect(stage2.pushSignal({ ...sig, correlation: 'nope' })).toEqual([]);
    expect(stage2.drainDiagnostics().map((d) => d.code)).toEqual(['NJ_SIGNAL_INVALID']);
    expect(stage2.pushSignal({ ...sig, msg: { nonsense: true } as unknown as EsMessage })).toEqual([]);
    expect(stage2.drainDiagnostics().map((d) => d.code)).toEqual(['NJ_SIGNAL_INVALID']);
  });
});
