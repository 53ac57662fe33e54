/** @nightjar/rules — Sigma YAML in, compiled rule set out. This file is the package's whole public face. */
export { RULE_DIAGNOSTIC_CODES, RuleError, RuleLoadError, formatDiagnostic } from './errors.js';
export type { RuleDiagnostic, RuleDiagnosticCode, SourceLocation } from './errors.js';

// Loading: files → validated documents with positions → compiled ruleset.
export {
  loadRules,
  loadRuleFiles,
  parseRuleText,
  compileRuleText,
  compileSources,
  bundledRulesDir,
  RuleSet,
  LINEAGE_EVENT_TYPES,
  DEFAULT_LIMITS,
  DEFAULT_MAX_TIMESPAN_US,
  yamlLibrary,
} from './load/index.js';
export type {
  LoadOptions,
  LoadResult,
  RuleDocument,
  DocumentKindOrUnknown,
  RuleSource,
  YamlLimits,
  KeyPath,
} from './load/index.js';

// The JSON Schemas shipped in schema/.
export {
  validateDocument,
  validateFieldMappingData,
  readSchema,
  schemaDir,
  SCHEMA_FILES,
  FIELD_MAPPING_SCHEMA_FILE,
} from './schema/index.js';
export type { DocumentKind, SchemaIssue } from './schema/index.js';

// "Did you mean" for unknown names (fields here; commands and flags in the CLI).
export { closestNames, didYouMean } from './suggest.js';

// Correlation and filter helpers the linter and tools reuse.
export { parseTimespan, TIMESPAN_UNIT_SECONDS, parseTemporalCondition } from './correlation/index.js';
export type { TemporalNode } from './correlation/index.js';
export { parseFilter, logsourceContains, filterApplies } from './filters/index.js';
export type { FilterSpec } from './filters/index.js';

// Detection compiler and field mappings (owned by the detection module).
export * from './detection/index.js';
export * from './mapping/index.js';
