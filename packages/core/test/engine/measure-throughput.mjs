// Rough engine throughput on pre-decoded events (not a unit test; figures depend on the machine).
// Run: npx tsc -b packages/core && node packages/core/test/engine/measure-throughput.mjs
import { Engine, eventFromMessage, formatTimeUs } from '../../dist/index.js';

const T0 = 1_750_000_000_000_000;
const types = [
  ['open', 10],
  ['write', 33],
  ['exec', 9],
  ['close', 12],
  ['fcntl', 92],
];
const events = [];
for (let i = 0; i < 200_000; i++) {
  const [name, type] = types[i % types.length];
  const pid = 100 + (i % 500);
  const proc = {
    audit_token: { auid: 0, euid: 0, egid: 0, ruid: 0, rgid: 0, pid, asid: 0, pidversion: 1 },
    ppid: 1,
    executable: { path: `/usr/bin/p${pid}` },
  };
  const payload =
    name === 'exec'
      ? { target: proc, args: ['p', String(i)] }
      : { file: { path: `/tmp/f${i % 97}` }, target: { path: `/tmp/f${i % 97}` } };
  const ev = eventFromMessage({
    version: 8,
    time: formatTimeUs(T0 + i * 100),
    event_type: type,
    seq_num: Math.floor(i / types.length),
    process: proc,
    event: { [name]: payload },
  });
  events.push(ev);
}
const path = (e) => e.msg.event[e.name]?.file?.path ?? e.msg.event[e.name]?.target?.path;
const rules = [];
for (let r = 0; r < 300; r++) {
  const [name] = types[r % types.length];
  const needle = `/tmp/f${r % 120}`;
  rules.push({
    kind: 'detection',
    id: `r${r}`,
    title: `r${r}`,
    level: 'low',
    tags: [],
    source: { file: 'x', line: 1, col: 1 },
    eventTypes: [name],
    match: (e) => {
      const p = path(e);
      return typeof p === 'string' && p.endsWith(needle) && p.length > 100;
    },
    usesLineage: false,
    generate: true,
  });
}
rules.push({
  kind: 'detection',
  id: 'w',
  title: 'w',
  level: 'low',
  tags: [],
  source: { file: 'x', line: 1, col: 1 },
  eventTypes: ['write'],
  match: () => true,
  usesLineage: false,
  generate: false,
});
rules.push({
  kind: 'detection',
  id: 'o',
  title: 'o',
  level: 'low',
  tags: [],
  source: { file: 'x', line: 1, col: 1 },
  eventTypes: ['open'],
  match: () => true,
  usesLineage: false,
  generate: false,
});
rules.push({
  kind: 'detection',
  id: 'f',
  title: 'f',
  level: 'low',
  tags: [],
  source: { file: 'x', line: 1, col: 1 },
  eventTypes: ['fcntl'],
  match: () => true,
  usesLineage: false,
  generate: false,
});
const gb = [{ name: 'process.entity_id', default: (e) => e.entityId, byRule: new Map() }];
const corrs = [];
for (let c = 0; c < 20; c++) {
  const base = {
    kind: 'correlation',
    id: `c${c}`,
    title: `c${c}`,
    level: 'high',
    tags: [],
    source: { file: 'c', line: 1, col: 1 },
    groupBy: gb,
    timespanUs: 5_000_000,
    generate: true,
  };
  corrs.push(
    c % 2 === 0
      ? { ...base, type: 'event_count', rules: ['w'], condition: [{ op: 'gte', value: 200 }] }
      : { ...base, type: 'temporal_ordered', rules: ['o', 'f'], condition: [] },
  );
}
const rs = { rules, correlations: corrs, requiredEventTypes: () => types.map((t) => t[0]) };
for (const lineage of [false, {}]) {
  const engine = new Engine(rs, { lineage });
  let alerts = 0;
  for (const e of events.slice(0, 20_000)) alerts += engine.push(e).length; // warm-up
  const e2 = new Engine(rs, { lineage });
  const t = performance.now();
  for (let pass = 0; pass < 1; pass++) for (const e of events) alerts += e2.push(e).length;
  const ms = performance.now() - t;
  console.log(
    `lineage ${lineage === false ? 'off' : 'on '}: ${Math.round(events.length / (ms / 1000)).toLocaleString()} events/s, ${rules.length} rules, ${corrs.length} correlations, alerts ${e2.metrics().alerts.c0 ?? 0} (c0) ${e2.metrics().alerts.c1 ?? 0} (c1), groups ${e2.metrics().liveGroups}`,
  );
}
