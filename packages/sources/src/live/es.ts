import {
  createDecoder,
  eventFromMessage,
  eventTypeByName,
  eventTypeByNumber,
  type Decoder,
  type EsMessage,
  type EsProcess,
} from '@nightjar/core';
import type { BackfillLimits, EsBackendClass, NativeBackfill, NativeEsBackend } from '@nightjar/native-es';
import { macosBackfill } from './backfill.js';
import {
  BackendUnavailableError,
  SOURCE_ERROR_CODES,
  SourceError,
  SourcePermissionError,
  SourceStartError,
} from '../errors.js';
import type { EventSource } from '../source.js';
import { loadNativeAddon } from './addon.js';
import { LiveLoop, OBJECT_EVENT_BYTES } from './loop.js';
import type { LiveMuting } from './open.js';

/** One ES client: its event names and mute configuration (paths: `prefix`, `literal`, `target_prefix`, `target_literal`). */
export interface EsClientOptions {
  events: string[];
  mutePaths?: Array<[string, 'prefix' | 'literal' | 'target_prefix' | 'target_literal']>;
  /** Inverted muting (macOS 13+): the path list becomes a selection (the default mute set is cleared first). */
  invertPaths?: boolean;
  invertTargetPaths?: boolean;
  /** Processes muted by their audit token, read at start (a later process reusing the pid is not muted). */
  mutePids?: number[];
  /** Paths muted for some event types only (macOS 12+): [path, kind, event names]. */
  mutePathEvents?: Array<[string, 'prefix' | 'literal' | 'target_prefix' | 'target_literal', string[]]>;
}

export interface EsOptions {
  /** Event names wanted; split over clients by splitClients() unless `clients` is given. */
  eventTypes: Iterable<string>;
  clients?: EsClientOptions[] | undefined;
  batchSize?: number | undefined;
  queueCapacity?: number | undefined;
  /** Queue capacity in bytes of lines (default 64 MiB); beyond it events are dropped and counted. */
  queueBytes?: number | undefined;
  /** The host on every event (alerts carry it; the engine keeps each host's state apart). Default: none. */
  host?: string | undefined;
  /**
   * Testing: the native class to drive instead of the addon's EsBackend (native-es' test
   * addon's EsFakeBackend, same constructor and methods, runs the shipped session over a fake ES).
   */
  backendClass?: EsBackendClass | undefined;
  /** Testing: extra config passed to backendClass (e.g. the fake's newClientResult). */
  backendConfig?: Record<string, unknown> | undefined;
  /**
   * An event type this macOS lacks (or es_subscribe refuses, or the addon cannot translate) is an
   * error at open (SourceStartError NJ_SOURCE_EVENT_UNAVAILABLE naming each); without it, the other
   * types are subscribed and each missing one is a warning diagnostic.
   */
  strict?: boolean | undefined;
  /** Split the event types over this many ES clients (default 2: process events, the rest); ignored with `clients`. */
  clientCount?: number | undefined;
  /** Muting by executable path (literal or prefix), in every client; `invert` selects instead. */
  muting?: LiveMuting | undefined;
  /** How batches cross from native: `json` (default: eslogger lines, core's decoder) or `objects`. */
  wire?: 'json' | 'objects' | undefined;
  /** Caps of `backfill()`. */
  backfillLimits?: BackfillLimits | undefined;
  /** Testing: the native backfill to call instead of the addon's (null: as if it were missing). */
  nativeBackfill?: NativeBackfill | null | undefined;
}

// High-volume file events get their own client so a flood of them cannot make the kernel drop
// process events (several clients, one per kind of load: ESFang's finding on ES queue overload).
const PROCESS_EVENTS = new Set(['exec', 'fork', 'exit', 'signal', 'cs_invalidated']);

function notifyType(n: string): { type: number; macos: string } {
  const t = eventTypeByName(n);
  if (t?.kind !== 'notify')
    throw new SourceStartError(SOURCE_ERROR_CODES.unknownEvent, 'es', `not an ES NOTIFY event name: ${n}`);
  return t;
}

/**
 * The default client split: process events in one client, everything else in another. With
 * `count` clients (≥ 1): 1 puts everything in one; more than 2 deals the other types round-robin
 * over the clients after the process one.
 */
export function splitClients(names: Iterable<string>, count = 2): EsClientOptions[] {
  const n = Math.max(1, Math.floor(count));
  const all = [...new Set(names)];
  if (n === 1) return all.length > 0 ? [{ events: all }] : [];
  const groups: string[][] = Array.from({ length: n }, () => []);
  let k = 0;
  for (const name of all) {
    if (PROCESS_EVENTS.has(name)) groups[0]!.push(name);
    else groups[1 + (k++ % (n - 1))]!.push(name);
  }
  return groups.filter((l) => l.length > 0).map((events) => ({ events }));
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
    Backend = loadNativeAddon('es').EsBackend;
    if (!Backend) throw new BackendUnavailableError('es', 'this build of the addon has no ES client backend');
  }
  const mutePaths: NonNullable<EsClientOptions['mutePaths']> = [
    ...(opts.muting?.paths ?? []).map((p) => [p, 'literal'] as [string, 'literal']),
    ...(opts.muting?.pathPrefixes ?? []).map((p) => [p, 'prefix'] as [string, 'prefix']),
  ];
  const mutePids = opts.muting?.pids ?? [];
  const pathEvents: NonNullable<EsClientOptions['mutePathEvents']> = (opts.muting?.pathEvents ?? []).map((m) => [
    m.path,
    m.prefix === true ? 'prefix' : 'literal',
    m.events,
  ]);
  if (pathEvents.length > 0 && opts.muting?.invert === true)
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'es',
      '--invert-muting cannot be combined with per-event-type muting (an inverted list selects processes for every event type)',
    );
  if (mutePids.length > 0 && opts.muting?.invert === true)
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      'es',
      'the es backend inverts path muting only: --invert-muting with --mute-process would select this process itself; mute the others by path',
    );
  const clients = (opts.clients ?? splitClients(opts.eventTypes, opts.clientCount)).map((c) => {
    const m =
      mutePaths.length > 0 || opts.muting?.invert === true
        ? {
            ...c,
            mutePaths: [...(c.mutePaths ?? []), ...mutePaths],
            invertPaths: c.invertPaths ?? opts.muting?.invert === true,
          }
        : c;
    const p = mutePids.length > 0 ? { ...m, mutePids: [...(m.mutePids ?? []), ...mutePids] } : m;
    return pathEvents.length > 0 ? { ...p, mutePathEvents: [...(p.mutePathEvents ?? []), ...pathEvents] } : p;
  });
  const cfg = {
    clients: clients.map((c) => ({
      ...c,
      ...(c.mutePathEvents !== undefined
        ? { mutePathEvents: c.mutePathEvents.map(([p, k, ev]) => [p, k, ev.map((n) => notifyType(n).type)]) }
        : {}),
      events: c.events.map((n) => notifyType(n).type),
      // The first macOS with each type: the backend subscribes only what the running OS has.
      minMacos: c.events.map((n) => notifyType(n).macos),
    })),
    queueCapacity: opts.queueCapacity ?? 65_536,
    wire: opts.wire ?? 'json',
    ...opts.backendConfig,
  };
  let n = 0;
  // `loop` is created once start() succeeded (no poll timer for a backend that cannot start); the
  // backend delivers only after start() through the event loop, so the callback never sees it unset.
  // One decoder per client: each is its own source (its own sequence numbers).
  const decoders = new Map<number, Decoder>();
  const decoderFor = (id: number): Decoder => {
    let d = decoders.get(id);
    if (!d) decoders.set(id, (d = createDecoder({ source: `es:${id}`, host: opts.host })));
    return d;
  };
  const backend: NativeEsBackend = new Backend(cfg, (batch, ids) => {
    if (typeof batch === 'string') {
      // The JSON wire: one eslogger line per message, written off the JS thread, decoded by the consumer.
      loop.pushLines(batch, (line, lineNo, i) => decoderFor(ids[i] ?? 0).decode(line, lineNo, 0));
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      n++;
      loop.stats.lines++;
      loop.push(
        eventFromMessage(batch[i] as unknown as EsMessage, {
          source: `es:${ids[i]}`,
          line: n,
          offset: 0,
          host: opts.host,
        }),
        OBJECT_EVENT_BYTES,
      );
    }
  });
  try {
    backend.start();
  } catch (err) {
    const code = (err as { code?: string }).code ?? SOURCE_ERROR_CODES.failed;
    const msg = (err as Error).message;
    throw code === SOURCE_ERROR_CODES.notRoot ||
      code === SOURCE_ERROR_CODES.noFullDiskAccess ||
      code === SOURCE_ERROR_CODES.notEntitled
      ? new SourcePermissionError(code, 'es', msg, { cause: err })
      : new SourceStartError(code === SOURCE_ERROR_CODES.tooManyClients ? code : SOURCE_ERROR_CODES.failed, 'es', msg, {
          cause: err,
        });
  }
  const missing = (backend.unavailable?.() ?? []).map((u) => {
    const name = eventTypeByNumber(u.type)?.name ?? `event type ${u.type}`;
    return { name, message: `es: ${name} is not subscribed (client ${u.client + 1}): ${u.reason}` };
  });
  if (opts.strict === true && missing.length > 0) {
    backend.stop();
    throw new SourceStartError(
      SOURCE_ERROR_CODES.eventUnavailable,
      'es',
      `event types not available here: ${missing.map((m) => m.message.slice(4)).join('; ')}`,
    );
  }
  const loop = new LiveLoop({
    kind: 'es',
    source: 'es',
    batchSize: opts.batchSize,
    queueCapacity: cfg.queueCapacity,
    queueBytes: opts.queueBytes,
    losses: () => {
      const cs = backend.counters();
      return { drops: cs.reduce((s, c) => s + c.queueDrops, 0), error: cs.find((c) => c.error !== undefined)?.error };
    },
    stopBackend: () => backend.stop(),
  });
  // Rules on a type that is not subscribed see nothing: say so, by name, once at start.
  for (const m of missing)
    loop.diag({
      code: SOURCE_ERROR_CODES.eventUnavailable,
      severity: 'warning',
      message: m.message,
      source: 'es',
      data: { event: m.name },
    });
  // The running processes through libproc (the same addon as the ES client).
  return loop.source({
    backfill: () => macosBackfill('es', opts.nativeBackfill, opts.backfillLimits, (d) => loop.diag(d)),
  });
}
