import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BackendUnavailableError } from './errors.js';

/** What the compiled addon (binding.gyp → build/Release/nightjar_es.node) exports. */
export interface NativeAddon {
  /** The live backend compiled in: `linux`, `es` (macOS), or `none`. */
  readonly backend: string;
  /** Test hook: the translator's output for one synthetic message of each rendered type. */
  translateSynthetic(version: number): Record<string, unknown>[];
  LinuxBackend?: new (events: string[], onBatch: (msgs: Record<string, unknown>[]) => void) => NativeLinuxBackend;
}

export interface NativeLinuxBackend {
  start(): void;
  stop(): void;
  stats(): { messages: number; kernelOverflows: number; drops: number; batches: number; pending: number; dirEvents: boolean };
  backfill(): Record<string, unknown>[];
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
 * Loads the native addon once. A missing or broken build throws a BackendUnavailableError that
 * says how to build it; nothing else in the package needs the addon.
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
  throw new BackendUnavailableError(
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
