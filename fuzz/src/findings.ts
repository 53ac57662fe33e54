/**
 * What an oracle reports (a Violation), the findings already known and owned by open work (so a
 * run that trips on one says so and goes on instead of stopping), and the per-run tally.
 */

/** The oracles: each names one promise the product makes about hostile input. */
export type Oracle =
  /** Something threw out of a decoder, engine, loader or linter call that must never throw. */
  | 'crash'
  /** A bad line or rule reported without (or with a wrong) location. */
  | 'unlocated'
  /** A line that vanished: not decoded, skipped or reported. */
  | 'uncounted'
  /** The fast path and the slow reference path disagree. */
  | 'reference'
  /** An event or a rule cost more than its bound. */
  | 'cost'
  /** Object.prototype (or Array/Function.prototype) changed. */
  | 'prototype'
  /** A rule predicate threw inside the engine (counted as a rule error: the event was not matched). */
  | 'rule-error'
  /** A line whose event_type number and payload key disagree, passed without a diagnostic. */
  | 'silent-mismatch'
  /** A counter (events, drops, gaps, evictions) that does not add up with the input. */
  | 'counters';

export interface Violation {
  readonly oracle: Oracle;
  readonly message: string;
}

/**
 * Findings known before this harness existed, each fixed in its own change: a violation that
 * matches one is tallied and reported by its id, and the run goes on. When the fix lands the
 * matcher simply stops matching; the entry can then go.
 */
export interface KnownFinding {
  readonly id: string;
  readonly what: string;
  readonly matches: (v: Violation) => boolean;
}

// Empty: every finding this harness was built with is fixed (fuzz/README.md lists them); a hole
// found later is added here while its fix is open, so a long run reports it once and goes on.
export const KNOWN_FINDINGS: readonly KnownFinding[] = [];

export function knownFinding(v: Violation): KnownFinding | undefined {
  return KNOWN_FINDINGS.find((k) => k.matches(v));
}

/** Counts for one target of one run, printed at the end and written to the report. */
export class Tally {
  /** Inputs tried (lines, rules, pairs). */
  inputs = 0;
  /** fast-check runs (a run is one batch of inputs). */
  runs = 0;
  /** New failures (shrunk and saved), by oracle. */
  readonly failures = new Map<Oracle, number>();
  /** Known findings hit, by id. */
  readonly known = new Map<string, number>();
  /** Largest cost seen (ms) and where. */
  worstMs = 0;
  worstWhat = '';
  readonly seeds: number[] = [];
  readonly saved: string[] = [];
  elapsedMs = 0;

  fail(o: Oracle): void {
    this.failures.set(o, (this.failures.get(o) ?? 0) + 1);
  }
  hitKnown(id: string): void {
    this.known.set(id, (this.known.get(id) ?? 0) + 1);
  }
  cost(ms: number, what: string): void {
    if (ms > this.worstMs) {
      this.worstMs = ms;
      this.worstWhat = what;
    }
  }
  count(o: Oracle): number {
    return this.failures.get(o) ?? 0;
  }
  get totalFailures(): number {
    let n = 0;
    for (const v of this.failures.values()) n += v;
    return n;
  }
}

/** Short, printable form of a long input or message (a 1 MB line must not flood a report). */
export function clip(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/**
 * CPU time (user + system, ms) spent running `f`: what a cost oracle confirms a slow wall-clock
 * reading with, since on a shared machine wall time includes the time the process was not running.
 */
export function cpuMs(f: () => unknown): number {
  const a = process.cpuUsage();
  f();
  const d = process.cpuUsage(a);
  return (d.user + d.system) / 1000;
}

/**
 * The least CPU time of up to `tries` runs of `f`, stopping at the first within `bound`: a cost
 * that repeats is the code's, a single slow run may be a GC pause or another process's cache misses.
 */
export function cpuMsMin(f: () => unknown, bound: number, tries = 3): number {
  let best = Infinity;
  for (let i = 0; i < tries && best > bound; i++) best = Math.min(best, cpuMs(f));
  return best;
}
