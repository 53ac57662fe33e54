import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CorrelationConfigError, Engine, type Alert, type CompiledRuleSet, type NightjarEvent } from '@nightjar/core';
import { S, T0, any, corr, ev, proc, rule, ruleset } from './helpers.js';

const exec = (t: number, pid = 500): NightjarEvent =>
  ev('exec', t, { pid, ppid: 400, payload: { target: proc(pid, 2, '/usr/bin/curl', 400), args: ['curl'] } });

/** "3 execs by one process image within 60 s" (grouped by the actor) plus a plain open rule. */
function rules(opts: { threshold?: number; execDefinition?: string } = {}): CompiledRuleSet {
  return ruleset(
    [
      rule('curl', ['exec'], any, { definition: opts.execDefinition ?? 'exec:curl' }),
      rule('open', ['open'], any, { definition: 'open:any' }),
    ],
    [
      corr('burst', 'event_count', ['curl'], 60 * S, [{ op: 'gte', value: opts.threshold ?? 3 }], {
        definition: `burst>=${opts.threshold ?? 3}`,
      }),
      corr('pair', 'temporal', ['curl', 'open'], 60 * S, [], { definition: 'pair' }),
    ],
  );
}

const ids = (alerts: Alert[]): string[] => alerts.map((a) => a.rule.id);

describe('Engine.reload', () => {
  it('keeps the windows of unchanged correlations (new objects, same definitions)', () => {
    const engine = new Engine(rules());
    engine.push(exec(T0));
    engine.push(exec(T0 + S));
    const r = engine.reload(rules());
    expect(r).toEqual({ kept: ['burst', 'pair'], reset: [], removed: [] });
    expect(ids(engine.push(exec(T0 + 2 * S)))).toEqual(['curl', 'burst']);
  });

  it('starts changed correlations afresh, and those that reference a changed rule', () => {
    const changed = new Engine(rules());
    changed.push(exec(T0));
    changed.push(exec(T0 + S));
    expect(changed.reload(rules({ threshold: 2 })).reset).toEqual(['burst']);
    expect(ids(changed.push(exec(T0 + 2 * S)))).toEqual(['curl']);
    expect(ids(changed.push(exec(T0 + 3 * S)))).toEqual(['curl', 'burst']);

    const base = new Engine(rules());
    base.push(exec(T0));
    base.push(exec(T0 + S));
    const r = base.reload(rules({ execDefinition: 'exec:curl -v' }));
    expect(r.reset.sort()).toEqual(['burst', 'pair']);
    expect(ids(base.push(exec(T0 + 2 * S)))).toEqual(['curl']);
  });

  it('keeps lineage and the gap tracker', () => {
    const engine = new Engine(rules());
    engine.push(ev('fork', T0, { pid: 1, payload: { child: proc(400, 1, '/bin/zsh', 1) } }));
    engine.push(ev('open', T0, { gseq: 1 }));
    engine.reload(rules({ threshold: 5 }));
    engine.push(ev('open', T0 + S, { gseq: 2 }));
    const [a] = engine.push(exec(T0 + 2 * S, 600));
    expect(a.lineage.map((p) => p.entity_id)).toEqual(['400:1', '1:1']);
    expect(engine.metrics().gaps.gaps).toBe(0);
  });

  it('a ruleset the engine will not run throws and the running rules stay', () => {
    const engine = new Engine(rules());
    engine.push(exec(T0));
    engine.push(exec(T0 + S));
    const broken = ruleset([rule('curl', ['exec'], any)], [corr('bad', 'event_count', ['nope'], 60 * S, [])]);
    expect(() => engine.reload(broken)).toThrow(CorrelationConfigError);
    expect(ids(engine.push(exec(T0 + 2 * S)))).toEqual(['curl', 'burst']);
  });

  it('property: reloading the same definitions at any point changes no alert (short budget)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('exec', 'open'),
            fc.integer({ min: 0, max: 20 }),
            fc.integer({ min: 500, max: 502 }),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.nat(),
        (steps, cutSeed) => {
          let t = T0;
          const events = steps.map(([name, dt, pid]) => {
            t += dt * S;
            return name === 'exec' ? exec(t, pid) : ev('open', t, { pid });
          });
          const cut = cutSeed % (events.length + 1);
          const straight = new Engine(rules());
          const want = events.flatMap((e) => straight.push(e).map((a) => a.id));
          const reloaded = new Engine(rules());
          const got = events.slice(0, cut).flatMap((e) => reloaded.push(e).map((a) => a.id));
          reloaded.reload(rules());
          got.push(...events.slice(cut).flatMap((e) => reloaded.push(e).map((a) => a.id)));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });
});
