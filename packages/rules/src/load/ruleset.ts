import type { CompiledCorrelation, CompiledRule, CompiledRuleSet } from '@nightjar/core';
import type { RuleDiagnostic } from '../errors.js';
import type { RuleDocument } from './types.js';

/** Event types the lineage cache learns from: any rule reading parent/ancestor fields needs them. */
export const LINEAGE_EVENT_TYPES: readonly string[] = ['exec', 'exit', 'fork'];

/** A loaded, compiled ruleset: what `Engine` runs, plus the documents it came from. */
export class RuleSet implements CompiledRuleSet {
  readonly rules: readonly CompiledRule[];
  readonly correlations: readonly CompiledCorrelation[];
  readonly documents: readonly RuleDocument[];
  /** Warnings (and, from the lenient loaders, errors) found while loading. */
  readonly diagnostics: readonly RuleDiagnostic[];
  /** True when any rule, group-by or value field reads lineage (parent.*, ancestors.*, ParentImage…). */
  readonly usesLineage: boolean;
  /** True when some rule can match any event type (its logsource names none); see requiredEventTypes. */
  readonly matchesAnyType: boolean;
  private readonly index: ReadonlyMap<string, CompiledRule | CompiledCorrelation>;
  private readonly types: readonly string[];

  constructor(args: {
    rules: readonly CompiledRule[];
    correlations: readonly CompiledCorrelation[];
    documents: readonly RuleDocument[];
    diagnostics: readonly RuleDiagnostic[];
    correlationLineage?: boolean;
  }) {
    this.rules = args.rules;
    this.correlations = args.correlations;
    this.documents = args.documents;
    this.diagnostics = args.diagnostics;
    const index = new Map<string, CompiledRule | CompiledCorrelation>();
    for (const r of this.rules) index.set(r.id, r);
    for (const c of this.correlations) index.set(c.id, c);
    this.index = index;
    const types = new Set<string>();
    let any = false;
    let lineage = args.correlationLineage ?? false;
    for (const r of this.rules) {
      if (r.eventTypes === null) any = true;
      else for (const t of r.eventTypes) types.add(t);
      if (r.usesLineage) lineage = true;
    }
    if (lineage) for (const t of LINEAGE_EVENT_TYPES) types.add(t);
    this.usesLineage = lineage;
    this.matchesAnyType = any;
    this.types = [...types].sort();
  }

  /**
   * ES event names the ruleset needs, sorted: the union of the rules' event types, plus fork, exec and
   * exit whenever lineage is in use. A rule whose logsource names no event type (matchesAnyType) adds
   * nothing here: it sees whatever the source delivers.
   */
  requiredEventTypes(): string[] {
    return [...this.types];
  }

  /** The rule or correlation with this id. */
  byId(id: string): CompiledRule | CompiledCorrelation | undefined {
    return this.index.get(id);
  }
}
