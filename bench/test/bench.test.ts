import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// CI runs the harness in quick mode to catch crashes and gross breakage; no timing thresholds here.
const runner = join(__dirname, '../dist/run.js');

describe.skipIf(!existsSync(runner))('pnpm bench --quick (skipped: bench/dist not built; run `tsc -b`)', () => {
  it('runs every workload and reports finite rates, ratios and memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nj-bench-'));
    try {
      const out = join(dir, 'bench.json');
      const r = spawnSync(process.execPath, ['--expose-gc', runner, '--quick', '--json', out], {
        encoding: 'utf8',
        timeout: 300_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('JSON.parse per line');
      const report = JSON.parse(readFileSync(out, 'utf8')) as {
        rows: Array<{
          metric: string;
          value: number;
          unit: string;
          ratio?: number;
          range?: [number, number];
          alerts?: { detection: number };
        }>;
      };
      const metrics = report.rows.map((x) => x.metric);
      for (const m of [
        'JSON.parse per line',
        'careful hand loop',
        'cat > /dev/null',
        'read+split+JSON.parse',
        'read+split+decode+engine',
        'engine µs per event',
        'engine on pre-decoded events',
        'end to end from JSON lines',
        'latency p99',
        'loadRules (YAML→predicates)',
        'per lineage entry (4096)',
        'engine on just-decoded events',
        '5000 groups + 4096 procs, RSS',
      ]) {
        expect(
          metrics.some((x) => x.startsWith(m)),
          m,
        ).toBe(true);
      }
      // Rows that run the generated rules carry their alert counts (checked by the harness itself).
      expect(report.rows.filter((x) => x.alerts !== undefined).length).toBeGreaterThan(5);
      for (const row of report.rows) {
        if (row.unit === 'ev/s') expect(row.value, row.metric).toBeGreaterThan(0);
        expect(Number.isFinite(row.value), row.metric).toBe(true);
        if (row.ratio !== undefined) expect(row.ratio, row.metric).toBeGreaterThan(0);
        // The median ratio lies within the per-round ratios (medians are monotone).
        if (row.range !== undefined) {
          expect(row.ratio, row.metric).toBeDefined();
          expect(row.range[0], row.metric).toBeLessThanOrEqual(row.ratio! * (1 + 1e-9));
          expect(row.range[1], row.metric).toBeGreaterThanOrEqual(row.ratio! * (1 - 1e-9));
        }
      }
      expect(report.rows.filter((x) => x.range !== undefined).length).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ratioRange', () => {
  it("gives the lowest and highest per-round ratio of base's time to the other's", async () => {
    const { ratioRange } = await import('../src/measure.js');
    expect(ratioRange([2, 4, 6], [1, 1, 3])).toEqual([2, 4]);
    expect(ratioRange([1], [4])).toEqual([0.25, 0.25]);
  });
});

describe('live rows: the median storm', () => {
  it('takes each figure from the middle storm and sums the counts, drops included', async () => {
    const { medianStorm } = await import('../src/live.js');
    const storm = (js: number, rate: number, drops: number) => ({
      wire: 'json' as const,
      events: 100 - drops,
      generated: 100,
      drops,
      jsUsPerEvent: js,
      eluUsPerEvent: js * 2,
      rate,
      lines: [],
    });
    const m = medianStorm([storm(12, 50, 0), storm(9, 70, 3), storm(30, 20, 0)]);
    expect([m.jsUsPerEvent, m.eluUsPerEvent, m.rate]).toEqual([12, 24, 50]);
    expect([m.events, m.generated, m.drops, m.storms]).toEqual([297, 300, 3, 3]);
  });
});
