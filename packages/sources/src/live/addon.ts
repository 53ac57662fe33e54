import { createRequire } from 'node:module';
import type { NativeAddon } from '@nightjar/native-es';
import { BackendUnavailableError } from '../errors.js';

const INSTALL_HINT =
  'npm install @nightjar/native-es (it builds the addon at install: python3, make and a C++17 compiler; ' +
  'Xcode command line tools on macOS). The replay and eslogger sources work without it.';

/**
 * The native addon, through @nightjar/native-es (an optional peer): required only when a native
 * backend or the macOS backfill is used, so importing @nightjar/sources never needs it. Synchronous
 * (require of an ES module, Node ≥ 20.19) because sources open and backfill synchronously.
 * Throws a BackendUnavailableError that says what to install or build. `load`: the require to use (tests).
 */
export function loadNativeAddon(
  forBackend: string,
  load: (id: string) => unknown = createRequire(import.meta.url),
): NativeAddon {
  let mod: typeof import('@nightjar/native-es');
  try {
    mod = load('@nightjar/native-es') as typeof import('@nightjar/native-es');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new BackendUnavailableError(
      forBackend,
      `the ${forBackend} backend needs the optional package @nightjar/native-es, which is not installed: ${INSTALL_HINT}`,
      { cause: err },
    );
  }
  try {
    return mod.loadAddon(forBackend);
  } catch (err) {
    if (err instanceof mod.AddonUnavailableError)
      throw new BackendUnavailableError(forBackend, err.message, { cause: err });
    throw err;
  }
}

/** True when @nightjar/native-es is installed and its addon is built and loads. */
export function addonAvailable(): boolean {
  try {
    loadNativeAddon('native');
    return true;
  } catch {
    return false;
  }
}
