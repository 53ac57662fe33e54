/**
 * `nightjar.scope: fleet` end to end: a merged capture where one binary runs on three hosts fires a
 * fleet-scoped correlation once (host null), which a host-scoped one never does; `--threads` then
 * falls back to one thread and says so. Spawns the built CLI (skipped, visibly, when not built).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO = path.resolve(CLI_DIR, '../..');
const BIN = path.join(CLI_DIR, 'dist/bin.js');
const built =
  existsSync(BIN) && readFileSync(path.join(CLI_DIR, 'dist/commands/scan.js'), 'utf8').includes('fleetScoped');
const dir = mkdtempSync(path.join(tmpdir(), 'nj-fleet-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULES = (scope: string) => `title: Payload run
id: 3f0c1a2e-5b7d-4c1e-9a2b-000000000001
name: payload_run
status: experimental
logsource: {product: macos, service: endpointsecurity, category: exec}
detection:
  sel: {event.exec.target.executable.path|startswith: /private/tmp/}
  condition: sel
level: low
---
title: One binary from /tmp on three hosts within an hour
id: 3f0c1a2e-5b7d-4c1e-9a2b-000000000002
status: experimental
correlation:
  type: value_count
  rules: [payload_run]
  group-by: [event.exec.target.executable.path]
  timespan: 1h
  condition: {gte: 3, field: nightjar.host}
level: high
${scope}`;

/** An exec of /private/tmp/payload on each of three hosts, a minute apart, as Jamf-style lines. */
function capture(): string {
  const exec = readFileSync(path.join(REPO, 'fixtures/execution.jsonl'), 'utf8')
    .split('\n')
    .map((l) => (l.trim() === '' ? null : (JSON.parse(l) as Record<string, unknown>)))
    .find((m) => m !== null && (m.event as Record<string, unknown>).exec !== undefined)!;
  const lines: string[] = [];
  ['mac-a', 'mac-b', 'mac-c'].forEach((host, i) => {
    const m = JSON.parse(JSON.stringify(exec)) as Record<string, any>;
    m.time = new Date(Date.UTC(2026, 0, 5, 10, i, 0)).toISOString();
    m.event.exec.target.executable.path = '/private/tmp/payload';
    m.host = { hostname: host };
    lines.push(JSON.stringify(m));
  });
  return lines.join('\n') + '\n';
}

function scan(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'jsonl', ...args], { encoding: 'utf8', cwd: dir });
  return {
    code: r.status,
    alerts: r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { rule: { id: string }; host: string | null }),
    stderr: r.stderr,
  };
}

describe.skipIf(!built)(
  'scan: nightjar.scope fleet (built CLI; skipped when packages/cli/dist is not built — run npx tsc -b)',
  () => {
    const file = path.join(dir, 'merged.jsonl');
    writeFileSync(file, capture());
    it('fires once over three hosts, with host null; per host (the default) it does not', () => {
      writeFileSync(path.join(dir, 'fleet.yml'), RULES('nightjar:\n  scope: fleet\n'));
      writeFileSync(path.join(dir, 'host.yml'), RULES(''));
      const fleet = scan([file, '--rules', 'fleet.yml']);
      const spread = fleet.alerts.filter((a) => a.rule.id.endsWith('0002'));
      expect(spread).toHaveLength(1);
      expect(spread[0].host).toBeNull();
      const host = scan([file, '--rules', 'host.yml']);
      expect(host.alerts.filter((a) => a.rule.id.endsWith('0002'))).toHaveLength(0);
    });
    it('--threads falls back to one thread, says why, and finds the same', () => {
      const one = scan([file, '--rules', 'fleet.yml']);
      const two = scan([file, '--rules', 'fleet.yml', '--threads', '2']);
      expect(two.stderr).toMatch(
        /1 correlation with nightjar\.scope: fleet need one engine over every host: scanning on one thread/,
      );
      expect(two.alerts).toEqual(one.alerts);
    });
  },
);
