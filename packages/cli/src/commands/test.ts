import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundledRulesDir, loadRuleFiles } from '@nightjar/rules';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
import {
  CliError,
  colorEnabled,
  commandHelp,
  type CommandSpec,
  openOutput,
  parseByteSize,
  parseCommand,
  type Parsed,
  reportFatal,
  requireRulePaths,
  SHARED_OPTIONS,
  shownPath,
} from '../options.js';
import { chooseMapping, mappingOption } from '../mapping.js';
import { palette } from '../output/color.js';
import { rerunOnChange } from '../rerun.js';
import { tester } from '@nightjar/ruletools';
import { runVariantsCheck } from './test-variants.js';

const FORMATS = ['pretty', 'json', 'junit'] as const;

export const SPEC: CommandSpec<(typeof FORMATS)[number]> = {
  name: 'test',
  usage: '[rules…] [options]',
  description: `Runs the tests declared under each rule's \`tests:\` key (inline brief events or fixture files)
in a fresh engine per case, and explains every failure. Default rules: the bundled ruleset.`,
  formats: FORMATS,
  formatDefault: 'pretty',
  positionals: { min: 0 },
  options: {
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: { ...SHARED_OPTIONS.output, help: 'write results to a file instead of stdout' },
    coverage: {
      type: 'boolean',
      help: 'also list rules without tests and selections no passing positive case exercised',
    },
    variants: {
      type: 'boolean',
      help: 're-run every positive case as an attacker or another macOS version would produce it (bundled flags, /private paths, …) and report each rule that loses a match',
    },
    verbose: { type: 'boolean', help: 'list passing cases too (pretty)' },
    filter: {
      type: 'string',
      short: 't',
      arg: '<pattern>',
      help: 'run only the rules whose id or title matches, and the cases whose name matches (a case-insensitive substring, or /regex/flags)',
    },
    watch: { type: 'boolean', short: 'w', help: 'run again whenever a rule or fixture file changes (Ctrl-C stops)' },
    'max-line-bytes': {
      ...SHARED_OPTIONS['max-line-bytes'],
      help: 'longest fixture line read, in bytes (suffix K, M or G: 1024-based; default 64M); a longer line fails its case, with its line and byte offset',
    },
  },
  notes: "The CLI package's docs/test.md describes the tests: format.",
  exitCodes:
    '0 all tests pass; 1 a test failed, a rule did not load, or (--variants) a rule lost a match it does not accept; 2 usage or internal error.',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(SPEC, argv);
  if (parsed.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const format = parsed.format ?? 'pretty';
  const paths = parsed.positionals.length
    ? parsed.positionals.map((p) => path.resolve(io.cwd, p))
    : [bundledRulesDir()];
  const filter = filterFrom(parsed.values.filter as string | undefined);
  const maxLineBytes = parseByteSize(parsed.values['max-line-bytes'], '--max-line-bytes');
  if (parsed.values.watch === true) {
    if (paths.some((p) => !existsSync(p))) return testOnce(parsed, io, format, paths, filter, maxLineBytes);
    const ac = new AbortController();
    const off = io.onInterrupt?.(() => ac.abort());
    io.stderr.write(`nightjar test: watching ${paths.map((p) => shownPath(io.cwd, p)).join(', ')} (Ctrl-C stops)\n`);
    try {
      return await rerunOnChange(paths, () => testOnce(parsed, io, format, paths, filter, maxLineBytes), {
        signal: ac.signal,
        onChange: (file) => io.stderr.write(`\nnightjar test: ${file} changed\n`),
      });
    } finally {
      off?.();
    }
  }
  return testOnce(parsed, io, format, paths, filter, maxLineBytes);
}

/** `-t`: `/regex/flags` as a RegExp, anything else as a substring; a bad regex is a usage error. */
function filterFrom(raw: string | undefined): string | RegExp | undefined {
  if (raw === undefined) return undefined;
  const m = /^\/(.+)\/([a-z]*)$/.exec(raw);
  if (!m) return raw;
  try {
    return new RegExp(m[1]!, m[2]);
  } catch (err) {
    throw new UsageError(`-t ${raw}: ${(err as Error).message}`);
  }
}

async function testOnce(
  parsed: Parsed<(typeof FORMATS)[number]>,
  io: CliIO,
  format: (typeof FORMATS)[number],
  paths: readonly string[],
  filter: string | RegExp | undefined,
  maxLineBytes: number | undefined,
): Promise<number> {
  try {
    requireRulePaths(paths, io);
    const sink = await openOutput(parsed.values.output as string | undefined, io);
    let loaded: tester.LoadedRules;
    try {
      loaded = await loadRuleFiles(paths, mappingOption(chooseMapping(parsed.values, io, paths)));
    } catch (err) {
      await sink.close();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CliError('NJ_CLI_RULES', `cannot read rules: ${(err as Error).message}`, [], { cause: err });
      throw err;
    }
    // Nothing to test is not a pass: a mistyped folder must not turn a CI job green.
    if (loaded.documents.length === 0 && loaded.diagnostics.length === 0) {
      await sink.close();
      throw new CliError(
        'NJ_CLI_RULES',
        `no rule files (*.yml, *.yaml) found in ${paths.map((p) => shownPath(io.cwd, p)).join(', ')}`,
      );
    }
    if (parsed.values.variants === true && parsed.values.coverage === true) {
      await sink.close();
      throw new CliError('NJ_USAGE', '--variants and --coverage are separate runs: give one');
    }
    if (parsed.values.variants === true)
      return await runVariantsCheck(loaded, format, sink, io, parsed.values.verbose === true, maxLineBytes, filter);
    const report = await tester.runRuleTests(loaded, {
      coverage: parsed.values.coverage === true,
      maxLineBytes,
      ...(filter !== undefined ? { filter } : {}),
    });
    const color = colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY);
    const text =
      format === 'json'
        ? tester.formatJson(report)
        : format === 'junit'
          ? tester.formatJunit(report)
          : tester.formatPretty(report, palette(color), { verbose: parsed.values.verbose === true, cwd: io.cwd });
    await sink.write(text);
    await sink.close();
    // Machine formats keep stdout clean; the summary goes to stderr.
    if (format !== 'pretty' || sink.toFile)
      io.stderr.write(`${tester.summaryLine(report, palette(colorEnabled(io.env, io.stderr.isTTY)))}\n`);
    const s = report.summary;
    if (s.rules === 0 && report.rules.length === 0) {
      // A -t that matches nothing fails, so a typo in CI does not pass silently.
      if (filter !== undefined) {
        io.stderr.write(`nightjar test: no rule or case matches -t ${String(filter)}\n`);
        return EXIT_FINDINGS;
      }
      io.stderr.write(`nightjar test: no rules found in ${paths.map((p) => shownPath(io.cwd, p)).join(', ')}\n`);
    }
    return s.failed > 0 || s.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  } catch (err) {
    if (err instanceof CliError) {
      reportFatal(io, 'test', err);
      return EXIT_USAGE;
    }
    io.stderr.write(`nightjar test: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}
