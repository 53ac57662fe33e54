/**
 * The crash check of `pnpm soak` (quick mode, 10^5 events: a few seconds of CPU): the churning
 * workload goes through the engine without an exception, and every counter adds up with what the
 * workload sent (a known finding may still show until its fix lands). Memory is judged by the full
 * `pnpm soak` only: 10^5 events end before the lineage grace period and the windows have filled.
 */
import { describe, expect, it } from 'vitest';
import { knownFinding } from '../src/findings.js';
import { soak } from '../src/soak.js';

describe('soak, quick mode (10^5 events)', () => {
  it('no crash, every counter consistent with the workload', async () => {
    const r = await soak({ events: 100_000, sampleEvery: 10_000, seed: 7, warmupSamples: Infinity });
    expect(r.events).toBe(100_000);
    expect(r.metrics.events).toBe(100_000);
    expect(r.samples).toHaveLength(10);
    // The workload is busy enough to exercise what the counters count.
    expect(r.expected.forks).toBeGreaterThan(1000);
    expect(r.expected.globalGaps).toBeGreaterThan(0);
    expect(r.alerts).toBeGreaterThan(0);
    const fresh = r.violations.filter((v) => knownFinding(v) === undefined);
    expect(fresh.map((v) => `[${v.oracle}] ${v.message}`)).toEqual([]);
  });
});
