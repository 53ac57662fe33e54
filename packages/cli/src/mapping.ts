/**
 * Which field mapping a command loads rules with: `--mapping FILE`, else `mapping:` in the
 * nightjar.config.yaml found for the rule paths (a path relative to that file, or a built-in name),
 * else the built-in `sigmahq-macos`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  FIELD_MAPPINGS,
  FieldMappingError,
  builtinFieldMapping,
  loadFieldMapping,
  yamlLibrary,
  type BuiltinMappingName,
  type FieldMapping,
} from '@nightjar/rules';
import { lint } from '@nightjar/ruletools';
import { CliError, type CliIO } from './io.js';

/** Where a mapping came from, for messages (`rules list` shows it). */
export interface ChosenMapping {
  readonly mapping: FieldMapping;
  /** `--mapping`, the config file's path, or 'built-in'. */
  readonly from: string;
}

function load(spec: string, base: string, from: string): ChosenMapping {
  if ((FIELD_MAPPINGS as readonly string[]).includes(spec))
    return { mapping: builtinFieldMapping(spec as BuiltinMappingName), from };
  const file = path.resolve(base, spec);
  try {
    return { mapping: loadFieldMapping(file), from };
  } catch (err) {
    if (err instanceof FieldMappingError) {
      throw new CliError(
        'NJ_CLI_MAPPING',
        `invalid field mapping ${spec} (${err.diagnostics.length} problem${err.diagnostics.length === 1 ? '' : 's'})`,
        err.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} [${d.code}]`),
        { cause: err },
      );
    }
    throw err;
  }
}

/** The `mapping:` value of a config file, or undefined when the file has none. */
export function configMapping(file: string): string | undefined {
  let raw: unknown;
  try {
    // Without a leading BOM: yaml would count it as a column in the line 1 positions its messages give.
    raw = yamlLibrary().parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CliError('NJ_CLI_CONFIG', `cannot read ${file}: ${(err as Error).message.split('\n')[0]}`, [], {
      cause: err,
    });
  }
  if (raw === null || typeof raw !== 'object' || !('mapping' in raw)) return undefined;
  const m = raw.mapping;
  if (typeof m !== 'string' || m === '')
    throw new CliError('NJ_CLI_CONFIG', `${file}: mapping must be a file path or a built-in mapping name`);
  return m;
}

/**
 * The mapping for these rule paths. `config` is an explicit config file (lint's `--config`); else
 * nightjar.config.yaml is looked up from the first rule path. Undefined: the loader's default.
 */
export function chooseMapping(
  values: Record<string, unknown>,
  io: CliIO,
  rulePaths: readonly string[],
  config?: string,
): ChosenMapping | undefined {
  const flag = values.mapping;
  if (typeof flag === 'string') return load(flag, io.cwd, '--mapping');
  const cfg = config ?? (rulePaths[0] === undefined ? undefined : lint.findLintConfig(rulePaths[0]));
  if (cfg === undefined) return undefined;
  const spec = configMapping(cfg);
  return spec === undefined ? undefined : load(spec, path.dirname(cfg), cfg);
}

/** LoadOptions' `fieldMapping` for the chosen mapping (nothing: the loader's default). */
export function mappingOption(c: ChosenMapping | undefined): { fieldMapping?: FieldMapping } {
  return c === undefined ? {} : { fieldMapping: c.mapping };
}
