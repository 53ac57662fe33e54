import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The test addon (native/testing/binding.gyp → nightjar_es_testing.node): the shipped translator,
 * hand-off and ES session plus the test doubles. Built by the install script in a source checkout.
 */
export const TESTING_ADDON_PATH = fileURLToPath(
  new URL('../../native/testing/build/Release/nightjar_es_testing.node', import.meta.url),
);

export interface TestingAddon {
  translateSynthetic(version: number): Record<string, unknown>[];
  /** The same messages as the JSON wire writes them: one eslogger JSON line each, with its newline. */
  translateSyntheticJson(version: number): string[];
  /**
   * Exit messages of one pid in pairs (the base process, then the base with one field changed),
   * through both wires in order: the JSON wire reuses a process's text when its fields are the same.
   */
  processVariants(version: number): { objects: Record<string, unknown>[]; lines: string[] };
  EsFakeBackend: new (cfg: unknown, cb: (m: Record<string, unknown>[], c: number[]) => void) => unknown;
}

export const testingAddonAvailable = (): boolean => existsSync(TESTING_ADDON_PATH);

export function loadTestingAddon(): TestingAddon {
  return createRequire(import.meta.url)(TESTING_ADDON_PATH) as TestingAddon;
}
