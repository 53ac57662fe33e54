import { describe, expect, it } from 'vitest';
import { Engine, percentileOf, type Alert, type NightjarEvent } from '@nightjar/core';
import { S, T0, any, corr, ev, payloadField, rule, ruleset } from '../engine/helpers.js';

function run(engine: Engine, events: NightjarEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  return out;
}
const size = payloadField('size');
const valueField = { name: 'size', default: size, byRule: new Map() };
const writes = (sizes: unknown[], step = S) =>
  sizes.map((s, i) => ev('write', T0 + i * step, { payload: { size: s, file: { path: `/f${String(s)}` } } }));
const base = () => rule('w', ['write'], any, { generate: false });

describe('value_count', () => {
  const file = (e: NightjarEvent) => (e.msg!.event.write as { file?: { path: string } }).file?.path;
  const rs = () =>
    ruleset(
      [base()],
      [
        corr('vc', 'value_count', ['w'], 10 * S, [{ op: 'gte', value: 3 }], {
          valueField: { name: 'file', default: file, byRule: new Map() },
        }),
      ],
    );

  it('counts distinct values in the window; repeats do not count', () => {
    const engine = new Engine(rs());
    expect(run(engine, writes([1, 1, 2, 2, 1]))).toHaveLength(0);
    const a = engine.push(writes([3], 0).map(() => ev('write', T0 + 5 * S, { payload: { file: { path: '/f3' } } }))[0]);
    expect(a).toHaveLength(1);
    expect(a[0].value).toBe(3);
  });

  it('a value that left the window no longer counts', () => {
    // /f1 at 0 s leaves when the window is [1 s, 11 s].
    const engine = new Engine(rs());
    const evs = [
      ev('write', T0, { payload: { file: { path: '/a' } } }),
      ev('write', T0 + 5 * S, { payload: { file: { path: '/b' } } }),
      ev('write', T0 + 10 * S + 1, { payload: { file: { path: '/c' } } }),
    ];
    expect(run(engine, evs)).toHaveLength(0);
  });

  it('counts right in larger windows too (per-value counts past 8 entries), including values leaving', () => {
    const engine = new Engine(
      ruleset(
        [base()],
        [
          corr('vc', 'value_count', ['w'], 10 * S, [{ op: 'gte', value: 6 }], {
            valueField: { name: 'file', default: file, byRule: new Map() },
          }),
        ],
      ),
    );
    const at = (t: number, p: string) => ev('write', T0 + t, { payload: { file: { path: p } } });
    // 12 entries, 5 distinct values, all within [0, 1.1 s].
    const names = ['a', 'b', 'c', 'd', 'e', 'a', 'b', 'c', 'd', 'e', 'a', 'b'];
    expect(
      run(
        engine,
        names.map((p, i) => at(i * 100_000, p)),
      ),
    ).toHaveLength(0);
    // At 10.5 s the window [0.5 s, 10.5 s] lost a–e's first five entries but still holds all five values; f is the 6th.
    const a = engine.push(at(10.5 * S, 'f'));
    expect(a.map((x) => x.value)).toEqual([6]);
    // Reset after firing; a fresh window: 'a' at 20 s — only entries after 10 s count.
    expect(engine.push(at(20 * S, 'a'))).toHaveLength(0);
  });

  it('a value whose every entry left the window stops counting (large window)', () => {
    const engine = new Engine(
      ruleset(
        [base()],
        [
          corr('vc', 'value_count', ['w'], 10 * S, [{ op: 'gte', value: 3 }], {
            valueField: { name: 'file', default: file, byRule: new Map() },
          }),
        ],
      ),
    );
    const at = (t: number, p: string) => ev('write', T0 + t, { payload: { file: { path: p } } });
    // 'old' only at 0; then 10 entries of 'x' up to 9 s; at 10.5 s 'y': window [0.5, 10.5] holds x, y → 2.
    const evs = [at(0, 'old'), ...Array.from({ length: 10 }, (_, i) => at(i * 0.9 * S + 1, 'x')), at(10.5 * S, 'y')];
    expect(run(engine, evs)).toHaveLength(0);
    expect(engine.push(at(10.6 * S, 'z')).map((x) => x.value)).toEqual([3]);
  });

  it('events without the field are not counted (ignoredValues)', () => {
    const engine = new Engine(rs());
    run(engine, [ev('write', T0, { payload: {} })]);
    expect(engine.metrics().correlations.vc.ignoredValues).toBe(1);
  });
});

describe('value_sum / value_avg / value_percentile / value_median', () => {
  it('value_sum sums numeric values (numbers and numeric strings) in the window', () => {
    const engine = new Engine(
      ruleset([base()], [corr('s', 'value_sum', ['w'], 10 * S, [{ op: 'gt', value: 100 }], { valueField })]),
    );
    expect(run(engine, writes([50, '50']))).toHaveLength(0); // 100 is not > 100
    const a = engine.push(writes([1], 0).map(() => ev('write', T0 + 2 * S, { payload: { size: 1 } }))[0]);
    expect(a).toHaveLength(1);
    expect(a[0].value).toBe(101);
  });

  it('value_sum forgets values that left the window', () => {
    const engine = new Engine(
      ruleset([base()], [corr('s', 'value_sum', ['w'], 10 * S, [{ op: 'gte', value: 100 }], { valueField })]),
    );
    expect(run(engine, writes([60, 0, 40], 5 * S + 1))).toHaveLength(0); // 60 at 0 left [t-10s] when 40 arrives at 10 s + 2 µs
  });

  it('value_sum ignores non-numeric values and counts them', () => {
    const engine = new Engine(
      ruleset([base()], [corr('s', 'value_sum', ['w'], 10 * S, [{ op: 'gte', value: 10 }], { valueField })]),
    );
    expect(run(engine, writes(['abc', null, { n: 1 }, 5]))).toHaveLength(0);
    expect(engine.metrics().correlations.s.ignoredValues).toBe(3);
  });

  it('value_avg compares the mean of the window', () => {
    const engine = new Engine(
      ruleset([base()], [corr('a', 'value_avg', ['w'], 10 * S, [{ op: 'gte', value: 10 }], { valueField })]),
    );
    const fired = writes([4, 8, 30]).map((e) => engine.push(e));
    expect(fired.map((x) => x.length)).toEqual([0, 0, 1]);
    expect(fired[2][0].value).toBe(14);
  });

  it('value_avg with an upper bound is decided on each event (the mean is not monotone)', () => {
    const engine = new Engine(
      ruleset([base()], [corr('a', 'value_avg', ['w'], 10 * S, [{ op: 'lt', value: 5 }], { valueField })]),
    );
    expect(engine.push(writes([3])[0]).map((a) => a.value)).toEqual([3]);
    expect(engine.metrics().correlations.a.mode).toBe('eager');
  });

  it('value_percentile interpolates linearly between closest ranks', () => {
    const engine = new Engine(
      ruleset(
        [base()],
        [corr('p', 'value_percentile', ['w'], 10 * S, [{ op: 'gte', value: 91 }], { valueField, percentile: 90 })],
      ),
    );
    // After k of 10, 20, …: p90 = 10 + 9(k − 1), so 82 at k = 9 and 91 at k = 10 (position 8.1 of 10..100).
    const alerts = run(engine, writes([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 1000));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].value).toBeCloseTo(91, 9);
    expect(alerts[0].events_omitted).toBe(0);
  });

  it('value_median is the 50th percentile', () => {
    const engine = new Engine(
      ruleset(
        [base()],
        [corr('m', 'value_median', ['w'], 10 * S, [{ op: 'gte', value: 50 }], { valueField, percentile: 50 })],
      ),
    );
    const fired = writes([100, 1, 50]).map((e) => engine.push(e).map((a) => a.value));
    // [100] → 100 fires at once and resets; then [1] → 1; [1, 50] → 25.5.
    expect(fired).toEqual([[100], [], []]);
    const e2 = new Engine(
      ruleset([base()], [corr('m', 'value_median', ['w'], 10 * S, [{ op: 'gte', value: 50 }], { valueField })]),
    );
    expect(writes([10, 60, 70]).map((e) => e2.push(e).map((a) => a.value))).toEqual([[], [], [60]]);
  });

  it('percentileOf pins the edge percentiles', () => {
    expect(percentileOf(Float64Array.from([3, 1, 2]), 0)).toBe(1);
    expect(percentileOf(Float64Array.from([3, 1, 2]), 100)).toBe(3);
    expect(percentileOf(Float64Array.from([3, 1, 2, 4]), 50)).toBe(2.5);
    expect(percentileOf(new Float64Array(0), 50)).toBeNaN();
  });
});

describe('temporal', () => {
  const rs = (extra = {}) =>
    ruleset(
      [rule('a', ['open'], any, { generate: false }), rule('b', ['fcntl'], any, { generate: false })],
      [corr('t', 'temporal', ['a', 'b'], 10 * S, [], extra)],
    );

  it('fires when every referenced rule matched in the window, in any order', () => {
    expect(run(new Engine(rs()), [ev('fcntl', T0), ev('open', T0 + 10 * S)])).toHaveLength(1);
    expect(run(new Engine(rs()), [ev('open', T0), ev('fcntl', T0 + 10 * S)])).toHaveLength(1);
  });

  it('not when the parts are one microsecond more than the timespan apart', () => {
    expect(run(new Engine(rs()), [ev('open', T0), ev('fcntl', T0 + 10 * S + 1)])).toHaveLength(0);
  });

  it('not when the parts come from different processes', () => {
    expect(run(new Engine(rs()), [ev('open', T0, { pid: 1 }), ev('fcntl', T0 + 1, { pid: 2 })])).toHaveLength(0);
  });

  it('the default condition is "all rules"; an explicit one counts distinct rules', () => {
    const engine = new Engine(rs({ condition: [{ op: 'gte', value: 1 }] }));
    expect(engine.push(ev('open', T0))).toHaveLength(1);
  });

  it('keeps one event per rule as evidence, in time order', () => {
    const a = run(new Engine(rs()), [ev('open', T0), ev('open', T0 + 1), ev('fcntl', T0 + 2)]);
    expect(a[0].events.map((m) => Object.keys(m.event)[0])).toEqual(['open', 'fcntl']);
    expect(a[0].events_omitted).toBe(1);
  });

  it("pySigma's string condition (temporalExpr) with only 'and' is decided as events come", () => {
    const engine = new Engine(rs({ temporalExpr: (s: ReadonlySet<string>) => s.has('a') && s.has('b') }));
    expect(engine.metrics().correlations.t.mode).toBe('eager');
    expect(run(engine, [ev('open', T0), ev('fcntl', T0 + 1)])).toHaveLength(1);
  });

  it("a string condition with 'not' is decided when the window ends", () => {
    const expr = (s: ReadonlySet<string>) => s.has('a') && !s.has('b');
    const e1 = new Engine(rs({ temporalExpr: expr }));
    expect(e1.metrics().correlations.t.mode).toBe('close');
    expect(run(e1, [ev('open', T0)])).toHaveLength(0);
    expect(e1.flush()).toHaveLength(1); // a without b
    const e2 = new Engine(rs({ temporalExpr: expr }));
    run(e2, [ev('open', T0), ev('fcntl', T0 + 5 * S)]);
    expect(e2.flush()).toHaveLength(0); // b came within the window
  });
});

describe('temporal_ordered', () => {
  const rs = (lateness?: number) =>
    [
      ruleset(
        [
          rule('a', ['open'], any, { generate: false }),
          rule('b', ['fcntl'], any, { generate: false }),
          rule('c', ['close'], any, { generate: false }),
        ],
        [corr('o', 'temporal_ordered', ['a', 'b', 'c'], 10 * S, [])],
      ),
      { correlation: { latenessUs: lateness ?? 5 * S } },
    ] as const;

  it('fires when the rules matched in the order listed', () => {
    const a = run(new Engine(...rs()), [ev('open', T0), ev('fcntl', T0 + S), ev('close', T0 + 10 * S)]);
    expect(a).toHaveLength(1);
    expect(a[0].value).toBe(3);
    expect(a[0].window).toEqual({ start: T0, end: T0 + 10 * S });
  });

  it('not in another order', () => {
    expect(run(new Engine(...rs()), [ev('fcntl', T0), ev('open', T0 + S), ev('close', T0 + 2 * S)])).toHaveLength(0);
  });

  it('not when the whole sequence spans more than the timespan', () => {
    expect(run(new Engine(...rs()), [ev('open', T0), ev('fcntl', T0 + S), ev('close', T0 + 10 * S + 1)])).toHaveLength(
      0,
    );
  });

  it('equal timestamps are ordered by arrival', () => {
    expect(run(new Engine(...rs()), [ev('open', T0), ev('fcntl', T0), ev('close', T0)])).toHaveLength(1);
    expect(run(new Engine(...rs()), [ev('fcntl', T0), ev('open', T0), ev('close', T0)])).toHaveLength(0);
  });

  it('order is event time: a late event within the lateness takes its place in time', () => {
    // fcntl at 2 s arrives before open at 1 s; by time the order is open, fcntl, close.
    const a = run(new Engine(...rs()), [ev('fcntl', T0 + 2 * S), ev('open', T0 + S), ev('close', T0 + 3 * S)]);
    expect(a).toHaveLength(1);
  });

  it('with a string condition, the expression sees the rules of the prefix matched in order', () => {
    const [r, o] = rs();
    const expr = (seen: ReadonlySet<string>) => seen.has('a') && seen.has('b');
    const mk = () => new Engine({ ...r, correlations: [{ ...r.correlations[0], temporalExpr: expr }] }, o);
    expect(run(mk(), [ev('open', T0), ev('fcntl', T0 + 1)])).toHaveLength(1); // a, b in order
    expect(run(mk(), [ev('fcntl', T0), ev('open', T0 + 1)])).toHaveLength(0); // b before a: prefix is [a] only
  });

  it('a newer start replaces the pending sequence (one per state)', () => {
    // open at 0, open at 8 s, fcntl at 9 s, close at 17 s: only the sequence started at 8 s fits.
    const a = run(new Engine(...rs()), [
      ev('open', T0),
      ev('open', T0 + 8 * S),
      ev('fcntl', T0 + 9 * S),
      ev('close', T0 + 17 * S),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0].window!.start).toBe(T0 + 7 * S);
  });
});

describe('chained correlations', () => {
  it("a correlation's firing is an input event of the correlation that references it", () => {
    // inner: 2 opens per process within 5 s (generate=false); outer: 2 inner firings within 60 s.
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [
          corr('inner', 'event_count', ['o'], 5 * S, [{ op: 'gte', value: 2 }], { generate: false }),
          corr('outer', 'event_count', ['inner'], 60 * S, [{ op: 'gte', value: 2 }]),
        ],
      ),
    );
    const fired = [0, 1, 20, 21].map((t) => engine.push(ev('open', T0 + t * S)));
    expect(fired.map((x) => x.map((a) => a.rule.id))).toEqual([[], [], [], ['outer']]);
    const m = engine.metrics();
    expect(m.correlations.inner.fired).toBe(2);
    expect(m.alerts.inner).toBeUndefined();
    expect(m.alerts.outer).toBe(1);
    expect(fired[3][0].group).toEqual({ 'process.entity_id': '100:1' });
  });

  it('the inner firing carries its group to the outer correlation (group-by by name)', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false }), rule('f', ['fcntl'], any, { generate: false })],
        [
          corr('inner', 'event_count', ['o'], 5 * S, [{ op: 'gte', value: 1 }], { generate: true }),
          corr('seq', 'temporal_ordered', ['inner', 'f'], 10 * S, []),
        ],
      ),
    );
    const a = run(engine, [ev('open', T0), ev('fcntl', T0 + S)]);
    expect(a.map((x) => x.rule.id)).toEqual(['inner', 'seq']);
    expect(a[1].rule.correlation_type).toBe('temporal_ordered');
  });
});

describe('flush and errors across correlations', () => {
  it('flush() decides inner windows first, so a chained correlation sees their firings', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [
          corr('quiet', 'event_count', ['o'], 10 * S, [{ op: 'lt', value: 3 }], { generate: false }),
          corr('outer', 'event_count', ['quiet'], 60 * S, [{ op: 'gte', value: 1 }]),
        ],
      ),
    );
    expect(run(engine, [ev('open', T0)])).toHaveLength(0);
    expect(engine.flush().map((a) => a.rule.id)).toEqual(['outer']);
  });

  it('a group-by getter that throws loses that input only, reported as NJ_RULE_ERROR', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [
          corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 2 }], {
            groupBy: [
              {
                name: 'k',
                byRule: new Map(),
                default: (e) => {
                  if (e.pid === 13) throw new Error('bad field');
                  return e.entityId;
                },
              },
            ],
          }),
        ],
      ),
    );
    const a = run(engine, [ev('open', T0), ev('open', T0 + 1, { pid: 13 }), ev('open', T0 + 2)]);
    expect(a).toHaveLength(1);
    expect(engine.metrics().ruleErrors).toBe(1);
    expect(engine.diagnostics().find((d) => d.code === 'NJ_RULE_ERROR')?.message).toMatch(/bad field/);
  });

  it('neq is decided at window end', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'neq', value: 2 }])],
      ),
    );
    run(engine, [ev('open', T0), ev('open', T0 + 1)]);
    expect(engine.flush()).toHaveLength(0);
    run(engine, [ev('open', T0 + 100 * S)]);
    expect(engine.flush().map((x) => x.value)).toEqual([1]);
  });
});
