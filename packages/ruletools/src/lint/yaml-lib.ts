import { createRequire } from 'node:module';
import type * as YamlLib from 'yaml';

const requireFromHere = createRequire(import.meta.url);
let lib: typeof YamlLib | undefined;

/**
 * The yaml library, loaded on first use (a config file to read, a fix to place): every CLI command
 * loads this package, and importing yaml up front cost ~50 ms of each start. Loaded with require:
 * the package's Node build is CommonJS either way.
 */
export function yaml(): typeof YamlLib {
  return (lib ??= requireFromHere('yaml') as typeof YamlLib);
}
