// One file on purpose (~470 lines): a document's compilation into the engine's contract (detection, correlation, filter) in one pass with its located diagnostics.
import { Buffer } from 'node:buffer';
import {
  NightjarError,
  type CompiledCorrelation,
  type CompiledRule,
  type EventPredicate,
  type RuleMeta,
  type SigmaLevel,
} from '@nightjar/core';
import { RuleError, type RuleDiagnostic, type RuleDiagnosticCode, type SourceLocation } from '../errors.js';
import { compileDetection, compileFieldForRule } from '../detection/index.js';
import { FIELD_MAPPINGS, resolveFieldMapping, type FieldMapping } from '../mapping/index.js';
import type { DetectionInfo } from '../detection/types.js';
import { validateDocument } from '../schema/index.js';
import { compileCorrelations, parseTimespan, type CorrelationInput, type RefTarget } from '../correlation/index.js';
import { andPredicates, filterApplies, parseFilter, type FilterSpec } from '../filters/index.js';
import {
  DEFAULT_LIMITS,
  diag,
  parseYamlText,
  type KeyPath,
  type Locator,
  type ParsedYamlDoc,
  type YamlLimits,
} from './yaml.js';
import { RuleSet } from './ruleset.js';
import type { DocumentKindOrUnknown, LoadOptions, LoadResult, RuleDocument } from './types.js';

/** Default longest correlation timespan: one hour (a longer window holds state for too long to be useful on a live host). */
export const DEFAULT_MAX_TIMESPAN_US = 3_600_000_000;

/** One rule file's text (or an in-memory rule). */
export interface RuleSource {
  readonly file: string;
  readonly text: string;
}

// Internal, mutable view of a document while the passes run.
interface Doc {
  readonly file: string;
  readonly index: number;
  kind: DocumentKindOrUnknown;
  readonly data: unknown;
  /** Holds the yaml Document, which may be built only when first read (see yaml.ts fastParse). */
  readonly parsed: ParsedYamlDoc;
  readonly locate: Locator;
  readonly start: ParsedYamlDoc['start'];
  id?: string;
  title?: string;
  compiled?: CompiledRule | CompiledCorrelation;
  detectionInfo?: DetectionInfo;
  filters?: string[];
  tests?: unknown;
  nightjar?: unknown;
  readonly diagnostics: RuleDiagnostic[];
  // not exported
  failed: boolean;
  order: number;
  meta?: RuleMeta;
  name?: string;
  logsource?: Record<string, unknown>;
  baseMatch?: EventPredicate;
  extraMatch?: EventPredicate[];
  usesLineage?: boolean;
  filterSpec?: FilterSpec;
}

const LEVELS = new Set<string>(['informational', 'low', 'medium', 'high', 'critical']);

function limitsOf(opts: LoadOptions): YamlLimits {
  return {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxAliasCount: opts.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount,
    maxDepth: opts.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxDocuments: opts.maxDocuments ?? DEFAULT_LIMITS.maxDocuments,
  };
}

function classify(data: unknown): { kind: DocumentKindOrUnknown; problem?: [RuleDiagnosticCode, string] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      kind: 'unknown',
      problem: ['NJ_NOT_MAPPING', 'a rule document must be a YAML mapping (key: value pairs)'],
    };
  }
  const o = data as Record<string, unknown>;
  if ('correlation' in o) return { kind: 'correlation' };
  if ('filter' in o) return { kind: 'filter' };
  if ('action' in o) {
    return {
      kind: 'unknown',
      problem: [
        'NJ_UNSUPPORTED_ACTION',
        "legacy Sigma collections ('action: global/reset/repeat') are not supported; write each rule as a complete document",
      ],
    };
  }
  return { kind: 'rule' };
}

/**
 * The whole pipeline on texts already read: parse → schema → detection rules → filters →
 * correlations → generate flags. Never throws for bad rules: every problem is a diagnostic.
 */
export function compileSources(
  sources: readonly RuleSource[],
  opts: LoadOptions = {},
  /** Problems found before compiling (unreadable paths), reported first. */
  pre: readonly RuleDiagnostic[] = [],
): LoadResult {
  const limits = limitsOf(opts);
  const wanted = opts.fieldMapping === 'none' ? null : (opts.fieldMapping ?? 'sigmahq-macos');
  if (typeof wanted === 'string' && !(FIELD_MAPPINGS as readonly string[]).includes(wanted)) {
    // A caller's mistake, not a rule's: one clear error instead of the same diagnostic on every rule.
    throw new NightjarError(
      'NJ_UNKNOWN_FIELD_MAPPING',
      `unknown fieldMapping '${String(wanted)}' (known: none, ${FIELD_MAPPINGS.join(', ')}, or a mapping from loadFieldMapping)`,
    );
  }
  // Resolved once here: a built-in is read and compiled on first use, not per rule.
  const fieldMapping = resolveFieldMapping(wanted);
  const maxTimespanUs = opts.maxTimespanUs ?? DEFAULT_MAX_TIMESPAN_US;
  const diagnostics: RuleDiagnostic[] = [];
  const docs: Doc[] = [];
  const order = new Map<string, number>();

  const report = (
    d: Doc,
    code: RuleDiagnosticCode,
    message: string,
    loc: SourceLocation,
    severity: 'error' | 'warning' = 'error',
  ): void => {
    const x = diag(code, message, loc, severity, d.id ?? d.title);
    d.diagnostics.push(x);
    diagnostics.push(x);
    if (severity === 'error') d.failed = true;
  };
  const reportAt = (d: Doc, e: { code: RuleDiagnosticCode; message: string; path: KeyPath; key?: boolean }): void =>
    report(d, e.code, e.message, d.locate(e.path, { key: e.key === true }));

  // 1. Parse.
  sources.forEach((src, si) => {
    order.set(src.file, si);
    if (Buffer.byteLength(src.text, 'utf8') > limits.maxFileBytes) {
      diagnostics.push(
        diag('NJ_FILE_TOO_LARGE', `rule file larger than ${limits.maxFileBytes} bytes`, {
          file: src.file,
          line: 1,
          col: 1,
        }),
      );
      return;
    }
    const parsed = parseYamlText(src.text, src.file, limits);
    if (parsed.length === 0) {
      diagnostics.push(
        diag('NJ_EMPTY_FILE', 'rule file holds no YAML document', { file: src.file, line: 1, col: 1 }, 'warning'),
      );
    }
    for (const p of parsed) {
      const bad = p.diagnostics.some((x) => x.severity === 'error');
      const { kind, problem } = bad ? { kind: 'unknown' as const, problem: undefined } : classify(p.data);
      const o = (kind !== 'unknown' ? p.data : {}) as Record<string, unknown>;
      const d: Doc = {
        file: src.file,
        index: p.index,
        kind,
        data: p.data,
        parsed: p,
        locate: p.locate,
        start: p.start,
        diagnostics: [],
        failed: bad,
        order: si,
        ...(typeof o.id === 'string' ? { id: o.id } : {}),
        ...(typeof o.title === 'string' ? { title: o.title } : {}),
        ...(typeof o.name === 'string' ? { name: o.name } : {}),
        ...('tests' in o ? { tests: o.tests } : {}),
        ...('nightjar' in o ? { nightjar: o.nightjar } : {}),
      };
      for (const x of p.diagnostics) {
        d.diagnostics.push(x);
        diagnostics.push(x);
      }
      if (problem) report(d, problem[0], problem[1], p.locate([]));
      docs.push(d);
    }
  });

  // 2. Schema, metadata, Nightjar keys, unique ids and names.
  const idOwner = new Map<string, Doc>();
  const nameOwner = new Map<string, Doc>();
  for (const d of docs) {
    if (d.kind === 'unknown') continue;
    const data = d.data as Record<string, unknown>;
    for (const issue of validateDocument(d.kind, data)) {
      report(d, issue.code, issue.message, d.locate(issue.path, { key: issue.key }), issue.severity);
    }
    let suppressUs: number | undefined;
    const nj = data.nightjar as Record<string, unknown> | undefined;
    if (nj && typeof nj === 'object' && nj.suppress !== undefined) {
      const t = parseTimespan(nj.suppress);
      if ('error' in t)
        report(
          d,
          'NJ_DURATION_INVALID',
          `nightjar.suppress: ${t.error.replace('timespan', 'duration')}`,
          d.locate(['nightjar', 'suppress']),
        );
      else suppressUs = t.us;
    }
    if (nj && typeof nj === 'object' && nj.scope !== undefined && d.kind !== 'correlation')
      report(
        d,
        'NJ_SCOPE_NOT_CORRELATION',
        `nightjar.scope applies to correlation rules (it says where their windows are kept); this ${d.kind === 'rule' ? 'detection rule' : d.kind} has no window`,
        d.locate(['nightjar', 'scope']),
      );
    if (d.id !== undefined) {
      const prev = idOwner.get(d.id);
      if (prev) report(d, 'NJ_DUPLICATE_ID', `id '${d.id}' is already used by ${where(prev)}`, d.locate(['id']));
      else idOwner.set(d.id, d);
    }
    if (d.name !== undefined) {
      const prev = nameOwner.get(d.name);
      if (prev)
        report(d, 'NJ_DUPLICATE_NAME', `name '${d.name}' is already used by ${where(prev)}`, d.locate(['name']));
      else nameOwner.set(d.name, d);
    }
    if (d.failed) continue;
    const start = d.start;
    const level = typeof data.level === 'string' && LEVELS.has(data.level) ? (data.level as SigmaLevel) : 'medium';
    const fp = data.falsepositives;
    d.meta = {
      id: d.id ?? d.name ?? `${d.file}#${d.index}`,
      ...(d.name !== undefined ? { name: d.name } : {}),
      title: d.title ?? '',
      ...(typeof data.description === 'string' ? { description: data.description } : {}),
      level,
      ...(typeof data.status === 'string' ? { status: data.status } : {}),
      tags: Array.isArray(data.tags) ? (data.tags as string[]) : [],
      ...(fp !== undefined && fp !== null
        ? {
            // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a lone scalar falsepositive becomes its text form
            falsepositives: Array.isArray(fp) ? (fp as string[]) : [String(fp)],
          }
        : {}),
      source: { file: d.file, line: start.line, col: start.col },
      ...(suppressUs !== undefined ? { suppressUs } : {}),
      definition: definitionOf(data),
    };
  }

  // 3. Detection rules.
  for (const d of docs) {
    if (d.kind !== 'rule' || d.failed || !d.meta) continue;
    const data = d.data as Record<string, unknown>;
    d.logsource = data.logsource as Record<string, unknown>;
    try {
      const c = compileDetection({
        detection: data.detection,
        logsource: d.logsource,
        fieldMapping,
        ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
      });
      d.detectionInfo = c.info;
      d.baseMatch = c.match;
      d.extraMatch = [];
      d.usesLineage = c.usesLineage;
      d.compiled = {
        ...d.meta,
        kind: 'detection',
        eventTypes: c.eventTypes,
        match: c.match,
        ...(c.prefilter !== undefined ? { prefilter: c.prefilter } : {}),
        ...(c.prefilterAny !== undefined ? { prefilterAny: c.prefilterAny } : {}),
        usesLineage: c.usesLineage,
        generate: true,
      };
    } catch (e) {
      handleCompileError(d, e, []);
    }
  }

  function handleCompileError(d: Doc, e: unknown, prefix: KeyPath): void {
    if (e instanceof RuleError)
      reportAt(d, { code: e.code, message: e.message, path: [...prefix, ...e.path], key: e.key === true });
    else
      report(
        d,
        'NJ_INTERNAL',
        `internal error while compiling: ${e instanceof Error ? e.message : String(e)}`,
        d.locate(prefix),
      );
  }

  // 4. Filters: (rule) and (filter), per pySigma; compiled once per distinct logsource.
  const filterDefinitions = new Map<Doc, string[]>();
  const detectionDocs = docs.filter((d) => d.kind === 'rule' && d.compiled);
  for (const f of docs) {
    if (f.kind !== 'filter' || f.failed) continue;
    const spec = parseFilter(f.data as Record<string, unknown>);
    f.filterSpec = spec;
    f.filters = [];
    for (const r of spec.refs) {
      const t = idOwner.get(r.ref) ?? nameOwner.get(r.ref);
      if (!t)
        report(
          f,
          'NJ_FILTER_UNKNOWN_RULE',
          `filter names '${r.ref}', which is no loaded rule's id or name`,
          f.locate(r.path),
          'warning',
        );
      else if (t.kind === 'correlation') {
        report(
          f,
          'NJ_FILTER_CORRELATION',
          `filter names correlation '${r.ref}'; filters never apply to correlations`,
          f.locate(r.path),
          'warning',
        );
      }
    }
    const cache = new Map<string, { pred: EventPredicate; lineage: boolean } | null>();
    const filterDefinition = definitionOf(f.data as Record<string, unknown>);
    const applied: [Doc, { pred: EventPredicate; lineage: boolean }][] = [];
    let broken = false;
    for (const r of detectionDocs) {
      const rule = r.compiled as CompiledRule;
      if (
        !filterApplies(spec, {
          id: rule.id,
          ...(rule.name !== undefined ? { name: rule.name } : {}),
          logsource: r.logsource ?? {},
        })
      )
        continue;
      // Compiled with the rule's logsource, so taxonomy field names map as the rule's do.
      const key = JSON.stringify(r.logsource ?? {});
      let entry = cache.get(key);
      if (entry === undefined) {
        try {
          const c = compileDetection({
            detection: spec.detection,
            logsource: r.logsource ?? {},
            fieldMapping,
            ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
          });
          entry = { pred: c.match, lineage: c.usesLineage };
          f.detectionInfo ??= c.info;
        } catch (e) {
          // The compiler's paths start at `detection`; the filter's selections live under `filter`.
          if (e instanceof RuleError && e.path[0] === 'detection') {
            handleCompileError(f, new RuleError(e.code, e.message, e.path.slice(1), { key: e.key === true }), [
              'filter',
            ]);
          } else handleCompileError(f, e, ['filter']);
          entry = null;
        }
        cache.set(key, entry);
      }
      if (!entry) {
        broken = true;
        break;
      }
      applied.push([r, entry]);
    }
    // A filter that does not compile applies to no rule (not to some of them).
    if (broken) continue;
    for (const [r, entry] of applied) {
      if (entry.lineage) r.usesLineage = true;
      r.extraMatch!.push(entry.pred);
      (r.filters ??= []).push(f.id ?? f.title ?? `${f.file}#${f.index}`);
      let defs = filterDefinitions.get(r);
      if (defs === undefined) filterDefinitions.set(r, (defs = []));
      defs.push(filterDefinition);
      f.filters.push((r.compiled as CompiledRule).id);
    }
  }
  for (const r of detectionDocs) {
    if (r.extraMatch && r.extraMatch.length > 0) {
      const rule = r.compiled as CompiledRule;
      r.compiled = {
        ...rule,
        match: andPredicates(r.baseMatch!, r.extraMatch),
        usesLineage: r.usesLineage ?? rule.usesLineage,
        // The filters applied are part of what decides the matches.
        definition: JSON.stringify([rule.definition, ...(filterDefinitions.get(r) ?? [])]),
      };
    }
  }

  // 5. Correlations.
  const corrDocs = docs.filter((d) => d.kind === 'correlation' && !d.failed && d.meta);
  const targetOf = (d: Doc): RefTarget | 'broken' => {
    if (d.kind === 'rule') {
      if (!d.compiled) return 'broken';
      return {
        id: d.compiled.id,
        ...(d.name !== undefined ? { name: d.name } : {}),
        kind: 'detection',
        logsource: d.logsource ?? {},
      };
    }
    if (d.kind === 'correlation' && d.meta)
      return { id: d.meta.id, ...(d.name !== undefined ? { name: d.name } : {}), kind: 'correlation', logsource: {} };
    return 'broken';
  };
  const resolve = (ref: string): RefTarget | 'broken' | undefined => {
    const d = idOwner.get(ref) ?? nameOwner.get(ref);
    if (!d || d.kind === 'filter') return undefined;
    return targetOf(d);
  };
  const inputs: CorrelationInput[] = corrDocs.map((d) => ({ meta: d.meta!, data: d.data as Record<string, unknown> }));
  const outputs = compileCorrelations(inputs, {
    resolve,
    maxTimespanUs,
    compileField: (field, logsource) => compileFieldForRule(field, logsource, fieldMapping),
  });
  let correlationLineage = false;
  outputs.forEach((o, i) => {
    const d = corrDocs[i]!;
    for (const e of o.errors) reportAt(d, e);
    if (o.compiled && o.errors.length === 0) {
      const nj = (d.data as { nightjar?: { scope?: unknown } }).nightjar;
      d.compiled = nj?.scope === 'fleet' ? { ...o.compiled, scope: 'fleet' } : o.compiled;
      if (o.usesLineage) correlationLineage = true;
    }
  });

  // 6. generate: a referenced rule or correlation alerts on its own only when a correlation that
  // references it says `generate: true`; unreferenced ones always do.
  const referenced = new Set<string>();
  const forced = new Set<string>();
  for (const o of outputs) {
    if (!o.compiled) continue;
    for (const id of o.refs) {
      referenced.add(id);
      if (o.generateRefs) forced.add(id);
    }
  }
  for (const d of docs) {
    if (!d.compiled) continue;
    const generate = !referenced.has(d.compiled.id) || forced.has(d.compiled.id);
    if (d.compiled.generate !== generate) d.compiled = { ...d.compiled, generate };
  }

  diagnostics.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col);
  diagnostics.unshift(...pre);
  const documents: RuleDocument[] = docs.map((d) => publicDoc(d, fieldMapping));
  const rules = docs.filter((d) => d.kind === 'rule' && d.compiled).map((d) => d.compiled as CompiledRule);
  const correlations = docs
    .filter((d) => d.kind === 'correlation' && d.compiled)
    .map((d) => d.compiled as CompiledCorrelation);
  const ruleset = new RuleSet({ rules, correlations, documents, diagnostics, correlationLineage });
  return { ruleset, documents, diagnostics };
}

function where(d: Doc): string {
  return `${d.file}:${d.start.line}:${d.start.col}`;
}

function publicDoc(d: Doc, fieldMapping: FieldMapping | null): RuleDocument {
  const parsed = d.parsed;
  return {
    file: d.file,
    fieldMapping,
    index: d.index,
    kind: d.kind,
    data: d.data,
    // A getter: reading it is what builds the yaml Document of a fast-parsed file.
    get doc() {
      return parsed.doc;
    },
    locate: d.locate,
    diagnostics: d.diagnostics,
    ...(d.id !== undefined ? { id: d.id } : {}),
    ...(d.title !== undefined ? { title: d.title } : {}),
    ...(d.compiled ? { compiled: d.compiled } : {}),
    ...(d.detectionInfo ? { detectionInfo: d.detectionInfo } : {}),
    ...(d.filters ? { filters: d.filters } : {}),
    ...('tests' in d ? { tests: d.tests } : {}),
    ...('nightjar' in d ? { nightjar: d.nightjar } : {}),
  };
}

/**
 * Keys that document a rule without changing what it matches or how its windows count. `tests` (the
 * rule's own test cases) among them: a rule whose tests grew still matches what it matched, and the
 * events in them made the definition most of the load's canonical-JSON and hashing work.
 */
const DOCUMENTATION_KEYS = new Set([
  'tests',
  'title',
  'description',
  'author',
  'references',
  'date',
  'modified',
  'falsepositives',
  'level',
  'tags',
  'status',
  'fields',
  'license',
  'related',
  'scope',
]);

function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = canonicalJson((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/**
 * RuleMeta.definition: the document without its documentation keys, keys sorted, as JSON — what an
 * engine compares to tell a changed rule from an unchanged one (snapshot restore, hot reload).
 */
function definitionOf(data: Record<string, unknown>): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(data)) if (!DOCUMENTATION_KEYS.has(k)) o[k] = data[k];
  return JSON.stringify(canonicalJson(o));
}
