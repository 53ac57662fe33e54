/**
 * `nightjar test --variants`: every positive case of every rule is re-run under each variant (see
 * generators.ts) in the same fresh-engine setup as the tester; a case that stops matching is a loss.
 */
import { dirname, resolve } from 'node:path';
import { eventFromMessage } from '@nightjar/core';
import type { EsMessage, NightjarEvent } from '@nightjar/core';
import { eventsFromBrief, readFixture } from '../tester/fixtures.js';
import { compiledFor, groupMatches, locate, matcher, runEngine, subRuleset } from '../tester/run.js';
import { parseTestSpecs, rawTests } from '../tester/specs.js';
import type { LoadedRules, TestCaseSpec } from '../tester/types.js';
import { withoutConfigFiles } from '../rule-input.js';
import { acceptedVariants } from './accept.js';
import { GENERATORS } from './generators.js';
import type { RuleVariantsResult, VariantGenerator, VariantLoss, VariantName, VariantsReport } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RunVariantsOptions {
  /** Only these variants (default: all). */
  readonly only?: readonly VariantName[];
  /** The longest fixture line read (bytes; default 64 MiB). */
  readonly maxLineBytes?: number | undefined;
  /**
   * Only the rules whose id or title matches, and of the others only the cases whose name matches, as
   * `RunTestsOptions.filter` (`nightjar test -t`).
   */
  readonly filter?: string | RegExp | undefined;
}

const isPositive = (spec: TestCaseSpec) => (spec.expect.kind === 'match' ? spec.expect.match : spec.expect.alerts > 0);

/**
 * Whether the alerts satisfy a positive expectation; the message says what happened when not. Under a
 * variant the group is not compared: the variant rewrites the very values alerts are grouped by (a path's
 * case, its /private prefix), so only the number of alerts says whether the rule still fires.
 */
function judge(
  spec: TestCaseSpec,
  alerts: Parameters<typeof groupMatches>[0][],
  checkGroup: boolean,
): string | undefined {
  const exp = spec.expect;
  const inGroup = exp.group && checkGroup ? alerts.filter((a) => groupMatches(a, exp.group!)) : alerts;
  const want = exp.kind === 'match' ? 1 : exp.alerts;
  if (inGroup.length >= want) return undefined;
  const g = exp.group && checkGroup ? ` in group ${JSON.stringify(exp.group)}` : '';
  return exp.kind === 'match'
    ? `expected a match${g}, got ${inGroup.length} alert(s)`
    : `expected ${want} alert(s)${g}, got ${inGroup.length}`;
}

function redecode(messages: readonly EsMessage[], like: readonly NightjarEvent[]): NightjarEvent[] {
  return messages.map((m, i) => {
    const ev = eventFromMessage(m, {
      line: like[i]?.line ?? i + 1,
      offset: like[i]?.offset ?? 0,
      source: like[i]?.source ?? 'variant',
    });
    if (ev instanceof Error) throw ev;
    return ev;
  });
}

export async function runVariants(rawLoaded: LoadedRules, opts: RunVariantsOptions = {}): Promise<VariantsReport> {
  const started = performance.now();
  const loaded = withoutConfigFiles(rawLoaded);
  const generators: readonly VariantGenerator[] = opts.only
    ? GENERATORS.filter((g) => opts.only!.includes(g.name))
    : GENERATORS;
  const rules: RuleVariantsResult[] = [];
  const match = matcher(opts.filter);
  for (const doc of loaded.documents) {
    if (doc.kind !== 'rule' && doc.kind !== 'correlation') continue;
    const target = compiledFor(doc, loaded.ruleset);
    if (!target) continue; // load errors are `nightjar test`'s and `nightjar lint`'s to report
    const { specs } = parseTestSpecs(doc.tests ?? rawTests(doc.data));
    const data = isObj(doc.data) ? doc.data : {};
    const title = doc.title ?? (typeof data.title === 'string' ? data.title : target.id);
    const ruleSelected = match === undefined || match(target.id) || match(title);
    const positive = specs.filter((s) => isPositive(s) && (ruleSelected || match(s.name)));
    if (positive.length === 0) continue;
    const accepted = acceptedVariants(doc.nightjar ?? data.nightjar);
    const used = new Set<VariantName>();
    const losses: VariantLoss[] = [];
    const broken: { test: string; message: string }[] = [];
    const rs = subRuleset(target, loaded.ruleset);
    let cases = 0;
    let runs = 0;
    for (const spec of positive) {
      let events: NightjarEvent[];
      try {
        events = spec.events
          ? eventsFromBrief(spec.events, `${doc.file}#${spec.name}`)
          : await readFixture(resolve(dirname(doc.file), spec.fixture!), { maxLineBytes: opts.maxLineBytes });
      } catch (err) {
        broken.push({ test: spec.name, message: (err as Error).message });
        continue;
      }
      const base = judge(spec, runEngine(rs, events, target.id).alerts, true);
      if (base) {
        broken.push({ test: spec.name, message: base });
        continue;
      }
      cases++;
      const messages = events.map((e) => e.msg).filter((m): m is EsMessage => m !== null);
      if (messages.length !== events.length) continue; // a skipped event has no message to rewrite
      for (const g of generators) {
        const v = g.apply(messages);
        if (!v) continue;
        runs++;
        let message: string | undefined;
        try {
          message = judge(spec, runEngine(rs, redecode(v.messages, events), target.id).alerts, false);
        } catch (err) {
          message = `the variant does not decode or run: ${(err as Error).message}`;
        }
        if (!message) continue;
        const reason = accepted.get(g.name);
        if (reason !== undefined) used.add(g.name);
        losses.push({
          variant: g.name,
          test: spec.name,
          changes: v.changes,
          message,
          location: locate(doc, ['tests', spec.index]),
          ...(reason !== undefined ? { accepted: reason } : {}),
        });
      }
    }
    rules.push({
      id: target.id,
      title,
      file: doc.file,
      line: locate(doc, []).line,
      cases,
      runs,
      losses,
      broken,
      unusedAccepts: [...accepted.keys()].filter((n) => !used.has(n) && generators.some((g) => g.name === n)),
    });
  }
  const sum = (f: (r: RuleVariantsResult) => number) => rules.reduce((a, r) => a + f(r), 0);
  return {
    rules,
    summary: {
      rules: rules.length,
      cases: sum((r) => r.cases),
      runs: sum((r) => r.runs),
      losses: sum((r) => r.losses.filter((l) => l.accepted === undefined).length),
      accepted: sum((r) => r.losses.filter((l) => l.accepted !== undefined).length),
      broken: sum((r) => r.broken.length),
      durationMs: performance.now() - started,
    },
  };
}

/** True when the report fails the check: an unaccepted loss, or a positive case that fails unchanged. */
export function variantsFailed(report: VariantsReport): boolean {
  return report.summary.losses > 0 || report.summary.broken > 0;
}
