/** `nightjar lint` flags: --fix, --disable/--enable, --exclude, --max-warnings, jsonl, --watch. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/lint.js';
import { recordingIO as io, ruleDir as repo, until } from '../rule-dir.js';

const RULE = (n: number, detection: string, extra = '') => `title: Curl Run ${n}
id: 7b1e5c2a-0000-4000-8000-00000000040${n}
status: test
description: Detects curl, for the lint command tests.
author: t
date: 2024-01-01
${extra}level: medium
tags:
  - attack.execution
  - attack.t1059.004
logsource:
  product: macos
  category: process_creation
detection:
${detection}tests:
  - name: fires
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, -s, "http://x"] }
`;
const STAR = "  selection:\n    Image|endswith: /curl\n    CommandLine: '*'\n  condition: selection\n";
const CLEAN = '  selection:\n    Image|endswith: /curl\n  condition: selection\n';

describe('nightjar lint --fix', () => {
  it('rewrites the file, reports what is left (nothing), and the fixed file lints clean', async () => {
    const dir = repo({ 'r.yml': RULE(1, STAR, 'modified: 2024-01-01\n') });
    const t = io(dir);
    expect(await run(['r.yml', '--fix', '--fail-on', 'info', '-f', 'json'], t)).toBe(0);
    expect(t.err()).toContain('fixed 2 problems in 1 file');
    expect(JSON.parse(t.out()).findings).toEqual([]);
    const text = readFileSync(path.join(dir, 'r.yml'), 'utf8');
    expect(text).toContain('    CommandLine|exists: true\n');
    expect(text).not.toContain('modified');
    const again = io(dir);
    expect(await run(['r.yml', '--fail-on', 'info'], again)).toBe(0);
  });
  it('without --fix, says how many problems it could fix and leaves the file alone', async () => {
    const dir = repo({ 'r.yml': RULE(1, STAR) });
    const t = io(dir);
    await run(['r.yml'], t);
    expect(t.err()).toContain('1 problem can be fixed with --fix');
    expect(readFileSync(path.join(dir, 'r.yml'), 'utf8')).toContain("CommandLine: '*'");
  });
});

describe('nightjar lint on a file that starts with a byte-order mark', () => {
  const BOM = '\uFEFF';
  // nj/modified-equals-date (fixable) points at line 1's value, column 11.
  const text = `modified: 2024-01-01\n${RULE(1, CLEAN).replace('title: Curl Run', 'title: curl run')}`;

  it('reports line 1 columns as in the text without the BOM, in every format', async () => {
    // One folder for both texts: sarif names the working directory.
    const dir = repo({});
    // (json is left out: its fixes carry file offsets, which the BOM rightly moves.)
    for (const format of ['stylish', 'github', 'sarif']) {
      const out = async (t: string) => {
        writeFileSync(path.join(dir, 'r.yml'), t);
        const r = io(dir);
        await run(['r.yml', '--fail-on', 'info', '-f', format], r);
        return r.out();
      };
      expect(await out(BOM + text)).toEqual(await out(text));
    }
    const t = io(repo({ 'r.yml': BOM + text }));
    await run(['r.yml', '--fail-on', 'info', '-f', 'github'], t);
    expect(t.out()).toContain('file=r.yml,line=1,col=11,endLine=1,endColumn=21,title=nj/modified-equals-date');
  });

  it('--fix keeps the BOM, also when it removes the entry on line 1', async () => {
    const dir = repo({ 'r.yml': BOM + text });
    const t = io(dir);
    await run(['r.yml', '--fix'], t);
    expect(t.err()).toContain('fixed 1 problem in 1 file');
    expect(readFileSync(path.join(dir, 'r.yml'), 'utf8')).toBe(BOM + text.replace('modified: 2024-01-01\n', ''));
  });
});

describe('nightjar lint --disable / --enable / --exclude / --max-warnings / jsonl', () => {
  it('--disable turns a check off; --enable brings back one the config turned off; a typo is exit 2', async () => {
    const dir = repo({ 'r.yml': RULE(1, STAR), 'nightjar.config.yaml': 'checks:\n  nj/star-only-value: off\n' });
    const ids = async (...args: string[]) => {
      const t = io(dir);
      await run(['r.yml', '-f', 'jsonl', ...args], t);
      return t
        .out()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { checkId: string }).checkId);
    };
    expect(await ids()).not.toContain('nj/star-only-value');
    expect(await ids('--enable', 'star-only-value')).toContain('nj/star-only-value');
    expect(await ids('--enable', 'star-only-value', '--disable', 'nj/star-only-value')).not.toContain(
      'nj/star-only-value',
    );
    const t = io(dir);
    expect(await run(['r.yml', '--disable', 'star-only'], t)).toBe(2);
    expect(t.err()).toMatch(/--disable: unknown check 'star-only'/);
  });
  it('jsonl: one JSON finding per line, with its range', async () => {
    const dir = repo({ 'r.yml': RULE(1, STAR) });
    const t = io(dir);
    await run(['r.yml', '-f', 'jsonl'], t);
    const lines = t.out().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      checkId: 'nj/star-only-value',
      line: 17,
      col: 18,
      endLine: 17,
      endCol: 21,
    });
  });
  it('--exclude skips matching files', async () => {
    const dir = repo({
      'rules/ok.yml': RULE(1, CLEAN),
      'rules/drafts/bad.yml': RULE(2, '  selection:\n    Image|endwith: /curl\n  condition: selection\n'),
    });
    expect(await run(['rules'], io(dir))).toBe(1);
    const t = io(dir);
    expect(await run(['rules', '--exclude', 'rules/drafts/**'], t)).toBe(0);
    expect(t.out()).toContain('No problems in 1 document');
    const all = io(dir);
    expect(await run(['rules', '--exclude', '**/*.yml'], all)).toBe(2);
    expect(all.err()).toContain('no rule files (*.yml, *.yaml) found in rules (after --exclude)');
  });
  it('--max-warnings: more warnings than allowed is exit 1, at or below is 0', async () => {
    const dir = repo({ 'r.yml': RULE(1, STAR) }); // one warning (nj/star-only-value)
    expect(await run(['r.yml', '--max-warnings', '1'], io(dir))).toBe(0);
    const t = io(dir);
    expect(await run(['r.yml', '--max-warnings', '0'], t)).toBe(1);
    expect(t.err()).toContain('1 warning, more than --max-warnings 0');
    await expect(run(['r.yml', '--max-warnings', 'x'], io(dir))).rejects.toThrow(
      /--max-warnings must be a non-negative integer/,
    );
  });
});

describe('nightjar lint --watch (a short-lived watch, stopped by the test)', () => {
  it('lints, lints again after a change, and stops on interrupt with the last exit code', async () => {
    const dir = repo({ 'rules/r.yml': RULE(1, CLEAN) });
    const t = io(dir);
    const done = run(['rules', '--watch', '-f', 'jsonl'], t);
    await until(() => t.err().includes('No problems'), 'the first run');
    writeFileSync(path.join(dir, 'rules/r.yml'), RULE(1, STAR));
    await until(() => t.out().includes('nj/star-only-value'), 'the run after the change');
    expect(t.err()).toContain('r.yml changed');
    t.interrupt();
    expect(await done).toBe(0); // a warning is below the default --fail-on error
  });
});
