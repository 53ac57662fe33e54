/**
 * `nightjar fleet --nats URL`: a fleet worker (see @nightjar/fleet). `--init` sets the server up
 * instead and prints the mapping line its config file needs.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { parseTimespan } from '@nightjar/rules';
import { FleetWorker, crashHookFromEnv, formatStatus, initFleet } from '@nightjar/fleet';
import { type CliIO, EXIT_OK, UsageError } from '../io.js';
import {
  CliError,
  commandHelp,
  type CommandSpec,
  loadRuleSetOrFail,
  parseCommand,
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';

export const SPEC: CommandSpec = {
  name: 'fleet',
  usage: '--nats <url> [options]',
  description: `A detection worker of a fleet on NATS JetStream: takes its share of the event partitions, runs the
rules with one engine per host and stores each alert once in the NJ_ALERTS stream. Run as many as
needed; they share the partitions and take over from each other. Stops cleanly on SIGTERM or Ctrl-C
after committing what it processed.`,
  options: {
    nats: { type: 'string', arg: '<url>', help: 'NATS server (e.g. nats://127.0.0.1:4222)' },
    rules: SHARED_OPTIONS.rules,
    id: { type: 'string', arg: '<name>', help: 'worker id (default <hostname>-<pid>)' },
    'snapshot-interval': {
      type: 'string',
      arg: '<t>',
      help: 'engine snapshot cadence per partition, e.g. 30s (default 30s); a replacement worker replays only what came after the last snapshot',
    },
    'status-interval': { type: 'string', arg: '<t>', help: 'status line cadence on stderr (default 10s; 0 = none)' },
    init: { type: 'boolean', help: 'create the streams and buckets, print the server config line, exit' },
    partitions: {
      type: 'string',
      arg: '<n>',
      help: 'with --init: number of partitions (default 16, fixed afterwards)',
    },
    lease: { type: 'string', arg: '<t>', help: 'with --init: lease time of a partition, e.g. 10s (default 10s)' },
    quiet: { ...SHARED_OPTIONS.quiet, help: 'no status lines' },
  },
  notes: `The status line: worker id, hosts, partitions owned, lag (frames stored but not yet committed),
events, alerts stored and duplicates the stream dropped.`,
  exitCodes: '0 stopped cleanly (or --init done) · 2 usage, bad rules, server unreachable or not set up',
};

/** `10s`, `2m` → ms; a plain number is seconds. */
export function durationMs(v: unknown, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw new UsageError(`${flag}: expected a duration such as 10s`);
  const text = v;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const t = parseTimespan(text);
  if ('error' in t) throw new UsageError(`${flag}: ${t.error}`);
  return t.us / 1000;
}

export async function connectOrFail(url: unknown, command: string): Promise<NatsConnection> {
  if (typeof url !== 'string' || url === '')
    throw new UsageError(`--nats <url> is required\nRun 'nightjar ${command} --help' for usage.`);
  try {
    return await connect({ servers: url, name: `nightjar ${command}`, maxReconnectAttempts: -1 });
  } catch (err) {
    throw new CliError(
      'NJ_CLI_NATS',
      `cannot connect to ${url}: ${err instanceof Error ? err.message : String(err)}`,
      [],
      { cause: err },
    );
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const v = args.values;
  const quiet = v.quiet === true;
  if (v.init === true) {
    const partitions = v.partitions === undefined ? 16 : Number(v.partitions);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024)
      throw new UsageError(`--partitions: expected an integer 1-1024, got '${String(v.partitions)}'`);
    const leaseMs = durationMs(v.lease, '--lease', 10_000);
    const nc = await connectOrFail(v.nats, 'fleet');
    try {
      const layout = await initFleet(nc, { partitions, leaseMs });
      io.stdout.write(`${layout.mapping}\n`);
      if (!quiet)
        io.stderr.write(
          `nightjar fleet: streams and buckets ready (${partitions} partitions, lease ${leaseMs} ms); add the line above to the server's config file and reload it\n`,
        );
    } finally {
      await nc.close();
    }
    return EXIT_OK;
  }
  for (const f of ['partitions', 'lease'] as const)
    if (v[f] !== undefined) throw new UsageError(`--${f} only applies with --init`);
  const ruleset = await loadRuleSetOrFail(resolveRulePaths(v, io));
  const statusMs = durationMs(v['status-interval'], '--status-interval', 10_000);
  const nc = await connectOrFail(v.nats, 'fleet');
  const log = quiet ? undefined : (m: string) => io.stderr.write(`nightjar fleet: ${m}\n`);
  const hook = crashHookFromEnv(nc, io.env);
  const worker = await FleetWorker.start(nc, {
    ruleset,
    snapshotIntervalMs: durationMs(v['snapshot-interval'], '--snapshot-interval', 30_000),
    ...(typeof v.id === 'string' ? { id: v.id } : {}),
    ...(log !== undefined ? { log } : {}),
    ...(hook !== undefined ? { afterAlertStored: hook } : {}),
  });
  const timer =
    !quiet && statusMs > 0
      ? setInterval(() => void worker.status().then((s) => io.stderr.write(`${formatStatus(s)}\n`)), statusMs)
      : undefined;
  await new Promise<void>((resolve) => {
    const unregister = io.onInterrupt?.(() => resolve());
    // A service manager stops workers with SIGTERM: the same clean stop as Ctrl-C.
    process.once('SIGTERM', () => {
      unregister?.();
      resolve();
    });
  });
  if (timer !== undefined) clearInterval(timer);
  await worker.stop();
  if (!quiet) io.stderr.write(`${formatStatus(await worker.status())}\nnightjar fleet: stopped after committing\n`);
  await nc.drain();
  return EXIT_OK;
}
