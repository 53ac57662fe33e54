/** Where the harness finds the repository's rules, fixtures and its own regression cases. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (from fuzz/src or fuzz/dist alike). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Saved failures, replayed by fuzz/test/regressions.test.ts. */
export const REGRESSIONS_DIR = join(ROOT, 'fuzz', 'regressions');

/**
 * SigmaHQ's macOS rules, when a checkout is available: NIGHTJAR_SIGMAHQ_MACOS, else a research
 * checkout beside the repository (the same place `pnpm bench` looks).
 */
export function sigmahqDir(): string | undefined {
  const dir = process.env.NIGHTJAR_SIGMAHQ_MACOS ?? join(ROOT, '../shared/corpus/sigmahq-macos');
  return existsSync(dir) ? dir : undefined;
}
