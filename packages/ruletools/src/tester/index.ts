/** The rule tester (`nightjar test`), exported for reuse: the brief-event expander, the runner, the formatters. */
export { BriefEventError, DEFAULT_START_US, defaultProcess, expandBriefEvents, parseOffsetUs } from './brief.js';
export type { ExpandOptions } from './brief.js';
export { FixtureError, eventsFromBrief, readFixture } from './fixtures.js';
export { parseTestSpecs, rawTests } from './specs.js';
export type { SpecProblem } from './specs.js';
export { runRuleTests } from './run.js';
export type { RunTestsOptions } from './run.js';
export { explainCorrelation, explainDetection } from './explain.js';
export { formatJson, formatJunit, formatPretty, summaryLine } from './format.js';
export type * from './types.js';
