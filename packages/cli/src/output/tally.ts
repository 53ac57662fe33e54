/** Small bookkeeping shared by scan and profile: display names for inputs, and diagnostic counts. */
import type { EngineMetrics } from '@nightjar/core';

/** Maps what the replay source calls an input (absolute path, `-`, `stdin`) back to what the user typed. */
export class InputNames {
  readonly #byAbs = new Map<string, string>();
  readonly #single: string | undefined;
  constructor(given: readonly string[], resolved: readonly string[]) {
    given.forEach((g, i) => {
      const name = g === '-' ? '<stdin>' : g;
      // `resolved` is `given` resolved one for one, so it has an entry at every index of `given`.
      this.#byAbs.set(resolved[i]!, name);
      this.#byAbs.set(g, name);
    });
    this.#byAbs.set('stdin', '<stdin>');
    this.#byAbs.set('-', '<stdin>');
    this.#single = given.length === 1 ? (given[0] === '-' ? '<stdin>' : given[0]) : undefined;
  }
  display(source: string | undefined): string {
    if (source === undefined || source === '') return this.#single ?? '<input>';
    return this.#byAbs.get(source) ?? source;
  }
}

export interface DiagnosticCounts {
  readonly gaps: number;
  readonly missing?: number;
  readonly restarts: number;
  readonly late: number;
  readonly evicted: number;
  readonly ruleErrors: number;
}

/**
 * Events missing, counted once. With global_seq_num (message version 4+), every lost message is a
 * global gap, and the per-type gaps describe the same messages again: the global count is the
 * total, per-type counts are detail. Without it, the per-type gaps are all there is.
 */
export function missingEvents(m: EngineMetrics): number {
  return m.gaps.global.gaps > 0 ? m.gaps.global.missing : m.gaps.missing;
}

/** The summary's counters from the engine's metrics. */
export function countsFromMetrics(m: EngineMetrics): DiagnosticCounts {
  return {
    gaps: m.gaps.gaps,
    missing: missingEvents(m),
    restarts: m.gaps.restarts,
    late: m.lateEvents,
    evicted: m.evictedGroups,
    ruleErrors: m.ruleErrors,
  };
}
