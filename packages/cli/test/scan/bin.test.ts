/**
 * The built CLI, spawned as a user would run it. Needs `npx tsc -b` first; skipped (visibly) when
 * packages/cli/dist is absent or older than this command's sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../options/fake-io.js';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(CLI_DIR, 'dist/bin.js');
const SCAN_JS = path.join(CLI_DIR, 'dist/commands/scan.js');
const built = existsSync(BIN) && existsSync(SCAN_JS) && readFileSync(SCAN_JS, 'utf8').includes('openReplay');

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: FIXTURES,
    input,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)(
  'nightjar bin (built dist; skipped when packages/cli/dist is not built — run npx tsc -b)',
  () => {
    it('scan: alerts on stdout as JSON lines, summary on stderr, exit 1', () => {
      const r = run(['scan', 'events/alerts.jsonl', '--rules', 'rules']);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(JSON.parse(l).rule.id).toMatch(/^7b0c0e8e/);
      expect(r.stderr).toMatch(/Summary\s+32 events/);
      expect(r.stderr).toMatch(/alerts\.jsonl:16 \(byte \d+\)/);
    });
    it("scan: a run that reads no config file loads neither yaml nor ajv's schema compiler (start-up cost)", () => {
      // A preload reports, at exit, which of the two libraries' files were loaded: each cost ~50 ms of
      // every start (ajv's compile ~90 ms more) until they were loaded on demand or compiled ahead.
      const dir = mkdtempSync(path.join(tmpdir(), 'nj-probe-'));
      try {
        const probe = path.join(dir, 'probe.cjs');
        writeFileSync(
          probe,
          `process.on('exit', () => process.stderr.write('PROBE ' + JSON.stringify(Object.keys(require.cache)` +
            `.filter((k) => /node_modules[\\\\/](yaml[\\\\/]|ajv[\\\\/]dist[\\\\/](ajv|core|compile))/.test(k))) + '\\n'));\n`,
        );
        const r = spawnSync(
          process.execPath,
          ['--require', probe, BIN, 'scan', 'events/alerts.jsonl', '--rules', 'rules'],
          {
            cwd: FIXTURES,
            env: { ...process.env, NO_COLOR: '1' },
            encoding: 'utf8',
          },
        );
        expect(r.status).toBe(1);
        expect(r.stdout.trim().split('\n')).toHaveLength(2);
        expect(r.stderr).toMatch(/^PROBE \[\]$/m);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it('scan: stdin, clean input exits 0', () => {
      const r = run(['scan', '-', '--rules', 'rules'], readFileSync(path.join(FIXTURES, 'events/clean.jsonl')));
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
    });
    it('unknown flag and missing file exit 2', () => {
      expect(run(['scan', 'events/alerts.jsonl', '--bogus']).code).toBe(2);
      const m = run(['scan', 'events/missing.jsonl', '--rules', 'rules']);
      expect(m.code).toBe(2);
      expect(m.stderr).toContain("cannot read 'events/missing.jsonl'");
    });
    it('profile and events run', () => {
      const p = run(['profile', 'events/alerts.jsonl', '--rules', 'rules', '-f', 'json']);
      expect(p.code).toBe(0);
      expect(JSON.parse(p.stdout).events).toBe(32);
      const e = run(['events', 'rules', '-f', 'eslogger']);
      expect(e.stdout).toBe('sudo eslogger exec exit fork open\n');
    });
  },
);
