import { describe, expect, it } from 'vitest';
import { formatDurationUs } from '@nightjar/core';
import { count } from '@nightjar/ruletools';
import { formatSummary, type ScanSummary } from '../../src/output/summary.js';

const base: ScanSummary = {
  inputs: 1,
  events: 10,
  skipped: 0,
  malformed: 0,
  malformedUnprinted: 0,
  bytes: 0,
  elapsedMs: 1000,
  alerts: 0,
  alertsByRule: [],
  gaps: 0,
  restarts: 0,
  late: 0,
  diagnosticsUnprinted: 0,
};

describe('human units and plurals', () => {
  it('durations in the unit a person reads', () => {
    expect(formatDurationUs(5_000_000)).toBe('5 s');
    expect(formatDurationUs(250)).toBe('250 µs');
    expect(formatDurationUs(12_500)).toBe('12.5 ms');
    expect(formatDurationUs(90_000_000)).toBe('90 s');
    expect(formatDurationUs(300_000_000)).toBe('5 min');
    expect(formatDurationUs(2 * 3600e6)).toBe('2 h');
  });
  it('one rule, two rules', () => {
    expect(count(1, 'rule')).toBe('1 rule');
    expect(count(0, 'rule')).toBe('0 rules');
    expect(count(12345, 'event')).toBe('12,345 events');
    expect(count(2, 'entry', 'entries')).toBe('2 entries');
  });
  it('a live source (no bytes read) shows no "(0 B)"; a file shows its size; one input is singular', () => {
    expect(formatSummary(base)).toMatch(/10 events from 1 input in /);
    expect(formatSummary(base)).not.toContain('0 B');
    expect(formatSummary({ ...base, inputs: 2, bytes: 2048 })).toContain('from 2 inputs (2.0 KB) in');
  });
});
