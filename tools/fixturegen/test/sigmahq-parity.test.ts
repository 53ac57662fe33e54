import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine, type Alert } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';
import { openReplay } from '@nightjar/sources';
import { SIGMAHQ_EXCEPTIONS } from '../src/sigmahq-exceptions.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixtures = join(root, 'fixtures');
// SigmaHQ's rules live outside the repository; the check skips visibly without them.
const sigmaRoot = resolve(root, '../shared/corpus/sigmahq-macos');
const sigmaDir = join(sigmaRoot, 'rules/macos');
// All of SigmaHQ's macOS rules: the main set plus the emerging-threats and threat-hunting ones.
const sigmaDirs = ['rules/macos', 'rules-emerging-threats', 'rules-threat-hunting']
  .map((d) => join(sigmaRoot, d))
  .filter((d) => existsSync(d));

async function scan(rs: Awaited<ReturnType<typeof loadRules>>, file: string): Promise<Alert[]> {
  const engine = new Engine(rs);
  const out: Alert[] = [];
  for await (const b of openReplay([file], { eventTypes: rs.requiredEventTypes() }))
    for (const ev of b.events) out.push(...engine.push(ev));
  out.push(...engine.flush());
  return out;
}

describe.skipIf(!existsSync(sigmaDir))(`SigmaHQ parity on every committed trace (needs ${sigmaDir})`, () => {
  it('every SigmaHQ macOS alert is matched by a shipped alert (same event, same process, or a process it started), or listed with a reason', async () => {
    const ours = await loadRules([join(root, 'rules')]);
    const sigma = await loadRules(sigmaDirs);
    const traces = [
      ...readdirSync(fixtures).filter((f) => /\.jsonl(\.gz)?$/.test(f)),
      ...readdirSync(join(fixtures, 'atomics'))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => `atomics/${f}`),
    ].sort();
    const unmatched: string[] = [];
    const used = new Set<string>();
    for (const t of traces) {
      const file = join(fixtures, t);
      const mine = await scan(ours, file);
      const events = new Set(
        mine.flatMap((a) => a.events.map((e) => (e as { global_seq_num?: number }).global_seq_num)),
      );
      // exec keeps the pid: a shell that execs sudo, which starts the tool we alert on, shares it.
      const pids = new Set(mine.flatMap((a) => [a.process.pid, ...a.lineage.map((l) => l.pid)]));
      for (const a of await scan(sigma, file)) {
        const matched =
          a.events.some((e) => events.has((e as { global_seq_num?: number }).global_seq_num)) ||
          pids.has(a.process.pid);
        if (matched) continue;
        const ex = SIGMAHQ_EXCEPTIONS.find((x) => x.id === a.rule.id && (!x.traces || x.traces.includes(t)));
        if (ex) used.add(ex.id);
        else
          unmatched.push(
            `${t}: ${a.rule.title} (${a.rule.id}) on ${a.process.path} ${(a.process.args ?? []).join(' ').slice(0, 80)}`,
          );
      }
    }
    expect(unmatched).toEqual([]);
    // An exception nothing needs any more is stale.
    expect(SIGMAHQ_EXCEPTIONS.filter((x) => !used.has(x.id)).map((x) => x.title)).toEqual([]);
  }, 300_000);
});
