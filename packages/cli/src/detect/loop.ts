/**
 * The one read-and-detect loop behind `scan`, `watch` and `profile`: batches from a source (replay or
 * live), bad lines and source diagnostics to their reporters, events to the engine (or, for
 * `profile`, to a collector), alerts counted per rule and written, engine diagnostics drained after
 * every batch, and the engine flushed at the end. A replay's read failure becomes exit 2 through
 * readInterruptibly(); a live source reports why it stopped (watch).
 */
import type { Alert, Diagnostic, Engine, NightjarEvent } from '@nightjar/core';
import { CliError, type CliIO, inputReadError } from '../io.js';
import type { OutputSink } from '../options.js';
import type { AlertWriter } from '../output/alerts.js';
import type { LineProblem } from '../output/problems.js';
import type { ProgressBar } from '../output/progress.js';
import type { RuleCount } from '../output/summary.js';

/** What the loop needs of a source batch (replay and live sources both yield this shape). */
export interface SourceBatch {
  readonly events: readonly NightjarEvent[];
  readonly errors: readonly LineProblem[];
  readonly diagnostics?: readonly Diagnostic[] | undefined;
}

export interface ReadHooks {
  /** A line that could not be read as an event. */
  problem(p: LineProblem): void;
  /** A diagnostic from the source (or the engine, through {@link Detector}). */
  diagnostic?(d: Diagnostic): void;
  /** The events of one batch, in order. */
  events(list: readonly NightjarEvent[]): void | Promise<void>;
  /** After each batch (progress bars). */
  batchDone?: (() => void) | undefined;
}

/** Reads `source` to its end, or until it stops; errors from the source propagate to the caller. */
export async function readAll(source: AsyncIterable<SourceBatch>, hooks: ReadHooks): Promise<void> {
  for await (const batch of source) {
    for (const e of batch.errors) hooks.problem(e);
    if (batch.diagnostics && hooks.diagnostic) for (const d of batch.diagnostics) hooks.diagnostic(d);
    await hooks.events(batch.events);
    hooks.batchDone?.();
  }
}

/** How a read ended: `fatal` when the input failed mid-way (exit 2), `interrupted` after Ctrl-C. */
export interface ReadEnd {
  fatal: CliError | undefined;
  interrupted: boolean;
}

/**
 * Runs `read` over `source` with Ctrl-C wired to stop it (and to close stdin when it is read: stop()
 * takes effect between reads, and a pipe waiting for data must be closed as well). A CliError from
 * `read` stops the source and propagates. Any other error is the input failing mid-way: it comes back
 * as `fatal`, and what was found is kept; after Ctrl-C it is the interrupt (closing stdin may end the
 * read with an error), not a failure.
 */
export async function readInterruptibly(
  source: { stop(): Promise<void> },
  readsStdin: boolean,
  io: CliIO,
  read: () => Promise<void>,
): Promise<ReadEnd> {
  const end: ReadEnd = { fatal: undefined, interrupted: false };
  const unregister = io.onInterrupt?.(() => {
    end.interrupted = true;
    void source.stop();
    if (readsStdin) io.stdin.destroy();
  });
  try {
    await read();
  } catch (err) {
    if (err instanceof CliError) {
      await source.stop();
      throw err;
    }
    if (!end.interrupted) end.fatal = inputReadError(err);
  } finally {
    unregister?.();
  }
  return end;
}

export interface AlertOutput {
  readonly sink: OutputSink;
  readonly writer: AlertWriter;
  /** Called before each alert is written (to erase a progress bar on the same terminal). */
  readonly beforeWrite?: (() => void) | undefined;
}

/** Pushes events into the engine, writes and counts its alerts, passes on its diagnostics. */
export class Detector {
  alerts = 0;
  private readonly counts = new Map<string, RuleCount>();
  /** Alerts per host (null: events that named no host), in first-seen order. */
  readonly byHost = new Map<string | null, number>();

  constructor(
    readonly engine: Engine,
    private readonly out: AlertOutput,
    private readonly diagnostic: (d: Diagnostic) => void,
  ) {}

  /** Alerts per rule, in first-seen order. */
  get byRule(): RuleCount[] {
    return [...this.counts.values()];
  }

  /** One batch: every event through the engine (alerts written as they come), then the engine's diagnostics. */
  async push(events: readonly NightjarEvent[]): Promise<void> {
    const engine = this.engine;
    for (const ev of events) {
      const out = engine.push(ev);
      if (out.length > 0) await this.emit(out);
    }
    this.drain();
  }

  /** End of input: the alerts the engine still holds (open correlation windows), then its last diagnostics. */
  async finish(): Promise<void> {
    await this.emit(this.engine.flush());
    this.drain();
  }

  /** Writes and counts alerts (the engine's, or those a threaded scan's workers raised), in order. */
  async emit(list: readonly Alert[]): Promise<void> {
    for (const a of list) {
      this.alerts++;
      let rc = this.counts.get(a.rule.id);
      if (!rc) this.counts.set(a.rule.id, (rc = { id: a.rule.id, title: a.rule.title, level: a.rule.level, count: 0 }));
      rc.count++;
      this.byHost.set(a.host, (this.byHost.get(a.host) ?? 0) + 1);
      this.out.beforeWrite?.();
      await this.out.sink.write(this.out.writer.alert(a));
    }
  }

  private drain(): void {
    for (const d of this.engine.drainDiagnostics()) this.diagnostic(d);
  }
}

/** Reports warnings and errors; `info` diagnostics (e.g. a rule-set summary) are counted nowhere. */
export function reportDiagnostics(report: (d: Diagnostic) => void): (d: Diagnostic) => void {
  return (d) => {
    if (d.severity !== 'info') report(d);
  };
}

/** A `batchDone` hook that moves a progress bar by the bytes read (files only: their size is known). */
export function progressHook(
  source: { stats(): { bytesRead: number; totalBytes?: number | undefined; events: number } },
  progress: ProgressBar | undefined,
): (() => void) | undefined {
  if (progress === undefined) return undefined;
  return () => {
    const st = source.stats();
    if (st.totalBytes !== undefined)
      progress.update({ bytesRead: st.bytesRead, totalBytes: st.totalBytes, events: st.events });
  };
}
