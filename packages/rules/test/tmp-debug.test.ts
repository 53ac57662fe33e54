import { it } from 'vitest';
import { Engine, createDecoder, DecodeError, type NightjarEvent } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';
import { readFileSync } from 'node:fs';
it('dbg', async () => {
  const rs = await loadRules(['/work/hosts/rules']);
  const f = '/work/hosts/fixtures/meterpreter-session.jsonl';
  const d = createDecoder({ source: f, eventTypes: rs.requiredEventTypes() });
  const evs: NightjarEvent[] = [];
  readFileSync(f, 'utf8').split('\n').forEach((l, i) => { if (l) { const r = d.decode(l, i + 1, 0); if (!(r instanceof DecodeError)) evs.push(r); } });
  const e = new Engine(rs);
  const half = evs.length >> 1;
  for (const ev of evs.slice(0, half)) e.push(ev);
  const snap = e.snapshot();
  console.log('hosts', snap.hosts.length, snap.hosts.map((h) => [h.host, h.lineage?.nodes.length, Object.keys(h.correlations)]));
  const e2 = new Engine(rs);
  let n = 0;
  for (const ev of evs.slice(half)) for (const a of e2.push(ev)) { n++; console.log(a.rule.id, a.lineage.length, a.lineage_complete); }
  const e3 = new Engine(rs); for (const ev of evs.slice(0, half)) e3.push(ev);
  for (const ev of evs.slice(half)) for (const a of e3.push(ev)) { console.log('U', a.rule.id, a.lineage.length, a.lineage_complete); }
  console.log(n, JSON.stringify(snap).length);
});
