/**
 * @nightjar/native-es — the native addon (Linux backend, macOS Endpoint Security client and
 * process backfill) and its loader. Importing this module loads nothing; `loadAddon()` does.
 * The event sources that drive it are in @nightjar/sources.
 */
export { loadAddon, addonAvailable, addonPath, AddonUnavailableError, ADDON_UNAVAILABLE } from './native.js';
export type {
  NativeAddon,
  NativeLinuxBackend,
  NativeLinuxStats,
  NativeEsBackend,
  NativeEsClientCounters,
  EsBackendClass,
  NativeBackfill,
  NativeBackfillResult,
  BackfillLimits,
} from './types.js';
