/**
 * @nightjar/native-es — where events come from: file replay, eslogger, the native ES client and a
 * live Linux backend, all behind one EventSource interface. Imports cleanly on every platform.
 */
export type { EventBatch, EventSource, SourceStats } from './source.js';
export {
  SOURCE_ERROR_CODES,
  SourceError,
  InputError,
  BackendUnavailableError,
  SourcePermissionError,
  SourceStartError,
} from './errors.js';
export type { SourceErrorCode } from './errors.js';
export { openReplay } from './replay.js';
export type { ReplayOptions } from './replay.js';
export { LineSplitter } from './lines.js';
export { openEslogger } from './eslogger.js';
export type { EsloggerOptions } from './eslogger.js';
export { openLinux, LINUX_EVENT_TYPES } from './linux.js';
export type { LinuxOptions } from './linux.js';
export { addonAvailable, addonPath } from './native.js';
export { openLiveSource, defaultBackend, LIVE_BACKENDS } from './open.js';
export type { LiveBackend, LiveSource, LiveSourceOptions } from './open.js';
export { openEs, splitClients } from './es.js';
export type { EsOptions, EsClientOptions, EsBackendClass, NativeEsBackend } from './es.js';
export { BACKFILL_DIAGNOSTIC_CODES, fromNativeBackfill } from './backfill.js';
export type { BackfillLimits, BackfillOutcome, NativeBackfill, NativeBackfillResult } from './backfill.js';
