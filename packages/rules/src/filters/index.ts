import type { EventPredicate } from '@nightjar/core';

type Path = readonly (string | number)[];

/** A `filter:` document, reduced to what applying it needs. */
export interface FilterSpec {
  /** `rules: any` / `all` / empty list / null: every rule whose logsource the filter's contains. */
  readonly any: boolean;
  /** Rule ids or names, with the key path of each (for "unknown rule" warnings). */
  readonly refs: readonly { readonly ref: string; readonly path: Path }[];
  readonly logsource: Readonly<Record<string, unknown>>;
  /** The filter's selections and its condition, as a Sigma `detection` block (no `rules`). */
  readonly detection: Readonly<Record<string, unknown>>;
}

/** Reads a schema-validated filter document. */
export function parseFilter(data: Record<string, unknown>): FilterSpec {
  const f = data.filter as Record<string, unknown>;
  const rules = f.rules;
  const { rules: _omit, ...detection } = f;
  let any = false;
  let refs: { ref: string; path: Path }[] = [];
  if (rules === null || rules === undefined) any = true;
  else if (typeof rules === 'string') {
    if (rules.toLowerCase() === 'any' || rules.toLowerCase() === 'all') any = true;
    else refs = [{ ref: rules, path: ['filter', 'rules'] }];
  } else if (Array.isArray(rules)) {
    if (rules.length === 0) any = true;
    refs = (rules as string[]).map((ref, i) => ({ ref, path: ['filter', 'rules', i] }));
  }
  return { any, refs, logsource: (data.logsource as Record<string, unknown>) ?? {}, detection };
}

const LOGSOURCE_KEYS = ['category', 'product', 'service'] as const;

/**
 * pySigma's containment: `outer` contains `inner` when every one of category/product/service that
 * `outer` sets equals `inner`'s; attributes `outer` leaves unset are wildcards.
 */
export function logsourceContains(
  outer: Readonly<Record<string, unknown>>,
  inner: Readonly<Record<string, unknown>>,
): boolean {
  for (const k of LOGSOURCE_KEYS) {
    const o = outer[k];
    if (o !== undefined && o !== null && o !== inner[k]) return false;
  }
  return true;
}

/** Whether a filter applies to a detection rule (never to correlations: callers pass only detection rules). */
export function filterApplies(
  spec: FilterSpec,
  rule: { readonly id: string; readonly name?: string; readonly logsource: Readonly<Record<string, unknown>> },
): boolean {
  if (!logsourceContains(spec.logsource, rule.logsource)) return false;
  if (spec.any) return true;
  return spec.refs.some((r) => r.ref === rule.id || (rule.name !== undefined && r.ref === rule.name));
}

/**
 * (rule) and (filter₁) and (filter₂)…: the rule's own predicate first, so the common case (the rule
 * does not match) costs one call.
 */
export function andPredicates(base: EventPredicate, filters: readonly EventPredicate[]): EventPredicate {
  if (filters.length === 0) return base;
  if (filters.length === 1) {
    const f = filters[0]!;
    return (ev, ctx) => base(ev, ctx) && f(ev, ctx);
  }
  const fs = [...filters];
  return (ev, ctx) => {
    if (!base(ev, ctx)) return false;
    for (let i = 0; i < fs.length; i++) if (!fs[i]!(ev, ctx)) return false;
    return true;
  };
}
