/** Small bookkeeping shared by scan and profile: display names for inputs, and diagnostic counts. */
import path from 'node:path';
import type { Diagnostic } from '@nightjar/core';

/** Maps what the replay source calls an input (absolute path, `-`, `stdin`) back to what the user typed. */
export class InputNames {
  readonly #byAbs = new Map<string, string>();
  readonly #single: string | undefined;
  constructor(given: readonly string[], resolved: readonly string[]) {
    given.forEach((g, i) => {
      const name = g === '-' ? '<stdin>' : g;
      this.#byAbs.set(resolved[i], name);
      this.#byAbs.set(g, name);
      if (g !== '-') this.#byAbs.set(path.basename(resolved[i]), name);
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
}

/**
 * Counts engine diagnostics by kind. The engine's metrics are preferred when they carry the
 * numbers; the codes are the fallback (a gap code mentions GAP, and so on).
 */
export class DiagnosticTally {
  gaps = 0;
  missing = 0;
  restarts = 0;
  late = 0;
  readonly byCode = new Map<string, number>();

  add(d: Diagnostic): void {
    this.byCode.set(d.code, (this.byCode.get(d.code) ?? 0) + 1);
    const c = d.code.toUpperCase();
    if (c.includes('RESTART')) this.restarts++;
    else if (c.includes('GAP')) {
      this.gaps++;
      const m = d.data?.missing;
      if (typeof m === 'number') this.missing += m;
    } else if (c.includes('LATE')) this.late++;
  }

  summary(metrics?: unknown): DiagnosticCounts {
    const m = (metrics ?? {}) as Record<string, unknown>;
    const pick = (keys: string[], fallback: number): number => {
      for (const k of keys) {
        const v = m[k];
        if (typeof v === 'number') return v;
      }
      return fallback;
    };
    return {
      gaps: pick(['gaps'], this.gaps),
      missing: pick(['missing', 'missingEvents'], this.missing),
      restarts: pick(['restarts'], this.restarts),
      late: pick(['late', 'lateEvents'], this.late),
    };
  }
}
