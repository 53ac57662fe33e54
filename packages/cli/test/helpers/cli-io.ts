/** Test helpers: an in-memory CliIO that records stdout/stderr, and a temporary folder of files. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/io.js';

export type CapturedIO = CliIO & { out: () => string; err: () => string };

export function captureIO(cwd: string, opts: { tty?: boolean } = {}): CapturedIO {
  const stdout = Object.assign(new PassThrough(), opts.tty ? { isTTY: true } : {});
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: new PassThrough(), stdout, stderr, cwd, env: { NO_COLOR: '1' }, out: () => o, err: () => e };
}

/** Writes `files` (relative name → text) into a fresh temporary folder and returns its path. */
export function tempRepo(files: Record<string, string>, prefix = 'njtest-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
