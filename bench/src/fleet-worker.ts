/**
 * A fleet worker for the fleet rows (bench/src/fleet.ts): connects and loads the rules, prints
 * `ready`, starts on `go` and prints `consuming` when its first partition's consumer is reading
 * (after start-up: joining the worker set and taking partitions); on `stop` it stops and prints the
 * CPU time it used since `consuming`.
 */
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { FleetWorker } from '@nightjar/fleet';
import { bundledRulesDir, loadRules } from '@nightjar/rules';
import { createDecoder, Engine } from '@nightjar/core';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const nc = await connect({ servers: process.argv[2]! });
const ruleset = await loadRules([bundledRulesDir()]);
// The in-process baseline runs in the bench process, its engine code long since optimised; warm
// this process the same way (the same rules over fixture lines, outside NATS and the timing), so
// the rows compare steady states rather than one JIT warm-up per worker process.
{
  const lines = gunzipSync(readFileSync(join(ROOT, 'fixtures/benign-baseline.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(0, 20_000);
  const engine = new Engine(ruleset);
  const decoder = createDecoder({ source: 'warm-up', eventTypes: engine.requiredEventTypes() });
  lines.forEach((l, i) => {
    const ev = decoder.decode(l, i + 1, 0);
    if ('msg' in ev) engine.push(ev);
  });
}
let worker: FleetWorker | undefined;
let cpu0 = process.cpuUsage();
let consuming = false;
const log = (m: string): void => {
  // The partition runner's first line: restored, consumer created, reading from here on.
  if (!consuming && /partition \d+: epoch \d+/.test(m)) {
    consuming = true;
    cpu0 = process.cpuUsage();
    process.stdout.write('consuming\n');
  }
  if (process.env.NJ_BENCH_LOG) process.stderr.write(`${m}\n`);
};
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'go') {
    worker = await FleetWorker.start(nc, { ruleset, id: `bench-${process.pid}`, log });
  } else if (line === 'stop') {
    const events = (await worker?.status())?.events ?? 0;
    const u = process.cpuUsage(cpu0);
    await worker?.stop();
    process.stdout.write(`${JSON.stringify({ cpuMs: (u.user + u.system) / 1000, events })}\n`);
    break;
  }
}
await nc.close();
// stdin (the command pipe) would keep the process alive.
process.exit(0);
