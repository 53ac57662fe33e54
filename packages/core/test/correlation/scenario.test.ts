import { describe, expect, it } from 'vitest';
import { Engine, type Alert, type NightjarEvent } from '@nightjar/core';
import { S, T0, corr, ev, groupBy, rule, ruleset } from '../engine/helpers.js';

/**
 * The seed's patterns at engine level (issue 3 "Done when"): Meterpreter's open followed by fcntl by
 * the same process, and a burst of 200+ writes to one file by one process; the benign twins (same
 * event types spread out in time or across processes) raise nothing.
 */
const filePath = (e: NightjarEvent): unknown => {
  const p = e.msg?.event[e.name] as { file?: { path?: string }; target?: { path?: string } } | undefined;
  return p?.file?.path ?? p?.target?.path;
};
function rs() {
  return ruleset(
    [
      rule('open_tmp', ['open'], (e) => String(filePath(e)).startsWith('/private/tmp/'), { generate: false }),
      rule('fcntl_any', ['fcntl'], () => true, { generate: false }),
      rule('write_any', ['write'], () => true, { generate: false }),
    ],
    [
      corr('open_then_fcntl', 'temporal_ordered', ['open_tmp', 'fcntl_any'], 2 * S, []),
      corr('write_burst', 'event_count', ['write_any'], 5 * S, [{ op: 'gte', value: 200 }], {
        groupBy: [groupBy('process.entity_id'), groupBy('file', filePath)],
      }),
    ],
  );
}
function run(events: NightjarEvent[]): Alert[] {
  const engine = new Engine(rs());
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  out.push(...engine.flush());
  return out;
}
const open = (t: number, pid: number) =>
  ev('open', T0 + t, { pid, payload: { file: { path: '/private/tmp/.m' }, fflag: 1 } });
const fcntl = (t: number, pid: number) =>
  ev('fcntl', T0 + t, { pid, payload: { target: { path: '/private/tmp/.m' }, cmd: 2 } });
const write = (t: number, pid: number, path = '/Users/a/Documents/x.zip') =>
  ev('write', T0 + t, { pid, payload: { target: { path } } });

describe('seed patterns', () => {
  it('open then fcntl by one process within the window raises one alert with both events', () => {
    const alerts = run([open(0, 4242), fcntl(300_000, 4242)]);
    expect(alerts.map((a) => a.rule.id)).toEqual(['open_then_fcntl']);
    expect(alerts[0].events.map((m) => Object.keys(m.event)[0])).toEqual(['open', 'fcntl']);
    expect(alerts[0].process.pid).toBe(4242);
  });

  it('benign: fcntl before open, too far apart, or by another process raises nothing', () => {
    expect(run([fcntl(0, 1), open(1000, 1)])).toEqual([]);
    expect(run([open(0, 1), fcntl(2 * S + 1, 1)])).toEqual([]);
    expect(run([open(0, 1), fcntl(1000, 2)])).toEqual([]);
  });

  it('226 writes to one file by one process in 3 s raise one alert per window', () => {
    const writes = Array.from({ length: 226 }, (_, i) => write(i * 13_000, 777));
    const alerts = run(writes);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].group).toEqual({ 'process.entity_id': '777:1', file: '/Users/a/Documents/x.zip' });
    expect(alerts[0].value).toBe(200);
    expect(alerts[0].events).toHaveLength(10);
    expect(alerts[0].events_omitted).toBe(190);
  });

  it('benign: the same writes spread over a minute, or over files, or over processes raise nothing', () => {
    expect(run(Array.from({ length: 226 }, (_, i) => write(i * 270_000, 777)))).toEqual([]);
    expect(run(Array.from({ length: 226 }, (_, i) => write(i * 13_000, 777, `/f${i % 2}`)))).toEqual([]);
    expect(run(Array.from({ length: 226 }, (_, i) => write(i * 13_000, 700 + (i % 2))))).toEqual([]);
  });
});
