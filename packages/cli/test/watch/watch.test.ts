import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, eventTypeByNumber, type Alert } from '@nightjar/core';
import { addonAvailable, openReplay } from '@nightjar/sources';
import { FIXTURES, cli, fakeIO } from '../options/fake-io.js';
import { exec } from './exec-line.js';
import { loadRuleSetOrFail } from '../../src/options.js';
import { main } from '../../src/main.js';

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULE = `title: Watch Test Marker Exec
id: 7c1f3a52-1111-4000-8000-000000000001
status: test
description: exec whose arguments carry the test marker
author: Nightjar tests
date: 2026-11-26
logsource:
    product: macos
    service: endpointsecurity
    category: exec
detection:
    selection:
        event.exec.args|contains: 'nightjar-watch-marker'
    condition: selection
level: high
`;
const rulesFile = path.join(dir, 'marker.yml');
writeFileSync(rulesFile, RULE);

function env(mode: string, lines: string[]): NodeJS.ProcessEnv {
  const f = path.join(dir, `lines-${mode}-${lines.length}.jsonl`);
  writeFileSync(f, lines.join('\n') + '\n');
  return {
    PATH: `${FAKE}${path.delimiter}${process.env.PATH}`,
    FAKE_ESLOGGER_MODE: mode,
    FAKE_ESLOGGER_LINES: f,
    FAKE_ESLOGGER_ARGV: path.join(dir, `argv-${mode}`),
  };
}

describe('nightjar watch with the eslogger backend (stand-in eslogger on PATH)', () => {
  it('subscribes to the needed types, prints alerts as JSON lines, a summary, and exits 1', async () => {
    const e = env('replay', [
      exec(1, ['curl', 'https://example.com']),
      exec(2, ['curl', 'nightjar-watch-marker']),
      '{bad json',
    ]);
    const r = await cli(
      ['watch', '--backend', 'eslogger', '--rules', rulesFile, '--duration', '1.5', '--format', 'jsonl'],
      { env: e },
    );
    expect(r.code).toBe(1);
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].rule.title).toBe('Watch Test Marker Exec');
    expect(alerts[0].process.entity_id).toBe('402:412');
    // eslogger got exactly the event names the engine needs (the rule's, plus lineage's).
    expect(JSON.parse(readFileSync(e.FAKE_ESLOGGER_ARGV!, 'utf8').trim())).toEqual(['exec', 'exit', 'fork']);
    expect(r.stderr).toMatch(/eslogger source, 1 rule, subscribed to exec exit fork/);
    expect(r.stderr).toMatch(/eslogger:3 \(byte \d+\): invalid JSON/);
    expect(r.stderr).toMatch(/alerts\s+1/);
  });

  it('--max-line-bytes: a longer eslogger line is one located error, the alert after it still fires', async () => {
    const long = exec(1, ['x'.repeat(4096)]);
    const e = env('replay', [long, exec(2, ['curl', 'nightjar-watch-marker'])]);
    const args = ['watch', '--backend', 'eslogger', '--rules', rulesFile, '--duration', '1.5', '--format', 'jsonl'];
    const r = await cli([...args, '--max-line-bytes', '1K'], { env: e });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/eslogger:1 \(byte 0\): line longer than 1024 bytes, skipped/);
    expect(r.stderr).toMatch(/malformed lines\s+1/);
    // The default cap (64M) reads the same line.
    const plain = await cli(args, { env: e });
    expect(plain.stderr).not.toMatch(/line longer than/);
    const other = await cli(['watch', '--backend', 'linux', '--rules', rulesFile, '--max-line-bytes', '1K']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--max-line-bytes applies to the eslogger backend only/);
  });

  it('--host names the host on every alert', async () => {
    const e = env('replay', [exec(2, ['curl', 'nightjar-watch-marker'])]);
    const args = ['watch', '--backend', 'eslogger', '--rules', rulesFile, '--duration', '1.2', '--format', 'jsonl'];
    const r = await cli([...args, '--host', 'mac-z'], { env: e });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.trim().split('\n')[0])).toMatchObject({ host: 'mac-z' });
    const none = await cli(args, { env: e });
    expect(JSON.parse(none.stdout.trim().split('\n')[0]).host ?? null).toBeNull();
    expect((await cli([...args, '--host', ' '], { env: e })).code).toBe(2);
  });

  it('--mute-path-events: checked, and refused where the backend cannot mute per event type', async () => {
    const bad = await cli([
      'watch',
      '--backend',
      'eslogger',
      '--rules',
      rulesFile,
      '--mute-path-events',
      '/usr/libexec/mds',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--mute-path-events expects <exe>=<type>/);
    const typo = await cli(['watch', '--rules', rulesFile, '--mute-path-events', '/usr/libexec/mds=opne']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/'opne' is not an ES NOTIFY event type \(did you mean 'open'/);
    const linux = await cli([
      'watch',
      '--backend',
      'linux',
      '--rules',
      rulesFile,
      '--mute-path-events',
      '/usr/bin/x=open',
    ]);
    expect(linux.code).toBe(2);
    expect(linux.stderr).toMatch(/per-event-type muting is an Endpoint Security feature/);
  });

  it('prints status lines with the event rate, queue, drops and gaps', async () => {
    const e = env('replay', [exec(1, ['curl'])]);
    const r = await cli(
      ['watch', '--backend', 'eslogger', '--rules', rulesFile, '--duration', '1.3', '--status-interval', '0.5'],
      { env: e },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[watch\] 1 events \(\d+\/s\) · queue 0 · missing 0 · alerts 0/);
  });

  it('stops cleanly on Ctrl-C: the source is stopped, alerts flushed, a summary printed', async () => {
    const e = env('replay', [exec(1, ['curl', 'nightjar-watch-marker'])]);
    const { io, stdout, stderr } = fakeIO({ env: e });
    let interrupt: (() => void) | undefined;
    const withSignal = { ...io, onInterrupt: (h: () => void) => ((interrupt = h), () => (interrupt = undefined)) };
    const running = main(['watch', '--backend', 'eslogger', '--rules', rulesFile, '--format', 'jsonl'], withSignal);
    // Interrupt once the alert is out (no --duration: only Ctrl-C ends this run).
    for (let i = 0; i < 250 && stdout.text() === ''; i++) await new Promise((r) => setTimeout(r, 20));
    expect(interrupt).toBeDefined();
    interrupt!();
    const code = await running;
    expect(code).toBe(1);
    expect(stdout.text().trim().split('\n')).toHaveLength(1);
    expect(stderr.text()).toMatch(/alerts\s+1/);
    expect(stderr.text()).toMatch(/stopped \(Ctrl-C\)/);
    expect(interrupt).toBeUndefined(); // the handler was unregistered
  });

  it('exits 2 with the Full Disk Access explanation when eslogger is not permitted', async () => {
    const r = await cli(['watch', '--backend', 'eslogger', '--rules', rulesFile], { env: env('not-permitted', []) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nightjar watch: the eslogger source stopped: .*Full Disk Access/);
  });

  it('exits 2 for an unknown backend, and for a backend this platform lacks', async () => {
    const bad = await cli(['watch', '--backend', 'nope', '--rules', rulesFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --backend 'nope'/);
    if (process.platform !== 'darwin') {
      const es = await cli(['watch', '--backend', 'es', '--rules', rulesFile]);
      expect(es.code).toBe(2);
      expect(es.stderr).toMatch(/the es source cannot start: .*needs macOS/);
    }
  });

  it('checks the muting and ES client flags: bad values and eslogger (which cannot mute) exit 2', async () => {
    const pid = await cli(['watch', '--backend', 'linux', '--mute-process', 'x1', '--rules', rulesFile]);
    expect(pid.code).toBe(2);
    expect(pid.stderr).toMatch(/--mute-process expects a pid, got 'x1'/);
    const invert = await cli(['watch', '--backend', 'linux', '--invert-muting', '--rules', rulesFile]);
    expect(invert.code).toBe(2);
    expect(invert.stderr).toMatch(/--invert-muting needs --mute-path/);
    const clients = await cli(['watch', '--backend', 'es', '--es-clients', '0', '--rules', rulesFile]);
    expect(clients.code).toBe(2);
    expect(clients.stderr).toMatch(/--es-clients expects 1 to 16, got '0'/);
    const eslogger = await cli(['watch', '--backend', 'eslogger', '--mute-path', '/bin/ls', '--rules', rulesFile], {
      env: env('replay', []),
    });
    expect(eslogger.code).toBe(2);
    expect(eslogger.stderr).toMatch(/eslogger cannot mute/);
  });

  it('exits 2 when the rules do not load', async () => {
    const r = await cli(['watch', '--backend', 'eslogger', '--rules', path.join(dir, 'missing.yml')], {
      env: env('replay', []),
    });
    expect(r.code).toBe(2);
  });
});

const liveWhy =
  process.platform !== 'linux'
    ? 'not Linux'
    : process.getuid?.() !== 0
      ? 'needs root (CI runs it as root)'
      : !addonAvailable()
        ? 'native addon not built'
        : '';

describe.skipIf(liveWhy !== '')(
  `nightjar watch --backend linux, live${liveWhy ? ` (skipped: ${liveWhy})` : ''}`,
  () => {
    it('fires a rule on a command run while watching', async () => {
      const run = cli(['watch', '--backend', 'linux', '--rules', rulesFile, '--duration', '3', '--format', 'jsonl'], {
        env: process.env,
      });
      await new Promise((r) => setTimeout(r, 1000));
      const child = spawn('/bin/sh', ['-c', 'sleep 0.3', 'nightjar-watch-marker'], { stdio: 'ignore' });
      await new Promise((r) => child.on('close', r));
      const r = await run;
      expect(r.code).toBe(1);
      const alerts = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const mine = alerts.find((a) => a.process.pid === child.pid);
      expect(mine, r.stderr).toBeDefined();
      expect(mine.rule.title).toBe('Watch Test Marker Exec');
      // The shell's parent is this test process, known to the lineage through backfill.
      expect(mine.lineage[0]?.pid).toBe(process.pid);
    });
  },
);

// scan, events and watch ask the engine which types to read: a ruleset that reads no lineage field
// still gets fork/exec/exit, so its alerts carry the same process chains whichever command ran it.
describe('one list of event types for scan, events and watch', () => {
  const capture = path.join(FIXTURES, 'events', 'alerts.jsonl');
  const rules = path.join(FIXTURES, 'rules');
  const chains = (jsonl: string) =>
    jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule: { id: string }; lineage: unknown[] })
      .map((a) => ({ rule: a.rule.id, lineage: a.lineage }));

  it('events prints what watch subscribes to, and scan, watch and an engine fed everything agree on lineage', async () => {
    const ruleset = await loadRuleSetOrFail([rules]);
    expect(ruleset.rules.some((r) => r.usesLineage)).toBe(false);

    const listed = (await cli(['events', rules])).stdout.trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining(['fork', 'exec', 'exit']));

    // Reference: every line of the capture decoded and pushed.
    const engine = new Engine(ruleset, {});
    const all: Alert[] = [];
    for await (const batch of openReplay([capture], {})) for (const ev of batch.events) all.push(...engine.push(ev));
    all.push(...engine.flush());
    const reference = all.map((a) => ({
      rule: a.rule.id,
      lineage: JSON.parse(JSON.stringify(a)).lineage as unknown[],
    }));
    expect(reference.length).toBeGreaterThan(0);
    expect(reference.some((r) => r.lineage.length > 0)).toBe(true);

    const scanned = await cli(['scan', capture, '--rules', rules, '-f', 'jsonl', '-q']);
    expect(chains(scanned.stdout)).toEqual(reference);

    // A live eslogger sends only the subscribed types: give the stand-in just those lines.
    const lines = readFileSync(capture, 'utf8')
      .split('\n')
      .filter((l) => {
        try {
          const t = eventTypeByNumber(JSON.parse(l).event_type)?.name;
          return t !== undefined && listed.includes(t);
        } catch {
          return false;
        }
      });
    const e = { ...env('replay', lines), FAKE_ESLOGGER_ARGV: path.join(dir, 'argv-one-list') };
    const watched = await cli(
      ['watch', '--backend', 'eslogger', '--rules', rules, '--duration', '1.5', '--format', 'jsonl', '-q'],
      { env: e },
    );
    expect(JSON.parse(readFileSync(e.FAKE_ESLOGGER_ARGV, 'utf8').trim())).toEqual(listed);
    expect(chains(watched.stdout)).toEqual(reference);
  });
});
