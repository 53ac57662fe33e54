/** Test helpers for the rule-author commands: a temporary rule folder, an IO that records and can be interrupted, a poll. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../src/io.js';

/** A fresh temporary folder holding `files` (relative path → text). */
export function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'njrules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export type RecordingIO = CliIO & { out: () => string; err: () => string; interrupt: () => void };

/** A CliIO recording stdout and stderr; `interrupt()` plays the user's Ctrl-C (stops --watch). */
export function recordingIO(cwd: string): RecordingIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  let handler: (() => void) | undefined;
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    cwd,
    env: { NO_COLOR: '1' },
    onInterrupt: (h) => {
      handler = h;
      return () => (handler = undefined);
    },
    interrupt: () => handler?.(),
    out: () => o,
    err: () => e,
  };
}

/** Waits (polling; no timing assertion) until `f` holds, failing after 10 s. */
export async function until(f: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error(`timed out waiting for ${what}`);
}
