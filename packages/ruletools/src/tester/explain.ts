/**
 * Failure explanations for rule tests: which selection (and which item of it) was false for which
 * event, and the condition's value; for correlations, which referenced rule never matched and what
 * count each group reached. Each selection and item is compiled as its own one-selection rule and
 * run through a fresh Engine over the same events, so lineage fields evaluate exactly as in the
 * real run (no second evaluator to drift from the engine). Over 400 lines on purpose: detection and
 * correlation explanations share the per-selection runs and the value printing.
 */
import { Engine } from '@nightjar/core';
import type {
  Alert,
  CompiledCorrelation,
  CompiledRule,
  CompiledRuleSet,
  FieldGetter,
  NightjarEvent,
} from '@nightjar/core';
import {
  type ConditionAst,
  type RuleDocument,
  compileDetection,
  parseConditionSyntax,
  resolveField,
} from '@nightjar/rules';
import { processOfEvent, tokenEntityId } from '@nightjar/core';
import type { EsProcess, EvalContext } from '@nightjar/core';
import { evalCondition } from '../condition-analysis.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_EVENTS_EXPLAINED = 6;

/** Reads a dotted path from an eslogger object; lists are returned whole. */
export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function ruleFrom(
  id: string,
  compiled: { match: CompiledRule['match']; eventTypes: readonly string[] | null; usesLineage: boolean },
): CompiledRule {
  return {
    kind: 'detection',
    id,
    title: id,
    level: 'low',
    tags: [],
    source: { file: '<explain>', line: 0, col: 0 },
    eventTypes: compiled.eventTypes,
    match: compiled.match,
    usesLineage: compiled.usesLineage,
    generate: true,
  };
}

/**
 * Engine bounds for tests. The defaults (65,536 processes, 10,000 groups) are sized for a live host
 * and make each Engine cost ~30 ms to build; a test case holds a handful of processes, and a fresh
 * engine per case is what keeps cases independent. 4,096 processes covers any reasonable fixture.
 */
export const TEST_ENGINE_OPTIONS = {
  lineage: { maxProcesses: 4096 },
  correlation: { maxGroups: 1024 },
  maxDiagnostics: 1000,
} as const;

export function rulesetOf(
  rules: readonly CompiledRule[],
  correlations: readonly CompiledCorrelation[] = [],
): CompiledRuleSet {
  return {
    rules,
    correlations,
    requiredEventTypes() {
      const s = new Set<string>();
      let any = false;
      for (const r of rules) {
        if (r.eventTypes === null) any = true;
        else for (const t of r.eventTypes) s.add(t);
        if (r.usesLineage) for (const t of ['fork', 'exec', 'exit']) s.add(t);
      }
      return any ? [] : [...s];
    },
  };
}

/** Runs rules over events in a fresh engine; returns rule id → indices of events that raised an alert. */
export function hitsByRule(rules: readonly CompiledRule[], events: readonly NightjarEvent[]): Map<string, number[]> {
  const engine = new Engine(rulesetOf(rules), TEST_ENGINE_OPTIONS);
  const hits = new Map<string, number[]>();
  events.forEach((ev, i) => {
    for (const a of engine.push(ev)) {
      const list = hits.get(a.rule.id) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      hits.set(a.rule.id, list);
    }
  });
  return hits;
}

function conditionsOf(detection: Record<string, unknown>): { src: string; ast: ConditionAst }[] {
  const c = detection.condition;
  const list = Array.isArray(c) ? c : [c];
  const out: { src: string; ast: ConditionAst }[] = [];
  for (const s of list) {
    if (typeof s !== 'string') continue;
    try {
      out.push({ src: s, ast: parseConditionSyntax(s) });
    } catch {
      /* the loader reports syntax errors; nothing to explain with */
    }
  }
  return out;
}

/** A document does not record the mapping it was loaded with; `nightjar test` loads with the default. */
const FIELD_MAPPING = 'sigmahq-macos';

function resolvedPaths(doc: RuleDocument): Map<string, string> {
  const out = new Map<string, string>();
  // Only plain dotted paths; mapped fields may describe a computed value in words.
  for (const f of doc.detectionInfo?.fields ?? [])
    if (/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/.test(f.resolved) && !f.usesLineage) out.set(f.name, f.resolved);
  return out;
}

// Values shown in explanations are read without the lineage cache (lineage fields are left out
// rather than shown wrong); the engine run itself always has lineage. The one exception is what the
// message itself says about the parent: its audit token, enough for `parent.entity_id` group-bys.
function parentFromToken(ev: NightjarEvent): EsProcess | undefined {
  const subject = processOfEvent(ev);
  const token = subject?.parent_audit_token;
  const id = tokenEntityId(token);
  if (!id) return undefined;
  return { audit_token: token!, ppid: 0, executable: { path: '' }, entity_id: id };
}
const NO_LINEAGE = {
  lineage: { parent: parentFromToken, realParent: () => undefined, responsible: () => undefined, ancestors: () => [] },
} as unknown as EvalContext;

/** What the event holds for a field as the rule names it, or undefined when it cannot be shown. */
function fieldValue(
  doc: RuleDocument,
  field: string,
  ev: NightjarEvent,
  paths: Map<string, string>,
): { shown: boolean; value: unknown } {
  const p =
    paths.get(field) ??
    (field.includes('.') && !/^(parent|real_parent|responsible|ancestors)\./.test(field) ? field : undefined);
  if (p) return { shown: true, value: readPath(ev.msg, p) };
  const data = doc.data as Record<string, unknown>;
  try {
    const r = resolveField(field, (data.logsource ?? {}) as Record<string, unknown>, FIELD_MAPPING);
    if (r.usesLineage) return { shown: false, value: undefined };
    return { shown: true, value: r.get(ev, NO_LINEAGE) };
  } catch {
    return { shown: false, value: undefined };
  }
}

function eventLabel(ev: NightjarEvent, i: number, t0: number): string {
  return `event #${i + 1} (${ev.name} at +${Math.round((ev.time - t0) / 1000)}ms)`;
}

/**
 * Why a detection rule did (or did not) match. `matched` holds the indices of events that raised
 * the rule's alert in the real run; mode 'missed' explains events that did not match, 'unexpected'
 * explains those that did.
 */
export function explainDetection(
  doc: RuleDocument,
  rule: CompiledRule,
  events: readonly NightjarEvent[],
  matched: ReadonlySet<number>,
  mode: 'missed' | 'unexpected',
): string[] {
  const data = doc.data;
  if (!isObj(data) || !isObj(data.detection)) return [];
  const detection = data.detection;
  const logsource = isObj(data.logsource) ? data.logsource : {};
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const types = rule.eventTypes;
  const relevant = events.map((ev, i) => i).filter((i) => types === null || types.includes(events[i]!.name));
  const lines: string[] = [];
  if (relevant.length === 0) {
    const seen = [...new Set(events.map((e) => e.name))].join(', ') || 'none';
    lines.push(`no event of the rule's type(s) (${types?.join(', ')}) in the test; event types given: ${seen}`);
    return lines;
  }
  const fieldMapping = FIELD_MAPPING;
  const synthetic: CompiledRule[] = [];
  const items = new Map<string, { key: string; id: string }[]>();
  const compileOne = (id: string, sel: unknown): boolean => {
    try {
      const cd = compileDetection({ detection: { s: sel, condition: 's' }, logsource, fieldMapping });
      synthetic.push(ruleFrom(id, cd));
      return true;
    } catch {
      return false;
    }
  };
  /** Per `field|…|all: [values]` item, one rule per value, to name the values an event lacks. */
  const allValues = new Map<string, { value: unknown; id: string }[]>();
  for (const n of names) {
    compileOne(`sel:${n}`, detection[n]);
    const sel = detection[n];
    if (!isObj(sel)) continue;
    const keys = Object.keys(sel);
    const list: { key: string; id: string }[] = [];
    for (const k of keys) {
      const id = `item:${n}:${k}`;
      if (keys.length > 1 && compileOne(id, { [k]: sel[k] })) list.push({ key: k, id });
      const v = sel[k];
      if (k.split('|').includes('all') && Array.isArray(v) && v.length > 1) {
        const one = k
          .split('|')
          .filter((m) => m !== 'all')
          .join('|');
        const per: { value: unknown; id: string }[] = [];
        (v as unknown[]).forEach((x, i) => {
          const vid = `value:${n}:${k}:${i}`;
          if (compileOne(vid, { [one]: x })) per.push({ value: x, id: vid });
        });
        allValues.set(`${n}\u0000${k}`, per);
      }
    }
    if (keys.length > 1) items.set(n, list);
  }
  const hits = hitsByRule(synthetic, events);
  const hitSet = new Map<string, Set<number>>();
  for (const [id, l] of hits) hitSet.set(id, new Set(l));
  const truth = (i: number) => (n: string) => hitSet.get(`sel:${n}`)?.has(i) ?? false;
  const conds = conditionsOf(detection);
  const paths = resolvedPaths(doc);
  const t0 = events[0]?.time ?? 0;
  const targets = relevant.filter((i) => (mode === 'missed' ? !matched.has(i) : matched.has(i)));
  for (const i of targets.slice(0, MAX_EVENTS_EXPLAINED)) {
    const ev = events[i]!;
    const parts: string[] = [];
    let anyTrue = false;
    for (const c of conds) {
      const v = evalCondition(c.ast, names, truth(i));
      if (v === true) anyTrue = true;
      parts.push(`condition "${c.src}" is ${v === true ? 'true' : 'false'}`);
    }
    // The detection matched but the rule did not: a Sigma filter document applied to it excluded the event.
    const filters = (doc as { filters?: readonly string[] }).filters ?? [];
    if (mode === 'missed' && anyTrue)
      parts.push(
        filters.length
          ? `but filter(s) ${filters.join(', ')} applied to this rule excluded it`
          : "but the rule did not match (see the rule's nightjar: options)",
      );
    lines.push(`${eventLabel(ev, i, t0)}: ${parts.join('; ') || 'condition not evaluated'}`);
    for (const n of names) {
      const v = truth(i)(n);
      const sel = detection[n];
      const keys = isObj(sel) ? Object.keys(sel) : [];
      const itemTrue = (k: string) => (keys.length === 1 ? v : (hitSet.get(`item:${n}:${k}`)?.has(i) ?? false));
      /** `key (event has …)`, and for a false |all item the values the event lacks. */
      const describe = (k: string): string => {
        const fv = fieldValue(doc, k.split('|')[0]!, ev, paths);
        const has = fv.shown ? ` (event has ${show(fv.value)})` : '';
        const per = allValues.get(`${n}\u0000${k}`);
        if (!per || itemTrue(k)) return `${k}${has}`;
        const missing = per.filter((x) => !(hitSet.get(x.id)?.has(i) ?? false)).map((x) => show(x.value));
        return `${k}${has}${missing.length ? `, missing ${missing.join(', ')}` : ''}`;
      };
      let detail = '';
      if (keys.length && !v) {
        const failed = keys.filter((k) => !itemTrue(k));
        detail = ` — ${keys.length > 1 ? 'false item(s): ' : ''}${(failed.length ? failed : keys.slice(0, 1)).map(describe).join(', ')}`;
      } else if (keys.length && v && mode === 'unexpected') {
        // A wrongly matching event: show what each item matched on.
        detail = ` — matched ${keys.map(describe).join(', ')}`;
      }
      lines.push(`  ${n}: ${v ? 'true' : 'false'}${detail}`);
    }
  }
  if (targets.length > MAX_EVENTS_EXPLAINED)
    lines.push(`... and ${targets.length - MAX_EVENTS_EXPLAINED} more event(s)`);
  return lines;
}

/** Whether a count meets every term of a correlation condition (`gte 2 and lte 5`). */
function meets(condition: CompiledCorrelation['condition'], n: number): boolean {
  return condition.every((t) => {
    const v = Number(t.value);
    switch (t.op) {
      case 'gte':
        return n >= v;
      case 'gt':
        return n > v;
      case 'lte':
        return n <= v;
      case 'lt':
        return n < v;
      case 'eq':
        return n === v;
      case 'neq':
        return n !== v;
      default:
        return false;
    }
  });
}

function fmtSpan(us: number): string {
  return us % 60e6 === 0 ? `${us / 60e6}m` : us % 1e6 === 0 ? `${us / 1e6}s` : `${us / 1000}ms`;
}

/** Why a correlation did not raise the expected alerts: per referenced rule, its matches; per group, what was reached. */
export function explainCorrelation(
  corr: CompiledCorrelation,
  all: CompiledRuleSet,
  events: readonly NightjarEvent[],
  alerts: readonly Alert[] = [],
): string[] {
  const lines: string[] = [];
  const byId = new Map<string, CompiledRule | CompiledCorrelation>();
  for (const r of all.rules) byId.set(r.id, r);
  for (const c of all.correlations) byId.set(c.id, c);
  const cond = corr.condition.map((t) => `${t.op} ${t.value}`).join(' and ') || '(none)';
  lines.push(
    `${corr.type} over ${corr.rules.length} rule(s) within ${fmtSpan(corr.timespanUs)}, condition ${cond}${corr.groupBy.length ? `, grouped by ${corr.groupBy.map((g) => g.name).join(', ')}` : ''}`,
  );
  const base: CompiledRule[] = [];
  for (const id of corr.rules) {
    const r = byId.get(id);
    if (r && r.kind === 'detection') base.push({ ...r, generate: true });
  }
  const hits = hitsByRule(base, events);
  const t0 = events[0]?.time ?? 0;
  corr.rules.forEach((id, step) => {
    const r = byId.get(id);
    const label = `step ${step + 1} '${r?.title ?? id}' (${id})`;
    if (!r) lines.push(`${label}: not loaded`);
    else if (r.kind === 'correlation') lines.push(`${label}: a correlation (chained); see its own tests`);
    else {
      const h = hits.get(id) ?? [];
      lines.push(
        h.length === 0
          ? `${label}: never matched any event`
          : `${label}: matched ${h.length} event(s): ${h
              .slice(0, 8)
              .map((i) => `#${i + 1} (+${Math.round((events[i]!.time - t0) / 1000)}ms)`)
              .join(', ')}${h.length > 8 ? ', ...' : ''}`,
      );
    }
  });
  // Per group: the best the window reached (events, distinct values or distinct rules).
  const groups = new Map<string, { t: number; rule: string; value: unknown }[]>();
  for (const [id, list] of hits) {
    for (const i of list) {
      const ev = events[i]!;
      const read = (g: { byRule: ReadonlyMap<string, FieldGetter>; default: FieldGetter }): unknown => {
        try {
          return (g.byRule.get(id) ?? g.default)(ev, NO_LINEAGE);
        } catch {
          return undefined;
        }
      };
      const key = corr.groupBy.map((g) => `${g.name}=${show(read(g))}`).join(', ') || '(all)';
      // Spelled as groupKey (below) spells an alert's group, so the two can be compared.
      const entry = groups.get(key) ?? [];
      entry.push({ t: ev.time, rule: id, value: corr.valueField ? read(corr.valueField) : undefined });
      groups.set(key, entry);
    }
  }
  // What the engine actually raised, per group: the explanation's window count is an estimate and
  // must never contradict it (a group that fired is said to have fired).
  const groupKey = (read: (name: string) => unknown) =>
    corr.groupBy.map((g) => `${g.name}=${show(read(g.name))}`).join(', ') || '(all)';
  const fired = new Map<string, number>();
  for (const a of alerts) {
    const k = groupKey((name) => {
      const g = a.group ?? {};
      return name in g ? g[name] : readPath(g, name);
    });
    fired.set(k, (fired.get(k) ?? 0) + 1);
  }
  for (const [key, list] of groups) {
    list.sort((a, b) => a.t - b.t);
    let best = 0;
    for (let i = 0; i < list.length; i++) {
      const win = list.filter((x) => x.t <= list[i]!.t && x.t >= list[i]!.t - corr.timespanUs);
      const n =
        corr.type === 'event_count'
          ? win.length
          : corr.type === 'value_count'
            ? new Set(win.map((x) => JSON.stringify(x.value))).size
            : corr.type === 'temporal' || corr.type === 'temporal_ordered'
              ? new Set(win.map((x) => x.rule)).size
              : win.length;
      best = Math.max(best, n);
    }
    const what =
      corr.type === 'value_count'
        ? 'distinct value(s)'
        : corr.type.startsWith('temporal')
          ? 'distinct rule(s)'
          : 'event(s)';
    const n = fired.get(key) ?? 0;
    const window = `${best} ${what} within ${fmtSpan(corr.timespanUs)} (needs ${cond})`;
    lines.push(
      n > 0
        ? `group {${key}}: fired ${n} alert(s): reached ${window}`
        : meets(corr.condition, best)
          ? `group {${key}}: reached ${window} but raised no alert (the window did not hold them at once, or a step came out of order)`
          : `group {${key}}: at most ${window}: not reached`,
    );
  }
  if (groups.size === 0) lines.push('no group formed: no referenced rule matched');
  return lines;
}
