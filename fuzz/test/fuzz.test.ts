/**
 * CI's share of `pnpm fuzz` (short budget: a few thousand inputs, well under a minute): every target
 * on fixed seeds (plus NIGHTJAR_FUZZ_SEED, printed, so a failure can be replayed with
 * `pnpm fuzz --only <target> --seed <n>`), and every saved regression case replayed. Timing oracles
 * are off here (no timing assertions in unit tests); `pnpm fuzz` runs them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runCampaign } from '../src/campaign.js';
import { KNOWN_FINDINGS, knownFinding } from '../src/findings.js';
import { REGRESSIONS_DIR } from '../src/paths.js';
import {
  eventsTarget,
  loadWorld,
  readCases,
  replayCase,
  rulesTarget,
  SHORT_BUDGETS,
  wildcardTarget,
  xofTarget,
  type Target,
  type World,
} from '../src/targets.js';

// Fixed seeds, so a CI verdict depends on the change and not on the draw; NIGHTJAR_FUZZ_SEED adds one
// more (a number, or 'random'), which is how a developer widens the search before pushing.
const EXTRA = process.env.NIGHTJAR_FUZZ_SEED;
const SEEDS = [
  1,
  2,
  3,
  ...(EXTRA === undefined || EXTRA === '' ? [] : [EXTRA === 'random' ? (Math.random() * 2 ** 31) | 0 : Number(EXTRA)]),
];
// Inputs per seed: small, so the whole file stays well under a minute on a loaded 2-core machine.
const BUDGET = { events: 500, rules: 50, wildcard: 300, xof: 600 } as const;

let world: World;
beforeAll(async () => {
  world = await loadWorld();
  console.log(`fuzz (short budget): seeds ${SEEDS.join(', ')}`);
});

describe('fuzz, short budget (fixed seeds, plus NIGHTJAR_FUZZ_SEED when set)', () => {
  const targets: [keyof typeof BUDGET, () => Target<unknown>][] = [
    ['events', () => eventsTarget(world, SHORT_BUDGETS)],
    ['rules', () => rulesTarget(world, SHORT_BUDGETS)],
    ['wildcard', () => wildcardTarget(SHORT_BUDGETS)],
    ['xof', () => xofTarget(SHORT_BUDGETS)],
  ];
  for (const [name, make] of targets) {
    for (const seed of SEEDS) {
      it(`${name}, seed ${seed}: no new failure`, () => {
        const log: string[] = [];
        const tally = runCampaign(make(), {
          seed,
          budget: BUDGET[name],
          chunk: 50,
          maxFailures: 1,
          timing: false,
          log: (l) => log.push(l),
        });
        expect(tally.inputs).toBeGreaterThanOrEqual(BUDGET[name]);
        expect(tally.totalFailures, log.join('\n')).toBe(0);
      });
    }
  }
});

describe('saved regression cases (fuzz/regressions)', () => {
  const cases = readCases(REGRESSIONS_DIR);
  it('the folder holds cases, each with a target and an input', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const { file, c } of cases) {
      expect(['events', 'rules', 'wildcard', 'xof'], file).toContain(c.target);
      expect(c.input, file).toBeTypeOf('object');
      if (c.known !== undefined)
        expect(
          KNOWN_FINDINGS.map((k) => k.id),
          file,
        ).toContain(c.known);
    }
  });
  for (const { file, c } of cases) {
    it(`${file}${c.known ? ` (known: ${c.known})` : ''}`, () => {
      const violations = replayCase(world, c.target, c.input);
      // A case of an open known finding may still show that finding (until its fix lands), and
      // nothing else; any other case must now pass every oracle.
      const other = violations.filter((v) => c.known === undefined || knownFinding(v)?.id !== c.known);
      expect(other.map((v) => `[${v.oracle}] ${v.message}`)).toEqual([]);
    });
  }
});
