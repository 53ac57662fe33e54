/**
 * @nightjar/ruletools — the tooling around Sigma rules: the linter (`lint`) and the rule tester
 * (`tester`), as used by `nightjar lint` and `nightjar test`. This file is the package's whole public face.
 */
export * as lint from './lint/index.js';
export * as tester from './tester/index.js';
export * as variants from './variants/index.js';
export * as techniques from './techniques/index.js';
export * as catalog from './catalog/index.js';
export { PLAIN, count, safe, shortPath } from './text.js';
export type { Style } from './text.js';
