import { NightjarError } from '@nightjar/core';

/** A location in a rule file; line and col are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
}

/** Every stable error code detection and mapping throw. */
export const DETECTION_ERROR_CODES = [
  'NJ_DETECTION_SYNTAX',
  'NJ_EMPTY_SELECTION',
  'NJ_UNKNOWN_MODIFIER',
  'NJ_MODIFIER_COMBINATION',
  'NJ_MODIFIER_VALUE',
  'NJ_UNKNOWN_PLACEHOLDER',
  'NJ_BAD_REGEX',
  'NJ_REGEX_UNSUPPORTED',
  'NJ_CONDITION_SYNTAX',
  'NJ_CONDITION_AGGREGATION',
  'NJ_UNKNOWN_SELECTION',
  'NJ_UNMAPPED_FIELD',
  'NJ_UNSUPPORTED_LOGSOURCE',
  'NJ_UNKNOWN_EVENT_TYPE',
  'NJ_UNKNOWN_FIELD_MAPPING',
  'NJ_FIELD_PATH',
] as const;

/**
 * Every code a rule diagnostic (or a RuleError) can carry: stable, documented in the package README,
 * and mapped one-to-one onto lint checks by @nightjar/ruletools (a new code must be mapped there).
 */
export const RULE_DIAGNOSTIC_CODES = [
  // Files and YAML.
  'NJ_PATH_NOT_FOUND',
  'NJ_FILE_READ',
  'NJ_FILE_TOO_LARGE',
  'NJ_EMPTY_FILE',
  'NJ_NOT_MAPPING',
  'NJ_YAML_SYNTAX',
  'NJ_YAML_DUPLICATE_KEY',
  'NJ_YAML_TAG',
  'NJ_YAML_ALIAS_LIMIT',
  'NJ_YAML_TOO_DEEP',
  'NJ_YAML_TOO_MANY_DOCS',
  'NJ_YAML_WARNING',
  // Schema.
  'NJ_SCHEMA_INVALID',
  'NJ_SCHEMA_MISSING',
  'NJ_SCHEMA_UNKNOWN_KEY',
  'NJ_SCHEMA_FORMAT',
  'NJ_UNSUPPORTED_ACTION',
  // Detection and field mapping.
  ...DETECTION_ERROR_CODES,
  // Correlations and filters.
  'NJ_CORR_RULES',
  'NJ_CORR_UNKNOWN_RULE',
  'NJ_CORR_BROKEN_REF',
  'NJ_CORR_CYCLE',
  'NJ_CORR_DEPTH',
  'NJ_CORR_ALIAS',
  'NJ_CORR_CONDITION',
  'NJ_CORR_FIELD',
  'NJ_CORR_GROUP_BY',
  'NJ_TIMESPAN_INVALID',
  'NJ_TIMESPAN_LIMIT',
  'NJ_DURATION_INVALID',
  'NJ_SCOPE_NOT_CORRELATION',
  'NJ_FILTER_UNKNOWN_RULE',
  'NJ_FILTER_CORRELATION',
  // Across documents, and the loader itself.
  'NJ_DUPLICATE_ID',
  'NJ_DUPLICATE_NAME',
  'NJ_INTERNAL',
] as const;
export type RuleDiagnosticCode = (typeof RULE_DIAGNOSTIC_CODES)[number];

/** One problem found while loading or compiling rules; `code` is stable (see the package README). */
export interface RuleDiagnostic extends SourceLocation {
  readonly code: RuleDiagnosticCode;
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
  declare readonly code: RuleDiagnosticCode;
  readonly path: readonly (string | number)[];
  /** True when the offender is the key at `path` (e.g. an unknown modifier or alias), not its value. */
  readonly key?: boolean;
  constructor(
    code: RuleDiagnosticCode,
    message: string,
    path: readonly (string | number)[] = [],
    options?: { key?: boolean },
  ) {
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
