/** The rule linter (`nightjar lint`), exported for reuse (editors, CI scripts). */
export { CHECKS, CHECKS_BY_ID, LOADER_CHECKS, isCheckId } from './catalog.js';
export type { CheckId, CheckMeta, Severity } from './catalog.js';
export { CONFIG_FILE, excludeFiles } from '../rule-input.js';
export {
  DEFAULT_CONFIG,
  LintConfigError,
  checkIdFrom,
  findLintConfig,
  parseLintConfig,
  readLintConfig,
  withCheckOverrides,
} from './config.js';
export type { LintConfig, Level } from './config.js';
export { lintDocuments } from './run.js';
export type { LintInput, LintOptions } from './run.js';
export { atOrAbove } from './findings.js';
export type { Finding, LintResult } from './findings.js';
export {
  fixableCount,
  formatGithub,
  formatJson,
  formatJsonl,
  formatSarif,
  formatStylish,
  span,
  summaryText,
} from './format.js';
export { applyFixes } from './fixes.js';
export type { Edit } from './findings.js';
export { regexProblems } from './regex.js';
export { evalCondition, hasPositiveTerm, negatedOnly, satisfiability } from '../condition-analysis.js';
