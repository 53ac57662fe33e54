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

/** The summary's counters from the engine's metrics. */
export function countsFromMetrics(m: EngineMetrics): DiagnosticCounts {
  return {
    gaps: m.gaps.gaps,
    missing: m.gaps.missing,
    restarts: m.gaps.restarts,
    late: m.lateEvents,
    evicted: m.evictedGroups,
    ruleErrors: m.ruleErrors,
  };
}
