import { describe, expect, it } from 'vitest';
import { Engine, type Alert, type NightjarEvent } from '@nightjar/core';
import { S, T0, any, corr, ev, rule, ruleset, skipped } from './helpers.js';

function run(engine: Engine, events: NightjarEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  return out;
}

describe('dispatch by event name', () => {
  it('never calls a rule of another event type', () => {
    let execCalls = 0;
    let openCalls = 0;
    const engine = new Engine(
      ruleset([
        rule('exec-rule', ['exec'], () => (execCalls++, false)),
        rule('open-rule', ['open'], () => (openCalls++, true)),
      ]),
    );
    run(engine, [ev('open', T0), ev('open', T0 + 1), ev('write', T0 + 2)]);
    expect(execCalls).toBe(0);
    expect(openCalls).toBe(2);
  });

  it('a rule without event types (null) sees every event, in ruleset order with the others', () => {
    const seen: string[] = [];
    const engine = new Engine(
      ruleset([
        rule('all', null, (e) => (seen.push(`all:${e.name}`), false)),
        rule('o', ['open'], (e) => (seen.push(`o:${e.name}`), false)),
      ]),
    );
    run(engine, [ev('open', T0), ev('write', T0 + 1)]);
    expect(seen).toEqual(['all:open', 'o:open', 'all:write']);
  });

  it('returns one shared frozen empty array when nothing fires', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], () => false)]));
    const a = engine.push(ev('open', T0));
    const b = engine.push(ev('write', T0 + 1));
    expect(a).toHaveLength(0);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('passes the same EvalContext object to every predicate', () => {
    const ctxs = new Set<unknown>();
    const r = rule('o', ['open'], any);
    const engine = new Engine(ruleset([{ ...r, match: (_e, ctx) => (ctxs.add(ctx), false) }]));
    run(engine, [ev('open', T0), ev('open', T0 + 1), ev('open', T0 + 2)]);
    expect(ctxs.size).toBe(1);
  });
});

describe('detections', () => {
  it('raises one alert per matching event and counts matches and alerts per rule', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], (e) => e.pid === 7)]));
    const alerts = run(engine, [
      ev('open', T0, { pid: 7 }),
      ev('open', T0 + 1, { pid: 8 }),
      ev('open', T0 + 2, { pid: 7 }),
    ]);
    expect(alerts.map((a) => a.process.pid)).toEqual([7, 7]);
    const m = engine.metrics();
    expect(m.matches.o).toBe(2);
    expect(m.alerts.o).toBe(2);
    expect(m.events).toBe(3);
    expect(m.byType).toEqual({ open: 3 });
  });

  it('a rule with generate=false feeds correlations only', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 2 }])],
      ),
    );
    const alerts = run(engine, [ev('open', T0), ev('open', T0 + 1)]);
    expect(alerts.map((a) => a.rule.id)).toEqual(['c']);
    expect(engine.metrics().matches.o).toBe(2);
    expect(engine.metrics().alerts.o).toBeUndefined();
  });

  it('a predicate that throws is reported (NJ_RULE_ERROR) and the other rules still run', () => {
    const engine = new Engine(
      ruleset([
        rule('bad', ['open'], () => {
          throw new Error('boom');
        }),
        rule('good', ['open'], any),
      ]),
    );
    const alerts = run(engine, [ev('open', T0), ev('open', T0 + 1)]);
    expect(alerts.map((a) => a.rule.id)).toEqual(['good', 'good']);
    expect(engine.metrics().ruleErrors).toBe(2);
    const d = engine.diagnostics().filter((x) => x.code === 'NJ_RULE_ERROR');
    expect(d).toHaveLength(2);
    expect(d[0].message).toMatch(/bad.*boom/);
  });
});

describe('suppression (suppressUs)', () => {
  const rs = (suppressUs: number | undefined) => ruleset([rule('o', ['open'], any, { suppressUs })]);

  it('emits the first alert, folds matches of the same rule and entity within the period into its count', () => {
    const engine = new Engine(rs(10 * S));
    const out = [0, 5 * S, 10 * S].map((t) => engine.push(ev('open', T0 + t)));
    expect(out.map((a) => a.length)).toEqual([1, 0, 0]);
    expect(out[0][0].count).toBe(3);
    expect(engine.metrics().suppressed).toBe(2);
    expect(engine.metrics().alerts.o).toBe(1);
  });

  it('a match after the period starts a new alert; another entity is never suppressed', () => {
    const engine = new Engine(rs(10 * S));
    const a = run(engine, [ev('open', T0), ev('open', T0 + 10 * S + 1), ev('open', T0 + 10 * S + 2, { pid: 9 })]);
    expect(a.map((x) => [x.process.pid, x.count])).toEqual([
      [100, 1],
      [100, 1],
      [9, 1],
    ]);
  });

  it('is off when suppressUs is absent', () => {
    expect(run(new Engine(rs(undefined)), [ev('open', T0), ev('open', T0)])).toHaveLength(2);
  });

  it('applies to correlations by group', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 1 }], { suppressUs: 60 * S })],
      ),
    );
    const a = run(engine, [ev('open', T0), ev('open', T0 + S), ev('open', T0 + 2 * S, { pid: 5 })]);
    expect(a.map((x) => [x.group!['process.entity_id'], x.count])).toEqual([
      ['100:1', 2],
      ['5:1', 1],
    ]);
  });
});

describe('sequence gaps and the incomplete flag', () => {
  it('tracks every event, skipped ones included, and reports gaps as diagnostics and metrics', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], () => false)]));
    run(engine, [skipped('write', T0, 1), skipped('write', T0 + 1, 5), ev('open', T0 + 2, { seq: 1 })]);
    const m = engine.metrics();
    expect(m.skipped).toBe(2);
    expect(m.byType).toEqual({ write: 2, open: 1 });
    expect(m.gaps.gaps).toBe(1);
    expect(m.gaps.missing).toBe(3);
    expect(engine.drainDiagnostics().length).toBeGreaterThan(0);
    expect(engine.drainDiagnostics()).toEqual([]); // drained
    expect(engine.diagnostics().length).toBeGreaterThan(0); // still kept
  });

  it('a detection whose event time overlaps an open gap in its event types is incomplete', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], any)]));
    const before = engine.push(ev('open', T0, { seq: 1 }));
    const after = engine.push(ev('open', T0 + S, { seq: 4 })); // 2 and 3 are missing
    expect(before[0].incomplete).toBe(false);
    expect(after[0].incomplete).toBe(true);
  });

  it('a gap in another event type does not make the alert incomplete', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], any)]));
    run(engine, [skipped('write', T0, 1), skipped('write', T0 + 2 * S, 9)]);
    expect(engine.push(ev('open', T0 + S, { seq: 1 }))[0].incomplete).toBe(false);
  });

  it("a correlation whose window overlaps a gap in its rules' event types is incomplete", () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 2 }])],
      ),
    );
    const a = run(engine, [ev('open', T0, { seq: 1 }), ev('open', T0 + S, { seq: 7 })]);
    expect(a).toHaveLength(1);
    expect(a[0].incomplete).toBe(true);
    const e2 = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'gte', value: 2 }])],
      ),
    );
    expect(run(e2, [ev('open', T0, { seq: 1 }), ev('open', T0 + S, { seq: 2 })])[0].incomplete).toBe(false);
  });
});

describe('lineage', () => {
  it('requiredEventTypes adds fork, exec and exit when lineage is on, not when off', () => {
    const rs = ruleset([rule('o', ['open'], any)]);
    expect(new Engine(rs).requiredEventTypes()).toEqual(['exec', 'exit', 'fork', 'open']);
    expect(new Engine(rs, { lineage: false }).requiredEventTypes()).toEqual(['open']);
  });

  it('alerts carry the chain the cache learned', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], (e) => e.pid === 300)]));
    run(engine, [
      ev('open', T0, { pid: 1, ppid: 0, path: '/sbin/launchd' }),
      ev('open', T0 + 1, { pid: 200, ppid: 1, path: '/bin/zsh' }),
    ]);
    const [a] = engine.push(ev('open', T0 + 2, { pid: 300, ppid: 200, path: '/usr/bin/curl' }));
    expect(a.process).toMatchObject({ entity_id: '300:1', path: '/usr/bin/curl' });
    expect(a.lineage.map((p) => p.path)).toEqual(['/bin/zsh', '/sbin/launchd']);
    expect(a.lineage_complete).toBe(true);
    expect(engine.lineage!.metrics().size).toBeGreaterThanOrEqual(3);
  });

  it('says when the chain stops at an unknown process', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], any)]));
    const [a] = engine.push(ev('open', T0, { pid: 300, ppid: 200 }));
    expect(a.lineage_complete).toBe(false);
  });

  it('lineage: false gives empty chains and warns when a rule reads lineage fields', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], any, { usesLineage: true })]), { lineage: false });
    expect(engine.lineage).toBeUndefined();
    const [a] = engine.push(ev('open', T0));
    expect(a.lineage).toEqual([]);
    expect(a.lineage_complete).toBe(false);
    expect(engine.diagnostics().map((d) => d.code)).toContain('NJ_LINEAGE_DISABLED');
    expect(engine.metrics().lineage).toBeNull();
  });

  it('a rule reading lineage gets parent_source on its alerts', () => {
    const engine = new Engine(ruleset([rule('x', ['exec'], any, { usesLineage: true })]));
    run(engine, [ev('open', T0, { pid: 1, ppid: 0, path: '/sbin/launchd' })]);
    const [a] = engine.push(ev('exec', T0 + 1, { pid: 100, ppid: 1 }));
    expect(['lineage', 'exec_fallback']).toContain(a.parent_source);
  });
});

describe('diagnostics are bounded', () => {
  it('keeps the first maxDiagnostics and counts the rest', () => {
    const engine = new Engine(
      ruleset([
        rule('bad', ['open'], () => {
          throw new Error('x');
        }),
      ]),
      { maxDiagnostics: 3 },
    );
    run(
      engine,
      [...Array(8).keys()].map((i) => ev('open', T0 + i)),
    );
    expect(engine.diagnostics()).toHaveLength(3);
    expect(engine.metrics().diagnostics).toEqual({ kept: 3, dropped: 5 });
    expect(engine.drainDiagnostics()).toHaveLength(3); // the newest 3
  });
});
