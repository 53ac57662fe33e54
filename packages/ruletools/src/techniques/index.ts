/** ATT&CK coverage of a ruleset (`nightjar techniques`): the matrix, the Navigator layer, the formatters. */
export { NO_TACTIC, TACTICS, coverageMatrix, tacticOf, techniqueOf } from './coverage.js';
export type { CoverageMatrix, RuleRef, Tactic, TechniqueCoverage } from './coverage.js';
export { navigatorLayer } from './navigator.js';
export type { NavigatorLayer } from './navigator.js';
export { formatJson, formatNavigator, formatTable, summaryLine } from './format.js';
