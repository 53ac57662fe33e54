/**
 * Engine.snapshot()/restore() with the shipped ruleset over the committed fixtures: cutting a trace
 * anywhere, restoring the snapshot (through JSON) into a fresh engine and pushing the rest raises
 * exactly the alerts (same ids, same content) an uninterrupted engine raises; so does reloading an
 * unchanged ruleset. Property-based (fast-check) over random fixtures and cut points; budget: ~15 s
 * on a busy 2-core machine (small traces, ~180 runs).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DecodeError,
  Engine,
  SnapshotError,
  createDecoder,
  type CompiledRuleSet,
  type EngineSnapshot,
  type NightjarEvent,
} from '@nightjar/core';
import { loadRules } from '@nightjar/rules';

const root = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const fixtures = join(root, 'fixtures');

function traceFiles(): string[] {
  const top = readdirSync(fixtures)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(fixtures, f));
  const atomics = readdirSync(join(fixtures, 'atomics'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(fixtures, 'atomics', f));
  return [...top, ...atomics].sort();
}

/** A trace's lines decoded afresh (the engine stamps and interns into the objects it keeps). */
function decode(file: string, ruleset: CompiledRuleSet, host?: string): NightjarEvent[] {
  const d = createDecoder({ source: file, eventTypes: ruleset.requiredEventTypes(), host });
  const out: NightjarEvent[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      const r = d.decode(line, i + 1, 0);
      if (!(r instanceof DecodeError)) out.push(r);
    });
  return out;
}

/** Alerts as emitted (serialised at once: a suppressed alert's count grows on the object later). */
function run(engine: Engine, events: readonly NightjarEvent[], out: string[]): void {
  for (const ev of events) for (const a of engine.push(ev)) out.push(JSON.stringify(a));
}

function uninterrupted(ruleset: CompiledRuleSet, events: NightjarEvent[]): string[] {
  const engine = new Engine(ruleset);
  const out: string[] = [];
  run(engine, events, out);
  for (const a of engine.flush()) out.push(JSON.stringify(a));
  return out;
}

/** The same trace cut at each of `cuts`: snapshot, JSON round trip, restore into a fresh engine. */
function withCuts(ruleset: CompiledRuleSet, events: NightjarEvent[], cuts: number[]): string[] {
  let engine = new Engine(ruleset);
  const out: string[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    run(engine, events.slice(at, cut), out);
    at = cut;
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    engine = new Engine(ruleset);
    engine.restore(snap);
  }
  run(engine, events.slice(at), out);
  for (const a of engine.flush()) out.push(JSON.stringify(a));
  return out;
}

describe('snapshot/restore over the fixtures (property, short budget)', () => {
  let ruleset: CompiledRuleSet;
  const files = traceFiles();
  const traces = new Map<string, { events: () => NightjarEvent[]; expected: string[] }>();

  beforeAll(async () => {
    ruleset = await loadRules([join(root, 'rules')]);
    for (const f of files) {
      traces.set(f, { events: () => decode(f, ruleset), expected: uninterrupted(ruleset, decode(f, ruleset)) });
    }
  });

  it('the fixtures raise alerts at all (the property below is not vacuous)', () => {
    const total = [...traces.values()].reduce((n, t) => n + t.expected.length, 0);
    expect(total).toBeGreaterThan(50);
  });

  it('every fixture restored at its middle raises the alerts of the uninterrupted run', () => {
    for (const f of files) {
      const t = traces.get(f)!;
      const events = t.events();
      expect(withCuts(ruleset, events, [events.length >> 1]), f).toEqual(t.expected);
    }
  });

  it('random fixtures cut at 1–3 random points raise the same alerts, with the same ids', () => {
    // Cut points drawn uniformly inside the trace (fast-check's numbers lean to the ends, where a cut
    // is trivial: an empty snapshot or one taken after the last event).
    const withTrace = fc.integer({ min: 0, max: files.length - 1 }).chain((fi) => {
      const n = traces.get(files[fi])!.events().length;
      return fc.tuple(
        fc.constant(fi),
        fc.array(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { minLength: 1, maxLength: 3 }),
      );
    });
    fc.assert(
      fc.property(withTrace, ([fi, cuts]) => {
        const f = files[fi];
        const t = traces.get(f)!;
        expect(withCuts(ruleset, t.events(), cuts), `${f} cut at ${cuts.join(', ')}`).toEqual(t.expected);
      }),
      { numRuns: 120, seed: 14 },
    );
  });

  it('a merged capture of two hosts, cut anywhere, raises each host’s alerts', () => {
    const a = join(fixtures, 'correlation-positive.jsonl');
    const b = join(fixtures, 'meterpreter-session.jsonl');
    const merged = (): NightjarEvent[] =>
      [...decode(a, ruleset, 'mac-a'), ...decode(b, ruleset, 'mac-b')].sort((x, y) => x.time - y.time);
    const expected = uninterrupted(ruleset, merged());
    const hosts = new Set(expected.map((s) => (JSON.parse(s) as { host: string }).host));
    expect([...hosts].sort()).toEqual(['mac-a', 'mac-b']);
    const n = merged().length;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: n - 1 }), (cut) => {
        expect(withCuts(ruleset, merged(), [cut]), `cut at ${cut}`).toEqual(expected);
      }),
      { numRuns: 15, seed: 14 },
    );
  });

  it('reloading a freshly loaded copy of the ruleset at a random point changes no alert', async () => {
    const again = await loadRules([join(root, 'rules')]);
    const top = files.filter((f) => !f.includes('/atomics/'));
    const cases = fc.integer({ min: 0, max: top.length - 1 }).chain((fi) => {
      const n = traces.get(top[fi])!.events().length;
      return fc.tuple(fc.constant(fi), fc.integer({ min: 1, max: Math.max(1, n - 1) }));
    });
    fc.assert(
      fc.property(cases, ([fi, cut]) => {
        const t = traces.get(top[fi])!;
        const events = t.events();
        const engine = new Engine(ruleset);
        const out: string[] = [];
        run(engine, events.slice(0, cut), out);
        const r = engine.reload(again);
        expect(r.reset).toEqual([]);
        run(engine, events.slice(cut), out);
        for (const a of engine.flush()) out.push(JSON.stringify(a));
        expect(out, `${top[fi]} reloaded at ${cut}`).toEqual(t.expected);
      }),
      { numRuns: 30, seed: 14 },
    );
  });

  it('refuses a snapshot of another ruleset, another version or another shape, with typed errors', async () => {
    const events = decode(join(fixtures, 'execution.jsonl'), ruleset);
    const engine = new Engine(ruleset);
    for (const ev of events) engine.push(ev);
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    const fewer = await loadRules([join(root, 'rules', 'execution')]);
    const codeOf = (f: () => void): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof SnapshotError ? e.code : `not a SnapshotError: ${String(e)}`;
      }
      return undefined;
    };
    expect(codeOf(() => new Engine(fewer).restore(snap))).toBe('NJ_SNAPSHOT_RULESET');
    expect(codeOf(() => new Engine(ruleset).restore({ ...snap, version: 99 }))).toBe('NJ_SNAPSHOT_VERSION');
    expect(codeOf(() => new Engine(ruleset, { correlation: { maxGroups: 5 } }).restore(snap))).toBe(
      'NJ_SNAPSHOT_OPTIONS',
    );
    expect(codeOf(() => new Engine(ruleset).restore({} as EngineSnapshot))).toBe('NJ_SNAPSHOT_FORMAT');
    // A malformed part leaves the engine as it was.
    const intact = new Engine(ruleset);
    for (const ev of events.slice(0, 10)) intact.push(ev);
    const before = JSON.stringify(intact.snapshot());
    const broken = { ...snap, hosts: [{ ...snap.hosts[0], lineage: { nodes: [{ id: 1 }], exits: [] } }] };
    expect(codeOf(() => intact.restore(broken as unknown as EngineSnapshot))).toBe('NJ_SNAPSHOT_FORMAT');
    expect(JSON.stringify(intact.snapshot())).toBe(before);
  });
});
