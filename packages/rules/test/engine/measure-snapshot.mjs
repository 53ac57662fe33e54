// Engine snapshot size per host on the committed fixtures, with the shipped rules (not a unit test).
// Run: npx tsc -b && node packages/rules/test/engine/measure-snapshot.mjs
// For each trace: the snapshot's JSON size at the trace's middle and at its end (before flush),
// with its lineage processes, correlation groups and evidence messages, and how long snapshot() +
// JSON.stringify and JSON.parse + restore() take.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DecodeError, Engine, createDecoder } from '../../../core/dist/index.js';
import { loadRules } from '../../dist/index.js';

const root = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const fixtures = join(root, 'fixtures');
const ruleset = await loadRules([join(root, 'rules')]);

function events(file) {
  const buf = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  const d = createDecoder({ source: file, eventTypes: ruleset.requiredEventTypes() });
  const out = [];
  text.split('\n').forEach((l, i) => {
    if (l === '') return;
    const r = d.decode(l, i + 1, 0);
    if (!(r instanceof DecodeError)) out.push(r);
  });
  return out;
}

function measure(engine) {
  let t = performance.now();
  const json = JSON.stringify(engine.snapshot());
  const writeMs = performance.now() - t;
  t = performance.now();
  new Engine(ruleset).restore(JSON.parse(json));
  const readMs = performance.now() - t;
  const s = JSON.parse(json);
  const h = s.hosts[0] ?? { lineage: { nodes: [] }, correlations: {}, messages: [] };
  const groups = Object.values(h.correlations).reduce((n, c) => n + c.groups.length, 0);
  return `${(json.length / 1024).toFixed(1).padStart(7)} KB  ${String(h.lineage?.nodes.length ?? 0).padStart(5)} procs ${String(groups).padStart(4)} groups ${String(h.messages.length).padStart(4)} msgs  ${writeMs.toFixed(1)}/${readMs.toFixed(1)} ms`;
}

const files = readdirSync(fixtures)
  .filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz'))
  .map((f) => join(fixtures, f));
console.log('trace (events)                          middle                                            end');
for (const f of files) {
  const evs = events(f);
  const engine = new Engine(ruleset);
  const half = evs.length >> 1;
  for (const e of evs.slice(0, half)) engine.push(e);
  const mid = measure(engine);
  for (const e of evs.slice(half)) engine.push(e);
  const end = measure(engine);
  console.log(`${f.slice(fixtures.length + 1).padEnd(30)} ${String(evs.length).padStart(6)}  ${mid}   ${end}`);
}
