/** The rule linter (`nightjar lint`), exported for reuse (editors, CI scripts). */
export { CHECKS, CHECKS_BY_ID, LOADER_CHECKS, isCheckId } from './catalog.js';
export type { CheckId, CheckMeta, Severity } from './catalog.js';
export { CONFIG_FILE } from '../rule-input.js';
export { DEFAULT_CONFIG, LintConfigError, findLintConfig, parseLintConfig, readLintConfig } from './config.js';
export type { LintConfig, Level } from './config.js';
export { lintDocuments } from './run.js';
export type { LintInput } from './run.js';
export { atOrAbove } from './findings.js';
export type { Finding, LintResult } from './findings.js';
export { formatGithub, formatJson, formatSarif, formatStylish, summaryText } from './format.js';
export { regexProblems } from './regex.js';
export { evalCondition, hasPositiveTerm, negatedOnly, satisfiability } from '../condition-analysis.js';
