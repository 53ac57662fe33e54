/**
 * `nightjar scan --threads N` prints what the single-threaded scan prints: the same alerts in the
 * same order over every fixture and over a shuffled multi-host capture, and the same counts in the
 * summary. Spawns the built CLI (worker threads run compiled JavaScript); skipped, visibly, when
 * packages/cli/dist is not built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { multiHostCapture, REPO_FIXTURES } from '../../../sources/test/helpers/multi-host.js';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(CLI_DIR, 'dist/bin.js');
const built =
  existsSync(BIN) &&
  existsSync(path.join(CLI_DIR, 'dist/detect/thread-rules.js')) &&
  readFileSync(path.join(CLI_DIR, 'dist/commands/scan.js'), 'utf8').includes('openThreadedScan');
const dir = mkdtempSync(path.join(tmpdir(), 'nj-scan-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scan(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'jsonl', ...args], {
    cwd: REPO_FIXTURES,
    input,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The summary's counts (times and rates removed). */
function counts(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/loaded in|events\/s|^\s*$/.test(l))
    .map((l) => l.replace(/ in [\d.]+ m?s\b.*$/, ''))
    .join('\n');
}

describe.skipIf(!built)(
  'scan --threads (built CLI; skipped when packages/cli/dist is not built — run npx tsc -b)',
  () => {
    const fixtures = readdirSync(REPO_FIXTURES).filter((f) => /\.jsonl(\.gz)?$/.test(f));

    it.each(fixtures)('%s: the same alerts and summary on 2 threads as on 1', (f) => {
      const one = scan([f, '--threads', '1']);
      const two = scan([f, '--threads', '2']);
      expect(two.code).toBe(one.code);
      expect(two.stdout).toBe(one.stdout);
      expect(counts(two.stderr)).toBe(counts(one.stderr));
    });

    it('a shuffled multi-host capture with malformed lines: the same alerts, counts and problems on 1, 2 and 3 threads', () => {
      const file = path.join(dir, 'fleet.jsonl');
      writeFileSync(file, multiHostCapture(4242));
      const one = scan([file, '--threads', '1', '--max-problems', '1000']);
      expect(one.code).toBe(1);
      expect(one.stdout.split('\n').length).toBeGreaterThan(50);
      expect(one.stderr).toMatch(/hosts\s+1[0-9] /);
      for (const n of ['2', '3']) {
        const r = scan([file, '--threads', n, '--max-problems', '1000']);
        expect(r.stdout).toBe(one.stdout);
        expect(counts(r.stderr)).toBe(counts(one.stderr));
      }
    });

    it('stdin: the same alerts on 2 threads', () => {
      const input = Buffer.from(multiHostCapture(99));
      const one = scan(['-', '--threads', '1'], input);
      const two = scan(['-', '--threads', '2'], input);
      expect(two.stdout).toBe(one.stdout);
      expect(two.code).toBe(1);
    });

    it('a bad --threads is a usage error (exit 2) that says what is expected', () => {
      for (const bad of ['0', 'two', '1.5', '999']) {
        const r = scan(['meterpreter-session.jsonl', '--threads', bad]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/--threads expects a whole number from 1 to 256/);
      }
    });
  },
);
