import { existsSync } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuleLoadError, type RuleDiagnostic } from '../errors.js';
import { compileSources, type RuleSource } from './compile.js';
import { DEFAULT_LIMITS, diag } from './yaml.js';
import type { RuleSet } from './ruleset.js';
import type { LoadOptions, LoadResult } from './types.js';

export { compileSources, DEFAULT_MAX_TIMESPAN_US, type RuleSource } from './compile.js';
export { RuleSet, LINEAGE_EVENT_TYPES } from './ruleset.js';
export { DEFAULT_LIMITS, yaml as yamlLibrary, type YamlLimits, type KeyPath } from './yaml.js';
export type { LoadOptions, LoadResult, RuleDocument, DocumentKindOrUnknown } from './types.js';

const RULE_FILE = /\.ya?ml$/i;
/** Configuration files that live beside rules in a rule repository and are not rules themselves. */
const NOT_RULES = new Set(['nightjar.config.yaml', 'nightjar.config.yml']);

/**
 * Expands paths into rule files: a file is taken as given (whatever its extension); a directory is
 * walked recursively for *.yml / *.yaml, skipping hidden entries, node_modules and the lint
 * configuration (nightjar.config.yaml), each directory
 * once even through symlinks. The result is sorted within each directory, so loading is deterministic.
 * A *.yml / *.yaml entry that cannot be stat'ed (a dangling symlink, a symlink loop) or is not a
 * regular file (a FIFO) is reported as the same path named would be: the user put it there as a rule,
 * so it must not vanish silently.
 */
async function collectFiles(paths: readonly string[], diagnostics: RuleDiagnostic[]): Promise<string[]> {
  const files: string[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const addFile = async (p: string): Promise<void> => {
    const real = await realpath(p).catch(() => p);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(p);
  };
  // Once per path, like a file: a path both named and inside a walked folder is reported once.
  const refuse = async (p: string, why: () => Promise<RuleDiagnostic>): Promise<void> => {
    const real = await realpath(p).catch(() => p);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    diagnostics.push(await why());
  };
  const unstatable = (p: string, err: unknown) => refuse(p, () => statFailure(p, err));
  const unreadable = (p: string, message: string) =>
    refuse(p, () => Promise.resolve(diag('NJ_FILE_READ', message, { file: p, line: 1, col: 1 })));
  // A FIFO or device would block or never end: only regular files are read.
  const notRegular = (p: string) => unreadable(p, `not a regular file: ${p}`);
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir).catch(() => dir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (err) {
      // An unlistable folder (no permission) hides its rules: reported, and the other paths still load.
      await unreadable(dir, `cannot list rule folder: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      const s = await stat(p).catch((e: unknown) => ({ failed: e }));
      if ('failed' in s) {
        if (isRuleFileName(name)) await unstatable(p, s.failed);
        continue;
      }
      if (s.isDirectory()) await walk(p);
      else if (!isRuleFileName(name)) continue;
      else if (s.isFile()) await addFile(p);
      else await notRegular(p);
    }
  };
  for (const p of paths) {
    const s = await stat(p).catch((e: unknown) => ({ failed: e }));
    if ('failed' in s) await unstatable(p, s.failed);
    else if (s.isDirectory()) await walk(p);
    else if (!s.isFile()) await notRegular(p);
    else await addFile(p);
  }
  return files;
}

function isRuleFileName(name: string): boolean {
  return RULE_FILE.test(name) && !NOT_RULES.has(name);
}

/**
 * The diagnostic for a path stat() refused, named or found in a folder alike: NJ_PATH_NOT_FOUND when
 * nothing is there (saying so when it is a symlink whose target is missing), else NJ_FILE_READ with the
 * system's reason (a symlink loop, no permission).
 */
async function statFailure(p: string, err: unknown): Promise<RuleDiagnostic> {
  const at = { file: p, line: 1, col: 1 };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const target = await lstat(p)
      .then((l) => (l.isSymbolicLink() ? readlink(p) : undefined))
      .catch(() => undefined);
    const why = target === undefined ? '' : ` (a symbolic link to '${target}', which does not exist)`;
    return diag('NJ_PATH_NOT_FOUND', `no such file or directory: ${p}${why}`, at);
  }
  return diag('NJ_FILE_READ', `cannot read rule file: ${err instanceof Error ? err.message : String(err)}`, at);
}

async function readCapped(file: string, maxBytes: number): Promise<{ text: string } | { error: RuleDiagnostic }> {
  const at = { file, line: 1, col: 1 };
  try {
    const s = await stat(file);
    // Checked before reading: a huge file is refused without being loaded into memory.
    if (s.size > maxBytes)
      return { error: diag('NJ_FILE_TOO_LARGE', `rule file is ${s.size} bytes; the limit is ${maxBytes}`, at) };
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(s.size, maxBytes) + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > maxBytes)
        return { error: diag('NJ_FILE_TOO_LARGE', `rule file larger than ${maxBytes} bytes`, at) };
      return { text: buf.subarray(0, bytesRead).toString('utf8') };
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { error: diag('NJ_FILE_READ', `cannot read rule file: ${e instanceof Error ? e.message : String(e)}`, at) };
  }
}

/**
 * The lenient loader (for the tester and the linter): loads every file and document it can and
 * returns the rules that compiled, every document, and every diagnostic. Never throws for bad rules.
 */
export async function loadRuleFiles(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const pre: RuleDiagnostic[] = [];
  const files = await collectFiles(paths, pre);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  const sources: RuleSource[] = [];
  for (const file of files) {
    const r = await readCapped(file, maxBytes);
    if ('error' in r) pre.push(r.error);
    else sources.push({ file, text: r.text });
  }
  return compileSources(sources, opts, pre);
}

function throwOnErrors(result: LoadResult): RuleSet {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new RuleLoadError([...errors, ...result.diagnostics.filter((d) => d.severity !== 'error')]);
  }
  return result.ruleset;
}

/**
 * Loads rule files and directories into a compiled ruleset for the Engine. Throws RuleLoadError
 * carrying every diagnostic (errors first, then warnings) when any rule fails; warnings alone do not
 * throw and stay readable on `ruleset.diagnostics`.
 */
export async function loadRules(paths: readonly string[], opts: LoadOptions = {}): Promise<RuleSet> {
  return throwOnErrors(await loadRuleFiles(paths, opts));
}

/** Lenient in-memory form (tests, editors): one YAML text, possibly multi-document. */
export function parseRuleText(text: string, file = '<memory>', opts: LoadOptions = {}): LoadResult {
  return compileSources([{ file, text }], opts);
}

/** Strict in-memory form: like loadRules, for texts. Throws RuleLoadError on any error. */
export function compileRuleText(text: string, file = '<memory>', opts: LoadOptions = {}): RuleSet {
  return throwOnErrors(parseRuleText(text, file, opts));
}

/**
 * The shipped ruleset's folder: `ruleset/` inside the published package (copied there by `prepack`),
 * else the repository's top-level `rules/`. Resolved from this file, so it works from src/ and dist/.
 */
export function bundledRulesDir(): string {
  const packaged = fileURLToPath(new URL('../../ruleset/', import.meta.url));
  if (existsSync(packaged)) return packaged.replace(/[\\/]$/, '');
  return fileURLToPath(new URL('../../../../rules/', import.meta.url)).replace(/[\\/]$/, '');
}
