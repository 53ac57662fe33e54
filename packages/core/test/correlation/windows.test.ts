import { describe, expect, it } from 'vitest';
import { CorrelationConfigError, Engine, type Alert, type NightjarEvent } from '@nightjar/core';
import { S, T0, any, corr, ev, groupBy, payloadField, rule, ruleset } from '../engine/helpers.js';

function run(engine: Engine, events: NightjarEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  return out;
}
const opens = (times: number[], pid = 100) => times.map((t) => ev('open', T0 + t, { pid }));

describe('event_count: sliding window [t − timespan, t] on event time', () => {
  const rs = () =>
    ruleset(
      [rule('open', ['open'], any, { generate: false })],
      [corr('burst', 'event_count', ['open'], 10 * S, [{ op: 'gte', value: 3 }])],
    );

  it('an event exactly timespan after the first is inside the window', () => {
    const alerts = run(new Engine(rs()), opens([0, 5 * S, 10 * S]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].rule.id).toBe('burst');
    expect(alerts[0].value).toBe(3);
    expect(alerts[0].window).toEqual({ start: T0, end: T0 + 10 * S });
  });

  it('one microsecond past the timespan is outside', () => {
    const alerts = run(new Engine(rs()), opens([0, 5 * S, 10 * S + 1]));
    expect(alerts).toHaveLength(0);
  });

  it('equal timestamps all count', () => {
    expect(run(new Engine(rs()), opens([0, 0, 0]))).toHaveLength(1);
  });

  it('slides: old events leave the window as new ones arrive', () => {
    // At 16 s the window [6, 16] holds 8 and 16; at 17 s [7, 17] holds 8, 16, 17.
    const engine = new Engine(rs());
    const out = opens([0, 8 * S, 16 * S, 17 * S]).map((e) => engine.push(e).length);
    expect(out).toEqual([0, 0, 0, 1]);
  });

  it('resets a group after it fires: one burst gives one alert per window', () => {
    // 3 → fire and reset; 4, 5 → count 2; 6 → fire again. 7 events → 2 alerts.
    const engine = new Engine(rs());
    const fired = opens([0, 1, 2, 3, 4, 5, 6].map((x) => x * S)).map((e) => engine.push(e).length);
    expect(fired).toEqual([0, 0, 1, 0, 0, 1, 0]);
  });

  it('groups by entity_id: two processes never share a window, nor a reused pid', () => {
    const engine = new Engine(rs());
    const a = run(engine, [
      ev('open', T0, { pid: 1 }),
      ev('open', T0 + 1, { pid: 2 }),
      ev('open', T0 + 2, { pid: 1, pidversion: 2 }),
    ]);
    expect(a).toHaveLength(0);
    expect(engine.metrics().correlations.burst.groups).toBe(3);
  });

  it('keeps a bounded number of events as evidence and counts the rest', () => {
    const engine = new Engine(
      ruleset(
        [rule('open', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['open'], 10 * S, [{ op: 'gte', value: 15 }])],
      ),
      { correlation: { maxEventsPerAlert: 4 } },
    );
    const alerts = run(engine, opens([...Array(15).keys()].map((i) => i * 1000)));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].events).toHaveLength(4);
    expect(alerts[0].events_omitted).toBe(11);
    // The newest events are the ones kept, oldest first.
    expect(alerts[0].events.map((m) => m.time)).toEqual(
      opens([11, 12, 13, 14].map((i) => i * 1000)).map((e) => e.msg!.time),
    );
  });
});

describe('conditions with an upper bound are decided when the window ends', () => {
  const rs = (cond: { op: 'lt' | 'lte' | 'gte' | 'eq'; value: number }[]) =>
    ruleset(
      [rule('open', ['open'], any, { generate: false }), rule('other', ['close'], () => false)],
      [corr('few', 'event_count', ['open'], 10 * S, cond)],
    );

  it('lt fires at flush() when the window held fewer events', () => {
    const engine = new Engine(rs([{ op: 'lt', value: 3 }]));
    expect(run(engine, opens([0, S]))).toHaveLength(0); // not decided yet: more may come
    const alerts = engine.flush();
    expect(alerts).toHaveLength(1);
    expect(alerts[0].value).toBe(2);
    expect(alerts[0].window).toEqual({ start: T0, end: T0 + 10 * S });
    expect(alerts[0].time).toBe(T0 + S); // the newest event in the window
  });

  it('lt does not fire when the window reached the bound', () => {
    const engine = new Engine(rs([{ op: 'lt', value: 3 }]));
    run(engine, opens([0, S, 2 * S]));
    expect(engine.flush()).toHaveLength(0);
  });

  it('a window ends once event time passes start + timespan + lateness (any event type advances time)', () => {
    const engine = new Engine(rs([{ op: 'lte', value: 2 }]), { correlation: { latenessUs: S } });
    run(engine, opens([0]));
    expect(engine.push(ev('close', T0 + 11 * S))).toHaveLength(0); // exactly at the horizon: still open
    const alerts = engine.push(ev('close', T0 + 11 * S + 1));
    expect(alerts.map((a) => a.rule.id)).toEqual(['few']);
    expect(engine.flush()).toHaveLength(0);
  });

  it('an event past the window decides it and opens the next one', () => {
    const engine = new Engine(rs([{ op: 'lt', value: 2 }]));
    const a = run(engine, opens([0, 10 * S + 1]));
    expect(a).toHaveLength(1);
    expect(a[0].window).toEqual({ start: T0, end: T0 + 10 * S });
    const b = engine.flush();
    expect(b).toHaveLength(1);
    expect(b[0].window!.start).toBe(T0 + 10 * S + 1);
  });

  it('a range (gte and lte) is both bounds ANDed', () => {
    const cond = [
      { op: 'gte' as const, value: 2 },
      { op: 'lte' as const, value: 3 },
    ];
    for (const [n, fires] of [
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 0],
    ] as const) {
      const engine = new Engine(rs(cond));
      run(engine, opens([...Array(n).keys()].map((i) => i * S)));
      expect(engine.flush().length, `${n} events`).toBe(fires);
    }
  });

  it('eq is decided at window end, not as soon as the count passes through the value', () => {
    const engine = new Engine(rs([{ op: 'eq', value: 2 }]));
    expect(run(engine, opens([0, S, 2 * S]))).toHaveLength(0);
    expect(engine.flush()).toHaveLength(0);
    const e2 = new Engine(rs([{ op: 'eq', value: 2 }]));
    run(e2, opens([0, S]));
    expect(e2.flush()).toHaveLength(1);
  });
});

describe('late and out-of-order events', () => {
  const rs = () =>
    ruleset(
      [rule('open', ['open'], any, { generate: false })],
      [corr('burst', 'event_count', ['open'], 10 * S, [{ op: 'gte', value: 3 }])],
    );

  it('an event up to latenessUs older than the newest is applied at its own time', () => {
    const engine = new Engine(rs(), { correlation: { latenessUs: 2 * S } });
    run(engine, opens([5 * S, 7 * S]));
    const a = engine.push(ev('open', T0 + 5 * S)); // exactly 2 s behind the newest
    expect(a).toHaveLength(1);
    expect(engine.metrics().lateEvents).toBe(0);
  });

  it('an older one is counted as late, with a diagnostic, never silently dropped', () => {
    const engine = new Engine(rs(), { correlation: { latenessUs: 2 * S } });
    run(engine, opens([5 * S, 7 * S]));
    expect(engine.push(ev('open', T0 + 5 * S - 1))).toHaveLength(0);
    const m = engine.metrics();
    expect(m.lateEvents).toBe(1);
    expect(m.correlations.burst.late).toBe(1);
    const d = engine.diagnostics().filter((x) => x.code === 'NJ_LATE_EVENT');
    expect(d).toHaveLength(1);
    expect(d[0].data).toMatchObject({ rule: 'burst', late: 1 });
  });

  it('a tolerated late event outside the current window does not count in it', () => {
    // Newest 12 s: window [2, 12]. A late event at 1 s (within 20 s lateness) is applied but outside.
    const engine = new Engine(rs(), { correlation: { latenessUs: 20 * S } });
    run(engine, opens([3 * S, 12 * S]));
    expect(engine.push(ev('open', T0 + S))).toHaveLength(0);
    expect(engine.push(ev('open', T0 + 4 * S))).toHaveLength(1); // 3, 4, 12 are in [2, 12]
  });
});

describe('bounded state', () => {
  it('evicts the least recently used group beyond maxGroups, counted, with a diagnostic', () => {
    const engine = new Engine(
      ruleset(
        [rule('open', ['open'], any, { generate: false })],
        [corr('burst', 'event_count', ['open'], 60 * S, [{ op: 'gte', value: 3 }])],
      ),
      { correlation: { maxGroups: 2 } },
    );
    run(engine, [
      ev('open', T0, { pid: 1 }),
      ev('open', T0 + 1, { pid: 1 }),
      ev('open', T0 + 2, { pid: 2 }),
      ev('open', T0 + 3, { pid: 3 }), // evicts pid 1 (least recently used)
    ]);
    expect(engine.metrics().evictedGroups).toBe(1);
    expect(engine.metrics().liveGroups).toBe(2);
    expect(engine.diagnostics().some((d) => d.code === 'NJ_GROUP_EVICTED')).toBe(true);
    // pid 1 starts over: its third event does not fire.
    expect(engine.push(ev('open', T0 + 4, { pid: 1 }))).toHaveLength(0);
    // Recency, not age: pid 3 was touched last, so pid 2 goes next.
    run(engine, [ev('open', T0 + 5, { pid: 3 }), ev('open', T0 + 6, { pid: 4 })]);
    expect(engine.push(ev('open', T0 + 7, { pid: 3 }))).toHaveLength(1);
  });

  it('window-end correlations stay bounded when many groups churn within one timespan', () => {
    const engine = new Engine(
      ruleset(
        [rule('open', ['open'], any, { generate: false })],
        [corr('few', 'event_count', ['open'], 10 * S, [{ op: 'lt', value: 5 }])],
      ),
      { correlation: { maxGroups: 4, latenessUs: 0 } },
    );
    const out = run(
      engine,
      [...Array(3000).keys()].map((i) => ev('open', T0 + i, { pid: 1000 + i })),
    );
    expect(out).toHaveLength(0);
    expect(engine.metrics().evictedGroups).toBe(2996);
    // Time passes: the 4 live windows end and fire; evicted ones are gone, counted.
    const later = engine.push(ev('open', T0 + 20 * S, { pid: 1 }));
    expect(later.map((a) => a.group!['process.entity_id'])).toEqual(['3996:1', '3997:1', '3998:1', '3999:1']);
  });

  it('drops groups whose window has passed (expired, not evicted)', () => {
    const engine = new Engine(
      ruleset(
        [rule('open', ['open'], any, { generate: false })],
        [corr('burst', 'event_count', ['open'], 10 * S, [{ op: 'gte', value: 100 }])],
      ),
      { correlation: { latenessUs: 0 } },
    );
    // Housekeeping runs on every 16th input of a correlation: 1 + 15 inputs here.
    run(engine, [
      ev('open', T0, { pid: 1 }),
      ...Array.from({ length: 15 }, (_, i) => ev('open', T0 + 11 * S + i, { pid: 2 })),
    ]);
    const m = engine.metrics();
    expect(m.expiredGroups).toBe(1);
    expect(m.evictedGroups).toBe(0);
    expect(m.liveGroups).toBe(1);
  });

  it('refuses a timespan above the maximum with a typed error', () => {
    const rs = ruleset(
      [rule('open', ['open'], any)],
      [corr('long', 'event_count', ['open'], 2 * 3600 * S, [{ op: 'gte', value: 3 }])],
    );
    let err: unknown;
    try {
      new Engine(rs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorrelationConfigError);
    expect((err as CorrelationConfigError).code).toBe('NJ_TIMESPAN_LIMIT');
    expect((err as CorrelationConfigError).ruleId).toBe('long');
    expect((err as Error).message).toMatch(/long\.yml:3:1/);
    expect(() => new Engine(rs, { correlation: { maxTimespanUs: 3 * 3600 * S } })).not.toThrow();
    // Exactly at the maximum is allowed.
    expect(() => new Engine(rs, { correlation: { maxTimespanUs: 2 * 3600 * S } })).not.toThrow();
  });

  it('refuses unknown references and reference cycles', () => {
    const r = rule('open', ['open'], any);
    expect(() => new Engine(ruleset([r], [corr('c', 'event_count', ['nope'], S, [{ op: 'gte', value: 1 }])]))).toThrow(
      expect.objectContaining({ code: 'NJ_CORR_UNKNOWN_RULE' }),
    );
    expect(
      () =>
        new Engine(
          ruleset(
            [r],
            [
              corr('a', 'event_count', ['b'], S, [{ op: 'gte', value: 1 }]),
              corr('b', 'event_count', ['a'], S, [{ op: 'gte', value: 1 }]),
            ],
          ),
        ),
    ).toThrow(expect.objectContaining({ code: 'NJ_CORR_CYCLE' }));
  });
});

describe('group-by', () => {
  it('several fields, with aliases resolved per referenced rule', () => {
    // open groups by its file path, write by its "target" payload key: the alias joins them.
    const path = payloadField('file');
    const filePath = (e: NightjarEvent) => (path(e, undefined as never) as { path: string }).path;
    const target = payloadField('target');
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false }), rule('w', ['write'], any, { generate: false })],
        [
          corr('t', 'temporal', ['o', 'w'], 10 * S, [], {
            groupBy: [
              groupBy('process.entity_id'),
              groupBy('file', filePath, [['w', (e) => target(e, undefined as never)]]),
            ],
          }),
        ],
      ),
    );
    expect(engine.push(ev('open', T0, { payload: { file: { path: '/tmp/a' } } }))).toHaveLength(0);
    expect(engine.push(ev('write', T0 + 1, { payload: { target: '/tmp/b' } }))).toHaveLength(0);
    const a = engine.push(ev('write', T0 + 2, { payload: { target: '/tmp/a' } }));
    expect(a).toHaveLength(1);
    expect(a[0].group).toEqual({ 'process.entity_id': '100:1', file: '/tmp/a' });
  });

  it('a missing field is its own group (null), distinct from the string "null"', () => {
    const f = payloadField('k');
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 2 }], { groupBy: [groupBy('k', f)] })],
      ),
    );
    engine.push(ev('open', T0, { payload: { k: 'null' } }));
    const a = engine.push(ev('open', T0 + 1, { payload: {} }));
    expect(a).toHaveLength(0);
    const b = engine.push(ev('open', T0 + 2, { payload: {} }));
    expect(b).toHaveLength(1);
    expect(b[0].group).toEqual({ k: null });
  });
});
