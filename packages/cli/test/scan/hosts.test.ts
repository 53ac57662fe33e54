/**
 * A merged capture: the same exec (same pid:pidversion) from three hosts. Each host's state is its
 * own, so the three copies never meet in one correlation group or one lineage chain; the summary
 * counts the hosts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, RULES, cli } from '../options/fake-io.js';

const exec = readFileSync(path.join(EVENTS, 'alerts.jsonl'), 'utf8')
  .split('\n')
  .find((l) => l.includes('"event_type":9,'))!;

const BURST = `title: Three Script Downloads
id: 7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a77
correlation:
  type: event_count
  rules: [7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a01]
  group-by: [event.exec.target.executable.path]
  timespan: 5m
  condition: { gte: 3 }
  generate: true
level: critical
`;

function setup(lines: string[]): { dir: string; capture: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-hosts-'));
  writeFileSync(path.join(dir, 'burst.yml'), BURST);
  const capture = path.join(dir, 'merged.jsonl');
  writeFileSync(capture, lines.join('\n') + '\n');
  return { dir, capture };
}

/** The exec as recorded on `host` (Jamf's host.hostname), `ms` milliseconds later. */
function on(host: string | undefined, ms: number): string {
  const m = JSON.parse(exec) as Record<string, unknown>;
  if (host !== undefined) m.host = { hostname: host };
  m.time = new Date(Date.parse('2025-08-07T15:13:09.021Z') + ms).toISOString();
  delete m.seq_num;
  delete m.global_seq_num;
  return JSON.stringify(m);
}

const alertsOf = (stdout: string): { rule: { id: string }; host: string | null; lineage: unknown[] }[] =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('nightjar scan: a merged capture of several hosts', () => {
  it('three hosts’ copies of one exec: three detections, no correlation, three hosts in the summary', async () => {
    const { dir, capture } = setup([on('mac-a', 0), on('mac-b', 1), on('mac-c', 2)]);
    const r = await cli(['scan', capture, '--rules', RULES, '--rules', dir]);
    const alerts = alertsOf(r.stdout);
    expect(alerts.map((a) => a.rule.id)).toEqual(Array(3).fill('7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a01'));
    expect(alerts.map((a) => a.host)).toEqual(['mac-a', 'mac-b', 'mac-c']);
    expect(r.stderr).toMatch(/hosts\s+3 \(alerts: mac-a 1 · mac-b 1 · mac-c 1\)/);
    const pretty = await cli(['scan', capture, '--rules', RULES, '--rules', dir, '-f', 'pretty']);
    expect(pretty.stdout).toMatch(/event exec {2}host mac-b/);
  });

  it('three copies on one host do fire the correlation; --host names the host of host-less records', async () => {
    const { dir, capture } = setup([on(undefined, 0), on(undefined, 1), on(undefined, 2)]);
    const r = await cli(['scan', capture, '--rules', RULES, '--rules', dir, '--host', 'mac-x']);
    const alerts = alertsOf(r.stdout);
    expect(alerts.filter((a) => a.rule.id.endsWith('2a77'))).toHaveLength(1);
    expect(new Set(alerts.map((a) => a.host))).toEqual(new Set(['mac-x']));
    expect(r.stderr).toMatch(/hosts\s+1 \(alerts: mac-x 4\)/);
  });

  it('a capture without host names prints no hosts line', async () => {
    const { dir, capture } = setup([on(undefined, 0)]);
    const r = await cli(['scan', capture, '--rules', RULES, '--rules', dir]);
    expect(alertsOf(r.stdout)[0].host).toBeNull();
    expect(r.stderr).not.toMatch(/hosts\s/);
  });
});
