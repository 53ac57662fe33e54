import { DecodeError, type Diagnostic, type NightjarEvent } from '@nightjar/core';
import { SOURCE_ERROR_CODES, SourceError, SourceStartError } from '../errors.js';
import { DiagnosticLog, emptyStats, type EventBatch, type EventSource, type SourceStats } from '../source.js';
import { BoundedQueue } from './queue.js';

/** What a backend lost on its own side, cumulative since it started; polled by the loop. */
export interface BackendLosses {
  /** Events the backend dropped itself (its own full buffer). */
  drops?: number | undefined;
  /** Kernel-side overflows of unknown size (Linux fanotify without an unlimited queue, netlink ENOBUFS). */
  kernelOverflows?: number | undefined;
  /** Events the kernel dropped, measured (Linux proc connector sequence numbers); already in the global sequence gaps. */
  kernelLost?: number | undefined;
  /** Set when the backend stopped on its own (its thread died): the source ends with this error. */
  error?: string | undefined;
}

export interface LiveLoopOptions {
  /** `kind` of the resulting source: `eslogger`, `linux`, `es`. */
  kind: string;
  /** Source name on diagnostics and errors. */
  source: string;
  /** Maximum events + errors per batch (default 1024). */
  batchSize?: number | undefined;
  /** Queue capacity in events (default 65 536); beyond it events are dropped and counted. */
  queueCapacity?: number | undefined;
  /**
   * Queue capacity in bytes of the lines its events were decoded from (default 64 MiB; an event
   * holds a few times its line in memory); beyond it events are dropped and counted like the rest.
   */
  queueBytes?: number | undefined;
  /** The backend's own loss counters (none: only the queue's drops); polled on every batch and every `pollMs` while idle. */
  losses?: (() => BackendLosses) | undefined;
  /** Idle poll period of `losses` (default 1000 ms). */
  pollMs?: number | undefined;
  /** Stops the backend (called once: on stop(), on `break` out of the iteration, or when the source fails). */
  stopBackend: () => void | Promise<void>;
}

type Item = NightjarEvent | DecodeError;

/** Decodes one line of a native JSON batch: its text, its number in the stream, its index in the batch. */
export type LineDecoder = (line: string, lineNo: number, index: number) => Item;

/** The lines of one native JSON batch, queued as text and decoded when the consumer takes them. */
class LineBatch {
  /** Where the next undecoded line starts, its index in the batch, and the lines left. */
  at = 0;
  index = 0;
  constructor(
    readonly text: string,
    readonly firstLine: number,
    public left: number,
    readonly decode: LineDecoder,
  ) {}
}

/** Default byte bound of the JS queue: 64 MiB of lines. */
export const DEFAULT_QUEUE_BYTES = 64 * 1024 * 1024;
/** What an event handed over as an object (not a line) counts against the byte bound. */
export const OBJECT_EVENT_BYTES = 1024;

/** Longest run of the consumer loop without a turn of the event loop. */
const YIELD_MS = 50;

/**
 * The one loop every live backend plugs into. The backend pushes decoded items (`push`) from its
 * callbacks, reports diagnostics (`diag`) and fatal errors (`fail`); the loop hands them out as
 * batches through a bounded queue, counts and reports losses (queue drops, the backend's own drops
 * and kernel overflows) the same way for every backend, ends the iteration with the error of a
 * backend that failed or died, and stops the backend when the consumer breaks out of `for await`.
 */
export class LiveLoop {
  readonly stats: SourceStats = emptyStats();
  readonly log = new DiagnosticLog();
  readonly failures: SourceError[] = [];
  readonly queue: BoundedQueue<Item | LineBatch>;
  private readonly batchSize: number;
  private stopped = false;
  private iterated = false;
  private reported = { queueDrops: 0, drops: 0, kernelOverflows: 0, kernelLost: 0 };
  private lastCheck = Date.now();
  private readonly poll: NodeJS.Timeout;
  private stopping: Promise<void> | undefined;
  /** A batch of lines taken but not all handed out yet (it held more than one batch's room). */
  private partial: LineBatch | undefined;

  constructor(private readonly opts: LiveLoopOptions) {
    this.batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1024));
    this.queue = new BoundedQueue<Item | LineBatch>(
      Math.max(1, Math.floor(opts.queueCapacity ?? 65_536)),
      Math.max(1, Math.floor(opts.queueBytes ?? DEFAULT_QUEUE_BYTES)),
    );
    // Losses are polled even when no event arrives (a stalled backend still reports its drops,
    // a dead one its error), for every backend alike.
    this.poll = setInterval(() => {
      this.checkLosses();
      this.queue.wake();
    }, opts.pollMs ?? 1000);
    this.poll.unref();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * A decoded event or a line that failed to decode, from the backend; `bytes` is the length of the
   * line it came from (backends that hand over objects pass an estimate).
   */
  push(item: Item, bytes = 0): void {
    if (item instanceof DecodeError) this.stats.malformed++;
    else this.stats.events++;
    this.queue.push(item, bytes);
  }

  /**
   * A native backend's batch of eslogger JSON lines (each ending in a newline), queued as it is and
   * decoded by the consumer when it takes it. Decoding in the native callback starved the consumer:
   * Node runs the queued native calls back to back (up to 1,000 per turn of the event loop), so a
   * backend faster than the consumer filled the queue with decoded events while the consumer waited
   * for its turn, and the queue dropped them. Text waits in a fraction of the memory, and the
   * callback costs a newline count.
   */
  pushLines(text: string, decode: LineDecoder): void {
    let count = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
    if (text.length > 0 && text.charCodeAt(text.length - 1) !== 10) count++;
    if (count === 0) return;
    const first = this.stats.lines + 1;
    this.stats.lines += count;
    this.stats.bytesRead += text.length;
    this.queue.push(new LineBatch(text, first, count, decode), text.length, count);
  }

  /** A diagnostic for the next batch (wakes an idle consumer). */
  diag(d: Diagnostic): void {
    this.log.add(d);
    this.queue.wake();
  }

  /** The backend cannot go on: recorded, reported, and thrown from the iteration once the queue is drained. */
  fail(err: SourceError): void {
    if (this.stopped) return;
    this.failures.push(err);
    this.diag({ code: err.code, severity: 'error', message: err.message, source: this.opts.source });
    this.queue.close(err);
    void this.stop();
  }

  /** The backend ended normally: the iteration ends once the queue is drained. */
  end(): void {
    this.queue.close();
  }

  /** Compares the loss counters with what was reported; reports the difference as one diagnostic each. */
  checkLosses(): void {
    const b = this.opts.losses?.() ?? {};
    const { source } = this.opts;
    const kernel = b.kernelOverflows ?? 0;
    const kernelLost = b.kernelLost ?? 0;
    const now = Date.now();
    // The kernel said only "overflow" (or we measured the count): report the time window and a
    // count that is never smaller than what was lost.
    if (kernel > this.reported.kernelOverflows || kernelLost > this.reported.kernelLost) {
      const measured = kernelLost - this.reported.kernelLost;
      const overflows = kernel - this.reported.kernelOverflows;
      const from = new Date(this.lastCheck).toISOString();
      const to = new Date(now).toISOString();
      this.log.add({
        code: 'NJ_SOURCE_KERNEL_OVERFLOW',
        severity: 'warning',
        message:
          measured > 0
            ? `${source}: the kernel dropped ${measured} events between ${from} and ${to} (counted by its sequence numbers; at most that many were events we would have reported)` +
              (overflows > measured ? `, in ${overflows} overflows` : '')
            : `${source}: the kernel queue overflowed ${overflows} time(s) between ${from} and ${to}: at least ${overflows} events lost, how many more is unknown`,
        source,
        data: { overflows: kernel, lost: kernelLost, atLeast: Math.max(measured, overflows), from, to },
      });
    }
    this.stats.kernelOverflows = kernel;
    this.stats.kernelLost = kernelLost;
    this.lastCheck = now;
    const native = b.drops ?? 0;
    const queued = this.queue.drops;
    const n = native - this.reported.drops + queued - this.reported.queueDrops;
    if (n > 0) {
      this.log.add({
        code: 'NJ_SOURCE_QUEUE_DROPS',
        severity: 'warning',
        message: `${source}: dropped ${n} events (total ${native + queued}) because the consumer is behind (queue of ${this.queue.capacity} events or ${formatMiB(this.queue.maxBytes)} of lines)`,
        source,
        data: {
          dropped: n,
          total: native + queued,
          backend: native,
          queue: queued,
          queueBytesFull: this.queue.byteDrops,
          capacity: this.queue.capacity,
          capacityBytes: this.queue.maxBytes,
        },
      });
    }
    this.reported = { queueDrops: queued, drops: native, kernelOverflows: kernel, kernelLost };
    this.stats.drops = native + queued;
    if (b.error !== undefined && !this.queue.closed) {
      this.fail(new SourceStartError(SOURCE_ERROR_CODES.failed, source, `${source}: the backend stopped: ${b.error}`));
    }
  }

  /** Stops the backend once; the iteration ends after the batch in hand. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopped = true;
      clearInterval(this.poll);
      this.stopping = (async () => {
        try {
          await this.opts.stopBackend();
        } finally {
          this.queue.close();
        }
      })();
    }
    return this.stopping;
  }

  private async *run(): AsyncGenerator<EventBatch> {
    // While the queue holds items, take() resolves at once and the whole drain runs as one chain of
    // microtasks: timers (the status line, --duration) and the native hand-off would wait for it.
    // Every YIELD_MS the loop steps out to the event loop once.
    let turn = performance.now();
    try {
      for (;;) {
        if (performance.now() - turn >= YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          turn = performance.now();
        }
        const events: NightjarEvent[] = [];
        const errors: DecodeError[] = [];
        let room = this.batchSize;
        if (this.partial !== undefined) room -= this.decodeLines(this.partial, room, events, errors);
        // With events in hand, take only what is there: waiting would hold them back.
        const items = room > 0 && (room === this.batchSize || this.queue.size > 0) ? await this.queue.take(room) : [];
        for (const it of items) {
          if (it instanceof LineBatch) {
            room -= this.decodeLines(it, room, events, errors);
            continue;
          }
          room--;
          if (it instanceof DecodeError) errors.push(it);
          else events.push(it);
        }
        this.checkLosses();
        this.stats.queueDepth = this.queue.size + (this.partial?.left ?? 0);
        this.stats.queueBytes = this.queue.bytes;
        const diagnostics = this.log.take();
        if (events.length === 0 && errors.length === 0 && diagnostics === undefined) {
          if (this.queue.closed && this.queue.size === 0 && this.partial === undefined) break;
          continue;
        }
        this.stats.batches++;
        yield diagnostics === undefined ? { events, errors } : { events, errors, diagnostics };
      }
      if (this.queue.error !== undefined) throw this.queue.error;
    } finally {
      // `break` / return out of `for await`, or the end: the backend stops either way.
      await this.stop();
    }
  }

  /**
   * Decodes up to `room` lines of `b` (at least one) into `events`/`errors`; returns how many. A
   * batch with lines left is kept for the next round, so no round hands out more than batchSize.
   */
  private decodeLines(b: LineBatch, room: number, events: NightjarEvent[], errors: DecodeError[]): number {
    const text = b.text;
    const n = Math.min(b.left, Math.max(1, room));
    let at = b.at;
    for (let k = 0; k < n; k++) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      const it = b.decode(text.slice(at, end), b.firstLine + b.index, b.index);
      b.index++;
      if (it instanceof DecodeError) {
        this.stats.malformed++;
        errors.push(it);
      } else {
        this.stats.events++;
        events.push(it);
      }
      at = end + 1;
    }
    b.at = at;
    b.left -= n;
    this.partial = b.left > 0 ? b : undefined;
    return n;
  }

  /** The EventSource over this loop; `extra` adds backend methods (backfill). */
  source<X extends object>(extra: X): EventSource & X {
    return {
      ...extra,
      kind: this.opts.kind,
      [Symbol.asyncIterator]: () => {
        if (this.iterated)
          throw new SourceError(SOURCE_ERROR_CODES.badOptions, this.opts.source, 'a source can be iterated only once');
        this.iterated = true;
        return this.run();
      },
      stats: () => ({
        ...this.stats,
        queueDepth: this.queue.size,
        queueBytes: this.queue.bytes,
        drops: Math.max(this.stats.drops, this.queue.drops),
      }),
      diagnostics: () => this.log.list(),
      failures: () => this.failures,
      stop: () => this.stop(),
    };
  }
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
}
