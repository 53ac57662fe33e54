/** Real Jamf Protect telemetry (../shared/corpus): vendor records, hosts, glob_seq_num, out-of-order times. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../../src/profile/report.js';
import { cli } from '../options/fake-io.js';

const JAMF = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/corpus/jamf-protect/telemetry-sample.jsonl',
);
const present = existsSync(JAMF);

describe.skipIf(!present)('profile and scan on the Jamf Protect corpus (skipped: ../shared/corpus is absent)', () => {
  it('profiles every line: vendor types counted, hosts and gaps per host, time disorder noted', async () => {
    const r = await cli(['profile', JAMF, '--no-rules', '-f', 'json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as Profile;
    expect(p.malformed).toBe(0);
    expect(p.events).toBeGreaterThan(20);
    expect(p.unknown_types.map((u) => u.name)).toContain('unknown:9001');
    expect(Object.keys(p.hosts).length).toBeGreaterThan(0);
    expect(p.gaps.count + p.gaps.restarts).toBeGreaterThan(0);
    expect(p.gaps.list.every((g) => g.source === JAMF)).toBe(true);
    expect(p.time.out_of_order).toBeGreaterThan(0);
  });

  it('renders the svg without errors for real, messy data', async () => {
    const r = await cli(['profile', JAMF, '--no-rules', '-f', 'svg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('lw_session_lock');
    expect(r.stdout).toMatch(/\d+ more types/);
  });
});
