/** What the linter and the tester both take from the loader, and the one file in a rule folder that is not a rule. */
import { basename, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { LoadResult } from '@nightjar/rules';

/** The repository's configuration file; it sits among the rules, so the loader reads it as one. */
export const CONFIG_FILE = 'nightjar.config.yaml';

/** The loader's documents and diagnostics (the compiled ruleset is not always needed). */
export type RuleInput = Pick<LoadResult, 'documents' | 'diagnostics'>;

/** The input without the configuration file's documents and diagnostics. */
export function withoutConfigFiles<T extends RuleInput>(input: T): T {
  const isCfg = (f: string) => basename(f) === CONFIG_FILE;
  if (!input.documents.some((d) => isCfg(d.file)) && !input.diagnostics.some((d) => isCfg(d.file))) return input;
  return {
    ...input,
    documents: input.documents.filter((d) => !isCfg(d.file)),
    diagnostics: input.diagnostics.filter((d) => !isCfg(d.file)),
  };
}

/**
 * The input without the files matching any of `globs` (picomatch syntax, `**` across directories),
 * tried against each file's path relative to `cwd` and its absolute path.
 */
export function excludeFiles<T extends RuleInput>(input: T, globs: readonly string[], cwd: string): T {
  if (globs.length === 0) return input;
  const match = picomatch([...globs], { dot: true });
  const out = (f: string) => match(f) || match(relative(cwd, f).split(sep).join('/'));
  return {
    ...input,
    documents: input.documents.filter((d) => !out(d.file)),
    diagnostics: input.diagnostics.filter((d) => !out(d.file)),
  };
}
