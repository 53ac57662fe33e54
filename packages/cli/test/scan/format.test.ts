import type { Alert } from '@nightjar/core';
import { describe, expect, it } from 'vitest';
import { alertWriter, formatAlertPretty, lineageChain } from '../../src/output/alerts.js';
import { palette, sanitize } from '../../src/output/color.js';
import { CappedReporter, formatDiagnosticLine, formatLineProblem } from '../../src/output/problems.js';
import { ProgressBar } from '../../src/output/progress.js';
import { formatSummary } from '../../src/output/summary.js';
import { plain } from '../options/fake-io.js';
import { Writable } from 'node:stream';

function alert(over: Partial<Alert> = {}): Alert {
  return {
    id: '0123456789abcdef0123456789abcdef',
    host: null,
    rule: {
      id: 'r-1',
      title: 'Curl Downloads A Script',
      level: 'high',
      tags: ['attack.t1105'],
      kind: 'detection',
      source: { file: 'rules/x.yml', line: 1, col: 1 },
    },
    time: 1754579589021000,
    time_iso: '2025-08-07T15:13:09.021000Z',
    event_type: 'exec',
    process: {
      entity_id: '500:1501',
      pid: 500,
      pidversion: 1501,
      path: '/usr/bin/curl',
      signing_id: 'com.apple.curl',
      args: ['curl', '-s', 'http://x/y.sh'],
    },
    lineage: [
      { entity_id: '400:1400', pid: 400, pidversion: 1400, path: '/bin/zsh' },
      { entity_id: '1:1', pid: 1, pidversion: 1, path: '/sbin/launchd' },
    ],
    lineage_complete: true,
    events: [],
    events_omitted: 0,
    count: 1,
    incomplete: false,
    ...over,
  };
}

describe('alert formatters', () => {
  it('jsonl: one parseable object per line', () => {
    const w = alertWriter('jsonl', { color: false });
    const text = w.begin() + w.alert(alert()) + w.alert(alert({ time: 2 })) + w.end();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]).time).toBe(2);
  });
  it('json: one array, also when empty', () => {
    const w = alertWriter('json', { color: false });
    expect(JSON.parse(w.begin() + w.alert(alert()) + w.alert(alert()) + w.end())).toHaveLength(2);
    const e = alertWriter('json', { color: false });
    expect(JSON.parse(e.begin() + e.end())).toEqual([]);
  });
  it('pretty: level, title, time, process, entity id and lineage oldest first', () => {
    const text = formatAlertPretty(alert());
    expect(text).toMatch(/^HIGH\s+Curl Downloads A Script/);
    expect(text).toContain('2025-08-07T15:13:09.021000Z');
    expect(text).toContain('/usr/bin/curl');
    expect(text).toContain('500:1501');
    expect(text).toContain('launchd(1) → zsh(400) → curl(500)');
    expect(text).not.toContain('incomplete');
    expect(text).not.toContain('\x1b[');
  });
  it('pretty: correlation group, window and count; incomplete marker; cut lineage', () => {
    const a = alert({
      rule: {
        id: 'c-1',
        title: 'Burst',
        level: 'critical',
        tags: [],
        kind: 'correlation',
        correlation_type: 'event_count',
      },
      group: { 'process.entity_id': '500:1501' },
      window: { start: 1754579589000000, end: 1754579594000000 },
      value: 7,
      count: 3,
      incomplete: true,
      lineage_complete: false,
    });
    const text = formatAlertPretty(a);
    expect(text).toMatch(/^CRITICAL\s+Burst \[event_count\] ⚠ incomplete/);
    expect(text).toContain('process.entity_id=500:1501');
    expect(text).toContain('(5 s)');
    expect(text).toContain('value 7');
    expect(text).toContain('stands for 3 alerts');
    expect(lineageChain(a).startsWith('… → ')).toBe(true);
  });
  it('pretty: colours the level only when colour is on', () => {
    const text = formatAlertPretty(alert(), palette(true));
    expect(text).toContain('\x1b[31m');
    expect(plain(text)).toBe(formatAlertPretty(alert()));
  });
  it('neutralises terminal escapes hidden in event data', () => {
    const a = alert({
      process: { entity_id: '1:1', pid: 1, pidversion: 1, path: '/tmp/\x1b]0;pwned\x07evil', args: ['a\nb'] },
    });
    const text = formatAlertPretty(a);
    expect(text).not.toContain('\x1b]');
    expect(text).toContain('\\x1b]0;pwned\\x07evil');
    expect(sanitize('a\tb')).toBe('a\\tb');
  });
  it('shows bidirectional overrides and invisible characters in event data as escapes', () => {
    const a = alert({
      process: { entity_id: '1:1', pid: 1, pidversion: 1, path: '/tmp/\u202egnp.sh', args: ['cu\u200brl', 'x\u2066y'] },
    });
    const text = formatAlertPretty(a);
    expect(text).not.toMatch(/[\u202e\u200b\u2066]/);
    expect(text).toContain('/tmp/\\u202egnp.sh');
    expect(text).toContain('cu\\u200brl');
    for (const c of ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u2069', '\ufeff'])
      expect(sanitize(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`);
    // Letters of right-to-left scripts are text, not controls: shown as they are.
    expect(sanitize('/Users/\u05d0\u05d1/\u0627')).toBe('/Users/\u05d0\u05d1/\u0627');
  });
});

describe('problem lines', () => {
  it('formats file:LINE (byte OFFSET): message', () => {
    expect(
      formatLineProblem({ line: 16, offset: 12345, message: 'Unexpected end of JSON input' }, 'events/a.jsonl'),
    ).toBe('events/a.jsonl:16 (byte 12345): Unexpected end of JSON input');
  });
  it('does not repeat the location core already put in a DecodeError message', () => {
    const p = { line: 3, offset: 99, source: '/abs/a.jsonl', message: '/abs/a.jsonl:3:7 (byte 99): Unexpected token' };
    expect(formatLineProblem(p, 'a.jsonl')).toBe('a.jsonl:3 (byte 99): Unexpected token');
  });
  it('caps what is printed and counts the rest', () => {
    const printed: number[] = [];
    const r = new CappedReporter<number>(2, (n) => printed.push(n));
    for (let i = 0; i < 5; i++) r.report(i);
    expect(printed).toEqual([0, 1]);
    expect(r.total).toBe(5);
    expect(r.unprinted).toBe(3);
  });
  it('formats an engine diagnostic with its source and line', () => {
    const line = formatDiagnosticLine(
      { code: 'NJ_GAP', severity: 'warning', message: '3 open events dropped', source: '/abs/a.jsonl', line: 20 },
      () => 'a.jsonl',
    );
    expect(line).toBe('a.jsonl:20: warning 3 open events dropped [NJ_GAP]');
    const again = formatDiagnosticLine(
      {
        code: 'NJ_GAP',
        severity: 'warning',
        message: '/abs/a.jsonl: 3 open events dropped',
        source: '/abs/a.jsonl',
        line: 20,
      },
      () => 'a.jsonl',
    );
    expect(again).toBe(line);
  });
});

describe('summary', () => {
  it('lists events, rate, malformed, gaps and alerts by rule (most first)', () => {
    const text = formatSummary({
      inputs: 1,
      events: 2000,
      skipped: 500,
      malformed: 2,
      malformedUnprinted: 0,
      bytes: 1,
      elapsedMs: 1000,
      alerts: 3,
      alertsByRule: [
        { id: 'a', title: 'Low one', level: 'low', count: 1 },
        { id: 'b', title: 'High one', level: 'high', count: 2 },
      ],
      gaps: 1,
      missing: 3,
      restarts: 0,
      late: 0,
      diagnosticsUnprinted: 0,
    });
    expect(text).toContain('2,000 events (500 of types no rule needs) from 1 input (1 B) in 1.00 s · 2,000 events/s');
    expect(text).toMatch(/malformed lines\s+2/);
    expect(text).toMatch(/sequence gaps\s+1 \(3 events missing\)/);
    expect(text.indexOf('High one')).toBeLessThan(text.indexOf('Low one'));
  });
});

describe('progress bar', () => {
  it('renders bytes and percentage, throttles by the injected clock, clears its line', () => {
    const chunks: string[] = [];
    const out = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
    let t = 0;
    const bar = new ProgressBar(out, () => t, 10, 100);
    bar.update({ bytesRead: 512 * 1024, totalBytes: 1024 * 1024, events: 10 });
    t = 50;
    bar.update({ bytesRead: 1024 * 1024, totalBytes: 1024 * 1024, events: 20 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toContain(' 50%');
    expect(chunks[0]).toContain('0.5 MB / 1.0 MB');
    t = 200;
    bar.update({ bytesRead: 1024 * 1024, totalBytes: 1024 * 1024, events: 20 });
    expect(chunks[1]).toContain('100%');
    bar.clear();
    expect(chunks[2]).toBe('\r\x1b[K');
  });
});
