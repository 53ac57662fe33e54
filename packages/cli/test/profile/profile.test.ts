import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeLine } from '@nightjar/core';
import { describe, expect, it } from 'vitest';
import { ProfileCollector } from '../../src/profile/collect.js';
import { buildProfile, type Profile } from '../../src/profile/report.js';
import { renderSvg } from '../../src/profile/render-svg.js';
import { humanDuration, sparkline } from '../../src/profile/render-table.js';
import { EVENTS, RULES, cli, plain } from '../options/fake-io.js';

const ALERTS = 'events/alerts.jsonl';
const R = ['--rules', 'rules'];

function collect(lines: string[]): ProfileCollector {
  const c = new ProfileCollector();
  lines.forEach((l, i) => {
    const ev = decodeLine(l, i + 1, 0, 'test');
    if (!(ev instanceof Error)) c.add(ev);
  });
  return c;
}

function line(
  name: string,
  type: number,
  t: string,
  pid: number,
  path: string,
  extra: Record<string, unknown> = {},
): string {
  const token = { auid: 0, euid: 0, egid: 0, ruid: 0, rgid: 0, pid, asid: 0, pidversion: pid * 10 };
  return JSON.stringify({
    version: 7,
    time: t,
    event_type: type,
    process: { audit_token: token, ppid: 1, executable: { path }, signing_id: path.slice(path.lastIndexOf('/') + 1) },
    event: { [name]: {} },
    ...extra,
  });
}

describe('ProfileCollector and buildProfile', () => {
  const lines = [
    line('open', 10, '2025-01-01T00:00:00.100Z', 5, '/bin/cat', { seq_num: 0 }),
    line('open', 10, '2025-01-01T00:00:00.200Z', 5, '/bin/cat', { seq_num: 1 }),
    line('open', 10, '2025-01-01T00:00:02.500Z', 6, '/bin/ls', { seq_num: 5 }),
    line('mprotect', 21, '2025-01-01T00:00:02.600Z', 5, '/bin/cat'),
  ];
  const p = buildProfile(collect(lines), {
    inputs: ['x'],
    malformed: 0,
    ruleset: { paths: [], rules: 1, correlations: 0, required: ['open', 'exec'] },
  });

  it('counts per type (with ES numbers), per path, per signing id and per process instance', () => {
    expect(p.events).toBe(4);
    expect(p.by_type.map((t) => [t.name, t.count, t.es_type])).toEqual([
      ['open', 3, 10],
      ['mprotect', 1, 21],
    ]);
    expect(p.by_type[0].top_processes).toEqual([
      { path: '/bin/cat', count: 2 },
      { path: '/bin/ls', count: 1 },
    ]);
    expect(p.by_process[0]).toEqual({ name: '/bin/cat', count: 3, share: 0.75 });
    expect(p.by_signing_id.map((s) => s.name)).toEqual(['cat', 'ls']);
    expect(p.top_talkers[0]).toMatchObject({ entity_id: '5:50', pid: 5, count: 3 });
  });

  it('finds sequence gaps with the engine tracker', () => {
    expect(p.gaps.count).toBe(1);
    expect(p.gaps.missing).toBe(3);
    expect(p.gaps.list[0]).toMatchObject({ event_type: 'open', expected: 2, seen: 5, missing: 3 });
  });

  it('buckets events per second, filling empty seconds', () => {
    expect(p.rate.bucket_s).toBe(1);
    expect(p.rate.buckets.map((b) => b.count)).toEqual([2, 0, 2]);
    expect(p.rate.buckets[2].by_type).toEqual({ open: 1, mprotect: 1 });
    expect(p.time.duration_s).toBeCloseTo(2.5);
  });

  it('says which captured types the ruleset does not need, and which it needs but are absent', () => {
    expect(p.ruleset?.unneeded).toEqual([{ name: 'mprotect', count: 1, share: 0.25 }]);
    expect(p.ruleset?.unneeded_share).toBe(0.25);
    expect(p.ruleset?.absent).toEqual(['exec']);
    expect(p.by_type.find((t) => t.name === 'open')?.needed).toBe(true);
  });

  it('keeps the histogram bounded when timestamps are wildly apart', () => {
    const c = collect([
      line('open', 10, '1971-01-01T00:00:00Z', 1, '/a'),
      line('open', 10, '2025-01-01T00:00:00Z', 1, '/a'),
    ]);
    expect(c.buckets.size).toBeLessThanOrEqual(4096);
    const pr = buildProfile(c, { inputs: [], malformed: 0, ruleset: null });
    expect(pr.rate.buckets.length).toBeLessThanOrEqual(4096);
    expect(pr.rate.buckets.reduce((s, b) => s + b.count, 0)).toBe(2);
  });

  it('caps distinct event names (vendor type numbers are unbounded), counting the rest together', () => {
    const many = Array.from({ length: 1100 }, (_, i) => line('x', 10000 + i, '2025-01-01T00:00:00Z', 1, '/a'));
    const c = collect(many);
    expect(c.types.size).toBeLessThanOrEqual(1025);
    expect(c.types.get('unknown:(other)')?.count).toBe(1100 - 1024);
    expect(c.events).toBe(1100);
  });

  it('counts events whose time goes backwards', () => {
    const c = collect([
      line('open', 10, '2025-01-01T00:00:05Z', 1, '/a'),
      line('open', 10, '2025-01-01T00:00:01Z', 1, '/a'),
    ]);
    expect(c.outOfOrder).toBe(1);
  });
});

describe('renderers', () => {
  it('sparkline merges buckets to the width and scales to the peak', () => {
    expect(sparkline([0, 1, 8], 3)).toBe(' ▁█');
    expect(sparkline(new Array(100).fill(1), 10)).toHaveLength(10);
  });
  it('humanDuration rounds without "60s"', () => {
    expect(humanDuration(299.6)).toBe('5m 0s');
    expect(humanDuration(3.25)).toBe('3.3 s');
  });
  it('svg escapes hostile strings from the capture', () => {
    const c = collect([line('open', 10, '2025-01-01T00:00:00Z', 1, '/tmp/<script>alert(1)</script>&"\u0001')]);
    const svg = renderSvg(buildProfile(c, { inputs: ['<x>'], malformed: 0, ruleset: null }));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('\u0001');
  });
});

describe('nightjar profile', () => {
  it('prints a table by default, exit 0, with types, processes, gaps and advice', async () => {
    const r = await cli(['profile', ALERTS, ...R]);
    expect(r.code).toBe(0);
    const out = plain(r.stdout);
    expect(out).toContain('Telemetry profile  32 events from events/alerts.jsonl');
    expect(out).toMatch(/mprotect\s+█+\s+12\s+37\.5% not needed/);
    expect(out).toMatch(/open\s+█+\s+7\s+21\.9% needed/);
    expect(out).toContain('Events per signing id');
    expect(out).toMatch(/2 gaps, 6 events missing/);
    expect(out).toContain('events/alerts.jsonl open expected 6, saw 9 (3 missing)');
    // What a gap is not: merged kernel events are not loss.
    expect(out).toMatch(/Events the kernel merged before they were read .* were not lost and leave no gap/);
    expect(out).toContain('sudo eslogger exec exit fork open');
    expect(out).toMatch(/22 events \(68\.8%\) in this capture are of types no rule needs/);
    // Malformed lines go to stderr, with location.
    expect(r.stderr).toMatch(/events\/alerts\.jsonl:16 \(byte \d+\)/);
    expect(r.stdout).not.toContain('(byte');
  });

  it('--max-line-bytes: a line over the cap is reported with its location and not profiled', async () => {
    const all = await cli(['profile', ALERTS, ...R, '-f', 'json']);
    const capped = await cli(['profile', ALERTS, ...R, '-f', 'json', '--max-line-bytes', '1K']);
    expect(capped.code).toBe(0);
    const long = readFileSync(path.join(EVENTS, 'alerts.jsonl'), 'utf8')
      .split('\n')
      .findIndex((l) => Buffer.byteLength(l) > 1024);
    expect(long).toBeGreaterThanOrEqual(0);
    expect(capped.stderr).toMatch(
      new RegExp(`events/alerts\\.jsonl:${long + 1} \\(byte \\d+\\): line longer than 1024 bytes, skipped`),
    );
    const events = (r: { stdout: string }) => (JSON.parse(r.stdout) as { events: number }).events;
    expect(events(capped)).toBeLessThan(events(all));
  });

  it('colours the table on a terminal unless NO_COLOR; progress only on a terminal stderr', async () => {
    const tty = await cli(['profile', ALERTS, ...R], { stdoutTTY: true, stderrTTY: true });
    expect(tty.stdout).toContain('\x1b[');
    expect(tty.stderr).toMatch(/\r.*100%/);
    const nc = await cli(['profile', ALERTS, ...R], { stdoutTTY: true, env: { NO_COLOR: '1' } });
    expect(nc.stdout).not.toContain('\x1b[');
    expect(nc.stderr).not.toContain('\r');
  });

  it('--format json is the full profile document', async () => {
    const r = await cli(['profile', ALERTS, ...R, '-f', 'json']);
    const p = JSON.parse(r.stdout) as Profile;
    expect(p.events).toBe(32);
    expect(p.malformed).toBe(2);
    expect(p.by_type.reduce((s, t) => s + t.count, 0)).toBe(32);
    expect(p.ruleset?.required).toEqual(['exec', 'exit', 'fork', 'open']);
    expect(p.gaps.list.every((g) => g.source === 'events/alerts.jsonl')).toBe(true);
    expect(p.top_talkers[0].entity_id).toBe('90:900');
  });

  it('--format svg is one well-formed SVG document with every chart', async () => {
    const r = await cli(['profile', ALERTS, ...R, '-f', 'svg']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(r.stdout.trim().endsWith('</svg>')).toBe(true);
    for (const title of [
      'Events per type',
      'Events over time',
      'Who produces each event type',
      'Events per process',
      'Events per signing id',
      'Top talkers',
      'Subscription advice',
    ]) {
      expect(r.stdout).toContain(title);
    }
    // Balanced tags: every <g> and <text> closes.
    expect(r.stdout.match(/<g[ >]/g)?.length).toBe(r.stdout.match(/<\/g>/g)?.length);
    expect(r.stdout.match(/<text /g)?.length).toBe(r.stdout.match(/<\/text>/g)?.length);
    expect(r.stdout).toContain('stroke="#dc2626"'); // the gap marker
  });

  it('--format html is self-contained: inline svg, no scripts, no network', async () => {
    const r = await cli(['profile', ALERTS, ...R, '-f', 'html']);
    expect(r.stdout).toMatch(/^<!doctype html>/);
    expect(r.stdout).toContain('<svg');
    expect(r.stdout).not.toMatch(/<script|<link|src=|@import|url\(/i);
    // The only URL is the SVG namespace (an identifier, never fetched).
    expect(r.stdout.match(/https?:\/\/[^"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(r.stdout).toContain("default-src 'none'");
    expect(r.stdout).toMatch(/Events the kernel merged before they were read/);
  });

  it('--top sets how many processes, signing ids and talkers are listed', async () => {
    const p = JSON.parse((await cli(['profile', ALERTS, ...R, '-f', 'json', '--top', '2'])).stdout) as Profile;
    expect(p.by_process).toHaveLength(2);
    expect(p.by_signing_id).toHaveLength(2);
    expect(p.top_talkers).toHaveLength(2);
    expect((await cli(['profile', ALERTS, ...R, '--top', 'many'])).code).toBe(2);
  });

  it('--no-rules drops the advice; --output writes a file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-prof-'));
    const r = await cli(['profile', path.join(EVENTS, 'alerts.jsonl'), '--no-rules', '-f', 'json', '-o', 'p.json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'p.json'), 'utf8')).ruleset).toBeNull();
  });

  it('reads gzip and stdin', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-prof-'));
    const raw = readFileSync(path.join(EVENTS, 'alerts.jsonl'));
    writeFileSync(path.join(dir, 'c.gz'), gzipSync(raw));
    const gz = await cli(['profile', 'c.gz', '--rules', RULES, '-f', 'json'], { cwd: dir });
    expect(JSON.parse(gz.stdout).events).toBe(32);
    const si = await cli(['profile', '-', '--rules', RULES, '-f', 'json'], { stdin: raw });
    expect(JSON.parse(si.stdout).events).toBe(32);
    expect(si.stderr).toContain('<stdin>:16 (byte');
  });

  it('exits 2 on usage and input errors', async () => {
    expect((await cli(['profile', ALERTS, '--format', 'pretty'])).code).toBe(2);
    expect((await cli(['profile', ALERTS, '--what'])).code).toBe(2);
    expect((await cli(['profile'])).code).toBe(2);
    const missing = await cli(['profile', 'events/none.jsonl', ...R]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read 'events/none.jsonl'");
    expect((await cli(['profile', ALERTS, '--rules', 'bad-rules'])).code).toBe(2);
    expect((await cli(['profile', ALERTS, '--rules', 'rules', '--no-rules'])).stderr).toContain(
      'cannot be used together',
    );
  });
});
