/**
 * Argument and output plumbing shared by every command: strict argv parsing (an unknown flag is a
 * usage error, exit 2), `--format` validation, `--rules` defaults, `--output` writing, colour.
 */
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import {
  RuleLoadError,
  bundledRulesDir,
  didYouMean,
  formatDiagnostic,
  loadRules,
  type LoadOptions,
} from '@nightjar/rules';
import { CliError, type CliIO, UsageError } from './io.js';
import { count } from '@nightjar/ruletools';
import { chooseMapping, mappingOption } from './mapping.js';
import { HELP_OPTION, type HelpSpec, type OptionTable, renderHelp } from './help.js';

export { CliError };

export type { OptionDef, OptionTable } from './help.js';

export interface CommandSpec<F extends string = string> extends HelpSpec {
  /** Accepted `--format` values; each command picks its own default when the flag is absent. */
  readonly formats?: readonly F[];
  /** How `--help` states the default format (`pretty on a terminal, jsonl otherwise`). */
  readonly formatDefault?: string;
  /** A line of `--help` per format, where the name alone does not say enough. */
  readonly formatHelp?: Partial<Record<F, string>>;
  /**
   * Whether positional arguments are allowed, and at least how many; `missing` is the usage error
   * when fewer are given (default: `expected at least N inputs`), for commands whose first
   * positional is not an input (`rules list`).
   */
  readonly positionals?: { readonly min: number; readonly missing?: string };
}

export interface Parsed<F extends string = string> {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** `--format` after validation; undefined when not given. */
  readonly format: F | undefined;
  readonly help: boolean;
}

/**
 * The options several commands share, spelled once so that one option has one letter everywhere:
 * `-r` rules, `-f` format, `-o` output, `-q` quiet (and `-h` help, added to every command). A command
 * may reword the help text (`{ ...SHARED_OPTIONS.output, help: '…' }`) but not the letter.
 */
export const SHARED_OPTIONS = {
  rules: {
    type: 'string',
    short: 'r',
    multiple: true,
    arg: '<path>',
    help: 'rule file or folder (repeatable; default: the bundled ruleset)',
  },
  // Its help is generated from the command's `formats`, `formatDefault` and `formatHelp`.
  format: { type: 'string', short: 'f', arg: '<name>', help: '' },
  output: { type: 'string', short: 'o', arg: '<file>', help: 'write to a file instead of stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'no progress, status line or summary on stderr' },
  mapping: {
    type: 'string',
    arg: '<file>',
    help: "field-mapping file for taxonomy rules (default: 'mapping:' in nightjar.config.yaml, else the built-in sigmahq-macos)",
  },
  'max-line-bytes': {
    type: 'string',
    arg: '<size>',
    help: 'longest event line read, in bytes (suffix K, M or G: 1024-based; default 64M); a longer line is reported with its line and byte offset and skipped',
  },
} as const satisfies OptionTable;

/** The command's option table with `--format`'s help written out from the formats it accepts. */
export function commandOptions(spec: CommandSpec): OptionTable {
  const format = spec.options.format;
  if (!format || !spec.formats) return spec.options;
  const width = Math.max(...spec.formats.map((f) => f.length));
  const detail = spec.formats
    .filter((f) => spec.formatHelp?.[f] !== undefined)
    .map((f) => `  ${f.padEnd(width)}  ${spec.formatHelp?.[f] ?? ''}`);
  const summary = `${spec.formats.join(' | ')}${spec.formatDefault ? ` (default: ${spec.formatDefault})` : ''}`;
  return { ...spec.options, format: { ...format, help: [summary, ...detail] } };
}

/** The command's `--help` text. */
export function commandHelp(spec: CommandSpec): string {
  return renderHelp({ ...spec, options: commandOptions(spec) });
}

function parseArgsOptions(table: OptionTable): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, def] of Object.entries(table)) {
    out[name] = {
      type: def.type,
      ...(def.short !== undefined && { short: def.short }),
      ...(def.multiple !== undefined && { multiple: def.multiple }),
    };
  }
  return out;
}

/**
 * Parses argv strictly. Node's messages for unknown or malformed flags are kept (they name the
 * flag) but re-thrown as UsageError so the dispatcher exits 2 with the command's name.
 */
export function parseCommand<F extends string>(spec: CommandSpec<F>, argv: string[]): Parsed<F> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: parseArgsOptions({ ...spec.options, help: HELP_OPTION }),
      allowPositionals: spec.positionals !== undefined,
      strict: true,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unknown = /^Unknown option '(--?[^']+)'/.exec(msg)?.[1];
    const flags = Object.keys(spec.options).map((n) => `--${n}`);
    const hint = unknown?.startsWith('--') ? didYouMean(unknown, flags) : '';
    throw new UsageError(
      `${msg.replace(/\. To specify a positional argument.*$/s, '')}${hint}\nRun 'nightjar ${spec.name} --help' for usage.`,
    );
  }
  const values = parsed.values as Parsed['values'];
  const help = values.help === true;
  if (help) return { values, positionals: parsed.positionals, format: undefined, help };
  const min = spec.positionals?.min ?? 0;
  if (parsed.positionals.length < min) {
    const missing = spec.positionals?.missing ?? `expected at least ${min} input${min === 1 ? '' : 's'}`;
    throw new UsageError(`${missing}\nRun 'nightjar ${spec.name} --help' for usage.`);
  }
  let format: F | undefined;
  if (typeof values.format === 'string') {
    if (!spec.formats?.includes(values.format as F)) {
      throw new UsageError(`unknown --format '${values.format}' (expected one of: ${(spec.formats ?? []).join(', ')})`);
    }
    format = values.format as F;
  }
  return { values, positionals: parsed.positionals, format, help };
}

/** `--rules` values resolved against cwd, or the bundled ruleset when none is given. */
export function resolveRulePaths(values: Parsed['values'], io: CliIO): string[] {
  const given = values.rules;
  const list = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  if (list.length > 0) return list.map((p) => path.resolve(io.cwd, p));
  return [bundledRulesDir()];
}

/** A path as the user would write it: relative to cwd when inside it (`.` for cwd itself), else as given. */
export function shownPath(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/** A rule path that does not exist is a usage error (exit 2, NJ_CLI_RULES), not a failing rule. */
export function requireRulePaths(paths: readonly string[], io: CliIO): void {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length)
    throw new CliError(
      'NJ_CLI_RULES',
      `no such rule file or directory: ${missing.map((p) => shownPath(io.cwd, p)).join(', ')}`,
    );
}

/**
 * Loads rules, turning a RuleLoadError into a CliError whose details are the `file:line:col`
 * diagnostics, so every command prints rule problems the same way.
 */
/** Rule problems printed before the rest are only counted. */
const MAX_RULE_DIAGNOSTICS = 50;

export type LoadedRuleSet = Awaited<ReturnType<typeof loadRules>>;

export async function loadRuleSetOrFail(paths: string[], opts: LoadOptions = {}): Promise<LoadedRuleSet> {
  let ruleset: LoadedRuleSet;
  try {
    ruleset = await loadRules(paths, opts);
  } catch (err) {
    if (err instanceof RuleLoadError) {
      const lines = err.diagnostics.slice(0, MAX_RULE_DIAGNOSTICS).map(formatDiagnostic);
      const rest = err.diagnostics.length - lines.length;
      if (rest > 0) lines.push(`… and ${rest} more (run 'nightjar lint' for all)`);
      const errors = err.diagnostics.filter((d) => d.severity === 'error').length;
      throw new CliError('NJ_CLI_RULES', `rules failed to load (${count(errors, 'error')})`, lines, { cause: err });
    }
    if (err instanceof Error && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError('NJ_CLI_RULES', `cannot read rules: ${err.message}`, [], { cause: err });
    }
    throw err;
  }
  // A wrong --rules path must not pass as "no alerts": an empty ruleset is a configuration error.
  if (ruleset.rules.length === 0 && ruleset.correlations.length === 0) {
    throw new CliError('NJ_CLI_NO_RULES', `no rules found in ${paths.join(', ')}`);
  }
  return ruleset;
}

/** `--rules` (or the bundled ruleset) loaded with the mapping `--mapping` or the config names. */
export async function loadRulesFor(values: Parsed['values'], io: CliIO): Promise<LoadedRuleSet> {
  const spec = ruleLoadSpec(values, io);
  return loadRuleSetOrFail(spec.paths, spec.options);
}

/** What to load: the rule paths and the loader's options (plain data, so a scan thread can load the same). */
export interface RuleLoadSpec {
  readonly paths: string[];
  readonly options: LoadOptions;
}

export function ruleLoadSpec(values: Parsed['values'], io: CliIO): RuleLoadSpec {
  const paths = resolveRulePaths(values, io);
  return { paths, options: mappingOption(chooseMapping(values, io, paths)) };
}

/** Checks that every input (except `-`) is a readable regular file, before any work starts. */
export function checkInputs(inputs: readonly string[], io: CliIO): string[] {
  let stdinCount = 0;
  return inputs.map((input) => {
    if (input === '-') {
      if (++stdinCount > 1) throw new UsageError(`'-' (stdin) may be given only once`);
      return input;
    }
    const abs = path.resolve(io.cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(
        'NJ_CLI_INPUT',
        `cannot read '${input}': ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        [],
        { cause: err },
      );
    }
    if (st.isDirectory()) throw new CliError('NJ_CLI_INPUT', `cannot read '${input}': is a directory`);
    return abs;
  });
}

/** A destination for results: stdout, or the `--output` file. Writes respect backpressure. */
export interface OutputSink {
  readonly isTTY: boolean;
  /** True when results go to a file (so stdout stays free). */
  readonly toFile: boolean;
  write(chunk: string): Promise<void> | void;
  close(): Promise<void>;
}

function sinkFor(stream: Writable, isTTY: boolean, toFile: boolean, close: () => Promise<void>): OutputSink {
  let failed: Error | undefined;
  // stdout closed by its reader (`nightjar scan … | head`): not an error, just stop writing.
  let gone = false;
  const onStreamError = (e: NodeJS.ErrnoException) => {
    if (!toFile && e.code === 'EPIPE') gone = true;
    else failed = e;
  };
  stream.on('error', onStreamError);
  return {
    isTTY,
    toFile,
    write(chunk: string) {
      if (gone || chunk === '') return;
      if (failed) throw new CliError('NJ_CLI_OUTPUT', `cannot write output: ${failed.message}`, [], { cause: failed });
      if (stream.write(chunk)) return;
      // Only wait when the stream's buffer is full, so the common path stays synchronous.
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.off('error', onError);
          stream.off('close', onDrain);
          resolve();
        };
        const onError = (e: NodeJS.ErrnoException) => {
          stream.off('drain', onDrain);
          stream.off('close', onDrain);
          if (!toFile && e.code === 'EPIPE') resolve();
          else reject(new CliError('NJ_CLI_OUTPUT', `cannot write output: ${e.message}`, [], { cause: e }));
        };
        stream.once('drain', onDrain);
        stream.once('close', onDrain);
        stream.once('error', onError);
      });
    },
    close: async () => {
      try {
        await close();
      } catch (e) {
        // The write's own error (ENOSPC) rather than end()'s "stream was destroyed" that follows it.
        failed ??= stream.errored ?? (e as Error);
      }
      // stdout outlives the command (tests and embedders run many): do not pile up listeners.
      if (!toFile) stream.off('error', onStreamError);
      if (failed) throw new CliError('NJ_CLI_OUTPUT', `cannot write output: ${failed.message}`, [], { cause: failed });
    },
  };
}

/**
 * Opens `--output <file>` (creating missing directories, refusing a directory) or wraps stdout.
 * The file is opened eagerly so an unwritable path fails before any work is done.
 */
export async function openOutput(file: string | undefined, io: CliIO): Promise<OutputSink> {
  if (file === undefined || file === '-') {
    return sinkFor(io.stdout, io.stdout.isTTY === true, false, async () => {});
  }
  const abs = path.resolve(io.cwd, file);
  try {
    if (statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CliError('NJ_CLI_OUTPUT', `cannot write '${file}': is a directory`);
    }
    makeParents(path.dirname(abs));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError('NJ_CLI_OUTPUT', `cannot write '${file}': ${(err as Error).message}`, [], { cause: err });
  }
  const stream = createWriteStream(abs);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) =>
      reject(new CliError('NJ_CLI_OUTPUT', `cannot write '${file}': ${e.message}`, [], { cause: e })),
    );
  });
  // end()'s callback gets a failed write's error (ENOSPC on a full disk or /dev/full) before the
  // stream emits it: without it, a small output that was never written would exit 0.
  return sinkFor(
    stream,
    false,
    true,
    () => new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve()))),
  );
}

/**
 * Creates the missing directories above an output file, one level at a time. Node's recursive
 * mkdir loops forever on some kernel trees (`/proc/self/task/x/`: mkdir says ENOENT for a parent
 * that stat says exists), so the walk is ours and stops at the first error.
 */
function makeParents(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !statSync(d, { throwIfNoEntry: false }); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]!);
}

/**
 * Colour on a stream: off when NO_COLOR is set to anything non-empty (no-color.org), forced by
 * FORCE_COLOR (≠ 0), else only on a TTY.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return isTTY === true;
}

/** Prints a fatal error and its details on stderr; the dispatcher maps it to exit 2. */
export function reportFatal(io: CliIO, command: string, err: CliError): void {
  io.stderr.write(`nightjar ${command}: ${err.message}\n`);
  for (const line of err.details) io.stderr.write(`  ${line}\n`);
}

/** `--max-problems` and `--top`: a non-negative integer (default 20). */
/** `--max-line-bytes <size>`: a positive byte count, with an optional K/M/G (1024-based) suffix; undefined when not given. */
export function parseByteSize(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(\d+)([KMG]?)$/i.exec(v.trim()) : null;
  const n = m ? Number(m[1]) * 1024 ** ['', 'K', 'M', 'G'].indexOf(m[2]!.toUpperCase()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- v is a parseArgs value (string, boolean or a list of them): String() is how the user typed it
    throw new UsageError(`${flag} expects a size in bytes such as 1048576, 512K or 64M, got '${String(v)}'`);
  }
  return n;
}

export function parseCap(v: unknown, flag: string): number {
  if (v === undefined) return 20;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- v is a parseArgs value (string, boolean or a list of them): String() is how the user typed it
    throw new UsageError(`${flag} expects a non-negative integer, got '${String(v)}'`);
  }
  return n;
}
