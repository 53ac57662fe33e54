/**
 * `nightjar watch`: live detection from a local event source (eslogger on macOS, the native Linux
 * backend, or the native ES client). Alerts → stdout or --output; a status line, diagnostics and the
 * final summary → stderr. Ctrl-C stops the source cleanly, then the summary is printed.
 */
import { count } from '@nightjar/ruletools';
import { ALL_EVENT_TYPES, type Diagnostic, Engine, eventTypeByName } from '@nightjar/core';
import {
  LIVE_BACKENDS,
  type LiveBackend,
  type LiveSource,
  type LiveSourceOptions,
  type LiveMuting,
  SourceError,
  type SourceStats,
  defaultBackend,
  openLiveSource,
} from '@nightjar/sources';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
import { Detector, readAll, reportDiagnostics } from '../detect/loop.js';
import { RuleReloader } from '../detect/reload.js';
import { run as runShip } from './ship.js';
import { chooseMapping, mappingOption } from '../mapping.js';
import { didYouMean, type LoadOptions } from '@nightjar/rules';
import {
  CliError,
  colorEnabled,
  commandHelp,
  type CommandSpec,
  loadRuleSetOrFail,
  resolveRulePaths,
  openOutput,
  parseByteSize,
  parseCommand,
  reportFatal,
  SHARED_OPTIONS,
} from '../options.js';
import { type AlertFormat, alertWriter } from '../output/alerts.js';
import { palette } from '../output/color.js';
import { CappedReporter, type LineProblem, formatDiagnosticLine, formatLineProblem } from '../output/problems.js';
import { formatSummary } from '../output/summary.js';
import { countsFromMetrics, missingEvents } from '../output/tally.js';

const FORMATS = ['pretty', 'jsonl'] as const;
type WatchFormat = (typeof FORMATS)[number];

export const SPEC: CommandSpec<WatchFormat> = {
  name: 'watch',
  usage: '[options]',
  description: `Live detection: subscribes to exactly the ES event types the rules need and prints alerts as they
happen. Stop with Ctrl-C (a summary follows).`,
  formats: FORMATS,
  formatDefault: 'pretty on a terminal, jsonl otherwise',
  options: {
    rules: SHARED_OPTIONS.rules,
    mapping: SHARED_OPTIONS.mapping,
    backend: {
      type: 'string',
      arg: '<name>',
      help: `es | eslogger | linux (default: ${defaultBackend()} here; eslogger on macOS, linux on Linux). eslogger and linux need root.`,
    },
    format: SHARED_OPTIONS.format,
    output: { ...SHARED_OPTIONS.output, help: 'write alerts to a file instead of stdout' },
    'status-interval': {
      type: 'string',
      arg: '<sec>',
      help: 'seconds between status lines on stderr (default 10; 0: none)',
    },
    duration: { type: 'string', arg: '<sec>', help: 'stop by itself after this many seconds (scripted runs)' },
    'max-problems': {
      type: 'string',
      arg: '<n>',
      help: 'print at most n malformed events / diagnostics (default 20)',
    },
    quiet: { ...SHARED_OPTIONS.quiet, help: 'no status line and no summary' },
    ship: {
      type: 'string',
      arg: '<nats-url>',
      help: "send the events to a Nightjar fleet instead of detecting here (what 'nightjar ship --nats <url>' does with a live source; needs --host-id)",
    },
    'host-id': { type: 'string', arg: '<id>', help: "with --ship: this host's id (letters, digits, _ and -)" },
    'watch-rules': {
      type: 'boolean',
      help: 'reload the rules when a file under --rules changes (SIGHUP always reloads them)',
    },
    'mute-path': {
      type: 'string',
      multiple: true,
      arg: '<exe>',
      help: 'no events from processes running this executable (repeatable; es, linux)',
    },
    'mute-path-prefix': {
      type: 'string',
      multiple: true,
      arg: '<dir>',
      help: 'no events from processes whose executable path starts with this (repeatable; es, linux)',
    },
    'mute-process': {
      type: 'string',
      multiple: true,
      arg: '<pid>',
      help: 'no events from this process (repeatable; linux, es: by its audit token, read at start)',
    },
    'mute-path-events': {
      type: 'string',
      multiple: true,
      arg: '<exe>=<types>',
      help: "es (macOS 12+): no events of these types from processes running this executable, e.g. '/usr/libexec/mds=open,close' (a trailing * makes the path a prefix; repeatable)",
    },
    'invert-muting': {
      type: 'boolean',
      help: 'report only the processes the mute flags match (their executables, or pids on linux)',
    },
    'es-clients': {
      type: 'string',
      arg: '<n>',
      help: 'es: split the event types over n ES clients (default 2: process events, the rest)',
    },
    strict: { type: 'boolean', help: 'es: an event type this macOS lacks stops watch (default: a warning)' },
    host: {
      type: 'string',
      arg: '<name>',
      help: 'the host name on every event and alert (e.g. \'--host "$(hostname)"\'; default: none)',
    },
    'max-line-bytes': {
      ...SHARED_OPTIONS['max-line-bytes'],
      help: 'eslogger: longest line read from eslogger, in bytes (suffix K, M or G: 1024-based; default 64M); a longer line is reported with its line and byte offset and skipped (the native backends write their own lines)',
    },
  },
  notes: `Rules reload on SIGHUP (and on file changes with --watch-rules) without stopping: process lineage,
sequence tracking and the windows of unchanged correlations are kept. Rules that do not load are
reported on stderr and the running rules stay.`,
  exitCodes:
    '0 stopped with no alerts, 1 alerts raised, 2 usage, bad rules, or a source that cannot start (not root, no Full Disk Access, backend not built).',
};

function seconds(v: unknown, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < 0) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- v is a parseArgs value (string, boolean or a list of them): String() is how the user typed it
    throw new UsageError(`${flag} expects a number of seconds >= 0, got '${String(v)}'`);
  }
  return n;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The events missing, counted once: the sequence gaps the engine saw, or what the source counted
 * (its own drops and the kernel's measured losses), whichever is larger (drops after the last
 * delivered event leave no gap). With an overflow of unknown size it is a lower bound: "at least".
 */
function lostText(st: SourceStats, gapMissing: number): string {
  const n = Math.max(gapMissing, st.drops + st.kernelLost);
  return st.kernelOverflows > 0 ? `at least ${fmt(n)}` : fmt(n);
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

const NOTIFY_NAMES = ALL_EVENT_TYPES.filter((t) => t.kind === 'notify').map((t) => t.name);

/** The muting, ES client and strictness flags, checked. */
function liveOptions(values: Record<string, unknown>): Pick<LiveSourceOptions, 'muting' | 'clients' | 'strict'> {
  const pids = list(values['mute-process']).map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`--mute-process expects a pid, got '${p}'`);
    return n;
  });
  const pathEvents = list(values['mute-path-events']).map((spec) => {
    const eq = spec.lastIndexOf('=');
    const path = eq > 0 ? spec.slice(0, eq) : '';
    const events =
      eq > 0
        ? spec
            .slice(eq + 1)
            .split(',')
            .map((t) => t.trim())
        : [];
    if (path === '' || path === '*' || events.length === 0 || events.some((t) => t === ''))
      throw new UsageError(
        `--mute-path-events expects <exe>=<type>[,<type>…], e.g. '/usr/libexec/mds=open,close', got '${spec}'`,
      );
    for (const t of events) {
      const info = eventTypeByName(t);
      if (info === undefined || info.kind !== 'notify')
        throw new UsageError(`--mute-path-events: '${t}' is not an ES NOTIFY event type${didYouMean(t, NOTIFY_NAMES)}`);
    }
    const prefix = path.endsWith('*');
    return { path: prefix ? path.slice(0, -1) : path, prefix, events };
  });
  const muting: LiveMuting = {
    paths: list(values['mute-path']),
    pathPrefixes: list(values['mute-path-prefix']),
    pids,
    ...(pathEvents.length > 0 ? { pathEvents } : {}),
    invert: values['invert-muting'] === true,
  };
  if (muting.invert && muting.paths!.length + muting.pathPrefixes!.length + pids.length === 0)
    throw new UsageError(
      '--invert-muting needs --mute-path, --mute-path-prefix or --mute-process (it would report nothing)',
    );
  let clients: number | undefined;
  const rawClients = values['es-clients'];
  if (typeof rawClients === 'string') {
    const raw = rawClients;
    clients = Number(raw);
    if (!/^\d+$/.test(raw) || clients < 1 || clients > 16)
      throw new UsageError(`--es-clients expects 1 to 16, got '${raw}'`);
  }
  return { muting, clients, strict: values.strict === true };
}

/** Options that shape local detection or the live source's muting, which a shipping agent does not do. */
const NOT_WITH_SHIP = [
  'status-interval',
  'format',
  'output',
  'mapping',
  'watch-rules',
  'mute-path',
  'mute-path-prefix',
  'mute-process',
  'mute-path-events',
  'max-problems',
  'duration',
];

/** `watch --ship <url>`: the live source's events go to the fleet (`nightjar ship` with that source). */
function shipInstead(v: Record<string, unknown>, io: CliIO): Promise<number> {
  const clash = NOT_WITH_SHIP.filter((k) => v[k] !== undefined && v[k] !== false);
  if (clash.length > 0)
    throw new UsageError(
      `--ship sends the events to the fleet, which detects there: ${clash.map((k) => `--${k}`).join(', ')} ${clash.length > 1 ? 'do' : 'does'} not apply`,
    );
  const argv = ['--nats', String(v.ship)];
  // String options of this command's table (parseArgs gives strings).
  if (typeof v['host-id'] === 'string') argv.push('--host-id', v['host-id']);
  if (typeof v.backend === 'string') argv.push('--backend', v.backend);
  for (const r of (v.rules as string[] | undefined) ?? []) argv.push('--rules', r);
  if (v.quiet === true) argv.push('--quiet');
  return runShip(argv, io);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  if (args.values.ship !== undefined) return shipInstead(args.values, io);
  if (args.values['host-id'] !== undefined) throw new UsageError('--host-id goes with --ship <nats-url>');
  const backendArg = args.values.backend;
  if (backendArg !== undefined && !LIVE_BACKENDS.includes(backendArg as LiveBackend)) {
    throw new UsageError(`unknown --backend '${String(backendArg)}' (expected one of: ${LIVE_BACKENDS.join(', ')})`);
  }
  const backend = (backendArg as LiveBackend | undefined) ?? defaultBackend();
  const statusEvery = seconds(args.values['status-interval'], '--status-interval', 10);
  const duration = seconds(args.values.duration, '--duration', 0);
  const live = liveOptions(args.values);
  const maxLineBytes = parseByteSize(args.values['max-line-bytes'], '--max-line-bytes');
  const host = args.values.host as string | undefined;
  if (host !== undefined && host.trim() === '') throw new UsageError("--host expects a host name, e.g. '--host mac-a'");
  if (maxLineBytes !== undefined && backend !== 'eslogger')
    throw new UsageError(
      `--max-line-bytes applies to the eslogger backend only (the ${backend} backend writes its own lines)`,
    );
  const cap = Math.floor(seconds(args.values['max-problems'], '--max-problems', 20));
  const quiet = args.values.quiet === true;
  const rulePaths = resolveRulePaths(args.values, io);
  // The field mapping is chosen once: a reload re-reads the rules with it.
  let loadOptions: LoadOptions;

  let ruleset;
  const loadStart = performance.now();
  try {
    loadOptions = mappingOption(chooseMapping(args.values, io, rulePaths));
    ruleset = await loadRuleSetOrFail(rulePaths, loadOptions);
  } catch (err) {
    if (err instanceof CliError) {
      reportFatal(io, 'watch', err);
      return EXIT_USAGE;
    }
    throw err;
  }
  const loadMs = performance.now() - loadStart;
  const engine = new Engine(ruleset, {});
  const eventTypes = engine.requiredEventTypes();

  let source: LiveSource;
  try {
    source = openLiveSource({ backend, eventTypes, env: io.env, ...live, maxLineBytes, host });
  } catch (err) {
    if (err instanceof SourceError) {
      reportFatal(
        io,
        'watch',
        new CliError(err.code, `the ${backend} source cannot start: ${err.message}`, [], { cause: err }),
      );
      return EXIT_USAGE;
    }
    throw err;
  }

  const sink = await openOutput(args.values.output as string | undefined, io);
  const format: AlertFormat = args.format ?? (sink.isTTY ? 'pretty' : 'jsonl');
  const writer = alertWriter(format, { color: colorEnabled(io.env, sink.isTTY), cwd: io.cwd });
  const errPal = palette(colorEnabled(io.env, io.stderr.isTTY));
  const status = (line: string) => io.stderr.write(`${line}\n`);
  const malformed = new CappedReporter<LineProblem>(cap, (p) =>
    status(errPal.yellow(formatLineProblem(p, p.source ?? backend))),
  );
  const diagReporter = new CappedReporter<Diagnostic>(cap, (d) => status(formatDiagnosticLine(d)));
  const noteDiagnostic = reportDiagnostics((d) => diagReporter.report(d));
  const detector = new Detector(engine, { sink, writer }, noteDiagnostic);

  // Live sources know the processes already running: seed the lineage with them.
  const lineage = engine.lineageOf(host);
  if (source.backfill && lineage) {
    try {
      lineage.backfill(source.backfill());
    } catch (err) {
      status(`nightjar watch: process backfill failed (${(err as Error).message}); lineage starts empty`);
    }
  }
  if (!quiet)
    status(
      `nightjar watch: ${backend} source, ${count(ruleset.rules.length + ruleset.correlations.length, 'rule')}, subscribed to ${eventTypes.join(' ')}`,
    );

  const started = performance.now();
  let lastTick = started;
  let lastEvents = 0;
  const statusLine = () => {
    const now = performance.now();
    const st = source.stats();
    const m = engine.metrics();
    const rate = ((st.events - lastEvents) * 1000) / Math.max(1, now - lastTick);
    lastTick = now;
    lastEvents = st.events;
    status(
      `[watch] ${fmt(st.events)} events (${fmt(rate)}/s) · queue ${fmt(st.queueDepth)} · missing ${lostText(st, missingEvents(m))} · alerts ${fmt(detector.alerts)}`,
    );
  };
  const timer = !quiet && statusEvery > 0 ? setInterval(statusLine, statusEvery * 1000) : undefined;
  timer?.unref?.();
  let interrupted: string | undefined;
  const unregister = io.onInterrupt?.((signal) => {
    interrupted = signal ?? 'SIGINT';
    void source.stop();
  });
  const stopTimer = duration > 0 ? setTimeout(() => void source.stop(), duration * 1000) : undefined;
  const reloader = new RuleReloader(
    engine,
    rulePaths,
    eventTypes,
    (r) => {
      // A failed reload is always shown (even with --quiet): the user asked for new rules and did not get them.
      if (r.ok && quiet) return;
      status(`nightjar watch: ${r.ok ? r.message : errPal.yellow(r.message)}`);
      for (const d of r.details) status(`  ${d}`);
    },
    (next) => (ruleset = next),
    loadOptions,
  );
  const unregisterReload = io.onReload?.(() => void reloader.request());
  if (args.values['watch-rules'] === true) reloader.watchFiles();

  let fatal: CliError | undefined;
  await sink.write(writer.begin());
  try {
    await readAll(source, {
      problem: (e) => malformed.report(e),
      diagnostic: noteDiagnostic,
      events: (list) => detector.push(list),
    });
  } catch (err) {
    if (err instanceof SourceError) {
      fatal = new CliError(err.code, `the ${backend} source stopped: ${err.message}`, [], { cause: err });
    } else if (err instanceof CliError) {
      fatal = err;
    } else {
      throw err;
    }
  } finally {
    unregister?.();
    unregisterReload?.();
    reloader.close();
    if (timer) clearInterval(timer);
    if (stopTimer) clearTimeout(stopTimer);
    await source.stop();
  }
  await detector.finish();
  await sink.write(writer.end());
  await sink.close();

  const st = source.stats();
  if (!quiet) {
    io.stderr.write(
      formatSummary(
        {
          inputs: 1,
          rules: { count: ruleset.rules.length + ruleset.correlations.length, loadMs },
          events: st.events,
          skipped: st.skipped,
          malformed: Math.max(st.malformed, malformed.total),
          malformedUnprinted: malformed.unprinted,
          bytes: st.bytesRead,
          elapsedMs: performance.now() - started,
          alerts: detector.alerts,
          alertsByRule: detector.byRule,
          ...countsFromMetrics(engine.metrics()),
          diagnosticsUnprinted: diagReporter.unprinted,
        },
        errPal,
      ),
    );
    if (st.drops > 0 || st.kernelLost > 0 || st.kernelOverflows > 0)
      status(
        `nightjar watch: ${lostText(st, missingEvents(engine.metrics()))} events missing in all` +
          ` (of them ${fmt(st.drops)} dropped on our side because the engine was behind, ${fmt(st.kernelLost)} dropped by the kernel;` +
          ` each is counted once)`,
      );
    if (st.restarts > 0) status(`nightjar watch: the source restarted ${st.restarts} time(s)`);
    if (interrupted !== undefined)
      status(`nightjar watch: stopped (${interrupted === 'SIGINT' ? 'Ctrl-C' : interrupted})`);
  }
  if (fatal) {
    reportFatal(io, 'watch', fatal);
    return EXIT_USAGE;
  }
  return detector.alerts > 0 ? EXIT_FINDINGS : EXIT_OK;
}
