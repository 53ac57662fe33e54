/** @nightjar/fixturegen — deterministic eslogger-shaped traces for Nightjar's fixtures (private). */
export { World, isoNs, ROOT, USER } from './world.js';
export type { Proc, ProcOptions, ExecOptions, WorldOptions } from './world.js';
export { Rng, hash32, cdhashOf } from './prng.js';
export { EVENT_TYPES, CS, FDTYPE, FFLAG, FCNTL, PROC_CHECK, signingFor } from './es.js';
export type { Signing } from './es.js';
export type { Scenario } from './scenario.js';
export { renderScenario, indexRules, expectedFor } from './render.js';
export type { ExpectedAlerts, RuleRef } from './render.js';
export { SCENARIOS } from './scenarios/index.js';
export { rulesTable } from './ruletable.js';
export { renderAtomic, atomicSlug, ATOMICS_FOLDER } from './atomics/atomic.js';
export type { Atomic } from './atomics/atomic.js';
export { readCorpus, readExpected, renderAtomicFiles, expectedForAtomic } from './atomics/fixtures.js';
export type { AtomicExpected, SigmaData, SigmaRef } from './atomics/fixtures.js';
export { coverageMarkdown } from './atomics/coverage.js';
export { ATOMIC_EXPECT } from './atomics/classification.js';
export type { AtomicExpectation } from './atomics/classification.js';
export { parse as parseShell, tokenize as tokenizeShell, ShellSyntaxError } from './atomics/shell.js';
