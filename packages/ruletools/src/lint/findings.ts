/**
 * The linter's diagnostic model: a Finding is one problem under one check id (the code space in
 * catalog.ts), with a severity after configuration and a file:line:col. Checks and the loader's
 * diagnostics both become Findings through one Reporter.
 */
import type { RuleDiagnostic, RuleDiagnosticCode, RuleDocument, SourceLocation } from '@nightjar/rules';
import { CHECKS_BY_ID, type CheckId, LOADER_CHECKS, type Severity } from './catalog.js';
import { type LintConfig, levelFor } from './config.js';
import { isObj, type Path, str } from './data.js';
import { Sources } from './fixes.js';

/** One text replacement in a rule file: the UTF-16 offsets [start, end) become `text`. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Finding {
  readonly checkId: CheckId;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Where the offending node ends (inclusive line, exclusive column), when known. */
  readonly endLine?: number;
  readonly endCol?: number;
  /** The edits `--fix` applies (a fixable check, where the rewrite is known to be safe). */
  readonly fix?: readonly Edit[];
  readonly ruleId?: string;
  readonly ruleTitle?: string;
  /** The loader diagnostic code, when the finding comes from the loader. */
  readonly loaderCode?: RuleDiagnosticCode;
}

export interface LintResult {
  readonly findings: readonly Finding[];
  readonly files: readonly string[];
  readonly documents: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];
export function atOrAbove(f: Finding, level: Severity): boolean {
  return RANK[f.severity] >= RANK[level];
}

/** Collects findings, applying the configuration (off, re-levelled, per rule). */
export class Reporter {
  readonly findings: Finding[] = [];
  /**
   * What the checks reported on each document, whatever the configured level: `line checkId` keys,
   * and `line severity` keys for each default severity at or below the check's.
   */
  private readonly byDocument = new Map<RuleDocument, Set<string>>();
  constructor(
    readonly cfg: LintConfig,
    /** The rule files' text, for fixes and suppression comments. */
    readonly sources: Sources = new Sources(),
  ) {}

  /** Whether a check (not the loader) reported `checkId` on line `line` of `doc`. */
  reported(doc: RuleDocument, line: number, checkId: CheckId): boolean {
    return this.byDocument.get(doc)?.has(`${line} ${checkId}`) ?? false;
  }

  /** Whether a check whose default severity is at least `severity` reported on line `line` of `doc`. */
  reportedAtLeast(doc: RuleDocument, line: number, severity: Severity): boolean {
    return this.byDocument.get(doc)?.has(`${line} ${severity}`) ?? false;
  }

  /** A check's finding on a document, located at a key path inside it (its key with `key`), with the edits that fix it. */
  report(
    doc: RuleDocument,
    checkId: CheckId,
    message: string,
    path: Path,
    extra: { key?: boolean; fix?: readonly Edit[] | undefined } = {},
  ): void {
    let loc: SourceLocation = { file: doc.file, line: 1, col: 1 };
    try {
      loc = doc.locate(path, extra.key ? { key: true } : undefined);
    } catch {
      /* a path the document cannot resolve: the document's start */
    }
    const { line } = loc;
    let seen = this.byDocument.get(doc);
    if (!seen) this.byDocument.set(doc, (seen = new Set()));
    seen.add(`${line} ${checkId}`);
    const rank = RANK[CHECKS_BY_ID.get(checkId)!.severity];
    for (const sev of SEVERITIES) if (RANK[sev] <= rank) seen.add(`${line} ${sev}`);
    this.push(doc, checkId, message, { ...loc, file: doc.file }, undefined, extra.fix);
  }

  /**
   * A loader diagnostic, under the check its code maps to; `doc` is the document it belongs to
   * (none for file-level problems such as YAML syntax). The loader's warnings (an empty file, a
   * filter naming an unknown rule) stay warnings unless configured otherwise.
   */
  loader(doc: RuleDocument | undefined, d: RuleDiagnostic): void {
    this.push(doc, LOADER_CHECKS[d.code], d.message, d, d);
  }

  private push(
    doc: RuleDocument | undefined,
    checkId: CheckId,
    message: string,
    at: SourceLocation,
    loader?: RuleDiagnostic,
    fix?: readonly Edit[],
  ): void {
    const data = doc && isObj(doc.data) ? doc.data : {};
    const ruleId = doc?.id ?? str(data.id);
    const ruleTitle = doc?.title ?? str(data.title);
    let lvl = levelFor(this.cfg, checkId, [ruleId, ruleTitle, str(data.name)]);
    const configured =
      this.cfg.checks.has(checkId) ||
      [ruleId, ruleTitle].some((k) => k !== undefined && this.cfg.rules.get(k)?.has(checkId));
    if (loader?.severity === 'warning' && lvl === 'error' && !configured) lvl = 'warning';
    if (lvl === 'off') return;
    this.findings.push({
      checkId,
      severity: lvl,
      message,
      file: at.file,
      line: at.line,
      col: at.col,
      ...(at.endLine !== undefined && at.endCol !== undefined ? { endLine: at.endLine, endCol: at.endCol } : {}),
      ...(fix && fix.length ? { fix } : {}),
      ...(ruleId ? { ruleId } : {}),
      ...(ruleTitle ? { ruleTitle } : {}),
      ...(loader ? { loaderCode: loader.code } : {}),
    });
  }
}
