/**
 * `nightjar profile <files…|->`: the telemetry profile of a capture (events per type, process,
 * signing id, top talkers, gaps, rate over time) and which event types the ruleset does not need.
 */
import { count } from '@nightjar/ruletools';
import { Engine } from '@nightjar/core';
import { openReplay } from '@nightjar/sources';
import { type CliIO, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
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
  resolveRulePaths,
  SHARED_OPTIONS,
} from '../options.js';
import { progressHook, readAll, readInterruptibly } from '../detect/loop.js';
import { palette } from '../output/color.js';
import { CappedReporter, type LineProblem, formatLineProblem } from '../output/problems.js';
import { ProgressBar } from '../output/progress.js';
import { InputNames } from '../output/tally.js';
import { ProfileCollector } from '../profile/collect.js';
import { DEFAULT_LIMITS, buildProfile } from '../profile/report.js';
import { renderHtml } from '../profile/render-html.js';
import { renderSvg } from '../profile/render-svg.js';
import { renderTable } from '../profile/render-table.js';

export type ProfileFormat = 'table' | 'json' | 'html' | 'svg';

export const SPEC: CommandSpec<ProfileFormat> = {
  name: 'profile',
  usage: '<events…|-> [options]',
  description: `The telemetry profile of a capture (eslogger JSON lines, plain or gzip, or '-' for stdin):
events per type, per process and per signing id, top talkers, sequence gaps, events per second
over time, and which event types the ruleset does not need (so you can subscribe to less).`,
  options: {
    rules: {
      ...SHARED_OPTIONS.rules,
      help: 'rule file or folder to compare with (repeatable; default: the bundled ruleset)',
    },
    'no-rules': { type: 'boolean', help: 'do not compare with any ruleset' },
    format: SHARED_OPTIONS.format,
    output: { ...SHARED_OPTIONS.output, help: 'write the profile to a file instead of stdout' },
    top: {
      type: 'string',
      arg: '<n>',
      help: 'how many processes, signing ids and talkers to list (default 25, 25, 15)',
    },
    'max-line-bytes': SHARED_OPTIONS['max-line-bytes'],
    'max-problems': {
      type: 'string',
      arg: '<n>',
      help: 'how many malformed lines to print (default 20; all are counted)',
    },
    quiet: { ...SHARED_OPTIONS.quiet, help: 'no progress bar or status line on stderr (problems are still reported)' },
  },
  formats: ['table', 'json', 'html', 'svg'],
  formatDefault: 'table',
  positionals: { min: 1 },
  exitCodes: '0 done · 2 usage error, bad rules or unreadable input',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommand(SPEC, argv);
  if (args.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const cap = parseCap(args.values['max-problems'], '--max-problems');
  const maxLineBytes = parseByteSize(args.values['max-line-bytes'], '--max-line-bytes');
  const top = args.values.top === undefined ? undefined : Math.min(1000, parseCap(args.values.top, '--top'));
  const limits =
    top === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, processes: top, signingIds: top, talkers: top };
  const quiet = args.values.quiet === true;
  const inputs = checkInputs(args.positionals, io);
  const names = new InputNames(args.positionals, inputs);
  const noRules = args.values['no-rules'] === true;
  if (noRules && args.values.rules) throw new UsageError('--rules and --no-rules cannot be used together');
  const rulePaths = noRules ? [] : resolveRulePaths(args.values, io);
  const ruleset = noRules ? null : await loadRuleSetOrFail(rulePaths);
  const sink = await openOutput(args.values.output as string | undefined, io);
  const format = args.format ?? 'table';
  const errPal = palette(colorEnabled(io.env, io.stderr.isTTY));

  const progress = !quiet && io.stderr.isTTY === true && !inputs.includes('-') ? new ProgressBar(io.stderr) : undefined;
  const malformed = new CappedReporter<LineProblem>(cap, (p) => {
    progress?.clear();
    io.stderr.write(`${errPal.yellow(formatLineProblem(p, names.display(p.source)))}\n`);
  });
  // Every type is decoded in full: the profile needs each event's process.
  if (inputs.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    io.stderr.write('nightjar profile: reading events from the terminal (pipe a capture in, or end with Ctrl-D)\n');
  }
  const source = openReplay(inputs, { stdin: io.stdin, maxLineBytes });
  const collector = new ProfileCollector();
  const end = await readInterruptibly(source, inputs.includes('-'), io, () =>
    readAll(source, {
      problem: (e) => malformed.report(e),
      events: (list) => {
        for (const ev of list) collector.add(ev);
      },
      batchDone: progressHook(source, progress),
    }),
  );
  let fatal = end.fatal;
  if (end.interrupted) io.stderr.write('nightjar profile: interrupted; the profile covers what was read\n');
  progress?.clear();
  const failures = source.failures();
  if (!fatal && failures.length > 0) {
    fatal = new CliError(
      'NJ_CLI_INPUT',
      `${failures.length} input(s) could not be read completely`,
      failures.map((f) => f.message.split(f.source).join(names.display(f.source))),
    );
  }
  const stats = source.stats();
  const profile = buildProfile(collector, {
    inputs: args.positionals.map((g) => (g === '-' ? '<stdin>' : g)),
    malformed: Math.max(stats.malformed, malformed.total),
    displaySource: (s) => names.display(s),
    limits,
    ruleset: ruleset
      ? {
          paths: args.values.rules ? rulePaths : ['(bundled)'],
          rules: ruleset.rules.length,
          correlations: ruleset.correlations.length,
          required: new Engine(ruleset, {}).requiredEventTypes(),
        }
      : null,
  });
  let text: string;
  switch (format) {
    case 'json':
      text = `${JSON.stringify(profile, null, 2)}\n`;
      break;
    case 'svg':
      text = renderSvg(profile);
      break;
    case 'html':
      text = renderHtml(profile);
      break;
    default:
      text = renderTable(profile, { color: colorEnabled(io.env, sink.isTTY) });
  }
  await sink.write(text);
  await sink.close();
  if (malformed.unprinted > 0)
    io.stderr.write(`nightjar profile: ${count(malformed.unprinted, 'more malformed line')} not shown\n`);
  if (!quiet && sink.toFile)
    io.stderr.write(`nightjar profile: ${profile.events} events profiled, written to ${String(args.values.output)}\n`);
  if (fatal) {
    // The profile of what could be read is written, but it is not the whole capture.
    reportFatal(io, 'profile', fatal);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
