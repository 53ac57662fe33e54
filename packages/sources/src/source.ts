import type { DecodeError, Diagnostic, NightjarEvent } from '@nightjar/core';
import type { SourceError } from './errors.js';

/** One hand-off from a source: events in source order, and the lines that failed to decode. */
export interface EventBatch {
  readonly events: NightjarEvent[];
  /** Lines that could not be decoded, each with its source, line number and byte offset. */
  readonly errors: DecodeError[];
  /** Diagnostics raised since the previous batch (gaps, restarts, unreadable inputs, drops); may be absent. */
  readonly diagnostics?: Diagnostic[] | undefined;
}

/** Counters of a source. All are cumulative since the source was opened. */
export interface SourceStats {
  /** Bytes consumed from the inputs (compressed bytes for gzip files; bytes of output for a live source). */
  bytesRead: number;
  /** Total input bytes when known in advance (all inputs are regular files), for progress bars. */
  totalBytes: number | undefined;
  /** Lines (or native messages) seen, including malformed ones and blank lines. */
  lines: number;
  /** Events handed out (fully decoded plus header-only `skipped` ones). */
  events: number;
  /** Of `events`, those not fully decoded because no subscribed type needs them. */
  skipped: number;
  /** Lines that produced a DecodeError. */
  malformed: number;
  /** Batches handed out. */
  batches: number;
  /** Events waiting in the source's queue (0 for pull-based replay). */
  queueDepth: number;
  /** Bytes (of the lines they came from) of the events waiting in the queue (0 for replay). */
  queueBytes: number;
  /** Events dropped because the bounded queue was full (never silent: also a diagnostic). */
  drops: number;
  /** Live sources: times the underlying producer was restarted. */
  restarts: number;
  /**
   * Live sources: events the kernel dropped, as measured (Linux: the proc connector's per-CPU
   * sequence numbers; an upper bound, it may count messages that would not have become events).
   */
  kernelLost: number;
  /**
   * Live sources: kernel queue overflows whose size is unknown (each lost at least one event; the
   * sequence numbers show one). Non-zero means the loss totals are lower bounds.
   */
  kernelOverflows: number;
}

/**
 * Every event source: iterate it for batches; `stop()` ends the iteration cleanly (the loop
 * finishes after the batch in hand). A source can be iterated once.
 */
export interface EventSource extends AsyncIterable<EventBatch> {
  /** Source kind: `replay`, `eslogger`, `linux`, `es`. */
  readonly kind: string;
  stats(): SourceStats;
  /** Every diagnostic raised so far (bounded: the oldest are dropped past 10 000, not kept). */
  diagnostics(): readonly Diagnostic[];
  /**
   * Errors that made (part of) an input or the source unusable: an unreadable file, a truncated
   * gzip, a live source that could not start. Replay goes on with the next input; a CLI exits 2.
   */
  failures(): readonly SourceError[];
  stop(): Promise<void>;
}

export function emptyStats(): SourceStats {
  return {
    bytesRead: 0,
    totalBytes: undefined,
    lines: 0,
    events: 0,
    skipped: 0,
    malformed: 0,
    batches: 0,
    queueDepth: 0,
    queueBytes: 0,
    drops: 0,
    restarts: 0,
    kernelLost: 0,
    kernelOverflows: 0,
  };
}

/** Bounded diagnostic log shared by the sources. */
export class DiagnosticLog {
  private readonly all: Diagnostic[] = [];
  private pending: Diagnostic[] = [];
  dropped = 0;
  constructor(private readonly cap = 10_000) {}
  add(d: Diagnostic): void {
    if (this.all.length >= this.cap) {
      this.all.shift();
      this.dropped++;
    }
    this.all.push(d);
    this.pending.push(d);
  }
  /** Diagnostics since the last call (for the next batch), or undefined when none. */
  take(): Diagnostic[] | undefined {
    if (this.pending.length === 0) return undefined;
    const p = this.pending;
    this.pending = [];
    return p;
  }
  list(): readonly Diagnostic[] {
    return this.all;
  }
}
