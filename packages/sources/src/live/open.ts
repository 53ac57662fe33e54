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
  /** Environment for a spawned program (eslogger); default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
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
      return openEslogger({
        eventTypes: opts.eventTypes,
        batchSize: opts.batchSize,
        queueCapacity: opts.queueCapacity,
        env: opts.env,
      });
    case 'linux':
      return openLinux({ eventTypes: opts.eventTypes, batchSize: opts.batchSize, queueCapacity: opts.queueCapacity });
    case 'es':
      if (process.platform !== 'darwin') {
        throw new BackendUnavailableError(
          'es',
          `the native ES client needs macOS (this is ${process.platform}); use --backend ${defaultBackend()}`,
        );
      }
      return openEs({ eventTypes: opts.eventTypes, batchSize: opts.batchSize, queueCapacity: opts.queueCapacity });
    default:
      throw new SourceError(
        SOURCE_ERROR_CODES.badOptions,
        String(backend),
        `unknown backend '${String(backend)}' (expected one of: ${LIVE_BACKENDS.join(', ')})`,
      );
  }
}
