/** `nightjar test` flags: -t (rule/case filter), --watch and --max-line-bytes. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tester } from '@nightjar/ruletools';
import { run } from '../../src/commands/test.js';
import { recordingIO as io, ruleDir as repo, until } from '../rule-dir.js';

const RULE = (n: number, tool: string, expectMatch = true) => `title: ${tool} Run
id: 7b1e5c2a-0000-4000-8000-00000000050${n}
status: test
description: Detects ${tool}, for the test command tests.
author: t
date: 2024-01-01
level: medium
logsource:
  product: macos
  category: process_creation
detection:
  selection:
    Image|endswith: /${tool}
  condition: selection
tests:
  - name: fires on ${tool}
    expect: { match: ${expectMatch} }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/${tool} } }, args: [${tool}] }
  - name: quiet on ls
    expect: { match: false }
    events:
      - type: exec
        exec: { target: { executable: { path: /bin/ls } }, args: [ls] }
`;

describe('nightjar test -t', () => {
  const dir = repo({ 'rules/curl.yml': RULE(1, 'curl'), 'rules/wget.yml': RULE(2, 'wget', false) });
  it('runs only the matching rules and cases, and fails when nothing matches', async () => {
    const all = io(dir);
    expect(await run(['rules', '--verbose'], all)).toBe(1); // the wget rule's positive case is wrong on purpose
    const curl = io(dir);
    expect(await run(['rules', '-t', 'curl run', '--verbose'], curl)).toBe(0);
    expect(curl.out()).toContain('Tests: 2 passed (2 cases in 1 rule');
    const byCase = io(dir);
    expect(await run(['rules', '-t', '/^quiet/', '--verbose'], byCase)).toBe(0);
    expect(byCase.out()).toContain('Tests: 2 passed (2 cases in 2 rules');
    const none = io(dir);
    expect(await run(['rules', '-t', 'nothing'], none)).toBe(1);
    expect(none.err()).toContain('no rule or case matches -t nothing');
  });
});

describe('nightjar test --watch (a short-lived watch, stopped by the test)', () => {
  it('runs, runs again after a rule changes, and stops on interrupt with the last exit code', async () => {
    const dir = repo({ 'rules/wget.yml': RULE(2, 'wget', false) });
    const t = io(dir);
    const done = run(['rules', '--watch'], t);
    await until(() => t.out().includes('1 failed'), 'the first run');
    writeFileSync(path.join(dir, 'rules/wget.yml'), RULE(2, 'wget', true));
    await until(() => t.out().includes('Tests: 2 passed'), 'the run after the fix');
    expect(t.err()).toContain('wget.yml changed');
    t.interrupt();
    expect(await done).toBe(0);
  });
});

describe('nightjar test --max-line-bytes', () => {
  // One fixture line padded past 4 KiB: read under the default cap, a located case error under 4K.
  const [msg] = tester.expandBriefEvents([
    { type: 'exec', exec: { target: { executable: { path: '/usr/bin/curl' } }, args: ['curl'] } },
  ]);
  const line = JSON.stringify({ ...msg, pad: 'x'.repeat(5000) });
  const dir = repo({
    'fixtures/long.jsonl': `${line}\n`,
    'rules/curl.yml': `${RULE(1, 'curl').split('tests:')[0]}tests:
  - name: fires on the long line
    expect: { match: true }
    fixture: ../fixtures/long.jsonl
`,
  });

  it('caps fixture lines: a longer one fails its case with its line and byte offset', async () => {
    const plain = io(dir);
    expect(await run(['rules'], plain)).toBe(0);
    const capped = io(dir);
    expect(await run(['rules', '--max-line-bytes', '4K'], capped)).toBe(1);
    expect(capped.out()).toMatch(/long\.jsonl:1 \(byte 0\): line longer than 4096 bytes, skipped/);
    const bad = io(dir);
    await expect(run(['rules', '--max-line-bytes', 'big'], bad)).rejects.toThrow(/--max-line-bytes expects a size/);
  });
});
