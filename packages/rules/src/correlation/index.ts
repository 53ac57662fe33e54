// One file on purpose (~480 lines): the compilation of every correlation type shares the group-by, alias and condition handling.
import type {
  CompiledCorrelation,
  ConditionTerm,
  CorrelationType,
  FieldGetter,
  GroupByField,
  RuleMeta,
} from '@nightjar/core';
import { RuleError } from '../errors.js';
import { compileTemporal, parseTemporalCondition, temporalRefs, type TemporalNode } from './condition.js';
import { parseTimespan } from './timespan.js';

export { parseTimespan, TIMESPAN_UNIT_SECONDS } from './timespan.js';
export { parseTemporalCondition, type TemporalNode } from './condition.js';

type Path = readonly (string | number)[];

/** Something a correlation can reference: a detection rule or another correlation. */
export interface RefTarget {
  readonly id: string;
  readonly name?: string;
  readonly kind: 'detection' | 'correlation';
  /** The detection rule's logsource (field names resolve through it); `{}` for a correlation. */
  readonly logsource: Record<string, unknown>;
}

/** A correlation document, validated by the schema, waiting to be compiled. */
export interface CorrelationInput {
  readonly meta: Omit<RuleMeta, never>;
  /** The whole document (plain JS). */
  readonly data: Record<string, unknown>;
}

export interface CorrelationEnv {
  /** Finds a rule by id first, then by name; 'broken' when it exists but failed to load. */
  resolve(ref: string): RefTarget | 'broken' | undefined;
  /** Compiles a field name for events of a rule with this logsource (taxonomy names map to ES paths). */
  compileField(field: string, logsource: Record<string, unknown>): { get: FieldGetter; usesLineage: boolean };
  readonly maxTimespanUs: number;
}

export interface CorrelationOutput {
  readonly compiled?: CompiledCorrelation | undefined;
  /** Ids of the rules/correlations referenced (resolved), when resolution got that far. */
  readonly refs: readonly string[];
  /** The correlation's own `generate` (true forces its referenced rules to alert too). */
  readonly generateRefs: boolean;
  readonly usesLineage: boolean;
  readonly errors: RuleError[];
}

const TEMPORAL = new Set<CorrelationType>(['temporal', 'temporal_ordered']);
const VALUE_TYPES = new Set<CorrelationType>([
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
]);
const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
/** Deepest chain of correlations over correlations accepted (real chains are two or three deep). */
export const MAX_CHAIN = 32;
const CORR: Path = ['correlation'];
const at = (...p: (string | number)[]): Path => [...CORR, ...p];
const undef: FieldGetter = () => undefined;
const NATIVE_LOGSOURCE = { product: 'macos', service: 'endpointsecurity' };

interface Prepared {
  readonly input: CorrelationInput;
  readonly type: CorrelationType;
  /** References as written, with their paths. */
  readonly refs: { ref: string; path: Path }[];
  readonly timespanUs: number;
  readonly groupBy: { name: string; path: Path }[];
  /** alias → [ruleRef, field, path] */
  readonly aliases: Map<string, { ref: string; field: string; path: Path }[]>;
  readonly condition: ConditionTerm[];
  readonly valueFields: { name: string; path: Path }[];
  readonly percentile?: number | undefined;
  readonly temporal?: TemporalNode;
  readonly generate: boolean;
}

/** Structural checks that need no other rule: timespan, condition, fields, defaults. */
function prepare(input: CorrelationInput, env: CorrelationEnv, errors: RuleError[]): Prepared | undefined {
  const c = input.data.correlation as Record<string, unknown>;
  const type = c.type as CorrelationType;
  const before = errors.length;

  const ts = parseTimespan(c.timespan);
  let timespanUs = 0;
  if ('error' in ts) errors.push(new RuleError('NJ_TIMESPAN_INVALID', ts.error, at('timespan')));
  else if (ts.us > env.maxTimespanUs) {
    errors.push(
      new RuleError(
        'NJ_TIMESPAN_LIMIT',
        `timespan '${String(c.timespan)}' exceeds the configured maximum of ${env.maxTimespanUs / 1e6} s (raise maxTimespanUs to allow it)`,
        at('timespan'),
      ),
    );
  } else timespanUs = ts.us;

  const refs = Array.isArray(c.rules)
    ? (c.rules as string[]).map((ref, i) => ({ ref, path: at('rules', i) }))
    : typeof c.rules === 'string'
      ? [{ ref: c.rules, path: at('rules') }]
      : [];

  const seenRefs = new Set<string>();
  for (const r of refs) {
    if (seenRefs.has(r.ref)) errors.push(new RuleError('NJ_CORR_RULES', `rule '${r.ref}' listed twice`, r.path));
    seenRefs.add(r.ref);
  }

  const groupBy = Array.isArray(c['group-by'])
    ? (c['group-by'] as string[]).map((name, i) => ({ name, path: at('group-by', i) }))
    : typeof c['group-by'] === 'string'
      ? [{ name: c['group-by'], path: at('group-by') }]
      : [];
  const seenGroup = new Set<string>();
  for (const g of groupBy) {
    if (seenGroup.has(g.name))
      errors.push(new RuleError('NJ_CORR_GROUP_BY', `group-by field '${g.name}' listed twice`, g.path));
    seenGroup.add(g.name);
  }

  const aliases = new Map<string, { ref: string; field: string; path: Path }[]>();
  for (const [alias, mapping] of Object.entries(
    (c.aliases as Record<string, Record<string, string>> | undefined) ?? {},
  )) {
    aliases.set(
      alias,
      Object.entries(mapping).map(([ref, field]) => ({ ref, field, path: at('aliases', alias, ref) })),
    );
  }

  let condition: ConditionTerm[] = [];
  let valueFields: { name: string; path: Path }[] = [];
  let percentile: number | undefined;
  let temporal: TemporalNode | undefined;
  const cond = c.condition;
  if (typeof cond === 'string') {
    if (!TEMPORAL.has(type)) {
      errors.push(
        new RuleError(
          'NJ_CORR_CONDITION',
          `a string condition is only allowed for temporal and temporal_ordered correlations, not ${type}`,
          at('condition'),
        ),
      );
    } else {
      try {
        temporal = parseTemporalCondition(cond, at('condition'));
      } catch (e) {
        if (e instanceof RuleError) errors.push(e);
        else throw e;
      }
      if (temporal && refs.length > 0) {
        // pySigma: the rules list and the names in the expression must be the same set.
        const named = new Set(temporalRefs(temporal));
        const listed = new Set(refs.map((r) => r.ref));
        const missing = [...listed].filter((r) => !named.has(r));
        const extra = [...named].filter((r) => !listed.has(r));
        if (missing.length > 0 || extra.length > 0) {
          errors.push(
            new RuleError(
              'NJ_CORR_CONDITION',
              [
                missing.length ? `rules not used in the condition: ${missing.join(', ')}` : '',
                extra.length ? `condition names rules not in 'rules': ${extra.join(', ')}` : '',
              ]
                .filter(Boolean)
                .join('; '),
              at('condition'),
            ),
          );
        }
      }
      if (temporal && refs.length === 0) {
        for (const name of temporalRefs(temporal)) refs.push({ ref: name, path: at('condition') });
      }
    }
  } else if (cond && typeof cond === 'object') {
    const o = cond as Record<string, unknown>;
    for (const op of OPS) if (typeof o[op] === 'number') condition.push({ op, value: o[op] });
    if (condition.length === 0) {
      errors.push(
        new RuleError('NJ_CORR_CONDITION', `condition needs at least one of ${OPS.join(', ')}`, at('condition')),
      );
    }
    if (o.field !== undefined) {
      valueFields = Array.isArray(o.field)
        ? (o.field as string[]).map((name, i) => ({ name, path: at('condition', 'field', i) }))
        : [{ name: o.field as string, path: at('condition', 'field') }];
    }
    if (typeof o.percentile === 'number') percentile = o.percentile;
  } else if (!TEMPORAL.has(type)) {
    errors.push(new RuleError('NJ_CORR_CONDITION', `a ${type} correlation needs a condition`, at('condition')));
  }
  // pySigma's default for temporal types: every referenced rule must be seen.
  if (cond === undefined && TEMPORAL.has(type)) condition = [{ op: 'gte', value: refs.length }];

  if (refs.length === 0 && typeof cond !== 'string') {
    errors.push(
      new RuleError(
        'NJ_CORR_RULES',
        "'rules' is required (it may be omitted only with a string temporal condition)",
        at(),
      ),
    );
  }

  if (VALUE_TYPES.has(type)) {
    if (valueFields.length === 0 && cond && typeof cond === 'object') {
      errors.push(new RuleError('NJ_CORR_FIELD', `a ${type} correlation needs condition.field`, at('condition')));
    } else if (valueFields.length > 1 && type !== 'value_count') {
      errors.push(
        new RuleError(
          'NJ_CORR_FIELD',
          `${type} aggregates one numeric field; ${valueFields.length} given`,
          at('condition', 'field'),
        ),
      );
    }
  } else if (valueFields.length > 0) {
    errors.push(
      new RuleError('NJ_CORR_FIELD', `condition.field is not used by a ${type} correlation`, at('condition', 'field')),
    );
  }
  if (type === 'value_percentile' && percentile === undefined && cond && typeof cond === 'object') {
    errors.push(
      new RuleError(
        'NJ_CORR_CONDITION',
        'a value_percentile correlation needs condition.percentile (0-100)',
        at('condition'),
      ),
    );
  } else if (type !== 'value_percentile' && percentile !== undefined) {
    errors.push(
      new RuleError(
        'NJ_CORR_CONDITION',
        `condition.percentile is only used by value_percentile, not ${type}`,
        at('condition', 'percentile'),
      ),
    );
  }

  if (errors.length > before) return undefined;
  const generate = (c.generate ?? input.data.generate ?? false) === true;
  return {
    input,
    type,
    refs,
    timespanUs,
    groupBy,
    aliases,
    condition,
    valueFields,
    ...(type === 'value_percentile' ? { percentile } : type === 'value_median' ? { percentile: 50 } : {}),
    ...(temporal ? { temporal } : {}),
    generate,
  };
}

/**
 * Compiles every correlation against the rules and correlations that loaded. Names resolve id first,
 * then name; cycles (a correlation reaching itself through others) are refused. Each output carries its
 * own errors, so one bad correlation never hides the others.
 */
export function compileCorrelations(inputs: readonly CorrelationInput[], env: CorrelationEnv): CorrelationOutput[] {
  const errors: RuleError[][] = inputs.map(() => []);
  const prepared = inputs.map((input, i) => prepare(input, env, errors[i]!));

  // Resolve references.
  const byId = new Map<string, number>();
  inputs.forEach((inp, i) => byId.set(inp.meta.id, i));
  const resolved: (RefTarget[] | undefined)[] = prepared.map((p, i) => {
    if (!p) return undefined;
    const out: RefTarget[] = [];
    let ok = true;
    for (const { ref, path } of p.refs) {
      const t = env.resolve(ref);
      if (t === undefined) {
        errors[i]!.push(new RuleError('NJ_CORR_UNKNOWN_RULE', `no rule or correlation with id or name '${ref}'`, path));
        ok = false;
      } else if (t === 'broken') {
        errors[i]!.push(
          new RuleError('NJ_CORR_BROKEN_REF', `referenced rule '${ref}' did not load (see its own error)`, path),
        );
        ok = false;
      } else if (t.id === inputs[i]!.meta.id) {
        errors[i]!.push(new RuleError('NJ_CORR_CYCLE', `correlation references itself through '${ref}'`, path));
        ok = false;
      } else if (out.some((x) => x.id === t.id)) {
        // Same spelling twice was caught in prepare(); this is `[name, its id]`.
        errors[i]!.push(new RuleError('NJ_CORR_RULES', `'${ref}' is a rule already listed (${t.id})`, path));
        ok = false;
      } else out.push(t);
    }
    return ok ? out : undefined;
  });

  // Cycle detection over correlation → correlation edges (iterative DFS, colours).
  const colour = new Array<number>(inputs.length).fill(0);
  const inCycle = new Set<number>();
  // Post-order: every correlation after the correlations it references.
  const finished: number[] = [];
  for (let s = 0; s < inputs.length; s++) {
    if (colour[s] !== 0) continue;
    const stack: [number, number][] = [[s, 0]];
    const onPath: number[] = [];
    colour[s] = 1;
    onPath.push(s);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      const targets = (resolved[v] ?? []).filter((t) => t.kind === 'correlation');
      if (k < targets.length) {
        top[1]++;
        const w = byId.get(targets[k]!.id);
        if (w === undefined) continue;
        if (colour[w] === 1) {
          for (let j = onPath.indexOf(w); j < onPath.length; j++) inCycle.add(onPath[j]!);
        } else if (colour[w] === 0) {
          colour[w] = 1;
          onPath.push(w);
          stack.push([w, 0]);
        }
      } else {
        colour[v] = 2;
        finished.push(v);
        onPath.pop();
        stack.pop();
      }
    }
  }
  for (const i of inCycle) {
    const p = prepared[i]!;
    const via = p.refs.find((r) => {
      const t = env.resolve(r.ref);
      return typeof t === 'object' && t.kind === 'correlation' && inCycle.has(byId.get(t.id) ?? -1);
    });
    errors[i]!.push(
      new RuleError('NJ_CORR_CYCLE', `correlation cycle through '${via?.ref ?? '?'}'`, via?.path ?? at('rules')),
    );
  }

  // Leaf detection rules and chain depth of each correlation, children first (no recursion: chains
  // come from rule text). A correlation of correlations needs its children's leaf rules for getters.
  const leaves = new Map<number, RefTarget[]>();
  const depth = new Map<number, number>();
  for (const v of finished) {
    if (inCycle.has(v)) continue;
    const out: RefTarget[] = [];
    let d = 1;
    for (const t of resolved[v] ?? []) {
      if (t.kind === 'detection') {
        if (!out.some((x) => x.id === t.id)) out.push(t);
        continue;
      }
      const j = byId.get(t.id);
      if (j === undefined) continue;
      d = Math.max(d, (depth.get(j) ?? 0) + 1);
      for (const l of leaves.get(j) ?? []) if (!out.some((x) => x.id === l.id)) out.push(l);
    }
    leaves.set(v, out);
    depth.set(v, d);
    if (d > MAX_CHAIN) {
      errors[v]!.push(
        new RuleError('NJ_CORR_DEPTH', `correlations nested ${d} deep (limit ${MAX_CHAIN})`, at('rules')),
      );
    }
  }
  const leafRules = (i: number): RefTarget[] => leaves.get(i) ?? [];
  const outputs: (CorrelationOutput | undefined)[] = new Array<CorrelationOutput | undefined>(inputs.length);

  for (let i = 0; i < inputs.length; i++) {
    const p = prepared[i];
    const targets = resolved[i];
    const refIds = targets?.map((t) => t.id) ?? [];
    if (!p || !targets || inCycle.has(i) || errors[i]!.length > 0) {
      outputs[i] = { refs: refIds, generateRefs: p?.generate ?? false, usesLineage: false, errors: errors[i]! };
      continue;
    }
    let usesLineage = false;
    // Direct targets plus the detection rules under referenced correlations: the engine may read the
    // group key from either, and a getter per rule id costs nothing per event.
    const readers: RefTarget[] = [...targets];
    for (const t of targets) {
      if (t.kind === 'correlation') {
        const j = byId.get(t.id);
        if (j !== undefined) for (const l of leafRules(j)) if (!readers.some((r) => r.id === l.id)) readers.push(l);
      }
    }
    const compileFor = (field: string, t: RefTarget, path: Path): FieldGetter => {
      if (t.kind === 'correlation') return compileNative(field);
      try {
        const f = env.compileField(field, t.logsource);
        if (f.usesLineage) usesLineage = true;
        return f.get;
      } catch (e) {
        if (e instanceof RuleError) {
          errors[i]!.push(new RuleError(e.code, `field '${field}' for rule '${t.name ?? t.id}': ${e.message}`, path));
          return undef;
        }
        throw e;
      }
    };
    // Events of a referenced correlation, or of a rule not listed, have no logsource of their own:
    // read the name as a native ES path when it is one, else nothing.
    const compileNative = (field: string): FieldGetter => {
      try {
        const f = env.compileField(field, NATIVE_LOGSOURCE);
        if (f.usesLineage) usesLineage = true;
        return f.get;
      } catch (e) {
        if (e instanceof RuleError) return undef;
        throw e;
      }
    };
    const compileNamed = (name: string, path: Path): { byRule: Map<string, FieldGetter>; default: FieldGetter } => {
      const byRule = new Map<string, FieldGetter>();
      const alias = p.aliases.get(name);
      if (alias) {
        for (const a of alias) {
          const t = env.resolve(a.ref);
          if (t === undefined || t === 'broken') {
            errors[i]!.push(
              new RuleError(
                'NJ_CORR_ALIAS',
                `alias '${name}' maps rule '${a.ref}', which ${t ? 'did not load' : 'does not exist'}`,
                a.path,
                { key: true },
              ),
            );
            continue;
          }
          if (!targets.some((x) => x.id === t.id)) {
            errors[i]!.push(
              new RuleError(
                'NJ_CORR_ALIAS',
                `alias '${name}' maps rule '${a.ref}', which this correlation does not reference`,
                a.path,
                { key: true },
              ),
            );
            continue;
          }
          byRule.set(t.id, compileFor(a.field, t, a.path));
          if (t.kind === 'correlation') {
            const j = byId.get(t.id);
            if (j !== undefined) for (const l of leafRules(j)) byRule.set(l.id, compileFor(a.field, l, a.path));
          }
        }
        return { byRule, default: undef };
      }
      for (const t of readers) byRule.set(t.id, compileFor(name, t, path));
      return { byRule, default: compileNative(name) };
    };
    for (const [alias] of p.aliases) {
      if (!p.groupBy.some((g) => g.name === alias) && !p.valueFields.some((f) => f.name === alias)) {
        errors[i]!.push(
          new RuleError(
            'NJ_CORR_ALIAS',
            `alias '${alias}' is not used in group-by or condition.field`,
            at('aliases', alias),
            { key: true },
          ),
        );
      }
    }
    const groupBy: GroupByField[] = p.groupBy.map((g) => ({ name: g.name, ...compileNamed(g.name, g.path) }));
    let valueField: CompiledCorrelation['valueField'];
    if (p.valueFields.length === 1) {
      const f = p.valueFields[0]!;
      valueField = { name: f.name, ...compileNamed(f.name, f.path) };
    } else if (p.valueFields.length > 1) {
      // value_count over several fields counts distinct combinations.
      const parts = p.valueFields.map((f) => compileNamed(f.name, f.path));
      const combine =
        (gets: FieldGetter[]): FieldGetter =>
        (ev, ctx) => {
          let key = '';
          for (let k = 0; k < gets.length; k++) {
            const v = gets[k]!(ev, ctx);
            if (v === undefined || v === null) return undefined;
            // eslint-disable-next-line @typescript-eslint/no-base-to-string -- field values are scalars; String() is the key's text form
            key += (k ? '\u0000' : '') + String(v);
          }
          return key;
        };
      const byRule = new Map<string, FieldGetter>();
      for (const id of new Set(parts.flatMap((x) => [...x.byRule.keys()]))) {
        byRule.set(id, combine(parts.map((x) => x.byRule.get(id) ?? x.default)));
      }
      valueField = {
        name: p.valueFields.map((f) => f.name).join(','),
        byRule,
        default: combine(parts.map((x) => x.default)),
      };
    }
    let temporalExpr: CompiledCorrelation['temporalExpr'];
    if (p.temporal) {
      temporalExpr = compileTemporal(p.temporal, (name) => {
        const t = env.resolve(name);
        return typeof t === 'object' ? t.id : name;
      });
    }
    if (errors[i]!.length > 0) {
      outputs[i] = { refs: refIds, generateRefs: p.generate, usesLineage, errors: errors[i]! };
      continue;
    }
    const compiled: CompiledCorrelation = {
      ...p.input.meta,
      kind: 'correlation',
      type: p.type,
      rules: refIds,
      groupBy,
      timespanUs: p.timespanUs,
      condition: p.condition,
      ...(temporalExpr ? { temporalExpr } : {}),
      ...(valueField ? { valueField } : {}),
      ...(p.percentile !== undefined ? { percentile: p.percentile } : {}),
      generate: true,
    };
    outputs[i] = { compiled, refs: refIds, generateRefs: p.generate, usesLineage, errors: [] };
  }
  // A correlation over a correlation that failed cannot run either; repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    outputs.forEach((o, i) => {
      if (!o?.compiled) return;
      for (const [k, t] of (resolved[i] ?? []).entries()) {
        const j = t.kind === 'correlation' ? byId.get(t.id) : undefined;
        if (j !== undefined && !outputs[j]?.compiled) {
          const ref = prepared[i]!.refs[k]!;
          outputs[i] = {
            ...o,
            compiled: undefined,
            errors: [
              new RuleError(
                'NJ_CORR_BROKEN_REF',
                `referenced correlation '${ref.ref}' did not load (see its own error)`,
                ref.path,
              ),
            ],
          };
          changed = true;
          return;
        }
      }
    });
  }
  return outputs as CorrelationOutput[];
}
