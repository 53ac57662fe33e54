/**
 * The rule linter. Works on what the lenient loader returns (every document with its parsed data
 * and source positions, plus the loader's own diagnostics): the loader's errors become findings
 * under stable check ids, and the semantic and best-practice checks below run on each document's
 * data, so a rule that does not compile is still linted as far as it can be.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { eventTypeByName } from '@nightjar/core';
import { BriefEventError, expandBriefEvents } from '../tester/brief.js';
import { parseTestSpecs, rawTests } from '../tester/specs.js';
import { CHECKS_BY_ID, type Severity } from './checks.js';
import { ConditionSyntaxError, type ConditionAst, expandPattern, parseConditionSyntax, parseTimespan, type LoadResult, type RuleDocument } from '@nightjar/rules';
import { hasPositiveTerm, referencedIds, satisfiability } from '../condition-analysis.js';
import { CONFIG_FILE, DEFAULT_CONFIG, type LintConfig, compareVersions, levelFor } from './config.js';
import { checkNativePath } from './fields.js';
import { readAccepts } from '../variants/accepts.js';
import { regexProblems } from './regex.js';

export interface Finding {
  readonly checkId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly ruleId?: string;
  readonly ruleTitle?: string;
  /** The loader diagnostic code, when the finding comes from the loader. */
  readonly loaderCode?: string;
}

export interface LintResult {
  readonly findings: readonly Finding[];
  readonly files: readonly string[];
  readonly documents: number;
}

type Path = (string | number)[];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const RULE_KEYS = ['title', 'id', 'name', 'related', 'taxonomy', 'status', 'description', 'license', 'author', 'references', 'date', 'modified', 'logsource', 'detection', 'fields', 'falsepositives', 'level', 'tags', 'scope', 'tests', 'nightjar', 'correlation', 'filter', 'generate', 'action'];
const MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'ignorecase', 'm', 'multiline', 's', 'dotall', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16', 'cidr', 'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year', 'expand', 'fieldref']);
const SUGGEST: Record<string, string> = { contain: 'contains', startwith: 'startswith', endwith: 'endswith', regex: 're', base64offsets: 'base64offset', exist: 'exists', case: 'cased', lower: 'cased', gtequal: 'gte', ltequal: 'lte' };
const MATCH_SHAPE = new Set(['contains', 'startswith', 'endswith', 're', 'cidr', 'lt', 'lte', 'gt', 'gte', 'fieldref', 'base64offset', 'exists', 'neq', 'minute', 'hour', 'day', 'week', 'month', 'year']);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const CORR_TYPES = new Set(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile', 'value_median']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Loader diagnostic code → check id. Unknown codes fall back to nj/schema. */
const LOADER_CODES: Record<string, string> = {
  NJ_YAML_SYNTAX: 'nj/yaml-syntax', NJ_YAML_DUPLICATE_KEY: 'nj/yaml-syntax', NJ_YAML_TAG: 'nj/yaml-syntax', NJ_YAML_ALIAS_LIMIT: 'nj/yaml-syntax',
  NJ_YAML_TOO_DEEP: 'nj/yaml-syntax', NJ_YAML_WARNING: 'nj/yaml-syntax', NJ_EMPTY_FILE: 'nj/yaml-syntax', NJ_FILE_TOO_LARGE: 'nj/yaml-syntax', NJ_FILE_READ: 'nj/yaml-syntax',
  NJ_DETECTION_SYNTAX: 'nj/condition-syntax', NJ_UNKNOWN_MODIFIER: 'nj/unknown-modifier', NJ_MODIFIER_COMBINATION: 'nj/modifier-combination',
  NJ_BAD_REGEX: 'nj/regex-invalid', NJ_REGEX_UNSUPPORTED: 'nj/regex-unsupported', NJ_UNMAPPED_FIELD: 'nj/unknown-field', NJ_FIELD_PATH: 'nj/unknown-field',
  NJ_UNKNOWN_EVENT_TYPE: 'nj/unknown-event-type', NJ_UNSUPPORTED_LOGSOURCE: 'nj/unsupported-logsource',
  NJ_CORR_UNKNOWN_RULE: 'nj/correlation-unknown-rule', NJ_CORR_BROKEN_REF: 'nj/correlation-unknown-rule', NJ_FILTER_UNKNOWN_RULE: 'nj/correlation-unknown-rule',
  NJ_TIMESPAN_LIMIT: 'nj/timespan-limit', NJ_TIMESPAN_INVALID: 'nj/timespan-format', NJ_DURATION_INVALID: 'nj/timespan-format',
  NJ_DUPLICATE_ID: 'nj/duplicate-id', NJ_INTERNAL: 'nj/internal', NJ_SCHEMA_FORMAT: 'nj/schema-format', NJ_DUPLICATE_NAME: 'nj/duplicate-id', NJ_CORR_RULES: 'nj/correlation-min-rules',
};

/** Long conditions are cut in messages (the location points at the whole thing). */
function clip(src: string): string {
  return src.length > 100 ? `${src.slice(0, 97)}...` : src;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

class Collector {
  readonly findings: Finding[] = [];
  constructor(readonly cfg: LintConfig) {}
  add(doc: RuleDocument | { file: string }, checkId: string, message: string, path: Path, extra: { line?: number; col?: number; loaderCode?: string; loaderSeverity?: 'error' | 'warning' } = {}): void {
    const d = doc as RuleDocument;
    const data = isObj(d.data) ? d.data : {};
    const ruleId = d.id ?? str(data.id);
    const ruleTitle = d.title ?? str(data.title);
    let lvl = levelFor(this.cfg, checkId, [ruleId, ruleTitle, str(data.name)]);
    // The loader's own warnings (an empty file, a filter naming an unknown rule) stay warnings unless configured.
    const configured = this.cfg.checks.has(checkId) || [ruleId, ruleTitle].some((k) => k !== undefined && this.cfg.rules.get(k)?.has(checkId));
    if (extra.loaderSeverity === 'warning' && lvl === 'error' && !configured) lvl = 'warning';
    if (lvl === 'off') return;
    let line = extra.line ?? 1;
    let col = extra.col ?? 1;
    if (extra.line === undefined && typeof d.locate === 'function') {
      try {
        const loc = d.locate(path);
        line = loc.line;
        col = loc.col;
      } catch {
        /* keep 1:1 */
      }
    }
    this.findings.push({ checkId, severity: lvl, message, file: doc.file, line, col, ...(ruleId ? { ruleId } : {}), ...(ruleTitle ? { ruleTitle } : {}), ...(extra.loaderCode ? { loaderCode: extra.loaderCode } : {}) });
  }
}

/** Splits `field|mod1|mod2` (keywords have no field). */
function splitKey(key: string): { field: string; mods: string[] } {
  const [field = '', ...mods] = key.split('|');
  return { field, mods };
}

function valuesOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

interface SelInfo {
  name: string;
  /** Can never match (an |all equality contradiction). */
  never: boolean;
  /** Matches every event of its types (only '*' values, no modifiers). */
  always: boolean;
}

function lintItems(c: Collector, doc: RuleDocument, selName: string, sel: unknown, types: readonly string[] | null, nativeRule: boolean): SelInfo {
  const info: SelInfo = { name: selName, never: false, always: false };
  const base: Path = ['detection', selName];
  const maps: { m: Record<string, unknown>; path: Path }[] = [];
  if (isObj(sel)) maps.push({ m: sel, path: base });
  else if (Array.isArray(sel)) sel.forEach((x, i) => isObj(x) && maps.push({ m: x, path: [...base, i] }));
  if (isObj(sel) && Object.keys(sel).length === 0) c.add(doc, 'nj/schema', `selection '${selName}' is empty`, base);
  let allStar = maps.length > 0;
  for (const { m, path } of maps) {
    for (const [key, raw] of Object.entries(m)) {
      const p = [...path, key];
      const { field, mods } = splitKey(key);
      const vals = valuesOf(raw);
      // Modifiers.
      const seen = new Set<string>();
      for (const mod of mods) {
        if (!MODIFIERS.has(mod)) c.add(doc, 'nj/unknown-modifier', `unknown modifier '${mod}' in '${key}'${SUGGEST[mod] ? ` (did you mean '${SUGGEST[mod]}'?)` : ''}`, p);
        else if (seen.has(mod)) c.add(doc, 'nj/modifier-combination', `modifier '${mod}' is repeated in '${key}'`, p);
        seen.add(mod);
      }
      if (seen.has('base64offset') && !seen.has('contains')) c.add(doc, 'nj/modifier-combination', `'${key}': base64offset needs contains (the encoded value sits inside a longer string)`, p);
      if (seen.has('exists') && mods.length > 1) c.add(doc, 'nj/modifier-combination', `'${key}': exists cannot be combined with other modifiers`, p);
      for (const first of ['re', 'cidr']) if (seen.has(first) && mods[0] !== first) c.add(doc, 'nj/modifier-combination', `'${key}': ${first} must be the first modifier`, p);
      const distinct = new Set(vals.map((v) => (typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v))));
      if (seen.has('all')) {
        if (vals.length <= 1) c.add(doc, 'nj/all-single-value', `'${key}' uses |all with a single value; |all joins a list with AND`, p);
        else if (seen.has('windash')) {
          c.add(doc, 'nj/all-modifier', `'${key}': windash with all can never match (every dash variant would have to be present at once)`, p);
          info.never = true;
        } else if (![...seen].some((x) => MATCH_SHAPE.has(x)) && distinct.size > 1 && !vals.some((v) => typeof v === 'string' && /(?<!\\)[*?]/.test(v))) {
          c.add(doc, 'nj/all-modifier', `'${key}': |all on plain equality with ${distinct.size} different values can never match (a field cannot equal all of them); use contains|all, or drop |all`, p);
          info.never = true;
        }
      }
      // Values.
      if (Array.isArray(raw) && raw.length > 1 && raw.includes(null)) c.add(doc, 'nj/null-in-list', `'${key}' has null inside a list; write a separate selection '${field}: null' and combine it in the condition`, p);
      const isRe = seen.has('re');
      vals.forEach((v, i) => {
        const vp = Array.isArray(raw) ? [...p, i] : p;
        if (typeof v !== 'string') return;
        if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\t]/.test(v) && !isRe) c.add(doc, 'nj/control-character', `'${key}' value ${JSON.stringify(v)} contains a control character (a single backslash in a double-quoted YAML string? use single quotes)`, vp);
        if (isRe) {
          for (const prob of regexProblems(v, mods)) c.add(doc, prob.check, `'${key}': ${prob.message}`, vp);
          return;
        }
        if (v.includes('**')) c.add(doc, 'nj/double-wildcard', `'${key}' value '${v}' has '**' (same as '*')`, vp);
        if (mods.length === 0 && v.length > 1) {
          const inner = v.slice(1, -1);
          const un = (s: string) => !/(?<!\\)[*?]/.test(s);
          if (v.startsWith('*') && v.endsWith('*') && v.length > 2 && un(inner)) c.add(doc, 'nj/wildcard-instead-of-modifier', `'${key}: ${v}' — write '${field}|contains: ${inner}'`, vp);
          else if (v.endsWith('*') && !v.startsWith('*') && un(v.slice(0, -1))) c.add(doc, 'nj/wildcard-instead-of-modifier', `'${key}: ${v}' — write '${field}|startswith: ${v.slice(0, -1)}'`, vp);
          else if (v.startsWith('*') && !v.endsWith('*') && un(v.slice(1))) c.add(doc, 'nj/wildcard-instead-of-modifier', `'${key}: ${v}' — write '${field}|endswith: ${v.slice(1)}'`, vp);
        }
      });
      const star = !seen.has('re') && !seen.has('neq') && !seen.has('exists') && !seen.has('cased') && vals.length > 0 && vals.some((v) => typeof v === 'string' && /^\*+$/.test(v));
      if (!star) allStar = false;
      // Fields.
      if (field !== '' && (nativeRule || field.includes('.'))) {
        const why = checkNativePath(field, types);
        if (why) c.add(doc, 'nj/unknown-field', `field '${field}': ${why}`, p);
        else {
          const m = /^event\.([a-z0-9_]+)/.exec(field);
          if (m && !eventTypeByName(m[1]!)) c.add(doc, 'nj/unknown-field', `field '${field}': '${m[1]}' is not an ES event name`, p);
        }
      }
    }
  }
  info.always = allStar && maps.length > 0;
  return info;
}

function conditionList(det: Record<string, unknown>): { src: string; path: Path }[] {
  const c = det.condition;
  if (Array.isArray(c)) return c.map((s, i) => ({ src: s as string, path: ['detection', 'condition', i] }));
  return [{ src: c as string, path: ['detection', 'condition'] }];
}

function docTypes(doc: RuleDocument, ls: Record<string, unknown>): readonly string[] | null {
  const compiled = doc.compiled;
  if (compiled && compiled.kind === 'detection') return compiled.eventTypes;
  // Fallback when the rule did not compile: the native category, else unknown (null).
  const cat = str(ls.category);
  if (str(ls.service) === 'endpointsecurity') return cat ? (eventTypeByName(cat) ? [eventTypeByName(cat)!.name] : []) : null;
  return null;
}

function lintDetection(c: Collector, doc: RuleDocument, data: Record<string, unknown>): void {
  const ls = isObj(data.logsource) ? data.logsource : undefined;
  const det = isObj(data.detection) ? data.detection : undefined;
  if (data.title === undefined) c.add(doc, 'nj/schema', "missing required key 'title'", []);
  else if (typeof data.title !== 'string' || data.title.trim() === '') c.add(doc, 'nj/schema', "'title' must be a non-empty string", ['title']);
  else if (data.title.length > 256) c.add(doc, 'nj/schema', `'title' is ${data.title.length} characters (Sigma allows 256)`, ['title']);
  if (!ls) c.add(doc, 'nj/schema', data.logsource === undefined ? "missing required key 'logsource'" : "'logsource' must be a mapping", data.logsource === undefined ? [] : ['logsource']);
  if (!det) {
    c.add(doc, 'nj/schema', data.detection === undefined ? "missing required key 'detection'" : "'detection' must be a mapping", data.detection === undefined ? [] : ['detection']);
    return;
  }
  if (det.condition === undefined) {
    c.add(doc, 'nj/schema', "detection has no 'condition'", ['detection']);
    return;
  }
  const types = ls ? docTypes(doc, ls) : null;
  // An unknown category gives no types; field checks then judge paths without a type.
  const fieldTypes = types && types.length === 0 ? null : types;
  const native = ls !== undefined && str(ls.service) === 'endpointsecurity';
  if (ls) {
    const cat = str(ls.category);
    if (native && cat !== undefined && !eventTypeByName(cat)) c.add(doc, 'nj/unknown-event-type', `logsource category '${cat}' is not an Endpoint Security event name (eslogger spelling: exec, open, btm_launch_item_add, …)`, ['logsource', 'category']);
    const product = str(ls.product);
    if (product !== undefined && product !== 'macos') c.add(doc, 'nj/unsupported-logsource', `logsource product '${product}': Nightjar only reads macOS Endpoint Security events`, ['logsource', 'product']);
    for (const t of c.cfg.targetMacos === undefined ? [] : (types ?? [])) {
      const info = eventTypeByName(t);
      if (info && compareVersions(info.macos, c.cfg.targetMacos!) > 0) c.add(doc, 'nj/event-type-macos-version', `event type '${t}' needs macOS ${info.macos}; the configured target is macOS ${c.cfg.targetMacos}`, native && ls.category !== undefined ? ['logsource', 'category'] : ['logsource']);
    }
    if (doc.compiled?.kind === 'detection' || native) {
      if (types === null) c.add(doc, 'nj/too-many-event-types', 'the rule can match every event type (no category): every event pays for it; give logsource.category', ['logsource']);
      else if (types.length > c.cfg.maxEventTypes) c.add(doc, 'nj/too-many-event-types', `the rule matches ${types.length} event types (limit ${c.cfg.maxEventTypes})`, ['logsource']);
    }
  }
  const names = Object.keys(det).filter((k) => k !== 'condition');
  const sels = new Map<string, SelInfo>();
  for (const n of names) sels.set(n, lintItems(c, doc, n, det[n], fieldTypes, native));
  const used = new Set<string>();
  let parsedAll = true;
  for (const { src, path } of conditionList(det)) {
    if (typeof src !== 'string') {
      c.add(doc, 'nj/schema', 'condition must be a string or a list of strings', path);
      continue;
    }
    let ast: ConditionAst;
    try {
      ast = parseConditionSyntax(src);
    } catch (err) {
      if (err instanceof ConditionSyntaxError) {
        parsedAll = false;
        c.add(doc, 'nj/condition-syntax', `condition "${clip(src)}": ${err.reason} (at column ${err.start + 1})`, path);
        continue;
      }
      throw err;
    }
    for (const ref of referencedIds(ast)) {
      if (ref.type === 'ref') {
        if (!names.includes(ref.name)) c.add(doc, 'nj/dangling-condition', `condition names '${ref.name}', which the detection does not define (defined: ${names.join(', ') || 'none'})`, path);
        used.add(ref.name);
      } else {
        const m = expandPattern(ref.pattern, names);
        if (ref.pattern === 'them' && ref.quantifier === 'all') c.add(doc, 'nj/all-of-them', "'all of them' is discouraged: name the selections ('all of selection_*')", path);
        if (m.length === 0 && ref.pattern !== 'them') c.add(doc, 'nj/empty-of-pattern', `'${ref.quantifier === 'all' ? 'all' : '1'} of ${ref.pattern}' matches no search identifier and is dropped`, path);
        for (const x of m) used.add(x);
      }
    }
    if (!hasPositiveTerm(ast)) c.add(doc, 'nj/negation-only-condition', `condition "${clip(src)}" has no positive term: it matches every event of the rule's types except the excluded ones`, path);
    const fixed = new Map<string, boolean>();
    for (const s of sels.values()) {
      if (s.never) fixed.set(s.name, false);
      else if (s.always) fixed.set(s.name, true);
    }
    const sat = satisfiability(ast, names, fixed);
    if (sat && !sat.canBeTrue) c.add(doc, 'nj/unreachable-condition', `condition "${clip(src)}" can never be true${[...fixed].some(([, v]) => !v) ? ` (selection(s) ${[...fixed].filter(([, v]) => !v).map(([k]) => k).join(', ')} can never match)` : ''}`, path);
    else if (sat && !sat.canBeFalse) c.add(doc, 'nj/always-true-condition', `condition "${clip(src)}" is true for every event of the rule's types${[...fixed].some(([, v]) => v) ? ` (selection(s) ${[...fixed].filter(([, v]) => v).map(([k]) => k).join(', ')} match anything)` : ''}`, path);
  }
  // Without a parsed condition, "unused" would only repeat the syntax error.
  if (parsedAll) for (const n of names) if (!used.has(n)) c.add(doc, 'nj/dangling-detection', `search identifier '${n}' is not used by the condition`, ['detection', n]);
}

function lintCorrelation(c: Collector, doc: RuleDocument, data: Record<string, unknown>, known: Set<string>): void {
  if (typeof data.title !== 'string' || data.title.trim() === '') c.add(doc, 'nj/schema', "missing required key 'title'", []);
  const corr = data.correlation;
  if (!isObj(corr)) {
    c.add(doc, 'nj/schema', "'correlation' must be a mapping with type, rules, timespan", ['correlation']);
    return;
  }
  const type = str(corr.type);
  if (!type || !CORR_TYPES.has(type)) c.add(doc, 'nj/schema', `correlation type ${JSON.stringify(corr.type)} is not one of ${[...CORR_TYPES].join(', ')}`, ['correlation', 'type']);
  const rules = corr.rules;
  if (rules !== undefined && !Array.isArray(rules) && typeof rules !== 'string') c.add(doc, 'nj/schema', "correlation 'rules' must be a list of rule ids or names", ['correlation', 'rules']);
  const list = Array.isArray(rules) ? rules : typeof rules === 'string' ? [rules] : [];
  list.forEach((r, i) => {
    if (typeof r !== 'string' || !known.has(r)) c.add(doc, 'nj/correlation-unknown-rule', `correlation references '${String(r)}', which is not a loaded rule id or name`, ['correlation', 'rules', Array.isArray(rules) ? i : 0].slice(0, Array.isArray(rules) ? 3 : 2));
  });
  if ((type === 'temporal' || type === 'temporal_ordered') && list.length < 2 && typeof corr.condition !== 'string') c.add(doc, 'nj/correlation-min-rules', `a ${type} correlation needs at least two rules (it has ${list.length})`, ['correlation', 'rules']);
  const gb = corr['group-by'];
  const groupBy = Array.isArray(gb) ? gb : typeof gb === 'string' ? [gb] : [];
  if (groupBy.length === 0) c.add(doc, 'nj/correlation-group-by-missing', 'no group-by: every matching event on the host counts together; group by process.entity_id (or another identity)', ['correlation']);
  groupBy.forEach((g, i) => {
    if (typeof g === 'string' && /(^|\.)(pid|ppid|original_ppid)$|^(ProcessId|ParentProcessId)$/i.test(g)) {
      const suggestion = g.replace(/(audit_token\.)?pid$/, 'entity_id').replace(/^ProcessId$/i, 'process.entity_id').replace(/^ParentProcessId$/i, 'parent.entity_id');
      c.add(doc, 'nj/group-by-pid', `group-by '${g}': pids are reused, so unrelated processes share a group; group by '${suggestion.endsWith('entity_id') ? suggestion : 'process.entity_id'}'`, ['correlation', 'group-by', Array.isArray(gb) ? i : 0].slice(0, Array.isArray(gb) ? 3 : 2));
    }
  });
  const ts = corr.timespan;
  if (ts === undefined) c.add(doc, 'nj/schema', "correlation needs a 'timespan' (e.g. 5m)", ['correlation']);
  else {
    // The loader's parser, so lint and engine agree on what a timespan is (pySigma's units too).
    const parsed = parseTimespan(typeof ts === 'number' ? String(ts) : ts);
    const us = 'us' in parsed ? parsed.us : undefined;
    if (us === undefined) c.add(doc, 'nj/timespan-format', `timespan ${JSON.stringify(ts)}: ${'error' in parsed ? parsed.error.replace(/^invalid timespan '[^']*': /, '') : 'invalid'}`, ['correlation', 'timespan']);
    else if (us > c.cfg.maxTimespanUs) c.add(doc, 'nj/timespan-limit', `timespan ${ts} is above the engine limit (${c.cfg.maxTimespanUs / 60e6}m); the engine refuses this correlation`, ['correlation', 'timespan']);
    else if (us > c.cfg.warnTimespanUs) c.add(doc, 'nj/timespan-long', `timespan ${ts} is above 5 minutes: state and memory grow with the window; endpoint sequences rarely need more`, ['correlation', 'timespan']);
  }
  if ((type === 'event_count' || type === 'value_count' || type?.startsWith('value_')) && corr.condition === undefined) c.add(doc, 'nj/schema', `a ${type} correlation needs a condition (e.g. gte: 5)`, ['correlation']);
  if (type?.startsWith('value_') && (!isObj(corr.condition) || corr.condition.field === undefined) && corr.field === undefined) c.add(doc, 'nj/schema', `a ${type} correlation needs condition.field`, ['correlation', 'condition']);
}

function lintMeta(c: Collector, doc: RuleDocument, data: Record<string, unknown>, correlation: boolean): void {
  for (const k of Object.keys(data)) {
    if (RULE_KEYS.includes(k)) continue;
    const near = RULE_KEYS.find((s) => levenshtein(k.toLowerCase(), s) <= (s.length > 5 ? 2 : 1));
    if (near) c.add(doc, 'nj/misspelt-key', `unknown key '${k}' looks like '${near}' (it is ignored as written)`, [k]);
  }
  if (data.id === undefined) c.add(doc, 'nj/missing-id', 'the rule has no id (add a UUIDv4)', []);
  else if (typeof data.id !== 'string' || !UUID.test(data.id)) c.add(doc, 'nj/invalid-id', `id ${JSON.stringify(data.id)} is not a UUID`, ['id']);
  if (data.level !== undefined && (typeof data.level !== 'string' || !LEVELS.has(data.level))) c.add(doc, 'nj/schema', `level ${JSON.stringify(data.level)} is not one of ${[...LEVELS].join(', ')}`, ['level']);
  if (data.status !== undefined && (typeof data.status !== 'string' || !STATUSES.has(data.status))) c.add(doc, 'nj/schema', `status ${JSON.stringify(data.status)} is not one of ${[...STATUSES].join(', ')}`, ['status']);
  const missing = (correlation ? ['description', 'level'] : ['description', 'author', 'date', 'level', 'status']).filter((k) => data[k] === undefined);
  if (missing.length) c.add(doc, 'nj/missing-metadata', `missing recommended metadata: ${missing.join(', ')}`, []);
  for (const k of ['date', 'modified']) {
    const v = data[k];
    if (v !== undefined && (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v)))) c.add(doc, 'nj/date-format', `${k} ${JSON.stringify(v)} is not a YYYY-MM-DD date`, [k]);
  }
  if (typeof data.date === 'string' && typeof data.modified === 'string' && DATE.test(data.date) && DATE.test(data.modified) && data.modified < data.date) c.add(doc, 'nj/date-format', `modified (${data.modified}) is before date (${data.date})`, ['modified']);
  if (Array.isArray(data.references)) {
    const seen = new Set<unknown>();
    data.references.forEach((r, i) => {
      if (seen.has(r)) c.add(doc, 'nj/duplicate-references', `reference '${String(r)}' is listed twice`, ['references', i]);
      seen.add(r);
    });
  }
  if (data.tags !== undefined) {
    if (!Array.isArray(data.tags)) c.add(doc, 'nj/schema', "'tags' must be a list", ['tags']);
    else {
      const seen = new Set<string>();
      data.tags.forEach((t, i) => {
        const p = ['tags', i];
        if (typeof t !== 'string') return c.add(doc, 'nj/tag-format', `tag ${JSON.stringify(t)} is not a string`, p);
        if (seen.has(t)) c.add(doc, 'nj/duplicate-tag', `tag '${t}' is listed twice`, p);
        seen.add(t);
        if (!/^[a-z0-9_-]+\.[a-z0-9._-]+$/.test(t)) return c.add(doc, 'nj/tag-format', `tag '${t}' is not namespace.value in lower case ([a-z0-9_-] . [a-z0-9._-])`, p);
        const [ns, ...rest] = t.split('.');
        const v = rest.join('.');
        if (ns === 'attack') {
          if (!/^(t\d{4}(\.\d{3})?|[gsmac]\d{4}|ds\d{4}|[a-z]+(-[a-z]+)*)$/.test(v)) c.add(doc, 'nj/attack-tag', `attack tag '${t}' is neither an ATT&CK id (t1059, t1059.004, g0007, s0154, m1042, ds0009) nor a tactic slug (lower-case words joined by '-')`, p);
        } else if (ns === 'cve' && !/^\d{4}-\d{4,}$/.test(v)) c.add(doc, 'nj/tag-format', `cve tag '${t}' should be cve.YYYY-NNNN`, p);
        else if (ns === 'car' && !/^\d{4}-\d{2}-\d{3}$/.test(v)) c.add(doc, 'nj/tag-format', `car tag '${t}' should be car.YYYY-MM-NNN`, p);
        else if (ns === 'tlp' && !['red', 'amber', 'amber-strict', 'green', 'clear', 'white'].includes(v)) c.add(doc, 'nj/tag-format', `tlp tag '${t}' should be one of tlp.red, tlp.amber, tlp.amber-strict, tlp.green, tlp.clear`, p);
        else if (ns === 'detection' && !['dfir', 'emerging-threats', 'threat-hunting'].includes(v)) c.add(doc, 'nj/tag-format', `detection tag '${t}' should be detection.dfir, detection.emerging-threats or detection.threat-hunting`, p);
        else if (ns === 'stp' && !/^[1-5][auk]?$/.test(v)) c.add(doc, 'nj/tag-format', `stp tag '${t}' should be stp.1 … stp.5 (optionally with a, u or k)`, p);
      });
    }
  }
}

function lintTests(c: Collector, doc: RuleDocument, data: Record<string, unknown>, testedViaCorrelation: ReadonlySet<string>): void {
  const raw = doc.tests ?? rawTests(data);
  // A correlation's base rules are tested through the correlation's document (DESIGN.md).
  const referenced = [data.id, data.name].some((k) => typeof k === 'string' && testedViaCorrelation.has(k));
  if (raw === undefined && referenced) return;
  if (raw === undefined) {
    c.add(doc, 'nj/missing-tests', 'no tests: declare cases under `tests:` so `nightjar test` can show the rule fires and stays quiet', []);
    return;
  }
  const { specs, problems } = parseTestSpecs(raw);
  for (const p of problems) c.add(doc, 'nj/tests-invalid', p.message, [...p.path]);
  for (const p of readAccepts(doc).problems) c.add(doc, 'nj/tests-invalid', p.message, [...p.path]);
  const corr = isObj(data.correlation) ? data.correlation : undefined;
  const gb = corr ? corr['group-by'] : undefined;
  const groupBy = Array.isArray(gb) ? gb.filter((g): g is string => typeof g === 'string') : typeof gb === 'string' ? [gb] : [];
  for (const s of specs) {
    const want = s.expect.group;
    if (want) {
      const bad = Object.keys(want).filter((k) => !groupBy.includes(k));
      if (!corr) c.add(doc, 'nj/tests-invalid', `test '${s.name}': expect.group only applies to correlations (a detection rule's alerts have no group)`, ['tests', s.index, 'expect', 'group']);
      else if (bad.length) c.add(doc, 'nj/tests-invalid', `test '${s.name}': expect.group names ${bad.map((b) => `'${b}'`).join(', ')}, not in the correlation's group-by (${groupBy.join(', ') || 'none'})`, ['tests', s.index, 'expect', 'group', bad[0]!]);
    }
    if (s.events) {
      try {
        expandBriefEvents(s.events);
      } catch (err) {
        if (err instanceof BriefEventError) c.add(doc, 'nj/tests-invalid', `test '${s.name}': ${err.message}`, ['tests', s.index, 'events', err.index, ...err.path]);
        else throw err;
      }
    } else if (s.fixture && !existsSync(resolve(dirname(doc.file), s.fixture))) {
      c.add(doc, 'nj/tests-invalid', `test '${s.name}': fixture '${s.fixture}' does not exist (paths are relative to the rule file)`, ['tests', s.index, 'fixture']);
    }
  }
}

/** Where another document is, as seen from `from`: its document number in the same file, else a relative path. */
function where(other: RuleDocument, from: RuleDocument): string {
  if (other.file === from.file) return `document ${other.index + 1} of this file`;
  return relative(dirname(from.file), other.file) || other.file;
}

/** What the linter reads: the loader's lenient result (`loadRuleFiles`, `parseRuleText`); the compiled ruleset is not needed. */
export type LintInput = Pick<LoadResult, 'documents' | 'diagnostics'>;

/** The config file sits in the rule repository and the loader reads every *.yaml; it is not a rule. */
export function withoutConfigFiles<T extends LintInput>(input: T): T {
  const isCfg = (f: string) => basename(f) === CONFIG_FILE;
  if (!input.documents.some((d) => isCfg(d.file)) && !input.diagnostics.some((d) => isCfg(d.file))) return input;
  return { ...input, documents: input.documents.filter((d) => !isCfg(d.file)), diagnostics: input.diagnostics.filter((d) => !isCfg(d.file)) };
}

export function lintDocuments(rawInput: LintInput, cfg: LintConfig = DEFAULT_CONFIG): LintResult {
  const input = withoutConfigFiles(rawInput);
  const c = new Collector(cfg);
  const known = new Set<string>();
  const testedViaCorrelation = new Set<string>();
  for (const d of input.documents) {
    if (!isObj(d.data)) continue;
    for (const k of ['id', 'name']) if (typeof d.data[k] === 'string') known.add(d.data[k] as string);
    const corr = d.data.correlation;
    if (isObj(corr) && rawTests(d.data) !== undefined) {
      const refs = Array.isArray(corr.rules) ? corr.rules : [corr.rules];
      for (const r of refs) if (typeof r === 'string') testedViaCorrelation.add(r);
    }
  }
  for (const doc of input.documents) {
    const data = doc.data;
    if (!isObj(data)) continue;
    try {
      if (doc.kind === 'correlation' || isObj(data.correlation)) {
        lintMeta(c, doc, data, true);
        lintCorrelation(c, doc, data, known);
        lintTests(c, doc, data, testedViaCorrelation);
      } else if (doc.kind === 'filter' || data.filter !== undefined) {
        if (typeof data.title !== 'string') c.add(doc, 'nj/schema', "a filter needs a 'title'", []);
      } else {
        lintMeta(c, doc, data, false);
        lintDetection(c, doc, data);
        lintTests(c, doc, data, testedViaCorrelation);
      }
    } catch (err) {
      c.add(doc, 'nj/internal', `linter error: ${(err as Error).message}`, []);
    }
  }
  // Across documents: duplicate ids and titles.
  const byId = new Map<string, RuleDocument[]>();
  const byTitle = new Map<string, RuleDocument[]>();
  for (const d of input.documents) {
    if (!isObj(d.data) || d.kind === 'filter') continue;
    if (typeof d.data.id === 'string') byId.set(d.data.id, [...(byId.get(d.data.id) ?? []), d]);
    if (typeof d.data.title === 'string') byTitle.set(d.data.title.trim().toLowerCase(), [...(byTitle.get(d.data.title.trim().toLowerCase()) ?? []), d]);
  }
  for (const [id, docs] of byId) {
    if (docs.length < 2) continue;
    for (const d of docs.slice(1)) c.add(d, 'nj/duplicate-id', `id ${id} is also used by ${where(docs[0]!, d)}`, ['id']);
  }
  for (const [, docs] of byTitle) {
    if (docs.length < 2) continue;
    for (const d of docs.slice(1)) c.add(d, 'nj/duplicate-title', `title '${String((d.data as Record<string, unknown>).title)}' is also used by ${where(docs[0]!, d)}`, ['title']);
  }
  // The loader's diagnostics, unless a check above already reported the same problem there.
  const own = c.findings.slice();
  for (const d of input.diagnostics) {
    const checkId = LOADER_CODES[d.code] ?? (d.severity === 'error' ? 'nj/schema' : undefined);
    if (!checkId) continue;
    const dup = own.some((f) => f.file === d.file && f.checkId === checkId && Math.abs(f.line - d.line) <= 1);
    if (dup) continue;
    // A loader warning on a line a specific check already reported (tag pattern, date format, uuid) adds nothing.
    if (d.severity === 'warning' && own.some((f) => f.file === d.file && f.line === d.line)) continue;
    // Already covered under a different id at the same spot (e.g. our condition-syntax vs the loader's schema).
    if (checkId === 'nj/schema' && own.some((f) => f.file === d.file && f.line === d.line && CHECKS_BY_ID.get(f.checkId)?.severity === 'error')) continue;
    const doc = input.documents.find((x) => x.file === d.file && d.rule !== undefined && (x.id === d.rule || x.title === d.rule)) ?? { file: d.file };
    c.add(doc, checkId, `${d.message}`, [], { line: d.line, col: d.col, loaderCode: d.code, loaderSeverity: d.severity });
  }
  const findings = c.findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.checkId < b.checkId ? -1 : 1)));
  const files = [...new Set([...input.documents.map((d) => d.file), ...input.diagnostics.map((d) => d.file)])].sort();
  return { findings, files, documents: input.documents.length };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
export function atOrAbove(f: Finding, level: Severity): boolean {
  return RANK[f.severity] >= RANK[level];
}
