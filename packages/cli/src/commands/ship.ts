/**
 * `nightjar ship --nats URL --host-id ID [capture|-]`: the agent of fleet mode. Sends eslogger
 * lines (a capture, stdin, or without an input the live source) to the fleet's NATS server.
 */
import { createReadStream } from 'node:fs';
import { ALL_EVENT_TYPES, Engine } from '@nightjar/core';
import { LIVE_BACKENDS, type LiveBackend, defaultBackend, openLiveSource } from '@nightjar/sources';
import { Shipper, checkHostId, shipLines, shipLive } from '@nightjar/fleet';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, inputReadError, UsageError } from '../io.js';
import {
  CliError,
  commandHelp,
  type CommandSpec,
  checkInputs,
  loadRuleSetOrFail,
  parseCommand,
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';
import { connectOrFail, durationMs } from './fleet.js';

export const SPEC: CommandSpec = {
  name: 'ship',
  usage: '--nats <url> --host-id <id> [capture|-] [options]',
  description: `Send this host's Endpoint Security events to a Nightjar fleet (NATS JetStream): eslogger JSON lines
from a capture file, from stdin ('-'), or without an input from the live source. Lines go in deflated
frames of up to 64 lines or 50 ms; a frame the server refuses waits in the spool folder and is
re-sent with the same id, so the fleet stores it once.`,
  arguments: [['capture|-', 'eslogger JSON lines (a file, or - for stdin); none: the live source']],
  options: {
    nats: { type: 'string', arg: '<url>', help: 'NATS server of the fleet' },
    'host-id': { type: 'string', arg: '<id>', help: "this host's id: letters, digits, _ and - (no '.')" },
    rules: {
      ...SHARED_OPTIONS.rules,
      help: 'send only the event types these rules need (repeatable; default: the bundled ruleset)',
    },
    'all-types': { type: 'boolean', help: 'do not filter event types' },
    spool: {
      type: 'string',
      arg: '<dir>',
      help: 'spool folder for frames the server refuses (default: none; they are lost and reported to the fleet as a transport gap)',
    },
    'spool-max': { type: 'string', arg: '<MiB>', help: 'spool size bound (default 64)' },
    backend: {
      type: 'string',
      arg: '<name>',
      help: `live source: es | eslogger | linux (default: ${defaultBackend()} here)`,
    },
    'backfill-interval': {
      type: 'string',
      arg: '<t>',
      help: 'live source: send the process table every <t> (default 10m)',
    },
    quiet: { ...SHARED_OPTIONS.quiet, help: 'no summary on stderr' },
  },
  positionals: { min: 0 },
  exitCodes: '0 everything sent · 1 lines were lost (spool full or absent) · 2 usage, server unreachable',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
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
  const backendArg = v.backend;
  if (backendArg !== undefined && !LIVE_BACKENDS.includes(backendArg as LiveBackend))
    throw new UsageError(`unknown --backend '${String(backendArg)}' (expected one of: ${LIVE_BACKENDS.join(', ')})`);
  if (backendArg !== undefined && args.positionals.length === 1)
    throw new UsageError('--backend chooses the live source: ship a capture file or stdin without it');
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
      const source = openLiveSource({
        backend: (backendArg as LiveBackend | undefined) ?? defaultBackend(),
        // --all-types: every NOTIFY type (a backend names the ones it cannot observe, and the es
        // client subscribes only what the running macOS has).
        eventTypes: eventTypes ?? ALL_EVENT_TYPES.filter((t) => t.kind === 'notify').map((t) => t.name),
        env: io.env,
      });
      stop.signal.addEventListener('abort', () => void source.stop(), { once: true });
      await shipLive(shipper, source, {
        backfillIntervalMs: durationMs(v['backfill-interval'], '--backfill-interval', 600_000),
      });
    }
  } catch (err) {
    throw err instanceof CliError ? err : inputReadError(err);
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
