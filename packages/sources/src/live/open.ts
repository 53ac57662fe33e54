import type { EsProcess } from '@nightjar/core';
import { BackendUnavailableError, SOURCE_ERROR_CODES, SourceError } from '../errors.js';
import { openEslogger } from './eslogger.js';
import { openLinux } from './linux.js';
import { openEs } from './es.js';
import type { EventSource } from '../source.js';

/** The live backends. `es` is the native Endpoint Security client (macOS, entitled executable). */
export type LiveBackend = 'es' | 'eslogger' | 'linux';
export const LIVE_BACKENDS: readonly LiveBackend[] = ['es', 'eslogger', 'linux'];

export interface LiveSourceOptions {
  backend?: LiveBackend | undefined;
  /** Event names to subscribe to (engine.requiredEventTypes()). */
  eventTypes: Iterable<string>;
  batchSize?: number | undefined;
  queueCapacity?: number | undefined;
  /** Queue capacity in bytes of the lines its events came from (default 64 MiB). */
  queueBytes?: number | undefined;
  /** The host on every event (alerts carry it; the engine keeps each host's state apart). Default: none. */
  host?: string | undefined;
  /** Environment for a spawned program (eslogger); default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Muting by the acting process (es, linux; eslogger cannot mute and refuses it). */
  muting?: LiveMuting | undefined;
  /** es: the number of ES clients the event types are split over (default 2: process events, the rest). */
  clients?: number | undefined;
  /** es: an event type this macOS lacks is an error at open, not a warning. */
  strict?: boolean | undefined;
  /** eslogger: the longest line accepted (bytes; default 64 MiB); a longer one is a located error, skipped. */
  maxLineBytes?: number | undefined;
}

/**
 * What not to report, by the acting process: its executable path (literal or prefix) or its pid.
 * `invert`: report only what the lists match. Muted events are never numbered, so they leave no
 * sequence gap.
 */
export interface LiveMuting {
  paths?: string[] | undefined;
  pathPrefixes?: string[] | undefined;
  pids?: number[] | undefined;
  /**
   * es (macOS 12+): an executable path (or prefix) muted for these event types only, e.g. a noisy
   * indexer's `open` and `close` while its `exec` still arrives. Not with `invert`.
   */
  pathEvents?: Array<{ path: string; prefix?: boolean | undefined; events: string[] }> | undefined;
  invert?: boolean | undefined;
}

function hasMuting(m: LiveMuting | undefined): m is LiveMuting {
  return (
    m !== undefined &&
    ((m.paths?.length ?? 0) > 0 ||
      (m.pathPrefixes?.length ?? 0) > 0 ||
      (m.pids?.length ?? 0) > 0 ||
      (m.pathEvents?.length ?? 0) > 0)
  );
}

/** A live source; `backfill()` (when present) lists the processes running at start, for the lineage cache. */
export type LiveSource = EventSource & { backfill?(): EsProcess[] };

/** The sensible backend here: eslogger on macOS, the native backend on Linux. */
export function defaultBackend(platform: NodeJS.Platform = process.platform): LiveBackend {
  return platform === 'linux' ? 'linux' : 'eslogger';
}

/** Opens a live source. Throws a SourceError subclass when the backend cannot run here. */
export function openLiveSource(opts: LiveSourceOptions): LiveSource {
  const backend = opts.backend ?? defaultBackend();
  switch (backend) {
    case 'eslogger':
      if (hasMuting(opts.muting))
        throw new SourceError(
          SOURCE_ERROR_CODES.badOptions,
          'eslogger',
          'eslogger cannot mute processes or paths: use --backend es (macOS) or linux',
        );
      return openEslogger({
        eventTypes: opts.eventTypes,
        batchSize: opts.batchSize,
        queueCapacity: opts.queueCapacity,
        queueBytes: opts.queueBytes,
        host: opts.host,
        env: opts.env,
        maxLineBytes: opts.maxLineBytes,
      });
    case 'linux':
      if ((opts.muting?.pathEvents?.length ?? 0) > 0)
        throw new SourceError(
          SOURCE_ERROR_CODES.badOptions,
          'linux',
          'per-event-type muting is an Endpoint Security feature (macOS 12+, --backend es); on Linux mute the whole process or path',
        );
      return openLinux({
        eventTypes: opts.eventTypes,
        batchSize: opts.batchSize,
        queueCapacity: opts.queueCapacity,
        queueBytes: opts.queueBytes,
        host: opts.host,
        muting: opts.muting,
      });
    case 'es':
      if (process.platform !== 'darwin') {
        throw new BackendUnavailableError(
          'es',
          `the native ES client needs macOS (this is ${process.platform}); use --backend ${defaultBackend()}`,
        );
      }
      return openEs({
        eventTypes: opts.eventTypes,
        batchSize: opts.batchSize,
        queueCapacity: opts.queueCapacity,
        queueBytes: opts.queueBytes,
        host: opts.host,
        strict: opts.strict,
        clientCount: opts.clients,
        muting: opts.muting,
      });
    default:
      throw new SourceError(
        SOURCE_ERROR_CODES.badOptions,
        String(backend),
        `unknown backend '${String(backend)}' (expected one of: ${LIVE_BACKENDS.join(', ')})`,
      );
  }
}
