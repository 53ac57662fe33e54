import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, RULES, cli } from '../options/fake-io.js';

/** Hostile event lines cost themselves only: reported where they are, and the lines after them scanned. */

const lines = (f: string) => readFileSync(path.join(EVENTS, f), 'utf8').split('\n').filter(Boolean);

function write(name: string, ls: readonly string[]): { dir: string; offsets: number[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-hostile-'));
  writeFileSync(path.join(dir, name), `${ls.join('\n')}\n`);
  const offsets: number[] = [];
  let off = 0;
  for (const l of ls) {
    offsets.push(off);
    off += Buffer.byteLength(l) + 1;
  }
  return { dir, offsets };
}

describe('nightjar scan: hostile lines', () => {
  it('a 4,500-level array in an alerting line is one located error; the lines after it are scanned', async () => {
    const ls = lines('alerts.jsonl');
    const exec = ls.findIndex((l) => l.includes('"event_type":9,'));
    const deep = `${ls[exec].slice(0, -1)},"junk":${'['.repeat(4500)}1${']'.repeat(4500)}}`;
    const input = [...ls.slice(0, exec), deep, ...ls.slice(exec)];
    const { dir, offsets } = write('deep.jsonl', input);
    const r = await cli(['scan', 'deep.jsonl', '--rules', RULES], { cwd: dir });
    // The two alerts of the original capture, both from lines after the deep one.
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(
      `deep.jsonl:${exec + 1} (byte ${offsets[exec]}): error exec event nests deeper than 64 levels`,
    );
    expect(r.stderr).toContain('[NJ_EVENT_DEPTH]');
    expect(r.stderr).not.toContain('cannot read input');
    // Every line counted: the original 32 events plus the deep one.
    expect(r.stderr).toMatch(/Summary\s+33 events/);
  });

  it('--strict parses the lines no rule needs, so a broken one is reported; without it, it is skipped', async () => {
    const ls = lines('clean.jsonl'); // types no test rule reads
    // Valid brackets, invalid JSON inside a nested value: the header scan cannot see it.
    const broken = ls[0].replace('"result_type":0', '"result_type":0 0');
    expect(broken).not.toBe(ls[0]);
    const input = [...ls.slice(0, 4), broken, ...ls.slice(4)];
    const { dir, offsets } = write('skip.jsonl', input);
    const lax = await cli(['scan', 'skip.jsonl', '--rules', RULES], { cwd: dir });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/Summary\s+13 events/);
    const strict = await cli(['scan', 'skip.jsonl', '--rules', RULES, '--strict'], { cwd: dir });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(new RegExp(`skip\\.jsonl:5(:\\d+)? \\(byte ${offsets[4]}\\): invalid JSON`));
    expect(strict.stderr).toContain('1 malformed line with --strict');
    expect(strict.stderr).toMatch(/Summary\s+12 events/);
  });

  it('a line whose event_type and payload disagree is reported with its location, with or without --strict', async () => {
    const ls = lines('clean.jsonl');
    const type = /"event_type":(\d+),/.exec(ls[0])![1];
    const tampered = ls[0].replace(`"event_type":${type},`, '"event_type":42,'); // 42 is link
    const input = [...ls.slice(0, 2), tampered, ...ls.slice(2)];
    const { dir, offsets } = write('mismatch.jsonl', input);
    for (const extra of [[], ['--strict']]) {
      const r = await cli(['scan', 'mismatch.jsonl', '--rules', RULES, ...extra], { cwd: dir });
      expect(r.stderr).toContain(`mismatch.jsonl:3 (byte ${offsets[2]}): event_type 42 is link, but the payload is`);
      expect(r.stderr).toMatch(/Summary\s+12 events/);
      expect(r.code).toBe(extra.length === 0 ? 0 : 2);
    }
  });

  it('--max-line-bytes caps the line length: a longer line is one located error, the lines after it are scanned', async () => {
    const ls = lines('clean.jsonl');
    // A valid message padded past 4 KiB with an extra key.
    const long = `${ls[1].slice(0, -1)},"pad":"${'x'.repeat(5000)}"}`;
    const input = [...ls.slice(0, 3), long, ...ls.slice(3)];
    const { dir, offsets } = write('long.jsonl', input);
    const capped = await cli(['scan', 'long.jsonl', '--rules', RULES, '--max-line-bytes', '4K'], { cwd: dir });
    expect(capped.stderr).toContain(`long.jsonl:4 (byte ${offsets[3]}): line longer than 4096 bytes, skipped`);
    expect(capped.stderr).toMatch(/Summary\s+12 events/);
    expect(capped.code).toBe(0);
    // The default cap (64 MiB) reads the same line.
    const plain = await cli(['scan', 'long.jsonl', '--rules', RULES], { cwd: dir });
    expect(plain.stderr).not.toContain('line longer than');
    expect(plain.stderr).toMatch(/Summary\s+13 events/);
    for (const bad of ['0', '1.5M', '4X', 'lots']) {
      const r = await cli(['scan', 'long.jsonl', '--rules', RULES, '--max-line-bytes', bad], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain(
        `--max-line-bytes expects a size in bytes such as 1048576, 512K or 64M, got '${bad}'`,
      );
    }
  });
});
