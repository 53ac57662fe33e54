/**
 * Hot rule reload for `watch`: on SIGHUP (CliIO.onReload) or a change under the rule paths
 * (`--watch-rules`), the rules are loaded again and swapped into the running engine with
 * Engine.reload (lineage, gap state and unchanged correlations' windows kept). A ruleset that does
 * not load is reported and the running rules stay.
 */
import { watch, type FSWatcher } from 'node:fs';
import { type Engine, NightjarError } from '@nightjar/core';
import type { LoadOptions } from '@nightjar/rules';
import { CliError, type LoadedRuleSet, loadRuleSetOrFail } from '../options.js';

export interface ReloadReport {
  /** One line for people (stderr). */
  readonly message: string;
  /** Rule problems, one per line, when the reload failed. */
  readonly details: readonly string[];
  readonly ok: boolean;
}

/** Quiet time after the last file change before reloading (editors write a file in several steps). */
const SETTLE_MS = 300;

export class RuleReloader {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly watchers: FSWatcher[] = [];
  reloads = 0;
  failures = 0;

  constructor(
    private readonly engine: Engine,
    private readonly paths: readonly string[],
    /** The event types the source is subscribed to: rules needing others cannot see their events. */
    private readonly subscribed: readonly string[],
    private readonly report: (r: ReloadReport) => void,
    private readonly loaded: (ruleset: LoadedRuleSet) => void,
    /** How the rules were first loaded (the field mapping), so a reload reads them the same way. */
    private readonly loadOptions: LoadOptions = {},
  ) {}

  /** Reloads now (a reload asked for while one runs is done once more after it). */
  request(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.reloadOnce();
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Reload when a file under the rule paths changes (debounced). */
  watchFiles(): void {
    for (const p of this.paths) {
      try {
        const w = watch(p, { recursive: true }, () => this.changed());
        w.on('error', () => undefined);
        w.unref();
        this.watchers.push(w);
      } catch (err) {
        this.report({
          ok: false,
          message: `cannot watch ${p} for rule changes: ${err instanceof Error ? err.message : String(err)} (SIGHUP still reloads)`,
          details: [],
        });
      }
    }
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
  }

  private changed(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.request(), SETTLE_MS);
    this.timer.unref();
  }

  private async reloadOnce(): Promise<void> {
    let ruleset: LoadedRuleSet;
    try {
      ruleset = await loadRuleSetOrFail([...this.paths], this.loadOptions);
    } catch (err) {
      this.failures++;
      const e = err instanceof CliError ? err : undefined;
      this.report({
        ok: false,
        message: `rules not reloaded, the running rules stay: ${err instanceof Error ? err.message : String(err)}`,
        details: e?.details ?? [],
      });
      return;
    }
    try {
      const r = this.engine.reload(ruleset);
      this.reloads++;
      this.loaded(ruleset);
      const missing = ruleset.requiredEventTypes().filter((t) => !this.subscribed.includes(t));
      const note =
        missing.length > 0
          ? `; the new rules need event types the source is not subscribed to (${missing.join(' ')}): restart watch for them`
          : '';
      this.report({
        ok: true,
        message: `rules reloaded: ${ruleset.rules.length + ruleset.correlations.length} rules; correlation windows kept ${r.kept.length}, reset ${r.reset.length}, removed ${r.removed.length}${note}`,
        details: [],
      });
    } catch (err) {
      // The engine refuses a ruleset it will not run (a correlation it cannot build) before changing anything.
      this.failures++;
      const code = err instanceof NightjarError ? ` [${err.code}]` : '';
      this.report({
        ok: false,
        message: `rules not reloaded, the running rules stay: ${err instanceof Error ? err.message : String(err)}${code}`,
        details: [],
      });
    }
  }
}
