import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import { Engine, type Alert } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';
import { openReplay } from '@nightjar/sources';
import {
  ATOMIC_EXPECT,
  atomicSlug,
  coverageMarkdown,
  indexRules,
  readCorpus,
  readExpected,
  renderAtomicFiles,
  type SigmaData,
} from '../src/index.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const dir = join(root, 'fixtures', 'atomics');
const rulesDir = join(root, 'rules');
// The development corpus and SigmaHQ's rules live outside the repository; the checks that need them skip visibly.
const corpusPath = resolve(root, '../shared/corpus/atomic-red-team-macos/atomics.jsonl');
const sigmaDir = resolve(root, '../shared/corpus/sigmahq-macos/rules/macos');
const haveCorpus = existsSync(corpusPath);
const haveSigma = existsSync(sigmaDir);

const expected = readExpected(dir);

async function scanAll(rules: string, traces: string[]): Promise<Map<string, Record<string, number>>> {
  const ruleset = await loadRules([rules]);
  const out = new Map<string, Record<string, number>>();
  for (const t of traces) {
    const engine = new Engine(ruleset);
    const got: Record<string, number> = {};
    const add = (a: Alert): void => {
      got[a.rule.title] = (got[a.rule.title] ?? 0) + 1;
    };
    for await (const batch of openReplay([join(dir, t)], { eventTypes: ruleset.requiredEventTypes() })) {
      expect(batch.errors, `${t}: malformed lines`).toEqual([]);
      for (const ev of batch.events) engine.push(ev).forEach(add);
    }
    engine.flush().forEach(add);
    out.set(t.replace(/\.jsonl$/, ''), got);
  }
  return out;
}

describe.skipIf(!haveCorpus)(`fixtures/atomics match a fresh render of the corpus (needs ${corpusPath})`, () => {
  it('every procedure renders to the checked-in trace and expected alerts, and nothing else is checked in', () => {
    const rules = indexRules(rulesDir);
    const atomics = readCorpus(corpusPath);
    expect(atomics.length).toBe(169);
    const stale: string[] = [];
    for (const a of atomics) {
      const slug = atomicSlug(a);
      const { trace, expected: exp } = renderAtomicFiles(a, rules);
      const curTrace = existsSync(join(dir, `${slug}.jsonl`)) ? readFileSync(join(dir, `${slug}.jsonl`), 'utf8') : '';
      const curExp = existsSync(join(dir, `${slug}.expected.json`))
        ? readFileSync(join(dir, `${slug}.expected.json`), 'utf8')
        : '';
      if (curTrace !== trace || curExp !== exp) stale.push(slug);
    }
    expect(
      stale,
      'stale atomics fixtures: run pnpm --filter @nightjar/fixturegen atomics --corpus <atomics.jsonl>',
    ).toEqual([]);
    const slugs = new Set(atomics.map(atomicSlug));
    const extra = readdirSync(dir).filter(
      (f) => /\.(jsonl|expected\.json)$/.test(f) && !slugs.has(f.replace(/\.(jsonl|expected\.json)$/, '')),
    );
    expect(extra).toEqual([]);
  });
});

describe('atomics classification', () => {
  it('all 169 atomics are checked in, each classified: alerts, or quiet with a reason and what catches it in context', () => {
    expect(expected.length).toBe(169);
    expect(Object.keys(ATOMIC_EXPECT).length).toBe(169);
    for (const e of expected) {
      const c = ATOMIC_EXPECT[e.atomic.guid];
      expect(c, `${e.trace} is classified`).toBeDefined();
      if (e.total === 0) {
        expect(e.quiet, `${e.trace}: a quiet atomic says why`).toMatch(/\w{3,}.*\w{3,}/);
        expect(e.context, `${e.trace}: and what catches it in context`).toMatch(/\w{3,}/);
      } else expect(e.quiet).toBeUndefined();
    }
  });
  it('at least 80 % of the atomics alert', () => {
    const alerting = expected.filter((e) => e.total > 0).length;
    expect(alerting / expected.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe('the shipped ruleset raises exactly the expected alerts on every atomics trace', () => {
  let got: Map<string, Record<string, number>>;
  beforeAll(async () => {
    got = await scanAll(
      rulesDir,
      expected.map((e) => e.trace),
    );
  }, 120_000);
  it('matches every .expected.json', () => {
    const diffs: string[] = [];
    for (const e of expected) {
      const slug = e.trace.replace(/\.jsonl$/, '');
      const want = Object.fromEntries(e.alerts.map((a) => [a.title, a.count]));
      const have = got.get(slug) ?? {};
      for (const title of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if ((want[title] ?? 0) !== (have[title] ?? 0))
          diffs.push(`${slug}: ${title}: expected ${want[title] ?? 0}, got ${have[title] ?? 0}`);
      }
    }
    expect(diffs).toEqual([]);
  });
});

describe('rules/COVERAGE.md', () => {
  it('is the generated table for the checked-in atomics', () => {
    const sigmaPath = join(dir, 'sigmahq-macos.json');
    const sigma = existsSync(sigmaPath) ? (JSON.parse(readFileSync(sigmaPath, 'utf8')) as SigmaData) : undefined;
    const cur = readFileSync(join(rulesDir, 'COVERAGE.md'), 'utf8');
    expect(
      cur === coverageMarkdown(expected, sigma),
      'rules/COVERAGE.md is stale: run pnpm --filter @nightjar/fixturegen atomics',
    ).toBe(true);
  });
});

describe.skipIf(!haveSigma)(`SigmaHQ's macOS rules on the atomics (needs ${sigmaDir})`, () => {
  let sigmaGot: Map<string, Record<string, number>>;
  beforeAll(async () => {
    sigmaGot = await scanAll(
      sigmaDir,
      expected.map((e) => e.trace),
    );
  }, 120_000);
  it('fixtures/atomics/sigmahq-macos.json records what they raise on each trace', () => {
    const data = JSON.parse(readFileSync(join(dir, 'sigmahq-macos.json'), 'utf8')) as SigmaData;
    expect(Object.fromEntries(sigmaGot)).toEqual(data.alertsByTrace);
  });
  it('every atomic SigmaHQ alerts on is alerted on by a shipped rule, or classified quiet with a reason', () => {
    const missed = expected.filter(
      (e) => Object.keys(sigmaGot.get(e.trace.replace(/\.jsonl$/, '')) ?? {}).length > 0 && e.total === 0 && !e.quiet,
    );
    expect(missed.map((e) => e.trace)).toEqual([]);
  });
});
