/** ATT&CK coverage of a ruleset (`nightjar techniques`): collected from tags, as a table, JSON or a Navigator layer. */
export { TACTICS, collectTechniques, tacticOf, techniqueOf } from './collect.js';
export type { CoverageRule, TechniqueCoverage, TechniquesReport } from './collect.js';
export { ATTACK_VERSION, LAYER_FORMAT, NAVIGATOR_VERSION, navigatorLayer } from './navigator.js';
export type { NavigatorOptions } from './navigator.js';
export { formatTechniquesJson, formatTechniquesTable } from './format.js';
