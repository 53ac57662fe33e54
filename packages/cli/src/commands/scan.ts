/**
 * `nightjar scan <files…|->`: replay recorded eslogger JSON lines through the rules. Alerts go to
 * stdout (or --output); malformed lines, engine diagnostics, progress and the summary go to stderr.
 */
import { count } from '@nightjar/ruletools';
import { availableParallelism } from 'node:os';
import { Engine, type Diagnostic, rulesetFingerprint } from '@nightjar/core';
import { openReplay, openThreadedScan, suggestThreads } from '@nightjar/sources';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
import { Detector, progressHook, readAll, readInterruptibly, reportDiagnostics } from '../detect/loop.js';
import {
  checkInputs,
  CliError,
  colorEnabled,
  commandHelp,
  type CommandSpec,
  loadRuleSetOrFail,
  openOutput,
  parseByteSize,
  parseCap,
  parseCommand,
  reportFatal,
  ruleLoadSpec,
  SHARED_OPTIONS,
} from '../options.js';
import { ALERT_FORMATS, type AlertFormat, alertWriter } from '../output/alerts.js';
import { palette } from '../output/color.js';
import { CappedReporter, type LineProblem, formatDiagnosticLine, formatLineProblem } from '../output/problems.js';
import { ProgressBar } from '../output/progress.js';
import { formatSummary } from '../output/summary.js';
import { InputNames, countsFromMetrics } from '../output/tally.js';

/** Below this much input, the default is one thread: starting workers (each loads the rules) costs more than it saves. */
const AUTO_THREADS_MIB = 64;

/** The module each scan thread loads its rules with. */
const THREAD_RULES = new URL('../detect/thread-rules.js', import.meta.url).href;

export const SPEC: CommandSpec<AlertFormat> = {
  name: 'scan',
  usage: '<events…|-> [options]',
  description: `Replay recorded Endpoint Security events (eslogger JSON lines, plain or gzip, or '-' for stdin)
through Sigma rules and print the alerts.`,
  options: {
    rules: SHARED_OPTIONS.rules,
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: { ...SHARED_OPTIONS.output, help: 'write alerts to a file instead of stdout' },
    strict: {
      type: 'boolean',
      help: 'check every line fully (also those of types no rule reads) and exit 2 when any is malformed',
    },
    host: {
      type: 'string',
      arg: '<name>',
      help: "the host the events come from (default: each record's host.hostname, when it has one)",
    },
    'max-line-bytes': SHARED_OPTIONS['max-line-bytes'],
    threads: {
      type: 'string',
      arg: '<n>',
      help: `worker threads, each running the engine for its share of the hosts (default 1; with 3 or more cores, cores less one, up to 16, for ${AUTO_THREADS_MIB} MiB or more of input whose first MiB names several hosts)`,
    },
    'max-problems': {
      type: 'string',
      arg: '<n>',
      help: 'how many malformed lines / diagnostics to print (default 20; all are counted)',
    },
    quiet: { ...SHARED_OPTIONS.quiet, help: 'no summary or progress on stderr' },
  },
  formats: ALERT_FORMATS,
  formatDefault: 'pretty on a terminal, jsonl otherwise',
  positionals: { min: 1 },
  notes: `Alerts go to stdout; malformed lines ("file:LINE (byte OFFSET): message"), sequence gaps,
progress and the summary go to stderr. Each host's events are kept apart (lineage, correlation
windows, suppression, gaps): a merged capture gives per-host results, and the summary counts hosts.`,
  exitCodes: '0 no alerts · 1 alerts raised · 2 usage, bad rules, unreadable input (or a malformed line with --strict)',
};

/** `--threads`, or the default for these inputs (see suggestThreads). */
async function threadCount(given: string | undefined, inputs: readonly string[]): Promise<number> {
  if (given === undefined)
    return suggestThreads(inputs, {
      minBytes: AUTO_THREADS_MIB * 1024 * 1024,
      maxThreads: Math.min(16, availableParallelism() - 1),
    });
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--threads expects a whole number from 1 to 256, got '${given}'`);
  return n;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const cap = parseCap(args.values['max-problems'], '--max-problems');
  const maxLineBytes = parseByteSize(args.values['max-line-bytes'], '--max-line-bytes');
  const quiet = args.values.quiet === true;
  const strict = args.values.strict === true;

  const inputs = checkInputs(args.positionals, io);
  let threads = await threadCount(args.values.threads as string | undefined, inputs);
  const names = new InputNames(args.positionals, inputs);
  const loadStart = performance.now();
  const ruleSpec = ruleLoadSpec(args.values, io);
  const ruleset = await loadRuleSetOrFail(ruleSpec.paths, ruleSpec.options);
  const loadMs = performance.now() - loadStart;
  const fleetScoped = ruleset.correlations.filter((c) => c.scope === 'fleet').length;
  if (threads > 1 && fleetScoped > 0) {
    // A fleet window spans hosts, and threads split the hosts: one engine must see them all.
    if (args.values.threads !== undefined && !quiet)
      io.stderr.write(
        `nightjar scan: ${count(fleetScoped, 'correlation')} with nightjar.scope: fleet need one engine over every host: scanning on one thread\n`,
      );
    threads = 1;
  }
  const sink = await openOutput(args.values.output as string | undefined, io);
  const format: AlertFormat = args.format ?? (sink.isTTY ? 'pretty' : 'jsonl');
  const writer = alertWriter(format, { color: colorEnabled(io.env, sink.isTTY), cwd: io.cwd });
  const errPal = palette(colorEnabled(io.env, io.stderr.isTTY));

  const showProgress = !quiet && io.stderr.isTTY === true && !inputs.includes('-');
  const progress = showProgress ? new ProgressBar(io.stderr) : undefined;
  const status = (line: string) => {
    progress?.clear();
    io.stderr.write(`${line}\n`);
  };
  const malformed = new CappedReporter<LineProblem>(cap, (p) =>
    status(errPal.yellow(formatLineProblem(p, names.display(p.source)))),
  );
  const diagReporter = new CappedReporter<Diagnostic>(cap, (d) =>
    status(formatDiagnosticLine(d, (s) => names.display(s))),
  );

  const engine = new Engine(ruleset, {});
  if (inputs.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    io.stderr.write('nightjar scan: reading events from the terminal (pipe a capture in, or end with Ctrl-D)\n');
  }
  const host = args.values.host as string | undefined;
  if (host !== undefined && host.trim() === '') throw new UsageError("--host expects a host name, e.g. '--host mac-a'");
  // One thread reads, decodes and runs the engine; with --threads N it reads and splits, and N
  // workers decode and run the engine, each for its share of the hosts.
  const source =
    threads > 1
      ? openThreadedScan(inputs, {
          threads,
          rules: { module: THREAD_RULES, args: ruleSpec },
          fingerprint: rulesetFingerprint(ruleset),
          stdin: io.stdin,
          strict,
          host,
          maxLineBytes,
        })
      : openReplay(inputs, {
          eventTypes: engine.requiredEventTypes(),
          stdin: io.stdin,
          strict,
          host,
          maxLineBytes,
        });
  const started = performance.now();

  // Alerts on the same terminal as the progress bar: erase the bar first, or the alert's first line
  // is printed after it ("… 4,857 ev/sMEDIUM …"); the next update redraws it.
  const noteDiagnostic = reportDiagnostics((d) => diagReporter.report(d));
  const detector = new Detector(
    engine,
    { sink, writer, beforeWrite: sink.isTTY ? () => progress?.clear() : undefined },
    noteDiagnostic,
  );

  await sink.write(writer.begin());
  const end = await readInterruptibly(source, inputs.includes('-'), io, async () => {
    if ('metrics' in source) {
      const batchDone = progressHook(source, progress);
      for await (const batch of source) {
        for (const e of batch.errors) malformed.report(e);
        for (const d of batch.diagnostics) noteDiagnostic(d);
        await detector.emit(batch.alerts);
        batchDone?.();
      }
    } else
      await readAll(source, {
        problem: (e) => malformed.report(e),
        diagnostic: noteDiagnostic,
        events: (list) => detector.push(list),
        batchDone: progressHook(source, progress),
      });
  });
  let fatal = end.fatal;
  // The threaded scan has flushed its workers' engines already; this engine then holds nothing.
  await detector.finish();
  const metrics = ('metrics' in source ? source.metrics() : undefined) ?? engine.metrics();
  progress?.clear();
  await sink.write(writer.end());
  await sink.close();

  const stats = source.stats();
  if (!quiet) {
    io.stderr.write(
      formatSummary(
        {
          inputs: inputs.length,
          rules: { count: ruleset.rules.length + ruleset.correlations.length, loadMs },
          events: stats.events,
          skipped: stats.skipped,
          malformed: Math.max(stats.malformed, malformed.total),
          malformedUnprinted: malformed.unprinted,
          bytes: stats.bytesRead,
          elapsedMs: performance.now() - started,
          alerts: detector.alerts,
          alertsByRule: detector.byRule,
          ...countsFromMetrics(metrics),
          diagnosticsUnprinted: diagReporter.unprinted,
          hosts: { count: metrics.hosts, alerts: detector.byHost },
        },
        errPal,
      ),
    );
  }
  if (end.interrupted) io.stderr.write('nightjar scan: interrupted; the alerts and summary cover what was read\n');
  // Inputs the source could not read (whole or in part, e.g. a truncated gzip): already reported
  // as diagnostics; what was read was scanned, but the run is not complete, so exit 2.
  const failures = source.failures();
  if (!fatal && failures.length > 0) {
    fatal = new CliError(
      'NJ_CLI_INPUT',
      `${failures.length} input(s) could not be read completely`,
      failures.map((f) => f.message.split(f.source).join(names.display(f.source))),
    );
  }
  if (fatal) {
    reportFatal(io, 'scan', fatal);
    return EXIT_USAGE;
  }
  if (strict && Math.max(stats.malformed, malformed.total) > 0) {
    io.stderr.write(
      `nightjar scan: ${count(Math.max(stats.malformed, malformed.total), 'malformed line')} with --strict\n`,
    );
    return EXIT_USAGE;
  }
  return detector.alerts > 0 ? EXIT_FINDINGS : EXIT_OK;
}
