import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundledRulesDir, loadRuleFiles } from '@nightjar/rules';
import { type CliIO, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
import {
  CliError,
  colorEnabled,
  commandHelp,
  type CommandSpec,
  openOutput,
  parseCommand,
  reportFatal,
  requireRulePaths,
  SHARED_OPTIONS,
  shownPath,
} from '../options.js';
import { chooseMapping, mappingOption } from '../mapping.js';
import { palette } from '../output/color.js';
import { rerunOnChange } from '../rerun.js';
import { lint } from '@nightjar/ruletools';

const FORMATS = ['stylish', 'json', 'jsonl', 'sarif', 'github'] as const;

export const SPEC: CommandSpec<(typeof FORMATS)[number]> = {
  name: 'lint',
  usage: '[rules…] [options]',
  description: `Checks rules for schema errors, semantic mistakes and bad practice, with stable check ids
(the CLI package's docs/lint.md lists every check). Default rules: the bundled ruleset.`,
  formats: FORMATS,
  formatDefault: 'stylish',
  formatHelp: {
    jsonl: 'one finding per line',
    sarif: 'SARIF 2.1.0, for code scanning',
    github: 'GitHub Actions annotations',
  },
  positionals: { min: 0 },
  options: {
    mapping: SHARED_OPTIONS.mapping,
    format: SHARED_OPTIONS.format,
    output: { ...SHARED_OPTIONS.output, help: 'write findings to a file instead of stdout' },
    'fail-on': {
      type: 'string',
      arg: '<error|warning|info>',
      help: 'lowest severity that makes the exit code 1 (default error)',
    },
    config: {
      type: 'string',
      arg: '<file>',
      help: 'lint configuration (default: nightjar.config.yaml found in the rule path or its parents, up to the repo root)',
    },
    fix: {
      type: 'boolean',
      help: 'rewrite the rule files for the fixable checks (only where the rule keeps its meaning), then report what is left',
    },
    disable: {
      type: 'string',
      multiple: true,
      arg: '<check>',
      help: 'turn a check off (repeatable; nj/ may be left out)',
    },
    enable: {
      type: 'string',
      multiple: true,
      arg: '<check>',
      help: 'turn on a check the configuration turned off (repeatable)',
    },
    exclude: {
      type: 'string',
      multiple: true,
      arg: '<glob>',
      help: "skip rule files matching the glob, relative to the working directory ('rules/drafts/**'; repeatable)",
    },
    'max-warnings': {
      type: 'string',
      arg: '<n>',
      help: 'exit 1 when there are more than n warnings, whatever --fail-on says',
    },
    watch: { type: 'boolean', short: 'w', help: 'lint again whenever a rule file changes (Ctrl-C stops)' },
  },
  notes: `Suppress a finding in the rule file itself:
  # nightjar-lint-disable-next-line nj/star-only-value -- why
  # nightjar-lint-disable nj/missing-tests          (the whole file)`,
  exitCodes:
    '0 no finding at or above --fail-on (and no more warnings than --max-warnings); 1 otherwise; 2 usage or internal error.',
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(SPEC, argv);
  if (parsed.help) {
    io.stdout.write(commandHelp(SPEC));
    return EXIT_OK;
  }
  const failOn = (parsed.values['fail-on'] ?? 'error') as string;
  if (!['error', 'warning', 'info'].includes(failOn))
    throw new UsageError(`--fail-on must be error, warning or info (got '${failOn}')`);
  const maxWarningsRaw = parsed.values['max-warnings'] as string | undefined;
  const maxWarnings = maxWarningsRaw === undefined ? undefined : Number(maxWarningsRaw);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0))
    throw new UsageError(`--max-warnings must be a non-negative integer (got '${maxWarningsRaw}')`);
  const format = parsed.format ?? 'stylish';
  const paths = parsed.positionals.length
    ? parsed.positionals.map((p) => path.resolve(io.cwd, p))
    : [bundledRulesDir()];
  const list = (k: string) => (parsed.values[k] as string[] | undefined) ?? [];
  try {
    requireRulePaths(paths, io);
    const cfgFile =
      typeof parsed.values.config === 'string'
        ? path.resolve(io.cwd, parsed.values.config)
        : lint.findLintConfig(paths[0]!);
    const overrides = { disable: list('disable'), enable: list('enable') };
    // Checked before the first run, so a typo in --disable is a usage error even with --watch.
    lint.withCheckOverrides(lint.DEFAULT_CONFIG, overrides);
    const once = () =>
      lintOnce(io, {
        paths,
        format,
        failOn: failOn as lint.Severity,
        maxWarnings,
        cfgFile,
        overrides,
        exclude: list('exclude'),
        fix: parsed.values.fix === true,
        output: parsed.values.output as string | undefined,
        mapping: parsed.values.mapping as string | undefined,
      });
    if (parsed.values.watch !== true) return await once();
    const ac = new AbortController();
    const off = io.onInterrupt?.(() => ac.abort());
    io.stderr.write(`nightjar lint: watching ${paths.map((p) => shownPath(io.cwd, p)).join(', ')} (Ctrl-C stops)\n`);
    try {
      return await rerunOnChange(paths, () => once().catch((err: unknown) => failure(io, err)), {
        signal: ac.signal,
        onChange: (file) => io.stderr.write(`\nnightjar lint: ${file} changed\n`),
      });
    } finally {
      off?.();
    }
  } catch (err) {
    return failure(io, err);
  }
}

interface LintRun {
  readonly paths: readonly string[];
  readonly format: (typeof FORMATS)[number];
  readonly failOn: lint.Severity;
  readonly maxWarnings: number | undefined;
  readonly cfgFile: string | undefined;
  readonly overrides: { readonly disable: readonly string[]; readonly enable: readonly string[] };
  readonly exclude: readonly string[];
  readonly fix: boolean;
  readonly output: string | undefined;
  /** `--mapping`, read each run (a changed mapping file is picked up by --watch). */
  readonly mapping: string | undefined;
}

/** One lint of the rules (the configuration is read each time, so --watch picks up its changes). */
async function lintOnce(io: CliIO, o: LintRun): Promise<number> {
  const cfg = lint.withCheckOverrides(o.cfgFile ? lint.readLintConfig(o.cfgFile) : lint.DEFAULT_CONFIG, o.overrides);
  const load = async () => {
    try {
      return lint.excludeFiles(
        await loadRuleFiles(o.paths, {
          maxTimespanUs: cfg.maxTimespanUs,
          // Rules are checked against the mapping they will run with.
          ...mappingOption(chooseMapping({ mapping: o.mapping }, io, o.paths, o.cfgFile)),
        }),
        o.exclude,
        io.cwd,
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CliError('NJ_CLI_RULES', `cannot read rules: ${(err as Error).message}`, [], { cause: err });
      throw err;
    }
  };
  const loaded = await load();
  // Nothing to lint is not a clean lint: a mistyped folder must not turn a CI job green.
  if (loaded.documents.length === 0 && loaded.diagnostics.length === 0)
    throw new CliError(
      'NJ_CLI_RULES',
      `no rule files (*.yml, *.yaml) found in ${o.paths.map((p) => shownPath(io.cwd, p)).join(', ')}${o.exclude.length ? ' (after --exclude)' : ''}`,
    );
  let result = lint.lintDocuments(loaded, cfg);
  if (o.fix) {
    const fixed = await applyFixes(result.findings);
    if (fixed.findings) {
      io.stderr.write(`nightjar lint: fixed ${plural(fixed.findings, 'problem')} in ${plural(fixed.files, 'file')}\n`);
      result = lint.lintDocuments(await load(), cfg);
    }
  }
  const sink = await openOutput(o.output, io);
  const color = colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY);
  const text =
    o.format === 'json'
      ? lint.formatJson(result)
      : o.format === 'jsonl'
        ? lint.formatJsonl(result)
        : o.format === 'sarif'
          ? lint.formatSarif(result, io.cwd)
          : o.format === 'github'
            ? lint.formatGithub(result, io.cwd)
            : lint.formatStylish(result, palette(color), io.cwd);
  await sink.write(text);
  await sink.close();
  if (o.format !== 'stylish' || sink.toFile) io.stderr.write(`${lint.summaryText(result)}\n`);
  const fixable = o.fix ? 0 : lint.fixableCount(result);
  if (fixable) io.stderr.write(`${plural(fixable, 'problem')} can be fixed with --fix\n`);
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  if (o.maxWarnings !== undefined && warnings > o.maxWarnings) {
    io.stderr.write(`nightjar lint: ${plural(warnings, 'warning')}, more than --max-warnings ${o.maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return result.findings.some((f) => lint.atOrAbove(f, o.failOn)) ? EXIT_FINDINGS : EXIT_OK;
}

/** Writes each file's fixes; returns how many findings were fixed in how many files. */
async function applyFixes(findings: readonly lint.Finding[]): Promise<{ findings: number; files: number }> {
  const byFile = new Map<string, lint.Finding[]>();
  for (const f of findings) if (f.fix) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  let n = 0;
  let files = 0;
  for (const [file, list] of byFile) {
    const { text, fixed } = lint.applyFixes(await readFile(file, 'utf8'), list);
    if (fixed.length === 0) continue;
    await writeFile(file, text);
    n += fixed.length;
    files++;
  }
  return { findings: n, files };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function failure(io: CliIO, err: unknown): number {
  if (err instanceof lint.LintConfigError) {
    io.stderr.write(`nightjar lint: ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof CliError) {
    reportFatal(io, 'lint', err);
    return EXIT_USAGE;
  }
  io.stderr.write(`nightjar lint: internal error: ${(err as Error).stack ?? String(err)}\n`);
  return EXIT_USAGE;
}
