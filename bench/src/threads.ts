/**
 * The `scan --threads` rows: a merged capture of several hosts (each its own process world), scanned
 * from the file by the threaded scan, against read+split+JSON.parse of the same file on one thread
 * and the single-threaded scan, timed alternately by the wall clock (threads run in parallel, so CPU
 * time would hide exactly what they buy). The threaded passes include starting the workers and
 * loading their rules, as `nightjar scan --threads N` pays them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { CompiledRuleSet } from '@nightjar/core';
import { openThreadedScan } from '@nightjar/sources';
import { CaptureStream, type CaptureOptions } from './workload.js';
import { fromFile } from './from-file.js';

export interface ThreadsResult {
  readonly hosts: number;
  readonly lines: number;
  readonly cores: number;
  /** Median wall ms per pass. */
  readonly parseMs: number;
  readonly singleMs: number;
  readonly threadedMs: Map<number, number>;
  readonly single: { detection: number; correlation: number };
  readonly threaded: Map<number, { detection: number; correlation: number }>;
}

/** `lines` lines from `hosts` capture streams (different seeds), interleaved at random; each line names its host Jamf's way. */
export function multiHostLines(lines: number, hosts: number, opts: CaptureOptions): string[] {
  const streams = Array.from({ length: hosts }, (_, i) => new CaptureStream(1000 + i, { ...opts, liveProcesses: 500 }));
  const tags = Array.from({ length: hosts }, (_, i) => `,"host":{"hostname":"mac-${String(i).padStart(2, '0')}"}}`);
  let x = 12345;
  const out: string[] = [];
  for (let n = 0; n < lines; n++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const h = x % hosts;
    const l = streams[h]!.next();
    out.push(l.slice(0, -1) + tags[h]!);
  }
  return out;
}

export async function threadsBench(
  dir: string,
  lines: readonly string[],
  hosts: number,
  rulesFile: string,
  ruleset: CompiledRuleSet,
  runs: number,
  warmup: number,
  threadCounts: readonly number[],
): Promise<ThreadsResult> {
  const file = join(dir, 'hosts.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  const rulesModule = join(dir, 'threads-rules.mjs');
  const rulesUrl = import.meta.resolve('@nightjar/rules');
  writeFileSync(
    rulesModule,
    `import { loadRules } from ${JSON.stringify(rulesUrl)};\nexport default (f) => loadRules([f]);\n`,
  );

  const wall = () => Number(process.hrtime.bigint()) / 1e6;
  const parse: number[] = [];
  const single: number[] = [];
  const threaded = new Map<number, number[]>(threadCounts.map((n) => [n, []]));
  let singleAlerts = { detection: 0, correlation: 0 };
  const threadedAlerts = new Map<number, { detection: number; correlation: number }>();
  for (let i = 0; i < warmup + runs; i++) {
    let t = wall();
    fromFile.parse(file);
    if (i >= warmup) parse.push(wall() - t);
    t = wall();
    singleAlerts = fromFile.scan(file, ruleset, true);
    if (i >= warmup) single.push(wall() - t);
    for (const n of threadCounts) {
      t = wall();
      const counts = { detection: 0, correlation: 0 };
      const scan = openThreadedScan([file], { threads: n, rules: { module: rulesModule, args: rulesFile } });
      for await (const b of scan)
        for (const a of b.alerts) counts[a.rule.kind === 'correlation' ? 'correlation' : 'detection']++;
      if (i >= warmup) threaded.get(n)!.push(wall() - t);
      threadedAlerts.set(n, counts);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    hosts,
    lines: lines.length,
    cores: availableParallelism(),
    parseMs: median(parse),
    singleMs: median(single),
    threadedMs: new Map([...threaded].map(([n, xs]) => [n, median(xs)])),
    single: singleAlerts,
    threaded: threadedAlerts,
  };
}
