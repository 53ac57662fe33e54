/**
 * `watch` reloads its rules on SIGHUP (CliIO.onReload) and, with --watch-rules, on file changes:
 * unchanged correlations keep their windows, new rules apply to the events that follow, and rules
 * that do not load are reported while the running rules stay. Uses the stand-in eslogger in its
 * `follow` mode (lines appended to the capture are sent as they come).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeIO } from '../options/fake-io.js';
import { exec } from './exec-line.js';
import { main } from '../../src/main.js';

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MARKER = `title: Marker Exec
id: 7c1f3a52-2222-4000-8000-000000000001
logsource: { product: macos, service: endpointsecurity, category: exec }
detection:
  selection:
    event.exec.args|contains: nightjar-reload-marker
  condition: selection
level: high
---
title: Three Marker Execs
id: 7c1f3a52-2222-4000-8000-000000000002
correlation:
  type: event_count
  rules: [7c1f3a52-2222-4000-8000-000000000001]
  group-by: [event.exec.target.executable.path]
  timespan: 5m
  condition: { gte: 3 }
  generate: true
level: critical
`;
const SECOND = `---
title: Second Marker
id: 7c1f3a52-2222-4000-8000-000000000003
logsource: { product: macos, service: endpointsecurity, category: exec }
detection:
  selection:
    event.exec.args|contains: second-marker
  condition: selection
level: medium
`;

async function until(what: () => boolean, label: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (what()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${label}`);
}

function start(name: string, extraArgs: string[] = []) {
  const rules = path.join(dir, `${name}.yml`);
  const capture = path.join(dir, `${name}.jsonl`);
  writeFileSync(rules, MARKER);
  writeFileSync(
    capture,
    [exec(1, ['curl', 'nightjar-reload-marker']), exec(2, ['curl', 'nightjar-reload-marker'])].join('\n') + '\n',
  );
  const env = {
    PATH: `${FAKE}${path.delimiter}${process.env.PATH}`,
    FAKE_ESLOGGER_MODE: 'follow',
    FAKE_ESLOGGER_LINES: capture,
  };
  const { io, stdout, stderr } = fakeIO({ env });
  let interrupt: (() => void) | undefined;
  let reload: (() => void) | undefined;
  const withSignals = {
    ...io,
    onInterrupt: (h: () => void) => ((interrupt = h), () => (interrupt = undefined)),
    onReload: (h: () => void) => ((reload = h), () => (reload = undefined)),
  };
  const running = main(
    ['watch', '--backend', 'eslogger', '--rules', rules, '--format', 'jsonl', ...extraArgs],
    withSignals,
  );
  const ids = () =>
    stdout
      .text()
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { rule: { id: string } }).rule.id.slice(-1));
  return {
    rules,
    capture,
    stderr,
    running,
    ids,
    reload: () => reload!(),
    interrupt: () => interrupt!(),
    hasReload: () => reload !== undefined,
  };
}

describe('nightjar watch: rule reload', () => {
  it('SIGHUP: a new rule applies to later events and the unchanged correlation keeps its window', async () => {
    const w = start('hup');
    await until(() => w.ids().length === 2, 'the first two alerts');
    writeFileSync(w.rules, MARKER + SECOND);
    w.reload();
    await until(() => /rules reloaded/.test(w.stderr.text()), 'the reload');
    expect(w.stderr.text()).toMatch(/rules reloaded: 3 rules; correlation windows kept 1, reset 0, removed 0/);
    appendFileSync(w.capture, exec(3, ['curl', 'nightjar-reload-marker', 'second-marker']) + '\n');
    await until(() => w.ids().length === 5, 'the alerts of the third exec');
    w.interrupt();
    expect(await w.running).toBe(1);
    // Third exec: the marker, the new rule, then the correlation over all three (two seen before the reload).
    expect(w.ids()).toEqual(['1', '1', '1', '3', '2']);
  });

  it('rules that do not load are reported and the running rules stay', async () => {
    const w = start('bad');
    await until(() => w.ids().length === 2, 'the first two alerts');
    writeFileSync(
      w.rules,
      MARKER + '---\ntitle: Broken\nlogsource: { product: macos }\ndetection: { condition: nope }\n',
    );
    w.reload();
    await until(() => /rules not reloaded/.test(w.stderr.text()), 'the failed reload');
    expect(w.stderr.text()).toMatch(/rules not reloaded, the running rules stay: rules failed to load/);
    expect(w.stderr.text()).toMatch(/bad\.yml:\d+:\d+/);
    appendFileSync(w.capture, exec(3, ['curl', 'nightjar-reload-marker']) + '\n');
    await until(() => w.ids().length === 4, 'the alerts of the third exec');
    w.interrupt();
    expect(await w.running).toBe(1);
    expect(w.ids()).toEqual(['1', '1', '1', '2']);
  });

  it('--watch-rules reloads when the rule file changes', async () => {
    const w = start('files', ['--watch-rules']);
    await until(() => w.ids().length === 2, 'the first two alerts');
    writeFileSync(w.rules, MARKER + SECOND);
    await until(() => /rules reloaded/.test(w.stderr.text()), 'the reload after the file change');
    appendFileSync(w.capture, exec(3, ['curl', 'second-marker']) + '\n');
    await until(() => w.ids().includes('3'), 'the new rule’s alert');
    w.interrupt();
    await w.running;
    expect(w.hasReload()).toBe(false); // unregistered at the end
  });
});
