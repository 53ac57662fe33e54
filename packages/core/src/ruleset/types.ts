import type { NightjarEvent } from '../model/event.js';
import type { EvalContext } from '../fields/context.js';

/**
 * The contract between `@nightjar/rules` (which compiles YAML) and the engine (which runs it).
 * Everything here is plain data plus closures built once at load time; nothing re-parses a rule
 * on the per-event path.
 */

/** Reads one field of an event; lineage and other virtual fields read through `ctx`. */
export type FieldGetter = (ev: NightjarEvent, ctx: EvalContext) => unknown;

/** A field as compiled for a rule: its getter, and whether it reads the lineage cache. */
export interface CompiledField {
  readonly get: FieldGetter;
  /** True when the path reads the lineage cache (parent., real_parent., responsible., ancestors.). */
  readonly usesLineage: boolean;
}

/** A compiled stateless predicate. */
export type EventPredicate = (ev: NightjarEvent, ctx: EvalContext) => boolean;

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Where a rule was defined, for alerts and diagnostics. */
export interface RuleSourceRef {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Fields shared by detection and correlation rules. */
export interface RuleMeta {
  readonly id: string;
  readonly name?: string;
  readonly title: string;
  readonly description?: string;
  readonly level: SigmaLevel;
  readonly status?: string;
  readonly tags: readonly string[];
  readonly falsepositives?: readonly string[];
  readonly source: RuleSourceRef;
  /** Alert suppression (Nightjar extension `nightjar.suppress`): same rule + entity within this many µs → one alert with a count. */
  readonly suppressUs?: number;
  /**
   * Optional: a canonical text of what decides the rule's matches (detection, logsource and filters
   * applied, or the correlation block), set by @nightjar/rules. Engines compare it to tell a changed
   * rule from an unchanged one (snapshot restore, hot reload); without it the rule's place in its
   * file stands in, so an edit elsewhere in the file may count as a change.
   */
  readonly definition?: string;
}

/** A Sigma detection rule, compiled. */
export interface CompiledRule extends RuleMeta {
  readonly kind: 'detection';
  /** ES event names this rule can match; null when it can match any type (rare; costs dispatch). */
  readonly eventTypes: readonly string[] | null;
  readonly match: EventPredicate;
  /** True when the rule reads a lineage field (parent.*, real_parent.*, responsible.*, ancestors.*, ParentImage…). */
  readonly usesLineage: boolean;
  /**
   * False when the rule is referenced by a correlation without `generate: true`: it then feeds
   * correlations but raises no alert of its own.
   */
  readonly generate: boolean;
  /**
   * Optional: the first test `match` evaluates, as data, for the engine's dispatch index. Promise:
   * when no string candidate of `get(ev, ctx)` (lists flattened; numbers and booleans in their string
   * form; lower-cased) passes any of `tests`, `match(ev, ctx)` returns false without evaluating
   * anything else. The engine then skips the rule; the rule is still the one that decides a match.
   */
  readonly prefilter?: RulePrefilter;
  /**
   * Optional, for rules without `prefilter` (conditions that OR selections or lists of maps): tests
   * at least one of which must pass for `match` to return true. When none passes, `match(ev, ctx)`
   * returns false; the engine then skips the rule (it indexes each alternative).
   */
  readonly prefilterAny?: readonly RulePrefilter[];
}

/** One literal test of a rule prefilter, on the lower-cased candidate text. */
export interface PrefilterTest {
  readonly kind: 'eq' | 'startswith' | 'endswith' | 'contains';
  /** Lower-cased literal. */
  readonly lit: string;
}

export interface RulePrefilter {
  readonly get: FieldGetter;
  readonly tests: readonly PrefilterTest[];
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median';

/** One numeric comparison; a condition is the AND of all of them (a range is two). */
export interface ConditionTerm {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
  readonly value: number;
}

/** A group-by field: its name in the alert, and how to read it from an event of each referenced rule. */
export interface GroupByField {
  readonly name: string;
  /** Getter keyed by referenced rule id (aliases resolve per rule); `default` for rules not listed. */
  readonly byRule: ReadonlyMap<string, FieldGetter>;
  readonly default: FieldGetter;
}

/** A Sigma correlation rule, compiled. */
export interface CompiledCorrelation extends RuleMeta {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** Ids of the referenced rules or correlations, in the order written (names already resolved). */
  readonly rules: readonly string[];
  readonly groupBy: readonly GroupByField[];
  readonly timespanUs: number;
  /** ANDed terms compared with the aggregate (count, distinct count, number of distinct rules, sum, …). */
  readonly condition: readonly ConditionTerm[];
  /**
   * For temporal types written with pySigma's string condition (`a and not b`): a boolean function
   * of which referenced rules were seen in the window (by id). Absent otherwise.
   */
  readonly temporalExpr?: (seen: ReadonlySet<string>) => boolean;
  /** The field aggregated by value_* types, per referenced rule id (aliases allowed) and by default. */
  readonly valueField?: {
    readonly byRule: ReadonlyMap<string, FieldGetter>;
    readonly default: FieldGetter;
    readonly name: string;
  };
  /** value_percentile: the percentile (0–100). */
  readonly percentile?: number;
  /** Whether this correlation's own alerts are emitted (false when it only feeds another correlation without generate). */
  readonly generate: boolean;
  /**
   * Where its windows are kept (Nightjar extension `nightjar.scope`). `host` (the default): per host,
   * like lineage. `fleet`: one set of windows over every host the engine sees, so a group can
   * collect matches from many hosts ("the same unsigned binary on 5 hosts within an hour").
   */
  readonly scope?: 'host' | 'fleet';
}

/** What the engine runs: the output of `@nightjar/rules`' loader. */
export interface CompiledRuleSet {
  readonly rules: readonly CompiledRule[];
  readonly correlations: readonly CompiledCorrelation[];
  /** ES event names the ruleset needs (fork, exec, exit included when lineage is in use). */
  requiredEventTypes(): string[];
}
