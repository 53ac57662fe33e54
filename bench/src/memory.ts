/**
 * Memory figures: heap retained by the engine per correlation group, per event held in a window,
 * and per lineage entry, measured as heap deltas after a full GC (run with --expose-gc). Every
 * process is a real eslogger process object (all fields). Events are built on the fly and dropped, so what the engine keeps (including any evidence events it
 * retains) is what is counted.
 */
import { Engine, LineageCache, eventFromMessage, type CompiledRuleSet, type NightjarEvent } from '@nightjar/core';
import { heapUsed } from './measure.js';
import { processAs, type ProcessObject } from './real-processes.js';

type Load = (name: string, yaml: string) => Promise<{ ruleset: CompiledRuleSet; loadMs: number }>;

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

let templates: readonly ProcessObject[] = [];
/** The real process objects (fixtures' exec/fork events) the memory rows dress processes in. */
export function useRealProcesses(t: readonly ProcessObject[]): void {
  templates = t;
}

/** A real process object as (pid, pidversion), child of ppid: a fresh deep copy, as a parsed line gives. */
function proc(pid: number, pidversion: number, ppid: number): Record<string, unknown> {
  if (templates.length === 0) throw new Error('memory rows: useRealProcesses() first');
  const t = templates[pid % templates.length]!;
  return JSON.parse(
    JSON.stringify(processAs(t, pid, pidversion, ppid, ppid * 2, '2024-05-01T09:59:58.123456Z')),
  ) as Record<string, unknown>;
}

function ev(
  type: string,
  number: number,
  i: number,
  ms: number,
  actor: Record<string, unknown>,
  payload: unknown,
): NightjarEvent {
  const e = eventFromMessage(
    {
      schema_version: 1,
      version: 7,
      time: new Date(T0 + ms).toISOString(),
      event_type: number,
      action_type: 1,
      seq_num: i,
      global_seq_num: i,
      process: actor as never,
      event: { [type]: payload },
    },
    { source: 'bench' },
  );
  if (e instanceof Error) throw e;
  return e;
}

const GROUP_RULES = `title: Any open
id: 30000000-0000-4000-8000-000000000001
name: any_open
status: test
level: low
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
  selection:
    event.open.file.path|startswith: '/'
  condition: selection
---
title: Opens per process
id: 30000000-0000-4000-8000-000000000002
status: test
level: low
correlation:
  type: event_count
  rules:
    - any_open
  group-by:
    - process.entity_id
  timespan: 1h
  condition:
    gte: 1000000000
`;

const openPayload = (i: number) => ({ fflag: 1, file: { path: `/Users/alice/f${i}`, path_truncated: false } });

export async function memoryPerGroup(groups: number, load: Load): Promise<{ perGroup: number; perEvent: number }> {
  const { ruleset } = await load('memory-groups', GROUP_RULES);
  let engine: Engine | null = new Engine(ruleset, { lineage: false, correlation: { maxGroups: groups * 2 } });
  const before = heapUsed();
  for (let i = 0; i < groups; i++) engine.push(ev('open', 10, i, i, proc(10_000 + i, 1, 1), openPayload(i)));
  const perGroup = (heapUsed() - before) / groups;
  // Read the engine after measuring: it must be reachable while the heap is measured (an unused
  // variable may be collected early by the optimizing compiler, which would measure nothing).
  if (engine.metrics().liveGroups !== groups)
    throw new Error(`expected ${groups} live groups, got ${engine.metrics().liveGroups}`);
  // eslint-disable-next-line no-useless-assignment -- drops the last reference so the next measurement starts from a collected heap
  engine = null;
  // One group, many events in its window.
  const one = new Engine(ruleset, { lineage: false });
  const actor = proc(42, 1, 1);
  const payload = openPayload(0);
  const b2 = heapUsed();
  for (let i = 0; i < groups; i++) one.push(ev('open', 10, i, i, actor, payload));
  const perEvent = (heapUsed() - b2) / groups;
  if (one.metrics().liveGroups !== 1) throw new Error('expected one live group');
  return { perGroup, perEvent };
}

export function memoryPerLineageEntry(procs: number): number {
  const cache = new LineageCache({ maxProcesses: procs });
  const parent = proc(500, 1000, 1);
  const before = heapUsed();
  for (let i = 0; i < procs; i++) {
    cache.observe(ev('fork', 11, i, i, parent, { child: proc(1000 + i, 1, 500) }));
  }
  const per = (heapUsed() - before) / procs;
  if (cache.metrics().size < procs)
    throw new Error(`lineage cache holds ${cache.metrics().size} of ${procs} processes`);
  return per;
}

export async function memoryAtScale(groups: number, procs: number, load: Load): Promise<number> {
  const { ruleset } = await load('memory-scale', GROUP_RULES);
  const engine = new Engine(ruleset, { lineage: { maxProcesses: procs }, correlation: { maxGroups: groups } });
  for (let i = 0; i < Math.max(groups, procs); i++) {
    engine.push(ev('open', 10, i, i, proc(10_000 + i, 1, 1), openPayload(i)));
  }
  heapUsed();
  return process.memoryUsage().rss;
}
