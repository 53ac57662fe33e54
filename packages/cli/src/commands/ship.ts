/**
 * `nightjar ship --nats URL --host-id ID [capture|-]`: the agent of fleet mode. Sends eslogger
 * lines (a capture, stdin, or without an input the live source) to the fleet's NATS server.
 */
import { createReadStream } from 'node:fs';
import { Engine } from '@nightjar/core';
import { openLiveSource } from '@nightjar/sources';
import { Shipper, checkHostId, shipLines, shipLive } from '@nightjar/fleet';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, UsageError } from '../io.js';
import {
  CliError,
  type CommandSpec,
  checkInputs,
  loadRuleSetOrFail,
  parseCommand,
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';
import { connectOrFail, durationMs } from './fleet.js';

export const HELP = `Usage: nightjar ship --nats <url> --host-id <id> [capture|-] [options]

Send this host's Endpoint Security events to a Nightjar fleet (NATS JetStream): eslogger JSON lines
from a capture file, from stdin ('-'), or without an input from the live source. Lines go in
deflated frames of up to 64 lines or 50 ms; a frame the server refuses waits in the spool folder
and is re-sent with the same id, so the fleet stores it once.

Options:
      --nats <url>             NATS server of the fleet
      --host-id <id>           this host's id: letters, digits, _ and - (a '.' is not allowed)
  -r, --rules <path>           send only the event types these rules need (repeatable; default: the
                               bundled ruleset; --all-types sends everything)
      --all-types              do not filter event types
      --spool <dir>            spool folder for frames the server refuses (default: none, they are lost
                               and reported to the fleet as a transport gap)
      --spool-max <MiB>        spool size bound (default 64)
      --backfill-interval <t>  live source: process table every <t> (default 10m)
  -q, --quiet                  no summary on stderr
  -h, --help                   show this help

Exit codes: 0 everything sent · 1 lines were lost (spool full or absent) · 2 usage, server unreachable
`;

export const SPEC: CommandSpec = {
  name: 'ship',
  help: HELP,
  options: {
    nats: { type: 'string' },
    'host-id': { type: 'string' },
    rules: SHARED_OPTIONS.rules,
    'all-types': { type: 'boolean' },
    spool: { type: 'string' },
    'spool-max': { type: 'string' },
    'backfill-interval': { type: 'string' },
    quiet: SHARED_OPTIONS.quiet,
  },
  positionals: { min: 0 },
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const v = args.values;
  if (typeof v['host-id'] !== 'string')
    throw new UsageError(`--host-id <id> is required\nRun 'nightjar ship --help' for usage.`);
  let host: string;
  try {
    host = checkHostId(v['host-id']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (args.positionals.length > 1) throw new UsageError('ship takes one input (a capture file or -)');
  const inputs = args.positionals.length === 1 ? checkInputs(args.positionals, io) : [];
  const spoolMax = v['spool-max'] === undefined ? 64 : Number(v['spool-max']);
  if (!(spoolMax > 0))
    throw new UsageError(`--spool-max: expected a positive number of MiB, got '${String(v['spool-max'])}'`);
  const eventTypes =
    v['all-types'] === true ? null : new Engine(await loadRuleSetOrFail(resolveRulePaths(v, io))).requiredEventTypes();
  const nc = await connectOrFail(v.nats, 'ship');
  const shipper = new Shipper(nc, {
    host,
    eventTypes,
    ...(typeof v.spool === 'string' ? { spoolDir: v.spool, spoolMaxBytes: spoolMax * (1 << 20) } : {}),
  });
  const stop = new AbortController();
  const unregister = io.onInterrupt?.(() => stop.abort());
  try {
    if (inputs.length === 1) {
      await shipLines(shipper, inputs[0] === '-' ? io.stdin : createReadStream(inputs[0]!), stop.signal);
    } else {
      const source = openLiveSource({ eventTypes: eventTypes ?? [] });
      stop.signal.addEventListener('abort', () => void source.stop(), { once: true });
      await shipLive(shipper, source, {
        backfillIntervalMs: durationMs(v['backfill-interval'], '--backfill-interval', 600_000),
      });
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('NJ_CLI_INPUT', `cannot read input: ${err instanceof Error ? err.message : String(err)}`, [], {
      cause: err,
    });
  } finally {
    unregister?.();
    await nc.drain();
  }
  const s = shipper.stats();
  if (v.quiet !== true) {
    io.stderr.write(
      `nightjar ship: ${host} session ${shipper.session}: ${s.lines} lines read, ${s.filtered} filtered out, ${s.frames} frames sent (${s.duplicates} already stored), ${shipper.spooled} waiting in the spool, ${s.dropped} lines lost\n`,
    );
  }
  return s.dropped > 0 || shipper.spooled > 0 ? EXIT_FINDINGS : EXIT_OK;
}
