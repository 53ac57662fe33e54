/**
 * The linter's diagnostic model: a Finding is one problem under one check id (the code space in
 * catalog.ts), with a severity after configuration and a file:line:col. Checks and the loader's
 * diagnostics both become Findings through one Reporter.
 */
import type { RuleDiagnostic, RuleDiagnosticCode, RuleDocument } from '@nightjar/rules';
import { CHECKS_BY_ID, type CheckId, LOADER_CHECKS, type Severity } from './catalog.js';
import { type LintConfig, levelFor } from './config.js';
import { isObj, type Path, str } from './data.js';

export interface Finding {
  readonly checkId: CheckId;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
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
  constructor(readonly cfg: LintConfig) {}

  /** Whether a check (not the loader) reported `checkId` on line `line` of `doc`. */
  reported(doc: RuleDocument, line: number, checkId: CheckId): boolean {
    return this.byDocument.get(doc)?.has(`${line} ${checkId}`) ?? false;
  }

  /** Whether a check whose default severity is at least `severity` reported on line `line` of `doc`. */
  reportedAtLeast(doc: RuleDocument, line: number, severity: Severity): boolean {
    return this.byDocument.get(doc)?.has(`${line} ${severity}`) ?? false;
  }

  /** A check's finding on a document, located at a key path inside it. */
  report(doc: RuleDocument, checkId: CheckId, message: string, path: Path): void {
    let line = 1;
    let col = 1;
    try {
      ({ line, col } = doc.locate(path));
    } catch {
      /* a path the document cannot resolve: the document's start */
    }
    let seen = this.byDocument.get(doc);
    if (!seen) this.byDocument.set(doc, (seen = new Set()));
    seen.add(`${line} ${checkId}`);
    const rank = RANK[CHECKS_BY_ID.get(checkId)!.severity];
    for (const sev of SEVERITIES) if (RANK[sev] <= rank) seen.add(`${line} ${sev}`);
    this.push(doc, checkId, message, doc.file, line, col);
  }

  /**
   * A loader diagnostic, under the check its code maps to; `doc` is the document it belongs to
   * (none for file-level problems such as YAML syntax). The loader's warnings (an empty file, a
   * filter naming an unknown rule) stay warnings unless configured otherwise.
   */
  loader(doc: RuleDocument | undefined, d: RuleDiagnostic): void {
    this.push(doc, LOADER_CHECKS[d.code], d.message, d.file, d.line, d.col, d);
  }

  private push(
    doc: RuleDocument | undefined,
    checkId: CheckId,
    message: string,
    file: string,
    line: number,
    col: number,
    loader?: RuleDiagnostic,
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
      file,
      line,
      col,
      ...(ruleId ? { ruleId } : {}),
      ...(ruleTitle ? { ruleTitle } : {}),
      ...(loader ? { loaderCode: loader.code } : {}),
    });
  }
}
