import type { Readable, Writable } from 'node:stream';
import { NightjarError } from '@nightjar/core';

/** The streams a command talks to; tests pass their own. Results → stdout, status → stderr. */
export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Lets a long-running command finish cleanly on Ctrl-C (stop reading, flush, print the summary):
   * `handler` runs on the first SIGINT or SIGTERM (with its name); a second one exits at once. Returns an unregister
   * function. Absent (tests, embedders) means no signal handling.
   */
  readonly onInterrupt?: (handler: (signal?: string) => void) => () => void;
  /**
   * Lets a long-running command reload its configuration on request (SIGHUP for the binary):
   * `handler` runs on every request. Returns an unregister function. Absent means no reload signal.
   */
  readonly onReload?: (handler: () => void) => () => void;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A command: parses its own argv (after the command name) and resolves to the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** A usage error: printed with the command's help, exit 2. */
export class UsageError extends Error {
  readonly code = 'NJ_USAGE';
}

/**
 * A fatal input or configuration problem (bad rules, unreadable input, unwritable output): the
 * dispatcher prints the message and its details (one per line) on stderr and exits 2.
 */
export class CliError extends NightjarError {
  /** Extra lines printed after the message (e.g. one per rule diagnostic). */
  readonly details: readonly string[];
  constructor(code: string, message: string, details: readonly string[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.details = details;
  }
}

/** An input that failed while it was being read (NJ_CLI_INPUT, exit 2), with the error as its cause. */
export function inputReadError(err: unknown): CliError {
  return new CliError('NJ_CLI_INPUT', `cannot read input: ${err instanceof Error ? err.message : String(err)}`, [], {
    cause: err,
  });
}
