/**
 * What a rule author can look up: the fields a rule may use (per taxonomy category of the mapping in
 * use, or per ES event for native rules), and a loaded rule's compiled view (the ES event types it is
 * dispatched on, the field paths it reads, the literals its prefilter tests). Used by `nightjar fields`
 * and `nightjar rules`.
 */
import { eventTypeByName } from '@nightjar/core';
import type { FieldMapping, RuleDocument } from '@nightjar/rules';
import { LINEAGE_PREFIXES, PAYLOADS, PROCESS_KEYS, type Shape } from '../lint/fields.js';

/** One field a rule can name. */
export interface FieldRow {
  /** Taxonomy category, or the ES event name for native rules. */
  readonly category: string;
  readonly field: string;
  /** ES event types that carry it (empty: every type the rule sees). */
  readonly eventTypes: readonly string[];
  /** The value's type (`string`, `integer`, …; for native paths the ES shape: `process`, `file`, `value`). */
  readonly type: string;
  /** What is read: an ES path or a description. */
  readonly reads: string;
}

/** The taxonomy fields of a mapping, per category (one category when `category` is given). */
export function mappedFields(mapping: FieldMapping, category?: string): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [cat, cm] of mapping.categories) {
    if (category !== undefined && cat !== category) continue;
    for (const [field, perType] of [...cm.fields].sort(([a], [b]) => a.localeCompare(b))) {
      const types = [...perType.keys()];
      const all = [...perType.values()];
      const reads = [...new Set(all.map((m) => m.resolved))];
      const typeSet = [...new Set(all.map((m) => m.type))];
      rows.push({
        category: cat,
        field,
        eventTypes: types,
        type: typeSet.length === 1 ? typeSet[0]! : typeSet.join('|'),
        reads: reads.length === 1 ? reads[0]! : types.map((t) => `${t}: ${perType.get(t)!.resolved}`).join('; '),
      });
    }
  }
  return rows;
}

function shapeName(s: Shape): string {
  if (typeof s === 'string') return s === 'scalar' ? 'value' : s;
  return 'object';
}

function expand(prefix: string, shape: Shape, rows: [string, string][], depth: number): void {
  if (typeof shape === 'object' && depth < 3) {
    for (const [k, v] of Object.entries(shape)) expand(`${prefix}.${k}`, v, rows, depth + 1);
    return;
  }
  rows.push([prefix, shapeName(shape)]);
  if (shape === 'file') rows.push([`${prefix}.path`, 'string']);
  if (shape === 'process') rows.push([`${prefix}.executable.path`, 'string'], [`${prefix}.signing_id`, 'string']);
}

/**
 * Native ES paths of one event type (`event.<name>.…`), then the actor's `process.*` keys and the
 * lineage prefixes. Undefined when the name is not an ES event.
 */
export function nativeFields(eventName: string): FieldRow[] | undefined {
  const info = eventTypeByName(eventName);
  if (info === undefined) return undefined;
  const name = info.name;
  const pairs: [string, string][] = [];
  const payload = PAYLOADS[name];
  if (payload !== undefined) for (const [k, v] of Object.entries(payload)) expand(`event.${name}.${k}`, v, pairs, 0);
  for (const [k, v] of Object.entries(PROCESS_KEYS)) expand(`process.${k}`, v, pairs, 0);
  const rows: FieldRow[] = pairs.map(([field, type]) => ({
    category: name,
    field,
    eventTypes: [name],
    type,
    reads: field,
  }));
  for (const p of LINEAGE_PREFIXES)
    rows.push({
      category: name,
      field: `${p}.*`,
      eventTypes: [],
      type: p === 'ancestors' ? 'process (any ancestor)' : 'process',
      reads: `the ${p.replace('_', ' ')} process (lineage), same keys as process.*`,
    });
  return rows;
}

/** A loaded rule as the engine sees it. */
export interface RuleView {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly kind: 'detection' | 'correlation' | 'filter';
  readonly file: string;
  readonly line: number;
  /** ES event types it is dispatched on (null: every type). */
  readonly eventTypes: readonly string[] | null;
  /** Field as written → what it reads. */
  readonly fields: readonly { readonly name: string; readonly reads: string; readonly lineage: boolean }[];
  /** Literal tests the engine's prefilter index runs before the rule (lower-cased); empty when none. */
  readonly prefilter: readonly (readonly { readonly kind: string; readonly lit: string }[])[];
  /** Whether it raises alerts of its own (false: it only feeds a correlation without generate). */
  readonly generates: boolean;
  readonly usesLineage: boolean;
  /** Correlations: their type and the rules they reference. */
  readonly correlation?: {
    readonly type: string;
    readonly rules: readonly string[];
    readonly groupBy: readonly string[];
  };
}

/** The view of each compiled document (detection rules and correlations), in load order. */
export function ruleViews(documents: readonly RuleDocument[]): RuleView[] {
  const out: RuleView[] = [];
  for (const d of documents) {
    const c = d.compiled;
    if (c === undefined) continue;
    const at = d.locate([]);
    const base = { id: c.id, title: c.title, level: c.level, file: d.file, line: at.line };
    if (c.kind === 'detection') {
      const r = c;
      const pre = r.prefilter ? [r.prefilter] : (r.prefilterAny ?? []);
      out.push({
        ...base,
        kind: 'detection',
        eventTypes: r.eventTypes,
        fields: (d.detectionInfo?.fields ?? []).map((f) => ({
          name: f.name,
          reads: f.resolved,
          lineage: f.usesLineage,
        })),
        prefilter: pre.map((p) => p.tests.map((t) => ({ kind: t.kind, lit: t.lit }))),
        generates: r.generate,
        usesLineage: r.usesLineage,
      });
    } else {
      const k = c;
      out.push({
        ...base,
        kind: 'correlation',
        eventTypes: null,
        fields: [],
        prefilter: [],
        generates: k.generate,
        usesLineage: false,
        correlation: { type: k.type, rules: k.rules, groupBy: k.groupBy.map((g) => g.name) },
      });
    }
  }
  // A correlation sees the events of the rules it references (chains included).
  const byId = new Map(out.map((v) => [v.id, v]));
  const typesOf = (v: RuleView, seen: Set<string>): readonly string[] | null => {
    if (v.correlation === undefined) return v.eventTypes;
    if (seen.has(v.id)) return [];
    seen.add(v.id);
    const all = new Set<string>();
    for (const id of v.correlation.rules) {
      const r = byId.get(id);
      if (r === undefined) continue;
      const t = typesOf(r, seen);
      if (t === null) return null;
      for (const x of t) all.add(x);
    }
    return [...all].sort();
  };
  return out.map((v) => (v.correlation === undefined ? v : { ...v, eventTypes: typesOf(v, new Set()) }));
}
