/**
 * @nightjar/cli — the `nightjar` command, and its pieces for programs that embed them (editors,
 * CI scripts): the rule tester and the rule linter. This file is the package's whole public face.
 */
export { main, HELP } from './main.js';
export { EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, UsageError, CliError } from './io.js';
export type { CliIO, Command } from './io.js';
export { lint, tester } from '@nightjar/ruletools';
