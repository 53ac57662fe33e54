// Measures correlation state memory per group and per in-window event (not a unit test: heap
// figures vary by Node version). Run: npx tsc -b packages/core && node --expose-gc packages/core/test/correlation/measure-memory.mjs
import { Engine, eventFromMessage, formatTimeUs } from '../../dist/index.js';

const T0 = 1_750_000_000_000_000;
const msg = {
  version: 8,
  time: formatTimeUs(T0),
  event_type: 25,
  event: { write: { target: { path: '/tmp/x' } } },
  process: {
    audit_token: { auid: 0, euid: 0, egid: 0, ruid: 0, rgid: 0, pid: 100, asid: 0, pidversion: 1 },
    ppid: 1,
    executable: { path: '/bin/x' },
  },
};
const base = eventFromMessage(msg);
// One shared message; events differ only in time and entity, so the heap delta is the engine's state.
const at = (time, entityId) => ({ ...base, time, entityId });

function measure(type, groups, perGroup, keepEvents) {
  let n = 0;
  const rule = {
    kind: 'detection',
    id: 'w',
    title: 'w',
    level: 'high',
    tags: [],
    source: { file: 'w', line: 1, col: 1 },
    eventTypes: ['write'],
    match: () => true,
    usesLineage: false,
    generate: false,
  };
  const valueField = { name: 'v', default: () => n++ % 1000, byRule: new Map() };
  const corr = {
    kind: 'correlation',
    id: 'c',
    title: 'c',
    level: 'high',
    tags: [],
    source: { file: 'c', line: 1, col: 1 },
    type,
    rules: ['w'],
    groupBy: [{ name: 'process.entity_id', default: (e) => e.entityId, byRule: new Map() }],
    timespanUs: 3_600_000_000,
    condition: [{ op: 'gte', value: 1e9 }],
    generate: true,
    ...(type.startsWith('value_') ? { valueField } : {}),
  };
  const engine = new Engine(
    { rules: [rule], correlations: [corr], requiredEventTypes: () => ['write'] },
    {
      lineage: false,
      correlation: { maxGroups: groups * 2, maxEventsPerAlert: keepEvents, latenessUs: 3_600_000_000 },
    },
  );
  const ids = Array.from({ length: groups }, (_, i) => `${i + 1000}:1`);
  // Warm up code paths so JIT code is not counted.
  for (let i = 0; i < 1000; i++) engine.push(at(T0, 'warm:' + i));
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let k = 0; k < perGroup; k++) for (let g = 0; g < groups; g++) engine.push(at(T0 + k, ids[g]));
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  const live = engine.metrics().liveGroups - 1000;
  return { type, groups: live, perGroup, keepEvents, bytesPerGroup: Math.round((after - before) / live) };
}

const rows = [];
for (const type of ['event_count', 'value_count', 'value_sum', 'temporal', 'value_median']) {
  const one = measure(type, 100_000, 1, 0);
  const many = measure(type, 20_000, 101, 0);
  rows.push({ ...one, perEvent: Math.round(((many.bytesPerGroup - one.bytesPerGroup) / 100) * 10) / 10 });
}
const withRefs = measure('event_count', 50_000, 10, 10);
console.table(rows);
console.log(
  'event_count, 10 events per group kept as evidence (refs to one shared message):',
  withRefs.bytesPerGroup,
  'B/group',
);
