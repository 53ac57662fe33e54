import type { World } from './world.js';

/**
 * A trace, described as a script over the simulated Mac. `expect` lists the alerts the shipped
 * ruleset must raise on it, by rule title (resolved to ids when the sidecar is written); a rule not
 * listed must raise nothing.
 */
export interface Scenario {
  /** File base name under fixtures/ (`<name>.jsonl`, or `.jsonl.gz` when gzip is set). */
  readonly name: string;
  /** One paragraph: what happens in the trace and why. */
  readonly description: string;
  readonly seed: number;
  /** RFC 3339 UTC start time. */
  readonly start: string;
  /** ES message version (7: macOS 13.3–14; 8: macOS 15). */
  readonly version?: number;
  readonly gzip?: boolean;
  readonly expect: Readonly<Record<string, number>>;
  build(w: World): void;
}
