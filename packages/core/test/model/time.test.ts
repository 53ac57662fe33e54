import { describe, expect, it } from 'vitest';
import { formatTimeUs, parseTimeUs } from '@nightjar/core';

describe('RFC 3339 ↔ µs', () => {
  it('keeps microseconds exactly (Date.parse would drop them) and truncates nanoseconds', () => {
    const base = Date.UTC(2025, 7, 7, 15, 13, 9) * 1000;
    expect(parseTimeUs('2025-08-07T15:13:09.811587464Z')).toBe(base + 811587);
    expect(parseTimeUs('2025-08-07T15:13:09.811587999Z')).toBe(base + 811587);
    expect(parseTimeUs('2025-08-07T15:13:09.8Z')).toBe(base + 800000);
    expect(parseTimeUs('2025-08-07T15:13:09Z')).toBe(base);
    expect(parseTimeUs('2025-08-07T15:13:09.000001Z')! - parseTimeUs('2025-08-07T15:13:09.000000Z')!).toBe(1);
  });

  it('orders adjacent microseconds correctly across a range of values', () => {
    let prev = -Infinity;
    for (let us = 0; us < 1000; us += 7) {
      const t = parseTimeUs(`2026-11-26T23:59:59.999${String(us).padStart(3, '0')}Z`)!;
      expect(t).toBeGreaterThan(prev);
      expect(Number.isInteger(t)).toBe(true);
      prev = t;
    }
  });

  it('applies offsets and accepts lower-case and space separators', () => {
    const z = parseTimeUs('2025-01-01T00:00:00Z')!;
    expect(parseTimeUs('2025-01-01T01:30:00+01:30')).toBe(z);
    expect(parseTimeUs('2024-12-31T19:00:00-05:00')).toBe(z);
    expect(parseTimeUs('2025-01-01t00:00:00z')).toBe(z);
    expect(parseTimeUs('2025-01-01 00:00:00Z')).toBe(z);
  });

  it('knows month lengths and leap years', () => {
    expect(parseTimeUs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29) * 1000);
    expect(parseTimeUs('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29) * 1000);
    for (const bad of ['2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-11-31T00:00:00Z'])
      expect(parseTimeUs(bad), bad).toBeUndefined();
    expect(parseTimeUs('2025-12-31T23:59:59Z')).toBe(Date.UTC(2025, 11, 31, 23, 59, 59) * 1000);
    // Outside the exactly representable µs range (about 1685–2255): rejected, never rounded.
    for (const far of ['0099-01-01T00:00:00Z', '1600-01-01T00:00:00Z', '2300-01-01T00:00:00Z'])
      expect(parseTimeUs(far), far).toBeUndefined();
    expect(parseTimeUs('1700-01-01T00:00:00.000001Z')).toBe(Date.UTC(1700, 0, 1) * 1000 + 1);
  });

  it('rejects malformed and impossible times', () => {
    for (const bad of [
      '',
      'yesterday',
      '2025-01-01',
      '2025-13-01T00:00:00Z',
      '2025-02-30T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T00:00:00',
      '2025-01-01T00:00:00.Z',
      '2025-01-01T00:00:00+25:00',
      ' 2025-01-01T00:00:00Z',
      5 as unknown as string,
    ]) {
      expect(parseTimeUs(bad), String(bad)).toBeUndefined();
    }
  });

  it("gives the same answer for a time sharing the previous one's second (fast path) as for a cold parse", () => {
    const prefix = '2025-08-07T15:13:09';
    const tails = [
      'Z',
      'z',
      '.8Z',
      '.811587464Z',
      '.811587z',
      '.000001Z',
      '.1234567890123456Z',
      '.Z',
      '.12a4Z',
      '.123',
      '.123Zx',
      '.123 Z',
      '+01:00',
      '.5+01:00',
      '.5-0130',
      'ZZ',
      '.',
      '',
      '.9999999Z',
      '.０Z',
    ];
    for (const tail of tails) {
      const s = prefix + tail;
      parseTimeUs('1999-01-01T00:00:00Z'); // another second: the next parse is cold
      const cold = parseTimeUs(s);
      parseTimeUs(`${prefix}.5Z`); // the same second: the next parse takes the fast path
      const warm = parseTimeUs(s);
      expect(warm, s).toBe(cold);
    }
    const base = Date.UTC(2025, 7, 7, 15, 13, 9) * 1000;
    parseTimeUs(`${prefix}.5Z`);
    expect(parseTimeUs(`${prefix}.811587464Z`)).toBe(base + 811587);
    expect(parseTimeUs(`${prefix}.8Z`)).toBe(base + 800000);
    expect(parseTimeUs(`${prefix}+01:00`)).toBe(base - 3_600_000_000);
    expect(parseTimeUs(`${prefix}.Z`)).toBeUndefined();
  });

  it('formats µs as ISO with six fraction digits and round-trips', () => {
    expect(formatTimeUs(Date.UTC(2024, 4, 15, 0, 12, 12, 555) * 1000 + 123)).toBe('2024-05-15T00:12:12.555123Z');
    expect(formatTimeUs(0)).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatTimeUs(-1)).toBe('1969-12-31T23:59:59.999999Z');
    for (const s of ['2025-08-07T15:13:09.811587Z', '1999-12-31T23:59:59.000001Z'])
      expect(formatTimeUs(parseTimeUs(s)!)).toBe(s);
  });
});
