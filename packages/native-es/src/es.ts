import { DecodeError, eventFromMessage, eventTypeByName, type EsMessage, type EsProcess, type NightjarEvent } from '@nightjar/core';
import { macosBackfill, type BackfillLimits, type NativeBackfill } from './backfill.js';
import { BackendUnavailableError, SOURCE_ERROR_CODES, SourceError, SourcePermissionError, SourceStartError } from './errors.js';
import { loadAddon } from './native.js';
import { BoundedQueue } from './queue.js';
import { DiagnosticLog, emptyStats, type EventBatch, type EventSource, type SourceStats } from './source.js';

/** One ES client: its event names and mute configuration (paths: `prefix`, `literal`, `target_prefix`, `target_literal`). */
export interface EsClientOptions {
  events: string[];
  mutePaths?: Array<[string, 'prefix' | 'literal' | 'target_prefix' | 'target_literal']>;
  /** Inverted muting (macOS 13+): the path list becomes a selection (the default mute set is cleared first). */
  invertPaths?: boolean;
  invertTargetPaths?: boolean;
}

export interface EsOptions {
  /** Event names wanted; split over clients by splitClients() unless `clients` is given. */
  eventTypes: Iterable<string>;
  clients?: EsClientOptions[];
  batchSize?: number;
  queueCapacity?: number;
  /**
   * Testing: the native class to drive instead of the addon's EsBackend (the addon's
   * EsFakeBackend, same constructor and methods, runs the same client logic over a fake ES).
   */
  backendClass?: EsBackendClass;
  /** Testing: extra config passed to backendClass (e.g. the fake's newClientResult). */
  backendConfig?: Record<string, unknown>;
  /** Caps of `backfill()`. */
  backfillLimits?: BackfillLimits;
  /** Testing: the native backfill to call instead of the addon's (null: as if it were missing). */
  nativeBackfill?: NativeBackfill | null;
}

export type EsBackendClass = new (cfg: unknown, cb: (m: Record<string, unknown>[], c: number[]) => void) => NativeEsBackend;

// High-volume file events get their own client so a flood of them cannot make the kernel drop
// process events (the seed's multi-client answer to queue overload; ESFang's finding).
const PROCESS_EVENTS = new Set(['exec', 'fork', 'exit', 'signal', 'cs_invalidated']);

/** The default client split: process events in one client, everything else in another. */
export function splitClients(names: Iterable<string>): EsClientOptions[] {
  const proc: string[] = [];
  const rest: string[] = [];
  for (const n of new Set(names)) (PROCESS_EVENTS.has(n) ? proc : rest).push(n);
  return [proc, rest].filter((l) => l.length > 0).map((events) => ({ events }));
}

export interface NativeEsBackend {
  start(): void;
  stop(): void;
  counters(): Array<{ messages: number; seqGaps: number; seqMissing: number; globalGaps: number; globalMissing: number; queueDrops: number }>;
}

/**
 * The native Endpoint Security client (macOS; the executable must carry the ES entitlement, see
 * README). Each client is its own source (`es:1`, `es:2`, …) because each has its own sequence numbers.
 * NOT RUN IN THIS PROJECT'S CI: the backend logic is tested over a fake ES library instead.
 */
export function openEs(opts: EsOptions): EventSource & { backfill(): EsProcess[] } {
  let Backend = opts.backendClass;
  if (Backend === undefined) {
    if (process.platform !== 'darwin') {
      throw new BackendUnavailableError('es', `the native ES client needs macOS (this is ${process.platform})`);
    }
    Backend = (loadAddon('es') as unknown as { EsBackend?: EsBackendClass }).EsBackend;
    if (!Backend) throw new BackendUnavailableError('es', 'this build of the addon has no ES client backend');
  }
  const clients = opts.clients ?? splitClients(opts.eventTypes);
  const cfg = {
    clients: clients.map((c) => ({
      ...c,
      events: c.events.map((n) => {
        const t = eventTypeByName(n);
        if (t?.kind !== 'notify') throw new SourceStartError(SOURCE_ERROR_CODES.unknownEvent, 'es', `not an ES NOTIFY event name: ${n}`);
        return t.type;
      }),
    })),
    queueCapacity: opts.queueCapacity ?? 65_536,
    ...opts.backendConfig,
  };
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1024));
  const queue = new BoundedQueue<NightjarEvent | DecodeError>(cfg.queueCapacity);
  const stats: SourceStats = emptyStats();
  const log = new DiagnosticLog();
  const failures: SourceError[] = [];
  let n = 0;
  let iterated = false;
  let stopped = false;
  let reportedDrops = 0;

  const backend = new Backend(cfg, (msgs, ids) => {
    for (let i = 0; i < msgs.length; i++) {
      n++;
      stats.lines++;
      const r = eventFromMessage(msgs[i] as unknown as EsMessage, { source: `es:${ids[i]}`, line: n, offset: 0 });
      if (r instanceof DecodeError) stats.malformed++;
      else stats.events++;
      queue.push(r);
    }
  });
  try {
    backend.start();
  } catch (err) {
    const code = (err as { code?: string }).code ?? SOURCE_ERROR_CODES.failed;
    const msg = (err as Error).message;
    throw code === SOURCE_ERROR_CODES.notRoot || code === SOURCE_ERROR_CODES.noFullDiskAccess || code === SOURCE_ERROR_CODES.notEntitled
      ? new SourcePermissionError(code, 'es', msg, { cause: err })
      : new SourceStartError(code === SOURCE_ERROR_CODES.tooManyClients ? code : SOURCE_ERROR_CODES.failed, 'es', msg, { cause: err });
  }

  async function* run(): AsyncGenerator<EventBatch> {
    for (;;) {
      const items = await queue.take(batchSize);
      const drops = backend.counters().reduce((s, c) => s + c.queueDrops, 0) + queue.drops;
      if (drops > reportedDrops) {
        log.add({ code: 'NJ_SOURCE_QUEUE_DROPS', severity: 'warning', message: `es: dropped ${drops - reportedDrops} events because the consumer is behind`, source: 'es', data: { total: drops } });
        reportedDrops = drops;
        stats.drops = drops;
      }
      const diagnostics = log.take();
      if (items.length === 0 && diagnostics === undefined) {
        if (queue.closed && queue.size === 0) break;
        continue;
      }
      const events: NightjarEvent[] = [];
      const errors: DecodeError[] = [];
      for (const it of items) (it instanceof DecodeError ? errors : events).push(it as never);
      stats.batches++;
      yield { events, errors, diagnostics };
    }
  }

  return {
    kind: 'es',
    [Symbol.asyncIterator]() {
      if (iterated) throw new SourceError(SOURCE_ERROR_CODES.badOptions, 'es', 'a source can be iterated only once');
      iterated = true;
      return run();
    },
    stats: () => ({ ...stats, queueDepth: queue.size }),
    diagnostics: () => log.list(),
    failures: () => failures,
    // The running processes through libproc (the same addon as the ES client).
    backfill: () =>
      macosBackfill('es', opts.nativeBackfill, opts.backfillLimits, (d) => {
        log.add(d);
        queue.wake();
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      backend.stop();
      queue.close();
    },
  };
}
