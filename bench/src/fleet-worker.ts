/**
 * A fleet worker for the fleet rows (bench/src/fleet.ts): connects and loads the rules, prints
 * `ready`, starts consuming on `go`, and on `stop` stops and prints the CPU time it used since `go`.
 */
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { FleetWorker } from '@nightjar/fleet';
import { bundledRulesDir, loadRules } from '@nightjar/rules';

const nc = await connect({ servers: process.argv[2]! });
const ruleset = await loadRules([bundledRulesDir()]);
let worker: FleetWorker | undefined;
let cpu0 = process.cpuUsage();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'go') {
    cpu0 = process.cpuUsage();
    worker = await FleetWorker.start(nc, {
      ruleset,
      id: `bench-${process.pid}`,
      ...(process.env.NJ_BENCH_LOG ? { log: (m: string) => process.stderr.write(`${m}\n`) } : {}),
    });
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
