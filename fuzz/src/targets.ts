/**
 * The fuzz targets: for each, how inputs are generated (a fast-check arbitrary), how one input is
 * checked (the oracles), and how a failing input is stored as a regression case and replayed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { bundledRulesDir, loadRuleFiles } from '@nightjar/rules';
import type { CompiledRuleSet, NightjarEvent } from '@nightjar/core';
import { batchArb, buildLine, fixtureLines, type Budget, type LineSpec } from './event-lines.js';
import { instrument, runEventLines, type Instrumented } from './event-oracle.js';
import type { Violation } from './findings.js';
import { makeProbes, namePatternDifferential, runRuleText, wildcardDifferential } from './rule-oracle.js';
import { renderRuleFile, ruleFileArb, wildcardValue, type RuleBudget, type RuleFileSpec } from './rule-gen.js';
import { sigmahqDir } from './paths.js';

export type TargetName = 'events' | 'rules' | 'wildcard' | 'xof';
export const TARGETS: readonly TargetName[] = ['events', 'rules', 'wildcard', 'xof'];

/** A stored input: what the replay test feeds back through the same oracles. */
export type CaseInput =
  | { readonly lines: readonly string[] }
  | { readonly linesGz: string }
  | { readonly yaml: string }
  | { readonly value: string; readonly subject: string; readonly modifier: '' | 'contains' | 'startswith' | 'endswith' }
  | { readonly pattern: string; readonly names: readonly string[] };

export interface CheckResult {
  readonly violations: Violation[];
  /** Inputs this check covered (lines, rule documents, pairs). */
  readonly inputs: number;
  readonly worstMs: number;
  readonly worstWhat: string;
}

export interface Target<I> {
  readonly name: TargetName;
  readonly unit: string;
  readonly arb: fc.Arbitrary<I>;
  check(input: I, timing: boolean): CheckResult;
  toCase(input: I): CaseInput;
  /** A smaller input showing `v` alone, when one can be found cheaply (known findings are not shrunk). */
  reduce?(input: I, v: Violation): I | undefined;
}

/** Shared, loaded once per process: the rules, their instrumented form, fixture lines, probes. */
export interface World {
  readonly bases: readonly string[];
  readonly inst: Instrumented;
  readonly probes: readonly NightjarEvent[];
  readonly ruleCount: number;
  readonly withSigmaHq: boolean;
}

export async function loadWorld(): Promise<World> {
  const paths = [bundledRulesDir()];
  const sigma = sigmahqDir();
  if (sigma !== undefined) paths.push(sigma);
  // Lenient: a SigmaHQ rule this engine cannot run (an unmapped field) is left out, not fatal.
  const loaded = await loadRuleFiles(paths);
  const rs: CompiledRuleSet = loaded.ruleset;
  const bases = fixtureLines();
  return {
    bases,
    inst: instrument(rs),
    probes: makeProbes(bases),
    ruleCount: rs.rules.length + rs.correlations.length,
    withSigmaHq: sigma !== undefined,
  };
}

export interface Budgets {
  readonly lines: Budget & { readonly maxBatch: number };
  readonly rules: RuleBudget;
}

export const SHORT_BUDGETS: Budgets = {
  lines: { maxDepth: 2_000, maxString: 100_000, maxBatch: 40 },
  rules: { maxRepeat: 60, maxKeys: 2_000, maxDepth: 200 },
};
export const LONG_BUDGETS: Budgets = {
  lines: { maxDepth: 20_000, maxString: 1_000_000, maxBatch: 200 },
  rules: { maxRepeat: 1_000, maxKeys: 20_000, maxDepth: 2_000 },
};

function linesOf(i: CaseInput): readonly string[] {
  if ('lines' in i) return i.lines;
  if ('linesGz' in i) return JSON.parse(gunzipSync(Buffer.from(i.linesGz, 'base64')).toString('utf8')) as string[];
  throw new Error('not an events case');
}

export function eventsTarget(w: World, b: Budgets): Target<LineSpec[]> {
  const check = (specs: LineSpec[], timing: boolean): CheckResult => {
    const lines = specs.map((s) => buildLine(w.bases, s));
    const r = runEventLines(lines, w.inst, { timing });
    return { violations: r.violations, inputs: lines.length, worstMs: r.worstMs, worstWhat: `line ${r.worstLine}` };
  };
  return {
    name: 'events',
    unit: 'lines',
    arb: batchArb(w.bases.length, b.lines, b.lines.maxBatch),
    check,
    toCase: (specs) => {
      const lines = specs.map((s) => buildLine(w.bases, s));
      const json = JSON.stringify(lines);
      // Huge lines (a 1 MB string, 20,000 levels of nesting) compress to almost nothing.
      return json.length > 64 * 1024 ? { linesGz: gzipSync(json).toString('base64') } : { lines };
    },
    reduce: (specs, v) => {
      const m = /line (\d+)/.exec(v.message);
      const i = m ? Number(m[1]) - 1 : -1;
      const one = specs[i];
      if (one === undefined) return undefined;
      const again = check([one], false).violations;
      return again.some((x) => x.oracle === v.oracle) ? [one] : undefined;
    },
  };
}

export function rulesTarget(w: World, b: Budgets): Target<RuleFileSpec> {
  return {
    name: 'rules',
    unit: 'rules',
    arb: ruleFileArb(b.rules),
    check: (spec, timing) => {
      const { text, documents } = renderRuleFile(spec);
      const r = runRuleText(text, w.probes, { timing });
      return { violations: r.violations, inputs: documents, worstMs: r.worstMs, worstWhat: 'a rule file' };
    },
    toCase: (spec) => ({ yaml: renderRuleFile(spec).text }),
  };
}

interface WildcardInput {
  value: string;
  subject: string;
  modifier: '' | 'contains' | 'startswith' | 'endswith';
}

export function wildcardTarget(b: Budgets): Target<WildcardInput> {
  const subject = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(fc.constantFrom('a', 'b', 'A', '*', '?', '\\', '/', '.', 'é'), { maxLength: 30 })
        .map((a) => a.join('')),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 65536 }).map((n) => 'a'.repeat(n)) },
  );
  const value = fc.oneof(
    { weight: 6, arbitrary: wildcardValue(16) },
    {
      weight: 1,
      arbitrary: fc
        .record({ unit: fc.constantFrom('a?', '*a', '?*', 'a*b?'), n: fc.integer({ min: 1, max: b.rules.maxRepeat }) })
        .map(({ unit, n }) => unit.repeat(n)),
    },
  );
  return {
    name: 'wildcard',
    unit: 'pairs',
    arb: fc.record({
      value,
      subject,
      modifier: fc.constantFrom('' as const, 'contains' as const, 'startswith' as const, 'endswith' as const),
    }),
    check: (i, timing) => {
      const v = wildcardDifferential(i.value, i.subject, i.modifier).filter((x) => timing || x.oracle !== 'cost');
      return { violations: v, inputs: 1, worstMs: 0, worstWhat: '' };
    },
    toCase: (i) => ({ ...i }),
  };
}

interface XofInput {
  pattern: string;
  names: string[];
}

export function xofTarget(b: Budgets): Target<XofInput> {
  const name = fc.oneof(
    fc.stringMatching(/^[a-c_]{0,12}$/),
    fc.integer({ min: 1, max: 80 }).map((n) => 'a'.repeat(n)),
  );
  const pattern = fc.oneof(
    fc.array(fc.constantFrom('a', 'b', 'c', '_', '*'), { maxLength: 14 }).map((a) => a.join('')),
    fc.integer({ min: 1, max: b.rules.maxRepeat }).map((n) => `${'a*'.repeat(n)}c`),
  );
  return {
    name: 'xof',
    unit: 'patterns',
    arb: fc.record({ pattern, names: fc.array(name, { minLength: 1, maxLength: 6 }) }),
    check: (i, timing) => {
      const v = namePatternDifferential(i.pattern, i.names).filter((x) => timing || x.oracle !== 'cost');
      return { violations: v, inputs: 1, worstMs: 0, worstWhat: '' };
    },
    toCase: (i) => ({ pattern: i.pattern, names: [...i.names] }),
  };
}

/** Replays a stored case through its target's oracles (timing off: a unit test asserts no timing). */
export function replayCase(w: World, target: TargetName, input: CaseInput): Violation[] {
  switch (target) {
    case 'events':
      return runEventLines(linesOf(input), w.inst, { timing: false }).violations;
    case 'rules':
      if (!('yaml' in input)) throw new Error('not a rules case');
      return runRuleText(input.yaml, w.probes, { timing: false }).violations;
    case 'wildcard':
      if (!('value' in input)) throw new Error('not a wildcard case');
      return wildcardDifferential(input.value, input.subject, input.modifier).filter((x) => x.oracle !== 'cost');
    case 'xof':
      if (!('pattern' in input)) throw new Error('not an x-of case');
      return namePatternDifferential(input.pattern, input.names).filter((x) => x.oracle !== 'cost');
  }
}

export interface RegressionCase {
  readonly target: TargetName;
  /** The known finding this case shows, while it is open (see findings.ts). */
  readonly known?: string;
  /** What the oracles said when it was found. */
  readonly found: readonly Violation[];
  /** How to find it again: `pnpm fuzz --only <target> --seed <seed>`. */
  readonly seed: number;
  readonly input: CaseInput;
}

export function readCases(dir: string): { file: string; c: RegressionCase }[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ file: n, c: JSON.parse(readFileSync(join(dir, n), 'utf8')) as RegressionCase }));
}
