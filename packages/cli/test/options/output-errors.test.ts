/**
 * An output that was not written is an error (exit 2) for every command that writes results, and
 * an empty rule folder is not a pass for `test` or `lint`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, EVENTS, RULES } from './fake-io.js';

// /dev/full accepts open() and fails every write with ENOSPC: a full disk, on demand.
const hasDevFull = existsSync('/dev/full');
// Under /proc/self/task/ Node's recursive mkdir loops for ever (mkdir says ENOENT, stat says the parent exists).
const hasProc = existsSync('/proc/self/task');

const COMMANDS: [string, string[]][] = [
  ['test', ['test', RULES]],
  ['lint', ['lint', RULES]],
  ['events', ['events', RULES]],
  ['profile', ['profile', path.join(EVENTS, 'clean.jsonl')]],
  ['scan', ['scan', '-r', RULES, path.join(EVENTS, 'alerts.jsonl')]],
];

describe.skipIf(!hasDevFull)('--output to a device that cannot be written (/dev/full)', () => {
  for (const [name, argv] of COMMANDS) {
    it(`${name} exits 2 and says the output was not written`, async () => {
      const r = await cli([...argv, '-o', '/dev/full']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot write output: ENOSPC/);
    });
  }
});

describe.skipIf(!hasProc)('--output below a /proc directory', () => {
  it('fails at once with the directory it could not create (no hang)', async () => {
    const r = await cli(['events', RULES, '-o', '/proc/self/task/nope/out.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write '\/proc\/self\/task\/nope\/out\.txt'/);
  });
});

describe('an empty rule folder', () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'nightjar-empty-rules-'));
  for (const name of ['test', 'lint']) {
    it(`${name} exits 2 with "no rule files"`, async () => {
      const r = await cli([name, empty]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`nightjar ${name}: no rule files (*.yml, *.yaml) found in ${empty}`);
    });
  }
});
