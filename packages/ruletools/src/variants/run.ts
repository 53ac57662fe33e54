/**
 * `nightjar test --variants`: runs every positive test case of every rule again on each variant the
 * generators derive from its events, and reports each variant on which the rule loses its match. A
 * rule may accept a variant it cannot see (`nightjar: { variants: { accept: [{variant, reason}] } }`).
 */
import { dirname, resolve } from 'node:path';
import { eventFromMessage } from '@nightjar/core';
import type { NightjarEvent } from '@nightjar/core';
import { eventsFromBrief, readFixture } from '../tester/fixtures.js';
import { compiledFor, runEngine, subRuleset } from '../tester/run.js';
import { parseTestSpecs, rawTests } from '../tester/specs.js';
import type { LoadedRules } from '../tester/types.js';
import { withoutConfigFiles } from '../rule-input.js';
import { GENERATORS, type Msg } from './generators.js';
import { type VariantProblem, locate, readAccepts } from './accepts.js';

export type { VariantProblem } from './accepts.js';

export interface VariantLoss {
  readonly case: string;
  readonly variant: string;
  readonly description: string;
  readonly fields: readonly string[];
  /**
   * Of several changed fields, those that alone restore the match when put back as they were (what the
   * rule depends on); absent when one field changed or no single one restores it.
   */
  readonly causes?: readonly string[];
  /** Alerts the case expects (at least) and what the variant produced. */
  readonly expected: number;
  readonly alerts: number;
  /** The reason from the rule's accept list, when the rule accepts this variant. */
  readonly accepted?: string;
}

export interface VariantRuleResult {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly line: number;
  /** Positive cases run and variants tried. */
  readonly cases: number;
  readonly variants: number;
  readonly losses: readonly VariantLoss[];
  /** Errors in the rule's `nightjar.variants` block (unknown variant ids, accepts nothing needs). */
  readonly problems: readonly VariantProblem[];
}

export interface VariantReport {
  readonly rules: readonly VariantRuleResult[];
  readonly summary: {
    readonly rules: number;
    readonly cases: number;
    readonly variants: number;
    /** Losses the rules do not accept, losses they accept, rules with problems in their accept block. */
    readonly losses: number;
    readonly accepted: number;
    readonly problems: number;
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `event.exec.args[2]` → ['event', 'exec', 'args', 2]. */
const keysOf = (path: string): (string | number)[] => path.split(/\.|(?=\[)/).map((k) => (k.startsWith('[') ? Number(k.slice(1, -1)) : k));

/** The variant's messages with one field put back as in the original (or removed if the original lacks it). */
function restore(original: readonly Msg[], variant: readonly Msg[], path: string): Msg[] {
  const keys = keysOf(path);
  const out = structuredClone(variant) as Msg[];
  out.forEach((m, i) => {
    let from: unknown = original[i];
    let to: unknown = m;
    for (let k = 0; k < keys.length - 1; k++) {
      from = from !== null && typeof from === 'object' ? (from as Record<string | number, unknown>)[keys[k]!] : undefined;
      to = to !== null && typeof to === 'object' ? (to as Record<string | number, unknown>)[keys[k]!] : undefined;
    }
    if (to === null || typeof to !== 'object') return;
    const last = keys.at(-1)!;
    const have = from !== null && typeof from === 'object' && last in (from as object);
    if (have) (to as Record<string | number, unknown>)[last] = structuredClone((from as Record<string | number, unknown>)[last]);
    else delete (to as Record<string | number, unknown>)[last];
  });
  return out;
}

function decode(messages: readonly Msg[], source: string): NightjarEvent[] | undefined {
  const out: NightjarEvent[] = [];
  for (let i = 0; i < messages.length; i++) {
    const ev = eventFromMessage(messages[i] as never, { line: i + 1, offset: 0, source });
    if (ev instanceof Error) return undefined;
    out.push(ev);
  }
  return out;
}

export async function runVariants(rawLoaded: LoadedRules): Promise<VariantReport> {
  const loaded = withoutConfigFiles(rawLoaded);
  const rules: VariantRuleResult[] = [];
  for (const doc of loaded.documents) {
    if (doc.kind !== 'rule' && doc.kind !== 'correlation') continue;
    const target = compiledFor(doc, loaded.ruleset);
    if (!target) continue; // the plain test run reports rules that do not load
    const { specs } = parseTestSpecs(doc.tests ?? rawTests(doc.data));
    const { accepts, problems } = readAccepts(doc);
    const data = isObj(doc.data) ? doc.data : {};
    const title = doc.title ?? (typeof data.title === 'string' ? data.title : `${doc.file}#${doc.index}`);
    const losses: VariantLoss[] = [];
    const lost = new Set<string>();
    let cases = 0;
    let variants = 0;
    const rs = subRuleset(target, loaded.ruleset);
    for (const spec of specs) {
      const expected = spec.expect.kind === 'match' ? (spec.expect.match ? 1 : 0) : spec.expect.alerts;
      if (expected === 0) continue;
      let events: NightjarEvent[];
      try {
        events = spec.events ? eventsFromBrief(spec.events, `${doc.file}#${spec.name}`) : await readFixture(resolve(dirname(doc.file), spec.fixture!));
      } catch {
        continue; // the plain test run reports the case's error
      }
      // Only a case that passes as written says anything about its variants.
      if (runEngine(rs, events, target.id).alerts.length < expected) continue;
      cases++;
      const messages = events.map((e) => e.msg).filter((m): m is NonNullable<typeof m> => m !== null) as unknown as Msg[];
      for (const g of GENERATORS) {
        for (const v of g.generate(messages)) {
          const evs = decode(v.messages, `${doc.file}#${spec.name}~${v.variant}`);
          if (!evs) continue;
          variants++;
          const n = runEngine(rs, evs, target.id).alerts.length;
          if (n >= expected) continue;
          lost.add(v.variant);
          const reason = accepts.get(v.variant);
          const causes =
            v.fields.length > 1
              ? v.fields.filter((f) => {
                  const back = decode(restore(messages, v.messages, f), `${doc.file}#${spec.name}~${v.variant}`);
                  return back !== undefined && runEngine(rs, back, target.id).alerts.length >= expected;
                })
              : [];
          losses.push({ case: spec.name, variant: v.variant, description: v.description, fields: v.fields, ...(causes.length ? { causes } : {}), expected, alerts: n, ...(reason !== undefined ? { accepted: reason } : {}) });
        }
      }
    }
    // An accept no variant needs is stale: it would hide a future regression.
    const list = isObj(doc.nightjar) && isObj(doc.nightjar.variants) && Array.isArray(doc.nightjar.variants.accept) ? doc.nightjar.variants.accept : [];
    list.forEach((a, i) => {
      if (!isObj(a) || typeof a.variant !== 'string' || !accepts.has(a.variant) || lost.has(a.variant) || cases === 0) return;
      const path = ['nightjar', 'variants', 'accept', i, 'variant'];
      problems.push({ message: `nightjar.variants.accept: the rule no longer loses a match on '${a.variant}'; remove the exception`, location: locate(doc, path), path });
    });
    if (cases === 0 && problems.length === 0) continue;
    rules.push({ id: doc.id ?? (typeof data.id === 'string' ? data.id : title), title, file: doc.file, line: locate(doc, []).line, cases, variants, losses, problems });
  }
  const all = rules.flatMap((r) => r.losses);
  return {
    rules,
    summary: {
      rules: rules.length,
      cases: rules.reduce((a, r) => a + r.cases, 0),
      variants: rules.reduce((a, r) => a + r.variants, 0),
      losses: all.filter((l) => l.accepted === undefined).length,
      accepted: all.filter((l) => l.accepted !== undefined).length,
      problems: rules.reduce((a, r) => a + r.problems.length, 0),
    },
  };
}

/** True when the report should fail the run (exit 1). */
export const variantsFailed = (r: VariantReport): boolean => r.summary.losses > 0 || r.summary.problems > 0;
