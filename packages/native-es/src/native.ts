import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NightjarError } from '@nightjar/core';
import nodeGypBuild from 'node-gyp-build';

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

let addon: NativeAddon | undefined;
let failure: string | undefined;

/**
 * Where the addon would be loaded from: a local build (build/Release, from `npm rebuild`) first, then
 * the prebuilt binary for this platform shipped in the package (prebuilds/<platform>-<arch>/, made by
 * prebuildify), as node-gyp-build resolves them; undefined when there is neither.
 */
export function addonPath(root: string = PACKAGE_ROOT): string | undefined {
  try {
    return nodeGypBuild.path(root);
  } catch {
    return undefined;
  }
}

/**
 * Loads the native addon once. A missing or broken binary throws an AddonUnavailableError whose
 * message is one line with the command that fixes it in the user's own project. Importing this
 * package never loads the addon; only this call does.
 */
export function loadAddon(forBackend: string): NativeAddon {
  if (addon) return addon;
  const path = addonPath();
  if (path !== undefined && failure === undefined) {
    try {
      addon = createRequire(import.meta.url)(path) as NativeAddon;
      return addon;
    } catch (err) {
      failure = `the binary at ${path} failed to load (${(err as Error).message.split('\n')[0]})`;
    }
  }
  const why = failure ?? `no prebuilt binary matches ${process.platform}-${process.arch} and none was built`;
  throw new AddonUnavailableError(
    forBackend,
    `the ${forBackend} backend needs @nightjar/native-es's native addon, but ${why}: run \`npm rebuild @nightjar/native-es\` ` +
      '(needs python3, make and a C++17 compiler); the replay and eslogger sources work without it.',
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
