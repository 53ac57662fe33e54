/**
 * Run by the bench in a child process of its own (`node --expose-gc bench/dist/rss.js <groups> <procs>`),
 * so the RSS it prints is one engine holding `groups` correlation groups and `procs` lineage entries,
 * plus node itself — not the bench's captures and decoded events. Prints `{"rss":…,"baseline":…,"young":…}`:
 * the RSS after the run, the RSS of the same process before the engine was built, and the
 * resident size of V8's young generation after the run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { loadRules } from '@nightjar/rules';
import { memoryAtScale, useRealProcesses } from './memory.js';
import { realProcesses } from './real-processes.js';
import { heapUsed } from './measure.js';

const groups = Number(process.argv[2] ?? 100_000);
const procs = Number(process.argv[3] ?? 65_536);
useRealProcesses(realProcesses(resolve(dirname(fileURLToPath(import.meta.url)), '../..')));
const dir = mkdtempSync(join(tmpdir(), 'nightjar-rss-'));
try {
  heapUsed();
  const baseline = process.memoryUsage().rss;
  const rss = await memoryAtScale(groups, procs, async (name, yaml) => {
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, yaml);
    return { ruleset: await loadRules([file]), loadMs: 0 };
  });
  // Of the RSS, V8's young generation: grown while the engine filled (most of what it allocates
  // survives), and still resident, empty, right after.
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  process.stdout.write(`${JSON.stringify({ rss, baseline, young })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
