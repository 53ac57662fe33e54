/**
 * Every `NJ_…` code core emits, as one list and a union type: callers switch on `Diagnostic.code`
 * and `NightjarError.code` with the compiler checking the spelling. Other packages (rules, sources,
 * cli) have codes of their own; `Diagnostic.code` stays a string so their diagnostics share the type.
 */

/** Codes of the diagnostics core reports (engine, gap tracker); see the README's diagnostics table. */
export const CORE_DIAGNOSTIC_CODES = [
  'NJ_GAP',
  'NJ_GAP_DIAGNOSTICS_DROPPED',
  'NJ_SOURCE_RESTART',
  'NJ_LATE_EVENT',
  'NJ_GROUP_EVICTED',
  'NJ_RULE_ERROR',
  'NJ_LINEAGE_DISABLED',
  'NJ_EVENT_DEPTH',
  'NJ_HOST_EVICTED',
  'NJ_SIGNAL_INVALID',
] as const;

/** Codes of the errors core throws or returns (`DecodeError`, `FieldPathError`, `CorrelationConfigError`, `SnapshotError`). */
export const CORE_ERROR_CODES = [
  'NJ_DECODE_JSON',
  'NJ_DECODE_SHAPE',
  'NJ_DECODE_TYPE_MISMATCH',
  'NJ_FIELD_PATH',
  // The correlation codes are shared with @nightjar/rules, which reports the same problems in rule files.
  'NJ_TIMESPAN_LIMIT',
  'NJ_TIMESPAN_INVALID',
  'NJ_CORR_UNKNOWN_RULE',
  'NJ_CORR_CYCLE',
  'NJ_CORR_FIELD',
  'NJ_CORR_CONDITION',
  'NJ_SNAPSHOT_FORMAT',
  'NJ_SNAPSHOT_VERSION',
  'NJ_SNAPSHOT_RULESET',
  'NJ_SNAPSHOT_OPTIONS',
] as const;

export type CoreDiagnosticCode = (typeof CORE_DIAGNOSTIC_CODES)[number];
export type CoreErrorCode = (typeof CORE_ERROR_CODES)[number];
/** Any code core emits. */
export type CoreCode = CoreDiagnosticCode | CoreErrorCode;
