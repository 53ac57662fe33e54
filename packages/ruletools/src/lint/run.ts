/**
 * The rule linter. Works on what the lenient loader returns: every document with its data and
 * source positions, and the loader's diagnostics. Each document is checked by kind (checks/:
 * detection, correlation, filter, metadata, and the `tests:` key), then the loader's diagnostics
 * join the findings under the checks their codes map to (catalog.ts).
 */
import type { RuleDocument } from '@nightjar/rules';
import { type RuleInput, withoutConfigFiles } from '../rule-input.js';
import { lintCorrelation } from './checks/correlation.js';
import { lintDetection } from './checks/detection.js';
import { lintFilter } from './checks/filter.js';
import { lintDuplicates, lintMeta } from './checks/metadata.js';
import { lintTests } from './checks/tests.js';
import { lintStyle } from './checks/style.js';
import { lintGenerate } from './checks/correlation.js';
import { rawTests } from '../tester/specs.js';
import { type CheckId, LOADER_CHECKS } from './catalog.js';
import { DEFAULT_CONFIG, type LintConfig } from './config.js';
import { isObj } from './data.js';
import { type Finding, type LintResult, Reporter } from './findings.js';
import { Sources } from './fixes.js';
import { parseDirectives, suppressed } from './suppress.js';

/** What the linter reads: the loader's lenient result (`loadRuleFiles`, `parseRuleText`); the compiled ruleset is not needed. */
export type LintInput = RuleInput;

function lintDocument(
  c: Reporter,
  doc: RuleDocument,
  data: Record<string, unknown>,
  known: ReadonlySet<string>,
  testedViaCorrelation: ReadonlySet<string>,
): void {
  lintStyle(c, doc, data);
  if (doc.kind === 'correlation' || isObj(data.correlation)) {
    lintMeta(c, doc, data, true);
    lintCorrelation(c, doc, data, known);
    lintTests(c, doc, data, testedViaCorrelation);
  } else if (doc.kind === 'filter' || data.filter !== undefined) {
    lintFilter(c, doc, data);
  } else {
    lintMeta(c, doc, data, false);
    lintDetection(c, doc, data);
    lintTests(c, doc, data, testedViaCorrelation);
  }
}

/**
 * The loader's diagnostics, each under its check. Several checks look at what the loader also
 * checks, because the loader stops at a document's first compile error and the checks go on past
 * it (and say more). A finding is about one YAML node of one document, so a loader diagnostic on a
 * node where a check already reported the same check is that problem a second time; and one under
 * a generic schema check (nj/schema, nj/schema-format) on a node where a check at least as severe
 * reported is that specific problem said generically (a date that is not YYYY-MM-DD is nj/date-format,
 * not also a schema pattern warning).
 */
function mergeLoaderDiagnostics(c: Reporter, input: LintInput): void {
  const attached = new Set<object>();
  for (const doc of input.documents) {
    for (const d of doc.diagnostics) {
      attached.add(d);
      const checkId = LOADER_CHECKS[d.code];
      if (c.reported(doc, d.line, checkId) || (GENERIC.has(checkId) && c.reportedAtLeast(doc, d.line, d.severity)))
        continue;
      c.loader(doc, d);
    }
  }
  for (const d of input.diagnostics) if (!attached.has(d)) c.loader(undefined, d);
}

const GENERIC: ReadonlySet<CheckId> = new Set(['nj/schema', 'nj/schema-format']);

export interface LintOptions {
  /** Rule file texts by path (default: read from disk); used by fixes and suppression comments. */
  readonly sources?: ReadonlyMap<string, string>;
}

/**
 * The findings that no suppression comment of their file switches off. A directive naming an
 * unknown check is itself reported (nj/schema), so a typo does not silently suppress nothing.
 */
function applySuppressions(c: Reporter, files: readonly string[]): Finding[] {
  const byFile = new Map<string, ReturnType<typeof parseDirectives>>();
  const directives = (file: string) => {
    let d = byFile.get(file);
    if (!d) byFile.set(file, (d = parseDirectives(c.sources.get(file) ?? '')));
    return d;
  };
  for (const f of files) directives(f);
  const kept = c.findings.filter((f) => !suppressed(f, directives(f.file)));
  for (const [file, d] of byFile)
    for (const u of d.unknown)
      kept.push({
        checkId: 'nj/schema',
        severity: 'warning',
        message: `nightjar-lint directive names '${u.id}', which is not a lint check`,
        file,
        line: u.line,
        col: 1,
      });
  return kept;
}

export function lintDocuments(
  rawInput: LintInput,
  cfg: LintConfig = DEFAULT_CONFIG,
  opts: LintOptions = {},
): LintResult {
  const input = withoutConfigFiles(rawInput);
  const c = new Reporter(cfg, new Sources(opts.sources));
  const known = new Set<string>();
  const testedViaCorrelation = new Set<string>();
  for (const d of input.documents) {
    if (!isObj(d.data)) continue;
    for (const k of ['id', 'name']) if (typeof d.data[k] === 'string') known.add(d.data[k]);
    const corr = d.data.correlation;
    if (isObj(corr) && rawTests(d.data) !== undefined) {
      const refs = Array.isArray(corr.rules) ? corr.rules : [corr.rules];
      for (const r of refs) if (typeof r === 'string') testedViaCorrelation.add(r);
    }
  }
  for (const doc of input.documents) {
    if (!isObj(doc.data)) continue;
    try {
      lintDocument(c, doc, doc.data, known, testedViaCorrelation);
    } catch (err) {
      c.report(doc, 'nj/internal', `linter error: ${(err as Error).message}`, []);
    }
  }
  lintDuplicates(c, input.documents);
  lintGenerate(c, input.documents);
  mergeLoaderDiagnostics(c, input);
  const files = [...new Set([...input.documents.map((d) => d.file), ...input.diagnostics.map((d) => d.file)])].sort();
  const findings = applySuppressions(c, files).sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.checkId < b.checkId ? -1 : 1),
  );
  return { findings, files, documents: input.documents.length };
}
