import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NightjarError, type FieldGetter } from '@nightjar/core';
import type { SourceLocation } from '../errors.js';
import { parseYamlText, type Locator } from '../load/yaml.js';
import { validateFieldMappingData } from '../schema/index.js';
import { compileFieldPath, knownEventName } from './core-compat.js';
import { GETTERS, type GetterName } from './getters.js';
import { RuleError } from '../errors.js';

/**
 * Field-mapping files: YAML that says, per logsource category and ES event type, how each rule
 * field is read (an ES path, or a named computed getter on a path). The built-in `sigmahq-macos`
 * mapping is one of them (mappings/sigmahq-macos.yaml). Format: the package README and
 * schema/nightjar-field-mapping.schema.json.
 */

/** The type of value a field holds, as the tools show it ('unknown' when the mapping does not say). */
export type FieldValueType = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'object' | 'unknown';

export interface MappedField {
  /** What is read, in words or as an ES path (`event.exec.target.executable.path`). */
  readonly resolved: string;
  readonly get: FieldGetter;
  readonly usesLineage: boolean;
  readonly type: FieldValueType;
}

export interface CategoryMapping {
  readonly eventTypes: readonly string[];
  /** field → (event type → how to read it). */
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, MappedField>>;
}

/** A compiled field mapping: what `LoadOptions.fieldMapping` accepts besides a built-in name. */
export interface FieldMapping {
  readonly name: string;
  readonly description?: string;
  /** The file it was read from (undefined for one built from text). */
  readonly file?: string;
  /** The logsource product its rules name. */
  readonly product: string;
  /** Whether an unmapped dotted field name is read as a native ES path. */
  readonly nativePaths: boolean;
  readonly categories: ReadonlyMap<string, CategoryMapping>;
  /** Categories refused on purpose → the reason. */
  readonly unsupported: ReadonlyMap<string, string>;
}

/** Stable codes of the problems a mapping file can have. */
export const MAPPING_DIAGNOSTIC_CODES = [
  'NJ_MAPPING_READ',
  'NJ_MAPPING_YAML',
  'NJ_MAPPING_SCHEMA',
  'NJ_MAPPING_EVENT_TYPE',
  'NJ_MAPPING_FIELD_PATH',
  'NJ_MAPPING_FIELDSET',
] as const;
export type MappingDiagnosticCode = (typeof MAPPING_DIAGNOSTIC_CODES)[number];

export interface MappingDiagnostic extends SourceLocation {
  readonly code: MappingDiagnosticCode;
  readonly message: string;
}

/** A mapping file that cannot be used; every problem is in `diagnostics`, located file:line:col. */
export class FieldMappingError extends NightjarError {
  readonly diagnostics: readonly MappingDiagnostic[];
  constructor(diagnostics: readonly MappingDiagnostic[]) {
    const lines = diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} [${d.code}]`);
    super('NJ_FIELD_MAPPING_INVALID', `invalid field mapping:\n  ${lines.join('\n  ')}`);
    this.diagnostics = diagnostics;
  }
}

type Raw = Record<string, unknown>;
type FieldSpec =
  | string
  | {
      getter?: GetterName;
      from?: string;
      fallback?: string;
      prefix?: string;
      type?: FieldValueType;
      description?: string;
    };
interface EventSpec {
  fieldsets?: string[];
  fields?: Record<string, FieldSpec>;
  when?: { field: string; equals: string | number | boolean };
}

const LINEAGE = /^(parent|real_parent|responsible|ancestors)\./;

/** Parses and compiles a mapping file's text; throws FieldMappingError listing every problem. */
export function parseFieldMapping(text: string, file: string): FieldMapping {
  const docs = parseYamlText(text, file);
  const problems: MappingDiagnostic[] = [];
  for (const d of docs)
    for (const x of d.diagnostics)
      if (x.severity === 'error')
        problems.push({ file, line: x.line, col: x.col, code: 'NJ_MAPPING_YAML', message: x.message });
  if (problems.length > 0) throw new FieldMappingError(problems);
  if (docs.length !== 1 || docs[0]!.data === undefined) {
    const at = docs[1]?.start ?? { line: 1, col: 1 };
    throw new FieldMappingError([
      { file, ...at, code: 'NJ_MAPPING_YAML', message: 'a mapping file holds exactly one YAML document' },
    ]);
  }
  const { data, locate } = docs[0]!;
  for (const issue of validateFieldMappingData(data)) {
    problems.push({
      ...locate(issue.path, { key: issue.key }),
      code: 'NJ_MAPPING_SCHEMA',
      message: issue.message,
    });
  }
  if (problems.length > 0) throw new FieldMappingError(problems);
  const m = compile(data as Raw, locate, problems);
  if (problems.length > 0) throw new FieldMappingError(problems);
  return { ...m, file };
}

/** Reads and compiles a mapping file (sync: loaders and workers call it once at start). */
export function loadFieldMapping(file: string): FieldMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new FieldMappingError([
      { file, line: 1, col: 1, code: 'NJ_MAPPING_READ', message: `cannot read the mapping file: ${why}` },
    ]);
  }
  return parseFieldMapping(text, file);
}

/** Names of the mappings shipped in the package's mappings/ folder. */
export const FIELD_MAPPINGS = ['sigmahq-macos'] as const;
export type BuiltinMappingName = (typeof FIELD_MAPPINGS)[number];

/** Absolute path of a built-in mapping's file (same relative place from src/ and dist/). */
export function builtinMappingFile(name: BuiltinMappingName): string {
  return fileURLToPath(new URL(`../../mappings/${name}.yaml`, import.meta.url));
}

const builtins = new Map<string, FieldMapping>();
/** A built-in mapping, read and compiled once per process. */
export function builtinFieldMapping(name: BuiltinMappingName): FieldMapping {
  let m = builtins.get(name);
  if (m === undefined) builtins.set(name, (m = loadFieldMapping(builtinMappingFile(name))));
  return m;
}

function compile(raw: Raw, locate: Locator, problems: MappingDiagnostic[]): Omit<FieldMapping, 'file'> {
  const fieldsets = (raw.fieldsets ?? {}) as Record<string, Record<string, FieldSpec>>;
  const categories = new Map<string, CategoryMapping>();
  const at = (path: (string | number)[], key = false) => locate(path, { key });

  const compilePath = (p: string, where: (string | number)[]): FieldGetter | undefined => {
    try {
      return compileFieldPath(p, where).get;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      problems.push({ ...at(where), code: 'NJ_MAPPING_FIELD_PATH', message: e.message });
      return undefined;
    }
  };

  const compileField = (spec: FieldSpec, where: (string | number)[]): MappedField | undefined => {
    const s = typeof spec === 'string' ? { from: spec } : spec;
    const getter = s.getter ?? 'path';
    const from = s.from;
    if (from === undefined && (getter === 'path' || GETTERS[getter].needsFrom)) {
      problems.push({
        ...at(where),
        code: 'NJ_MAPPING_SCHEMA',
        message: `getter '${getter}' needs 'from' (the ES path it reads)`,
      });
      return undefined;
    }
    if (getter !== 'path' && (s.fallback !== undefined || s.prefix !== undefined)) {
      problems.push({
        ...at(where),
        code: 'NJ_MAPPING_SCHEMA',
        message: `'fallback' and 'prefix' apply to getter 'path' only, not '${getter}'`,
      });
      return undefined;
    }
    const fromWhere = typeof spec === 'string' ? where : [...where, 'from'];
    const base = from === undefined ? undefined : compilePath(from, fromWhere);
    if (from !== undefined && base === undefined) return undefined;
    let usesLineage = from !== undefined && LINEAGE.test(from);
    let get: FieldGetter;
    let resolved: string;
    let type: FieldValueType = s.type ?? 'unknown';
    if (getter === 'path') {
      get = base!;
      resolved = from!;
      if (s.fallback !== undefined) {
        const fb = compilePath(s.fallback, [...where, 'fallback']);
        if (fb === undefined) return undefined;
        const primary = get;
        get = (ev, ctx) => {
          const v = primary(ev, ctx);
          return v !== undefined ? v : fb(ev, ctx);
        };
        usesLineage ||= LINEAGE.test(s.fallback);
      }
      if (usesLineage || s.fallback !== undefined) {
        const notes = [LINEAGE.test(from!) ? 'lineage' : '', s.fallback ? `falls back to ${s.fallback}` : ''];
        resolved = `${from!} (${notes.filter(Boolean).join('; ')})`;
      }
      if (s.prefix !== undefined) {
        const prefix = s.prefix;
        const inner = get;
        get = (ev, ctx) => {
          const v = inner(ev, ctx);
          return typeof v === 'string' ? prefix + v : undefined;
        };
        resolved = `${JSON.stringify(prefix).replace(/^"|"$/g, "'")} + ${resolved}`;
        type = 'string';
      }
    } else {
      const g = GETTERS[getter];
      get = g.make(base);
      resolved = g.describe(from ?? '');
      if (getter === 'parent_command_line') usesLineage = true;
      if (s.type === undefined) type = 'string';
    }
    return { resolved: s.description ?? resolved, get, usesLineage, type };
  };

  for (const [category, events] of Object.entries(raw.categories as Record<string, Record<string, EventSpec>>)) {
    const fields = new Map<string, Map<string, MappedField>>();
    const eventTypes: string[] = [];
    for (const [eventName, ev] of Object.entries(events)) {
      const where = ['categories', category, eventName];
      const name = knownEventName(eventName);
      if (name === undefined) {
        problems.push({
          ...at(where, true),
          code: 'NJ_MAPPING_EVENT_TYPE',
          message: `'${eventName}' is not an Endpoint Security event name (eslogger spelling, e.g. exec, open, btm_launch_item_add)`,
        });
        continue;
      }
      eventTypes.push(name);
      // Field specs in order: fieldsets first, then the event's own (which win over a fieldset's).
      const specs = new Map<string, [FieldSpec, (string | number)[]]>();
      (ev.fieldsets ?? []).forEach((set, i) => {
        const table = fieldsets[set];
        if (table === undefined) {
          const known = Object.keys(fieldsets);
          problems.push({
            ...at([...where, 'fieldsets', i]),
            code: 'NJ_MAPPING_FIELDSET',
            message: `unknown fieldset '${set}' (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
          });
          return;
        }
        for (const [f, spec] of Object.entries(table)) specs.set(f, [spec, ['fieldsets', set, f]]);
      });
      for (const [f, spec] of Object.entries(ev.fields ?? {})) specs.set(f, [spec, [...where, 'fields', f]]);
      let cond: ((ev: Parameters<FieldGetter>[0], ctx: Parameters<FieldGetter>[1]) => boolean) | undefined;
      let condText = '';
      if (ev.when !== undefined) {
        const g = compilePath(ev.when.field, [...where, 'when', 'field']);
        const want = ev.when.equals;
        if (g !== undefined) cond = (e, ctx) => g(e, ctx) === want;
        condText = ` (only when ${ev.when.field} is ${JSON.stringify(want)})`;
      }
      for (const [f, [spec, w]] of specs) {
        const mf = compileField(spec, w);
        if (mf === undefined) continue;
        let out = mf;
        if (cond !== undefined) {
          const c = cond;
          const g = mf.get;
          out = { ...mf, resolved: mf.resolved + condText, get: (e, ctx) => (c(e, ctx) ? g(e, ctx) : undefined) };
        }
        let perType = fields.get(f);
        if (!perType) fields.set(f, (perType = new Map<string, MappedField>()));
        perType.set(name, out);
      }
    }
    categories.set(category, { eventTypes, fields });
  }
  const r: Omit<FieldMapping, 'file'> = {
    name: raw.name as string,
    product: (raw.product as string | undefined) ?? 'macos',
    nativePaths: raw.native_paths !== false,
    categories,
    unsupported: new Map(Object.entries((raw.unsupported ?? {}) as Record<string, string>)),
  };
  return typeof raw.description === 'string' ? { ...r, description: raw.description } : r;
}
