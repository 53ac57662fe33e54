/** The rule linter (`nightjar lint`), exported for reuse (editors, CI scripts). */
export { CHECKS, CHECKS_BY_ID } from './checks.js';
export type { CheckMeta, Severity } from './checks.js';
export { CONFIG_FILE, DEFAULT_CONFIG, LintConfigError, findLintConfig, parseLintConfig, readLintConfig } from './config.js';
export type { LintConfig, Level } from './config.js';
export { atOrAbove, lintDocuments } from './run.js';
export type { Finding, LintInput, LintResult } from './run.js';
export { formatGithub, formatJson, formatSarif, formatStylish, summaryText } from './format.js';
export { regexProblems } from './regex.js';
export { evalCondition, hasPositiveTerm, negatedOnly, satisfiability } from '../condition-analysis.js';
