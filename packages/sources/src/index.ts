/**
 * @nightjar/sources — where events come from: file and stdin replay (plain or gzip), eslogger,
 * and the native backends (Linux, the macOS ES client) behind one EventSource interface. Pure
 * TypeScript: the native backends load the optional @nightjar/native-es addon only when opened.
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
export { openReplay } from './replay/replay.js';
export type { ReplayOptions } from './replay/replay.js';
export { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './lines.js';
export type { LineSink } from './lines.js';
export { DEFAULT_QUEUE_BYTES, LiveLoop } from './live/loop.js';
export type { BackendLosses, LiveLoopOptions } from './live/loop.js';
export { openEslogger } from './live/eslogger.js';
export type { EsloggerOptions } from './live/eslogger.js';
export { openLinux, LINUX_EVENT_TYPES } from './live/linux.js';
export type { LinuxOptions } from './live/linux.js';
export { addonAvailable } from './live/addon.js';
export { openLiveSource, defaultBackend, LIVE_BACKENDS } from './live/open.js';
export type { LiveBackend, LiveMuting, LiveSource, LiveSourceOptions } from './live/open.js';
export { openEs, splitClients } from './live/es.js';
export type { EsOptions, EsClientOptions } from './live/es.js';
export { BACKFILL_DIAGNOSTIC_CODES, fromNativeBackfill } from './live/backfill.js';
export type { BackfillOutcome } from './live/backfill.js';
export type {
  BackfillLimits,
  EsBackendClass,
  NativeBackfill,
  NativeBackfillResult,
  NativeEsBackend,
} from '@nightjar/native-es';
export { openThreadedScan } from './threads/scan.js';
export type { RulesFactory, ScanBatch, ThreadedScan, ThreadedScanOptions } from './threads/scan.js';
export { suggestThreads } from './threads/suggest.js';
export type { SuggestOptions } from './threads/suggest.js';
