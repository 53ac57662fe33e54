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
  parseCommand,
  reportFatal,
  SHARED_OPTIONS,
} from '../options.js';
import { palette } from '../output/color.js';
import { lint } from '@nightjar/ruletools';

const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;

export const SPEC: CommandSpec<(typeof FORMATS)[number]> = {
  name: 'lint',
  usage: '[rules…] [options]',
  description: `Checks rules for schema errors, semantic mistakes and bad practice, with stable check ids
(the CLI package's docs/lint.md lists every check). Default rules: the bundled ruleset.`,
  formats: FORMATS,
  formatDefault: 'stylish',
  positionals: { min: 0 },
  options: {
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
  },
  exitCodes: '0 no finding at or above --fail-on; 1 findings at or above it; 2 usage or internal error.',
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
  const format = parsed.format ?? 'stylish';
  const paths = parsed.positionals.length
    ? parsed.positionals.map((p) => path.resolve(io.cwd, p))
    : [bundledRulesDir()];
  try {
    // A rule path that does not exist is a usage error (exit 2), not a failing rule.
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length)
      throw new CliError(
        'NJ_CLI_RULES',
        `no such rule file or directory: ${missing.map((p) => shown(io.cwd, p)).join(', ')}`,
      );
    let cfg: lint.LintConfig = lint.DEFAULT_CONFIG;
    const cfgFile =
      typeof parsed.values.config === 'string'
        ? path.resolve(io.cwd, parsed.values.config)
        : lint.findLintConfig(paths[0]!);
    if (cfgFile) cfg = lint.readLintConfig(cfgFile);
    const sink = await openOutput(parsed.values.output as string | undefined, io);
    let loaded: lint.LintInput;
    try {
      loaded = await loadRuleFiles(paths, { maxTimespanUs: cfg.maxTimespanUs });
    } catch (err) {
      await sink.close();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CliError('NJ_CLI_RULES', `cannot read rules: ${(err as Error).message}`, [], { cause: err });
      throw err;
    }
    const result = lint.lintDocuments(loaded, cfg);
    const color = colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY);
    const text =
      format === 'json'
        ? lint.formatJson(result)
        : format === 'sarif'
          ? lint.formatSarif(result, io.cwd)
          : format === 'github'
            ? lint.formatGithub(result, io.cwd)
            : lint.formatStylish(result, palette(color), io.cwd);
    await sink.write(text);
    await sink.close();
    if (format !== 'stylish' || sink.toFile) io.stderr.write(`${lint.summaryText(result)}\n`);
    return result.findings.some((f) => lint.atOrAbove(f, failOn as lint.Severity)) ? EXIT_FINDINGS : EXIT_OK;
  } catch (err) {
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
}

/** A path as the user would write it: relative to cwd when inside it, else absolute. */
function shown(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
