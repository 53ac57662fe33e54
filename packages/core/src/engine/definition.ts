/**
 * Canonical forms of a ruleset's definitions, compared by `Engine.restore()` (the whole ruleset) and
 * `Engine.reload()` (per correlation: its own definition and those of everything it references,
 * transitively, since the window holds what those rules matched).
 */
import type { CompiledCorrelation, CompiledRule, CompiledRuleSet } from '../ruleset/types.js';
import { hash128 } from '../alert/id.js';

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = sorted((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

function ruleForm(r: CompiledRule): unknown {
  return sorted({
    id: r.id,
    eventTypes: r.eventTypes,
    generate: r.generate,
    suppressUs: r.suppressUs ?? null,
    usesLineage: r.usesLineage,
    // What decides the matches; without it (a hand-built rule) the rule's place in its file stands in.
    definition: r.definition ?? `${r.source.file}:${r.source.line}:${r.source.col}`,
  });
}

function correlationForm(c: CompiledCorrelation): unknown {
  return sorted({
    id: c.id,
    type: c.type,
    rules: c.rules,
    groupBy: c.groupBy.map((g) => g.name),
    timespanUs: c.timespanUs,
    condition: c.condition,
    valueField: c.valueField?.name ?? null,
    percentile: c.percentile ?? null,
    generate: c.generate,
    suppressUs: c.suppressUs ?? null,
    scope: c.scope ?? 'host',
    definition: c.definition ?? `${c.source.file}:${c.source.line}:${c.source.col}`,
  });
}

// Computed once per ruleset object: a fleet worker builds one engine per host from the same set.
const ruleKeyCache = new WeakMap<CompiledRuleSet, Map<string, string>>();
const correlationKeyCache = new WeakMap<CompiledRuleSet, Map<CompiledCorrelation, string>>();
const fingerprintCache = new WeakMap<CompiledRuleSet, string>();

/** Per rule id (detections and correlations; `corr:<id>` for correlations): the hash of its own canonical form. */
export function ruleKeys(ruleset: CompiledRuleSet): Map<string, string> {
  const hit = ruleKeyCache.get(ruleset);
  if (hit !== undefined) return hit;
  const out = new Map<string, string>();
  const add = (id: string, form: unknown): void => {
    const prev = out.get(id);
    // Several rules may share an id (hand-built sets): the key covers all of them, in order.
    out.set(id, hash128(JSON.stringify(prev === undefined ? form : [prev, form])));
  };
  for (const r of ruleset.rules) add(r.id, ruleForm(r));
  for (const c of ruleset.correlations) add(`corr:${c.id}`, correlationForm(c));
  ruleKeyCache.set(ruleset, out);
  return out;
}

/**
 * Per correlation: a hash of its definition and, transitively, of every rule and correlation it
 * references. Equal keys in two rulesets mean a window built under one holds what the other would
 * have put in it.
 */
export function correlationKeys(ruleset: CompiledRuleSet): Map<CompiledCorrelation, string> {
  const hit = correlationKeyCache.get(ruleset);
  if (hit !== undefined) return hit;
  const own = ruleKeys(ruleset);
  const byId = new Map<string, CompiledCorrelation>();
  for (const c of ruleset.correlations) byId.set(c.id, c);
  const ruleIds = new Set(ruleset.rules.map((r) => r.id));
  const memo = new Map<CompiledCorrelation, string>();
  const keyOf = (c: CompiledCorrelation, depth: number): string => {
    const hit = memo.get(c);
    if (hit !== undefined) return hit;
    const parts: string[] = [own.get(`corr:${c.id}`)!];
    for (const ref of c.rules) {
      const inner = byId.get(ref);
      // The engine refuses cycles before this runs; the depth bound only keeps a bad set from looping.
      if (!ruleIds.has(ref) && inner !== undefined && depth < 64) parts.push(keyOf(inner, depth + 1));
      else parts.push(own.get(ref) ?? `missing:${ref}`);
    }
    const k = hash128(JSON.stringify(parts));
    memo.set(c, k);
    return k;
  };
  const out = new Map<CompiledCorrelation, string>();
  for (const c of ruleset.correlations) out.set(c, keyOf(c, 0));
  correlationKeyCache.set(ruleset, out);
  return out;
}

/** The whole ruleset's fingerprint (order-independent). */
export function rulesetFingerprint(ruleset: CompiledRuleSet): string {
  let f = fingerprintCache.get(ruleset);
  if (f === undefined) {
    f = hash128(JSON.stringify([...ruleKeys(ruleset)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
    fingerprintCache.set(ruleset, f);
  }
  return f;
}
