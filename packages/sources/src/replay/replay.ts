import { createDecoder, DecodeError, type NightjarEvent } from '@nightjar/core';
import { type InputError, SOURCE_ERROR_CODES, SourceError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../lines.js';
import { DiagnosticLog, emptyStats, type EventBatch, type EventSource, type SourceStats } from '../source.js';
import { abortableSleep } from '../sleep.js';
import { type Input, type InputReadOptions, inputBytes, openInput, readFailure, totalBytes } from './inputs.js';

export interface ReplayOptions {
  /** Event names to decode fully (the ruleset's requiredEventTypes()); others come back `skipped`. null: all. */
  eventTypes?: Iterable<string> | null | undefined;
  /** Maximum events + errors per batch (default 1024). A batch is also handed out at the end of each read chunk. */
  batchSize?: number | undefined;
  /** The stream read for the input `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream | undefined;
  /**
   * `max` (default): as fast as the consumer takes them. `recorded`: paced by the events' `time`
   * (the gaps between events are reproduced). A number: that many events per second.
   */
  speed?: 'max' | 'recorded' | number | undefined;
  /** Read chunk size in bytes (default 1 MiB). */
  chunkSize?: number | undefined;
  /**
   * Check every line fully: lines of types nobody wants are parsed and shape-checked too (instead of
   * header-scanned), so every malformed line is reported. Slower on captures that are mostly skipped.
   */
  strict?: boolean | undefined;
  /**
   * A line longer than this is reported (NJ_SOURCE_LINE_TOO_LONG, with its line number and byte
   * offset) and skipped; the lines after it are read as usual. Default DEFAULT_MAX_LINE_BYTES (64 MiB).
   */
  maxLineBytes?: number | undefined;
  /**
   * The host every input comes from. It wins over a host a record names itself (Jamf's
   * `host.hostname`), which is used when this is not given; the engine keeps each host's state apart.
   */
  host?: string | undefined;
}

/**
 * Replays eslogger JSON lines from files and/or stdin (`-`), plain or gzip (detected by its magic
 * bytes, not its name), in order. Each input is its own source for decoding and gaps: events carry
 * `source` = the path as given (or `stdin`), and line numbers / byte offsets restart per input.
 * Byte offsets are in the decompressed data for gzip inputs.
 *
 * An input that cannot be opened or is cut short is reported (failures(), a diagnostic) and the
 * replay goes on with the next input.
 */
export function openReplay(inputs: string[], opts: ReplayOptions = {}): EventSource {
  if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'replay',
      'openReplay: inputs must be an array of paths (or "-" for stdin)',
    );
  }
  const speed = opts.speed ?? 'max';
  if (speed !== 'max' && speed !== 'recorded' && !(typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) {
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'replay',
      `openReplay: speed must be 'max', 'recorded' or a positive number of events/s, got ${String(speed)}`,
    );
  }
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1024));
  const chunkSize = Math.max(4096, Math.floor(opts.chunkSize ?? 1 << 20));
  const eventTypes = opts.eventTypes != null ? Array.from(opts.eventTypes) : null;
  const stats: SourceStats = emptyStats();
  const log = new DiagnosticLog();
  const failures: SourceError[] = [];
  const abort = new AbortController();
  let stopped = false;
  let current: { destroy(): void } | null = null;
  let iterated = false;

  // Pacing state, global across inputs.
  let paceStartWall = 0;
  let paceStartTime: number | undefined;
  let paced = 0;

  function fail(err: InputError): void {
    failures.push(err);
    log.add({
      code: err.code,
      severity: 'error',
      message: err.message,
      source: err.source,
      ...(err.line ? { line: err.line } : {}),
      data: { offset: err.offset },
    });
  }

  const inputOpts: InputReadOptions = {
    chunkSize,
    stdin: opts.stdin,
    stats,
    setCurrent: (c) => (current = c),
  };

  async function* run(): AsyncGenerator<EventBatch> {
    stats.totalBytes = await totalBytes(inputs);
    // Events and decode errors in line order, until handed out in batches of batchSize.
    let items: Array<NightjarEvent | DecodeError> = [];

    const flush = async function* (): AsyncGenerator<EventBatch> {
      if (items.length === 0) {
        const d = log.take();
        if (d) {
          stats.batches++;
          yield { events: [], errors: [], diagnostics: d };
        }
        return;
      }
      const all = items;
      items = [];
      for (let i = 0; i < all.length && !stopped; i += batchSize) {
        const ev: NightjarEvent[] = [];
        const er: DecodeError[] = [];
        const end = Math.min(all.length, i + batchSize);
        for (let j = i; j < end; j++) {
          const x = all[j]!;
          if (x instanceof DecodeError) er.push(x);
          else ev.push(x);
        }
        yield* pace(ev, er);
      }
    };

    for (const input of inputs) {
      if (stopped) break;
      const name = input === '-' ? 'stdin' : input;
      const decoder = createDecoder({
        eventTypes,
        source: name,
        host: opts.host,
        ...(opts.strict === true ? { skipStrategy: 'parse' } : {}),
      });
      let gzip = false;
      const splitter = new LineSplitter(
        (text, lineNo, offset) => {
          const r = decoder.decode(text, lineNo, offset);
          if (r instanceof DecodeError) {
            stats.malformed++;
          } else {
            stats.events++;
            if (r.skipped) stats.skipped++;
          }
          items.push(r);
        },
        opts.maxLineBytes,
        (lineNo, offset) => {
          stats.malformed++;
          items.push(
            new DecodeError(
              SOURCE_ERROR_CODES.lineTooLong,
              `line longer than ${opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} bytes, skipped`,
              { line: lineNo, offset, source: name },
            ),
          );
        },
      );
      let raw: Input;
      try {
        raw = await openInput(input, name, inputOpts);
      } catch (err) {
        fail(err as InputError);
        yield* flush();
        continue;
      }
      current = raw;
      const linesBefore = stats.lines;
      try {
        for await (const chunk of inputBytes(raw, inputOpts, () => (gzip = true))) {
          splitter.push(chunk);
          stats.lines = linesBefore + splitter.lineNo;
          if (stopped) break;
          // Hand out what this chunk completed (in batches of batchSize), so a slow pipe is not held back.
          if (items.length > 0) yield* flush();
        }
        if (!stopped) splitter.end();
      } catch (err) {
        if (!stopped) {
          fail(readFailure(err, name, gzip, splitter));
        }
      } finally {
        current?.destroy();
        current = null;
      }
      stats.lines = linesBefore + splitter.lineNo;
      yield* flush();
    }
    yield* flush();
  }

  async function* pace(ev: NightjarEvent[], er: DecodeError[]): AsyncGenerator<EventBatch> {
    if (speed === 'max') {
      stats.batches++;
      yield { events: ev, errors: er, diagnostics: log.take() };
      return;
    }
    let start = 0;
    let errs: DecodeError[] = er;
    for (let i = 0; i < ev.length; i++) {
      const due = dueAt(ev[i]!);
      const wait = due - performance.now();
      if (wait > 1) {
        if (i > start || errs.length > 0) {
          stats.batches++;
          yield { events: ev.slice(start, i), errors: errs, diagnostics: log.take() };
          errs = [];
          start = i;
        }
        await abortableSleep(wait, abort.signal);
        if (stopped) return;
      }
      paced++;
    }
    if (ev.length > start || errs.length > 0) {
      stats.batches++;
      yield { events: start === 0 ? ev : ev.slice(start), errors: errs, diagnostics: log.take() };
    }
  }

  function dueAt(ev: NightjarEvent): number {
    if (paced === 0 && paceStartTime === undefined) {
      paceStartWall = performance.now();
      paceStartTime = ev.time;
    }
    if (speed === 'recorded') return paceStartWall + (ev.time - paceStartTime!) / 1000;
    return paceStartWall + (paced / (speed as number)) * 1000;
  }

  return {
    kind: 'replay',
    [Symbol.asyncIterator]() {
      if (iterated)
        throw new SourceError(SOURCE_ERROR_CODES.badOptions, 'replay', 'a source can be iterated only once');
      iterated = true;
      return run();
    },
    stats: () => ({ ...stats }),
    diagnostics: () => log.list(),
    failures: () => failures,
    async stop() {
      stopped = true;
      abort.abort();
      current?.destroy();
    },
  };
}
