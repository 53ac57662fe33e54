/** @nightjar/rules — Sigma YAML in, compiled rule set out. This file is the package's whole public face. */
export { RuleError, RuleLoadError, formatDiagnostic } from './errors.js';
export type { RuleDiagnostic, SourceLocation } from './errors.js';
