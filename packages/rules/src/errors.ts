import { NightjarError } from '@nightjar/core';

/** A location in a rule file; line and col are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
}

/** One problem found while loading or compiling rules; `code` is stable (see the package README). */
export interface RuleDiagnostic extends SourceLocation {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The rule's id (or title) when known. */
  readonly rule?: string;
}

/**
 * Thrown by compilers that see one rule document. `path` is the key path inside the YAML
 * document (e.g. ['detection', 'selection', 'Image|endswith', 2]); the loader turns it into
 * file:line:col using the parsed document's source ranges.
 */
export class RuleError extends NightjarError {
  readonly path: readonly (string | number)[];
  /** True when the offender is the key at `path` (e.g. an unknown modifier or alias), not its value. */
  readonly key?: boolean;
  constructor(code: string, message: string, path: readonly (string | number)[] = [], options?: { key?: boolean }) {
    super(code, message);
    this.path = path;
    if (options?.key) this.key = true;
  }
}

/** Thrown by loadRules when any rule fails to load; carries every diagnostic, not just the first. */
export class RuleLoadError extends NightjarError {
  readonly diagnostics: readonly RuleDiagnostic[];
  constructor(diagnostics: readonly RuleDiagnostic[]) {
    const first = diagnostics[0];
    const where = first ? `${first.file}:${first.line}:${first.col}: ${first.message}` : 'no diagnostics';
    super('NJ_RULE_LOAD', `${diagnostics.length} rule error(s); first: ${where}`);
    this.diagnostics = diagnostics;
  }
}

/** file:line:col: severity message [code] — the one line format every tool prints. */
export function formatDiagnostic(d: RuleDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.message} [${d.code}]`;
}
