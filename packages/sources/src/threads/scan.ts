/**
 * The threaded scan: recorded inputs read and split on this thread, each line routed by its host to
 * one of N worker threads, where it is decoded and run through that worker's engine; the results
 * come back in input order. A host's lines all go to one worker, in order, and the engine keeps
 * every host's state apart, so the alerts are the single-threaded scan's alerts, in the same order.
 * A capture of one host runs on one worker (this thread still reads and splits for it).
 */
import { Worker } from 'node:worker_threads';
import { type Alert, DecodeError, type Diagnostic, type EngineMetrics, type EngineOptions } from '@nightjar/core';
import { type InputError, SOURCE_ERROR_CODES, SourceError } from '../errors.js';
import { ByteLineSplitter, DEFAULT_MAX_LINE_BYTES } from '../lines.js';
import { emptyStats, type SourceStats } from '../source.js';
import { type Input, type InputReadOptions, inputBytes, openInput, readFailure, totalBytes } from '../replay/inputs.js';
import { HostRouter, hostOfLine } from './route.js';
import { type FromWorker, type RulesFactory, type ToWorker, type WorkerInit } from './protocol.js';

export type { RulesFactory } from './protocol.js';

export interface ThreadedScanOptions {
  /** Worker threads (≥ 1). */
  threads: number;
  /** How each worker builds the ruleset: every worker loads its own (compiled rules are closures). */
  rules: RulesFactory;
  /** When given, every worker's ruleset must have this fingerprint (core's `rulesetFingerprint`). */
  fingerprint?: string | undefined;
  /** Options of each worker's engine (plain data). */
  engine?: EngineOptions | undefined;
  /** The stream read for the input `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream | undefined;
  /** Decode every line fully (see ReplayOptions.strict). */
  strict?: boolean | undefined;
  /** Lines longer than this are reported and skipped (default 64 MiB). */
  maxLineBytes?: number | undefined;
  /** The host every input comes from (then all lines go to one worker). */
  host?: string | undefined;
  /** Read chunk size in bytes (default 1 MiB): one batch per worker per chunk. */
  chunkSize?: number | undefined;
}

/** What one step of the scan produced, in input order. */
export interface ScanBatch {
  readonly alerts: Alert[];
  /** Lines that could not be decoded, each with its source, line number and byte offset. */
  readonly errors: DecodeError[];
  /** Engine and source diagnostics (gaps, unreadable inputs, …). */
  readonly diagnostics: Diagnostic[];
}

export interface ThreadedScan extends AsyncIterable<ScanBatch> {
  /** Counters as the replay source keeps them (events, skipped and malformed as the workers report them). */
  stats(): SourceStats;
  /** Inputs that could not be read (whole or in part); the scan went on with the next. */
  failures(): readonly SourceError[];
  /** The engines' metrics summed over the workers; available once the iteration has ended. */
  metrics(): EngineMetrics | undefined;
  /** Ends the reading; the iteration then finishes the lines in flight and the end-of-input alerts. */
  stop(): Promise<void>;
}

/** Rounds (one chunk each) sent to the workers before the reader waits for the oldest. */
const MAX_IN_FLIGHT = 4;

/** One worker and the replies it owes, in order (a worker answers every message once, in order). */
class WorkerLink {
  readonly worker: Worker;
  private readonly waiting: Array<{ ok: (m: FromWorker) => void; fail: (e: Error) => void }> = [];
  private failure: Error | undefined;
  private closing = false;

  constructor(init: WorkerInit) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (m: FromWorker) => this.waiting.shift()?.ok(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`worker ${init.index} exited (code ${code})`));
    });
  }

  /** The next reply (the first one is the worker's ready or failed message). */
  reply(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((ok, fail) => this.waiting.push({ ok, fail }));
  }

  send(m: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    const r = this.reply();
    if (!this.failure) this.worker.postMessage(m, transfer);
    return r;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.fail(e);
  }
}

/**
 * One worker's pending batch: per line META_STRIDE numbers, and the bytes of lines that straddled
 * two chunks (the others stay in the round's shared chunk: no per-line copy).
 */
interface Pending {
  extra: Buffer | null;
  used: number;
  meta: number[];
}

function newPending(): Pending {
  return { extra: null, used: 0, meta: [] };
}

/**
 * The chunks' shared memory, reused: a buffer goes back to the pool once every worker sent a round
 * from it has answered (a worker reads its lines into strings before it answers). A new
 * SharedArrayBuffer per 1 MiB chunk cost ~2.7 ms in page faults, against ~0.06 ms to copy into a
 * reused one: most of this thread's time, on the thread every worker waits for.
 */
class SharedChunks {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  take(bytes: number): SharedArrayBuffer {
    for (let i = 0; i < this.free.length; i++) {
      const s = this.free[i]!;
      if (s.byteLength >= bytes) {
        this.free.splice(i, 1);
        return s;
      }
    }
    return new SharedArrayBuffer(Math.max(bytes, this.size));
  }

  give(s: SharedArrayBuffer): void {
    if (this.free.length < this.keep) this.free.push(s);
  }
}

/**
 * Scans recorded eslogger JSON lines (files, plain or gzip, or `-`) on `threads` worker threads.
 * Each input's lines keep their own line numbers and byte offsets, as with `openReplay`.
 */
export function openThreadedScan(inputs: string[], opts: ThreadedScanOptions): ThreadedScan {
  const threads = Math.floor(opts.threads);
  if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string'))
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'threads',
      'openThreadedScan: inputs must be an array of paths',
    );
  if (!(threads >= 1 && threads <= 256))
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'threads',
      `openThreadedScan: threads must be 1 to 256, got ${String(opts.threads)}`,
    );
  const chunkSize = Math.max(4096, Math.floor(opts.chunkSize ?? 1 << 20));
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const names = inputs.map((i) => (i === '-' ? 'stdin' : i));
  const stats = emptyStats();
  const failures: SourceError[] = [];
  let current: { destroy(): void } | null = null;
  let stopped = false;
  let iterated = false;
  let merged: EngineMetrics | undefined;
  const inputOpts: InputReadOptions = { chunkSize, stdin: opts.stdin, stats, setCurrent: (c) => (current = c) };

  async function* run(): AsyncGenerator<ScanBatch> {
    stats.totalBytes = await totalBytes(inputs);
    const links: WorkerLink[] = [];
    try {
      for (let index = 0; index < threads; index++)
        links.push(
          new WorkerLink({
            index,
            threads,
            rules: opts.rules,
            engine: opts.engine ?? {},
            sources: names,
            strict: opts.strict === true,
            host: opts.host,
          }),
        );
      // Each worker's first reply says whether its rules loaded. Reading starts meanwhile (its
      // messages wait in the worker's port), so loading the rules overlaps with the first reads.
      const ready = Promise.all(links.map((l) => l.reply()));
      ready.catch(() => undefined);
      let started = false;
      const whenReady = async (): Promise<void> => {
        if (started) return;
        for (const r of await ready) {
          if (r.kind === 'failed')
            throw new SourceError(
              SOURCE_ERROR_CODES.threadFailed,
              'threads',
              `a scan thread could not load the rules: ${r.message}`,
            );
          if (r.kind === 'ready' && r.fleetScoped > 0 && threads > 1)
            throw new SourceError(
              SOURCE_ERROR_CODES.badOptions,
              'threads',
              `the rules hold ${r.fleetScoped} correlation(s) with nightjar.scope: fleet, whose windows span every host: they need one engine over all hosts, so scan them with threads: 1`,
            );
          if (r.kind === 'ready' && opts.fingerprint !== undefined && r.fingerprint !== opts.fingerprint)
            throw new SourceError(
              SOURCE_ERROR_CODES.threadFailed,
              'threads',
              'a scan thread loaded other rules than the caller (did the rule files change during the start?)',
            );
        }
        started = true;
      };
      const next = async (): Promise<ScanBatch> => {
        await whenReady();
        return inFlight.shift()!;
      };

      const router = new HostRouter(threads);
      const pending: Pending[] = links.map(() => newPending());
      // The chunk being split, and its copy in memory every worker can read.
      let chunkBuf: Buffer | null = null;
      let shared: SharedArrayBuffer | null = null;
      let sharedBuf: Buffer | null = null;
      // Rounds in flight hold one chunk each, plus the one being split.
      const chunks = new SharedChunks(chunkSize, MAX_IN_FLIGHT + 2);
      let ord = 0;
      // This thread's own results for the round being built: oversize lines and input failures.
      let localErrors: DecodeError[] = [];
      let localErrorOrds: number[] = [];
      let localDiagnostics: Diagnostic[] = [];
      const inFlight: Array<Promise<ScanBatch>> = [];

      const failInput = (err: InputError): void => {
        failures.push(err);
        localDiagnostics.push({
          code: err.code,
          severity: 'error',
          message: err.message,
          source: err.source,
          ...(err.line ? { line: err.line } : {}),
          data: { offset: err.offset },
        });
      };

      const dispatch = (input: number): void => {
        const sent: Array<Promise<FromWorker>> = [];
        for (let w = 0; w < links.length; w++) {
          const p = pending[w]!;
          if (p.meta.length === 0) continue;
          const meta = Float64Array.from(p.meta);
          const extra = p.extra !== null ? (p.extra.buffer as ArrayBuffer) : null;
          const transfer = [meta.buffer];
          if (extra !== null) transfer.push(extra);
          sent.push(links[w]!.send({ kind: 'lines', input, shared, extra, meta }, transfer));
          pending[w] = newPending();
        }
        const used = shared;
        shared = null;
        sharedBuf = null;
        const own = { errors: localErrors, ords: localErrorOrds, diagnostics: localDiagnostics };
        localErrors = [];
        localErrorOrds = [];
        localDiagnostics = [];
        if (sent.length === 0 && own.errors.length === 0 && own.diagnostics.length === 0) return;
        const round = Promise.all(sent).then((replies) => {
          if (used !== null) chunks.give(used);
          return mergeRound(replies, own);
        });
        // Awaited in order later; a worker that dies fails every round, and only the first is thrown.
        round.catch(() => undefined);
        inFlight.push(round);
      };

      const mergeRound = (
        replies: FromWorker[],
        own: { errors: DecodeError[]; ords: number[]; diagnostics: Diagnostic[] },
      ): ScanBatch => {
        const alertItems: Array<[number, Alert]> = [];
        const errorItems: Array<[number, DecodeError]> = own.errors.map((e, i) => [own.ords[i]!, e]);
        const diagItems: Array<[number, Diagnostic[]]> = [[-1, own.diagnostics]];
        for (const r of replies) {
          if (r.kind !== 'results') continue;
          stats.events += r.events;
          stats.skipped += r.skipped;
          stats.malformed += r.errors.length;
          for (let i = 0; i < r.alerts.length; i++) {
            const a = r.alerts[i]!;
            a.count = r.alertCounts[i]!;
            alertItems.push([r.alertOrds[i]!, a]);
          }
          for (let i = 0; i < r.errors.length; i++) {
            const e = r.errors[i]!;
            errorItems.push([
              r.errorOrds[i]!,
              new DecodeError(e.code, e.message, {
                line: e.line,
                offset: e.offset,
                source: e.source,
                column: e.column,
              }),
            ]);
          }
          if (r.diagnostics.length > 0) diagItems.push([r.lastOrd, r.diagnostics]);
        }
        // Stable sorts: the alerts of one event keep the engine's order.
        alertItems.sort((a, b) => a[0] - b[0]);
        errorItems.sort((a, b) => a[0] - b[0]);
        diagItems.sort((a, b) => a[0] - b[0]);
        stats.batches++;
        return {
          alerts: alertItems.map((x) => x[1]),
          errors: errorItems.map((x) => x[1]),
          diagnostics: diagItems.flatMap((x) => x[1]),
        };
      };

      for (let input = 0; input < inputs.length && !stopped; input++) {
        const name = names[input]!;
        const splitter = new ByteLineSplitter(
          (buf, start, end, lineNo, offset) => {
            const w = router.route(opts.host ?? hostOfLine(buf, start, end));
            const p = pending[w]!;
            if (buf === chunkBuf) {
              if (sharedBuf === null) {
                // One copy per chunk, made once a line of it is routed.
                shared = chunks.take(buf.length);
                sharedBuf = Buffer.from(shared, 0, buf.length);
                buf.copy(sharedBuf);
              }
              p.meta.push(start, end, lineNo, offset, ord++, 0);
              return;
            }
            // A line joined from two chunks: into this batch's own bytes.
            const len = end - start;
            if (p.extra === null || p.used + len > p.extra.length) {
              // allocUnsafeSlow: a buffer of its own (not a slice of the shared pool), so it can be transferred.
              const bigger = Buffer.allocUnsafeSlow(Math.max(64 * 1024, (p.used + len) * 2));
              if (p.extra !== null) p.extra.copy(bigger, 0, 0, p.used);
              p.extra = bigger;
            }
            buf.copy(p.extra, p.used, start, end);
            p.meta.push(p.used, p.used + len, lineNo, offset, ord++, 1);
            p.used += len;
          },
          maxLineBytes,
          (lineNo, offset) => {
            stats.malformed++;
            localErrors.push(
              new DecodeError(SOURCE_ERROR_CODES.lineTooLong, `line longer than ${maxLineBytes} bytes, skipped`, {
                line: lineNo,
                offset,
                source: name,
              }),
            );
            localErrorOrds.push(ord++);
          },
        );
        let raw: Input;
        try {
          raw = await openInput(inputs[input]!, name, inputOpts);
        } catch (err) {
          failInput(err as InputError);
          dispatch(input);
          continue;
        }
        current = raw;
        const linesBefore = stats.lines;
        let gzip = false;
        try {
          for await (const chunk of inputBytes(raw, inputOpts, () => (gzip = true))) {
            chunkBuf = chunk;
            splitter.push(chunk);
            chunkBuf = null;
            stats.lines = linesBefore + splitter.lineNo;
            dispatch(input);
            while (inFlight.length >= MAX_IN_FLIGHT) yield await next();
            if (stopped) break;
          }
          if (!stopped) splitter.end();
        } catch (err) {
          if (!stopped) failInput(readFailure(err, name, gzip, splitter));
        } finally {
          current?.destroy();
          current = null;
        }
        stats.lines = linesBefore + splitter.lineNo;
        dispatch(input);
      }
      while (inFlight.length > 0) yield await next();
      await whenReady();

      // End of input: each worker's end-of-window alerts, hosts ordered as one engine orders them
      // (least recently seen first).
      const flushed = await Promise.all(links.map((l) => l.send({ kind: 'flush' })));
      const lastSeen = new Map<string | null, number>();
      const byHost = new Map<string | null, Alert[]>();
      const diagnostics: Diagnostic[] = [];
      const metrics: EngineMetrics[] = [];
      const placedOn = new Map<string | null, string[]>();
      for (const [w, f] of flushed.entries()) {
        if (f.kind !== 'flushed') continue;
        for (const [h, src, line] of f.firstSeen) {
          const where = placedOn.get(h) ?? [];
          where.push(`${src}:${line} on thread ${w + 1}`);
          placedOn.set(h, where);
        }
        for (const [h, o] of f.lastSeen) lastSeen.set(h, o);
        for (const a of f.alerts) {
          let list = byHost.get(a.host);
          if (!list) byHost.set(a.host, (list = []));
          list.push(a);
        }
        diagnostics.push(...f.diagnostics);
        metrics.push(f.metrics);
      }
      merged = sumMetrics(metrics);
      for (const [h, where] of placedOn) {
        if (where.length < 2) continue;
        diagnostics.push({
          code: 'NJ_THREAD_ROUTE',
          severity: 'warning',
          message: `the events of ${h === null ? 'lines without a host' : `host ${JSON.stringify(h)}`} went to ${where.length} threads (first at ${where.join(', ')}): a line's host was not where the reader looks (an escaped key or a nested host object?), so this host's lineage, windows and gaps were kept in parts; scan it with --threads 1`,
          source: where[0]!.slice(0, where[0]!.lastIndexOf(':')),
        });
      }
      const hosts = [...byHost.keys()].sort((a, b) => (lastSeen.get(a) ?? -1) - (lastSeen.get(b) ?? -1));
      const alerts = hosts.flatMap((h) => byHost.get(h)!);
      if (alerts.length > 0 || diagnostics.length > 0) {
        stats.batches++;
        yield { alerts, errors: [], diagnostics };
      }
    } catch (err) {
      if (err instanceof SourceError) throw err;
      // A worker died: the scan cannot be completed.
      throw new SourceError(
        SOURCE_ERROR_CODES.threadFailed,
        'threads',
        `a scan thread failed: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    } finally {
      current?.destroy();
      await Promise.all(links.map((l) => l.close()));
    }
  }

  return {
    [Symbol.asyncIterator]() {
      if (iterated) throw new SourceError(SOURCE_ERROR_CODES.badOptions, 'threads', 'a scan can be iterated only once');
      iterated = true;
      return run();
    },
    stats: () => ({ ...stats }),
    failures: () => failures,
    metrics: () => merged,
    async stop() {
      stopped = true;
      current?.destroy();
    },
  };
}

/** Sums the workers' metrics field by field (every counter is additive; a mode is taken from the first). */
export function sumMetrics(list: readonly EngineMetrics[]): EngineMetrics | undefined {
  if (list.length === 0) return undefined;
  let acc: unknown = structuredClone(list[0]);
  for (let i = 1; i < list.length; i++) acc = addInto(acc, list[i]);
  return acc as EngineMetrics;
}

function addInto(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === null || a === undefined) return b === undefined ? a : structuredClone(b);
  if (typeof a === 'object' && typeof b === 'object' && b !== null && !Array.isArray(a)) {
    const o = a as Record<string, unknown>;
    for (const [k, v] of Object.entries(b)) o[k] = k in o ? addInto(o[k], v) : structuredClone(v);
    return o;
  }
  return a;
}
