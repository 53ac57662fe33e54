import { describe, expect, it } from 'vitest';
import AjvModule from 'ajv';
import { Engine, alertJsonSchema, type Alert, type NightjarEvent } from '@nightjar/core';
import { S, T0, any, corr, ev, payloadField, rule, ruleset } from '../engine/helpers.js';
import { alertId } from '../../src/alert/index.js';
import { hash128 } from '../../src/alert/id.js';

// ajv is CommonJS; under ESM its class is the default export or the module itself.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (
  o?: object,
) => {
  compile(s: object): ((d: unknown) => boolean) & { errors?: unknown };
};
const validate = new Ajv({ allErrors: true, strict: false }).compile(alertJsonSchema);

function run(engine: Engine, events: NightjarEvent[]): Alert[] {
  const out: Alert[] = [];
  for (const e of events) out.push(...engine.push(e));
  return out;
}

function expectValid(a: Alert): void {
  // Through JSON, as a consumer reads it.
  const ok = validate(JSON.parse(JSON.stringify(a)));
  expect(validate.errors ?? null, JSON.stringify(validate.errors)).toBeNull();
  expect(ok).toBe(true);
}

describe('alerts of one event', () => {
  it('share the process, lineage and time text built once, and the next event gets its own', () => {
    const engine = new Engine(ruleset([rule('a', ['open'], any), rule('b', ['open'], any), rule('c', ['open'], any)]));
    run(engine, [ev('open', T0, { pid: 1, ppid: 0, path: '/sbin/launchd' })]);
    const first = engine.push(ev('open', T0 + S, { pid: 300, ppid: 1, path: '/usr/bin/curl' }));
    expect(first.map((a) => a.rule.id)).toEqual(['a', 'b', 'c']);
    // Each equals what the event gives one rule alone.
    const alone = new Engine(ruleset([rule('b', ['open'], any)]));
    run(alone, [ev('open', T0, { pid: 1, ppid: 0, path: '/sbin/launchd' })]);
    const [one] = alone.push(ev('open', T0 + S, { pid: 300, ppid: 1, path: '/usr/bin/curl' }));
    for (const a of first) {
      expect(a.process).toBe(first[0].process);
      expect(a.lineage).toBe(first[0].lineage);
      expect(a.process).toEqual(one.process);
      expect(a.lineage).toEqual(one.lineage);
      expect(a.time_iso).toBe(one.time_iso);
      expectValid(a);
    }
    // The same rules on the next event: that event's process and time, not the last one's.
    const next = engine.push(ev('open', T0 + 2 * S, { pid: 301, ppid: 300, path: '/bin/sh' }));
    expect(next).toHaveLength(3);
    for (const a of next) {
      expect(a.process.entity_id).toBe('301:1');
      expect(a.lineage.map((p) => p.entity_id)).toEqual(['300:1', '1:1']);
      expect(a.time_iso).toBe('2025-06-15T15:06:42.000000Z');
    }
  });
});

describe('alert shape', () => {
  it('a detection alert carries rule meta, time, event, actor and lineage, and validates against alertJsonSchema', () => {
    const engine = new Engine(ruleset([rule('o', ['open'], (e) => e.pid === 300)]));
    run(engine, [ev('open', T0, { pid: 1, ppid: 0, path: '/sbin/launchd' })]);
    const [a] = engine.push(ev('open', T0 + 123, { pid: 300, ppid: 1, path: '/usr/bin/curl' }));
    expect(a.rule).toEqual({
      id: 'o',
      title: 'rule o',
      level: 'high',
      tags: ['attack.t1059'],
      kind: 'detection',
      source: { file: 'o.yml', line: 1, col: 1 },
    });
    expect(a.time).toBe(T0 + 123);
    expect(a.time_iso).toBe('2025-06-15T15:06:40.000123Z');
    expect(a.event_type).toBe('open');
    expect(a.process).toMatchObject({
      entity_id: '300:1',
      pid: 300,
      pidversion: 1,
      ppid: 1,
      path: '/usr/bin/curl',
      signing_id: 'curl',
      team_id: null,
    });
    expect(a.events).toHaveLength(1);
    expect(a.events[0].event).toHaveProperty('open');
    expect(a.events_omitted).toBe(0);
    expect(a.count).toBe(1);
    expect(a.incomplete).toBe(false);
    expect(a.group).toBeUndefined();
    expect(a.window).toBeUndefined();
    expectValid(a);
  });

  it('an exec alert is about the new image (the process Image matched), with its args', () => {
    const engine = new Engine(ruleset([rule('x', ['exec'], any)]));
    const [a] = engine.push(ev('exec', T0));
    expect(a.process).toMatchObject({ entity_id: '100:2', path: '/bin/sh', args: ['sh', '-c', 'id'] });
    expectValid(a);
  });

  it('a correlation alert carries group, window, value and bounded events, and validates', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [
          corr('c', 'value_sum', ['o'], 10 * S, [{ op: 'gte', value: 30 }], {
            valueField: { name: 'n', default: payloadField('n'), byRule: new Map() },
          }),
        ],
      ),
      { correlation: { maxEventsPerAlert: 2 } },
    );
    const a = run(
      engine,
      [10, 10, 10].map((n, i) => ev('open', T0 + i * S, { payload: { n } })),
    );
    expect(a).toHaveLength(1);
    const c = a[0];
    expect(c.rule).toMatchObject({ id: 'c', kind: 'correlation', correlation_type: 'value_sum', level: 'critical' });
    expect(c.group).toEqual({ 'process.entity_id': '100:1' });
    expect(c.window).toEqual({ start: T0 - 8 * S, end: T0 + 2 * S });
    expect(c.value).toBe(30);
    expect(c.events).toHaveLength(2);
    expect(c.events_omitted).toBe(1);
    expect(c.time).toBe(T0 + 2 * S);
    expect(c.process.entity_id).toBe('100:1');
    expectValid(c);
  });

  it('the schema rejects what is not an alert', () => {
    expect(validate({})).toBe(false);
    const engine = new Engine(ruleset([rule('o', ['open'], any)]));
    const [a] = engine.push(ev('open', T0));
    const bad = JSON.parse(JSON.stringify(a));
    bad.rule.level = 'severe';
    expect(validate(bad)).toBe(false);
    const bad2 = JSON.parse(JSON.stringify(a));
    bad2.count = 0;
    expect(validate(bad2)).toBe(false);
  });

  it('a correlation alert decided at flush() validates too', () => {
    const engine = new Engine(
      ruleset(
        [rule('o', ['open'], any, { generate: false })],
        [corr('c', 'event_count', ['o'], 10 * S, [{ op: 'lt', value: 5 }])],
      ),
    );
    run(engine, [ev('open', T0)]);
    const [a] = engine.flush();
    expect(a.window).toEqual({ start: T0, end: T0 + 10 * S });
    expectValid(a);
  });
});

describe('alert id', () => {
  it('keeps its value from release to release (stores and fleet workers drop repeats by it)', () => {
    expect(alertId('r1', 'mac-1', T0, 'exec', '12:3', undefined, undefined)).toBe('774ecc78c40f990ea6e077bbb469a193');
    expect(alertId('corr-é', 'h', 1, 'open', '1:1', { user: 'ø', n: 3 }, 7)).toBe('87eaf39315f6c7d0b7e3a208b0da0358');
    expect(hash128('')).toBe('c0fd71923de38aa77e9b050e5fe0f5ad');
    // Lanes under 0x10000000 keep their leading zeros.
    expect(hash128('x33')).toBe('00d29ab8598c12dc8fdb40dc8012e11f');
    expect(hash128('a'.repeat(1000))).toBe('dbfb090c9bc78e8606c1e3b16c4b6411');
  });

  it('is the same for the same alert, differs for another, and survives BigInt and cyclic group values', () => {
    const id = (group?: Record<string, unknown>) => alertId('r1', 'mac-1', T0, 'exec', '12:3', group, undefined);
    expect(id({ user: 501 })).toBe(id({ user: 501 }));
    expect(id({ user: 501 })).toMatch(/^[0-9a-f]{32}$/);
    expect(id({ user: 502 })).not.toBe(id({ user: 501 }));
    expect(alertId('r1', 'mac-2', T0, 'exec', '12:3', undefined, undefined)).not.toBe(id());
    // A BigInt reads as its digits and an `n`: stable, and not the number's id.
    expect(id({ user: 501n })).toBe(id({ user: 501n }));
    expect(id({ user: 501n })).not.toBe(id({ user: 501 }));
    expect(id({ user: 501n })).toBe(id({ user: '501n' }));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(id(cyclic)).toMatch(/^[0-9a-f]{32}$/);
  });
});
