import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { NightjarError } from '@nightjar/core';

import type { NativeAddon } from './types.js';

/** Code of AddonUnavailableError: the addon was not built, or does not load. */
export const ADDON_UNAVAILABLE = 'NJ_NATIVE_ADDON_UNAVAILABLE';

/** The addon cannot be used here; the message says why and how to build it. */
export class AddonUnavailableError extends NightjarError {
  /** What needed the addon (`linux`, `es`, `process backfill`). */
  readonly backend: string;
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super(ADDON_UNAVAILABLE, message, options);
    this.backend = backend;
  }
}

// src/ (tests) and dist/ (built) both sit one level below the package root.
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CANDIDATES = ['build/Release/nightjar_es.node', 'build/Debug/nightjar_es.node'];

let addon: NativeAddon | undefined;
let failure: string | undefined;

/** Where the addon would be loaded from, or undefined when it was not built. */
export function addonPath(): string | undefined {
  return CANDIDATES.map((c) => join(PACKAGE_ROOT, c)).find((p) => existsSync(p));
}

/**
 * Loads the native addon once. A missing or broken build throws an AddonUnavailableError that
 * says how to build it. Importing this package never loads the addon; only this call does.
 */
export function loadAddon(forBackend: string): NativeAddon {
  if (addon) return addon;
  const path = addonPath();
  if (path !== undefined && failure === undefined) {
    try {
      addon = createRequire(import.meta.url)(path) as NativeAddon;
      return addon;
    } catch (err) {
      failure = `it failed to load: ${(err as Error).message}`;
    }
  }
  const why = failure ?? 'it was not built (the install step found no C++ toolchain, or failed)';
  throw new AddonUnavailableError(
    forBackend,
    `the ${forBackend} backend needs @nightjar/native-es's native addon, but ${why}. Build it with ` +
      '`npx -y pnpm@10 --filter @nightjar/native-es run build:native` (needs python3, make and a C++17 compiler: ' +
      'apt-get install -y python3 make g++ on Debian/Ubuntu, Xcode command line tools on macOS). ' +
      'The replay and eslogger sources work without it.',
  );
}

/** True when the addon is built and loads. */
export function addonAvailable(): boolean {
  try {
    loadAddon('native');
    return true;
  } catch {
    return false;
  }
}
