import type { FieldGetter } from '@nightjar/core';
import { RuleError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { compileFieldPath, knownEventName } from './core-compat.js';
import {
  FIELD_MAPPINGS,
  builtinFieldMapping,
  type BuiltinMappingName,
  type CategoryMapping,
  type FieldMapping,
  type MappedField,
} from './file.js';

/**
 * Logsources and field names → ES event types and field getters.
 *
 * Two kinds of rule:
 * - native ES: `logsource: {product: macos, service: endpointsecurity, category: <es event name>}`;
 *   fields are dotted paths into the eslogger object (`event.open.file.path`, `process.signing_id`),
 *   lineage prefixes (`parent.`, `real_parent.`, `responsible.`, `ancestors.`) included. No
 *   category means any event type (the rule then costs every event a dispatch).
 * - SigmaHQ taxonomy: `product: macos` (or no product) with a taxonomy `category`, through the
 *   built-in `sigmahq-macos` mapping (mappings/sigmahq-macos.yaml) or a mapping file of the user's
 *   (file.ts). A field name the mapping does not define but that contains a `.` is read as a native
 *   ES path in these rules too (unless the mapping sets `native_paths: false`), so taxonomy rules can
 *   reach ES-only facts (`event.exec.target.team_id`).
 *
 * The `sigmahq-macos` mapping (details and reasons in mappings/sigmahq-macos.yaml):
 *
 * | SigmaHQ category      | ES events        | subject / fields                                                          |
 * |-----------------------|------------------|---------------------------------------------------------------------------|
 * | process_creation      | exec             | the exec target: Image, CommandLine (args joined by ' '), CurrentDirectory (cwd), ProcessId, ProcessGuid (pid:pidversion), User (euid as decimal string; uid 0 also 'root'), OriginalFileName and SigningId (signing_id), TeamId, CdHash, Hashes ('CDHASH=…'), IsPlatformBinary, CodeSigningFlags, ParentProcessId (ppid), ParentProcessGuid / ParentUser (parent_audit_token), ParentImage (lineage parent, else the exec-ing image), ParentCommandLine (lineage parent's `args` when kept) |
 * | file_event            | create, rename, close (modified: true), write | the actor (Image, ProcessId, User, …, ParentImage via lineage) + TargetFilename (created path / rename destination / closed or written file). A close without modified: true reads every field as absent |
 * | file_rename           | rename           | actor + SourceFilename, TargetFilename                                   |
 * | file_delete           | unlink           | actor + TargetFilename                                                    |
 * | file_access           | open             | actor + TargetFilename                                                    |
 * | file_change           | utimes           | actor + TargetFilename (timestamps changed)                               |
 * | process_termination   | exit             | actor                                                                     |
 * | image_load            | mmap             | actor + ImageLoaded (every file mapping, not only code)                   |
 * | driver_load           | kextload         | actor + ImageLoaded (the kext bundle identifier)                          |
 * | create_remote_thread  | remote_thread_create | actor as Source*, target as Target* (Image, ProcessId, ProcessGuid)   |
 * | process_access        | get_task         | actor as Source*, target as Target*                                       |
 * | network_connection, dns_query, firewall, raw_access_read, registry_*, pipe_created, wmi_event, ps_*, clipboard_capture, process_tampering, sysmon_* | — | rejected: ES NOTIFY has no equivalent |
 *
 * Errors: NJ_UNSUPPORTED_LOGSOURCE (another product, another service, a category with no ES
 * equivalent, or a taxonomy rule without a field mapping), NJ_UNKNOWN_EVENT_TYPE (native category that
 * is not an ES event name), NJ_UNKNOWN_FIELD_MAPPING, NJ_UNMAPPED_FIELD, NJ_FIELD_PATH (a native path core
 * cannot compile, e.g. an empty segment or a JSONPath script).
 */

export { destinationPath, commandLine, GETTER_NAMES } from './getters.js';
export type { GetterName } from './getters.js';
export {
  FIELD_MAPPINGS,
  MAPPING_DIAGNOSTIC_CODES,
  FieldMappingError,
  parseFieldMapping,
  loadFieldMapping,
  builtinFieldMapping,
  builtinMappingFile,
} from './file.js';
export type {
  BuiltinMappingName,
  CategoryMapping,
  FieldMapping,
  FieldValueType,
  MappedField,
  MappingDiagnostic,
  MappingDiagnosticCode,
} from './file.js';

/** What a caller may pass as a mapping: a built-in's name, a compiled mapping, or null (native rules only). */
export type FieldMappingInput = string | FieldMapping | null;

/** How a field resolved: a getter plus what the linter shows. */
export interface FieldResolution {
  readonly get: FieldGetter;
  readonly usesLineage: boolean;
  /** ES path or a description of the virtual field. */
  readonly resolved: string;
  /** Event types that carry the field (null: any the rule sees). */
  readonly eventTypes: readonly string[] | null;
}

type Kind =
  | { readonly kind: 'native'; readonly eventTypes: string[] | null }
  | {
      readonly kind: 'taxonomy';
      readonly category: string;
      readonly mapping: CategoryMapping;
      readonly fieldMapping: FieldMapping;
    };

const LS_PATH = ['logsource'];

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The compiled mapping a caller names (throws NJ_UNKNOWN_FIELD_MAPPING for an unknown built-in name). */
export function resolveFieldMapping(fieldMapping: FieldMappingInput): FieldMapping | null {
  if (fieldMapping === null || typeof fieldMapping === 'object') return fieldMapping;
  if (!(FIELD_MAPPINGS as readonly string[]).includes(fieldMapping)) {
    throw new RuleError(
      'NJ_UNKNOWN_FIELD_MAPPING',
      `unknown field mapping '${fieldMapping}' (known: ${FIELD_MAPPINGS.join(', ')})`,
      [],
    );
  }
  return builtinFieldMapping(fieldMapping as BuiltinMappingName);
}

function classify(logsource: Record<string, unknown>, fieldMappingIn: FieldMappingInput): Kind {
  if (logsource === null || typeof logsource !== 'object') {
    throw new RuleError('NJ_UNSUPPORTED_LOGSOURCE', 'logsource must be a map', LS_PATH);
  }
  const fieldMapping = resolveFieldMapping(fieldMappingIn);
  const product = str(logsource.product);
  const service = str(logsource.service);
  const category = str(logsource.category);
  const native = service === 'endpointsecurity';
  const wantProduct = native || fieldMapping === null ? 'macos' : fieldMapping.product;
  if (product !== undefined && product !== wantProduct) {
    throw new RuleError(
      'NJ_UNSUPPORTED_LOGSOURCE',
      wantProduct === 'macos'
        ? `logsource product '${product}' is not supported: Nightjar reads macOS Endpoint Security events (product: macos)`
        : `logsource product '${product}' is not supported: the field mapping '${fieldMapping!.name}' maps product '${wantProduct}'`,
      [...LS_PATH, 'product'],
    );
  }
  if (service !== undefined) {
    if (service !== 'endpointsecurity') {
      throw new RuleError(
        'NJ_UNSUPPORTED_LOGSOURCE',
        `logsource service '${service}' is not supported; use service: endpointsecurity for native ES rules, or a SigmaHQ category without a service`,
        [...LS_PATH, 'service'],
      );
    }
    if (category === undefined) return { kind: 'native', eventTypes: null };
    const name = knownEventName(category);
    if (name === undefined) {
      throw new RuleError(
        'NJ_UNKNOWN_EVENT_TYPE',
        `logsource category '${category}' is not an Endpoint Security event name (eslogger spelling, e.g. exec, open, btm_launch_item_add)`,
        [...LS_PATH, 'category'],
      );
    }
    return { kind: 'native', eventTypes: [name] };
  }
  if (category === undefined) {
    throw new RuleError(
      'NJ_UNSUPPORTED_LOGSOURCE',
      'logsource needs a category: a SigmaHQ category (process_creation, file_event, …) or, with service: endpointsecurity, an ES event name',
      LS_PATH,
    );
  }
  // Without a mapping, the taxonomy is still recognised (to say a mapping is needed) through the built-in.
  const m = fieldMapping ?? builtinFieldMapping('sigmahq-macos');
  const unsupported = m.unsupported.get(category);
  if (unsupported !== undefined) {
    throw new RuleError(
      'NJ_UNSUPPORTED_LOGSOURCE',
      `logsource category '${category}' has no Endpoint Security equivalent: ${unsupported}`,
      [...LS_PATH, 'category'],
    );
  }
  const mapping = m.categories.get(category);
  if (mapping === undefined) {
    const which = m.name === 'sigmahq-macos' ? 'SigmaHQ macOS category' : `category of the field mapping '${m.name}'`;
    throw new RuleError(
      'NJ_UNSUPPORTED_LOGSOURCE',
      `logsource category '${category}' is not a supported ${which} (supported: ${[...m.categories.keys()].join(', ')}); for a native ES rule add service: endpointsecurity`,
      [...LS_PATH, 'category'],
    );
  }
  if (fieldMapping === null) {
    throw new RuleError(
      'NJ_UNSUPPORTED_LOGSOURCE',
      `logsource category '${category}' is a SigmaHQ taxonomy category and needs the field mapping 'sigmahq-macos'`,
      [...LS_PATH, 'category'],
    );
  }
  return { kind: 'taxonomy', category, mapping, fieldMapping };
}

/** ES event names a logsource covers (null: any), or throws RuleError for an unsupported logsource. */
export function logsourceEventTypes(
  logsource: Record<string, unknown>,
  fieldMapping: FieldMappingInput,
): string[] | null {
  const k = classify(logsource, fieldMapping);
  return k.kind === 'native' ? (k.eventTypes === null ? null : [...k.eventTypes]) : [...k.mapping.eventTypes];
}

function nativeField(field: string, path: readonly (string | number)[]): FieldResolution {
  const c = compileFieldPath(field, path);
  // `event.<name>.…` exists only in events of that type (the linter compares it with the logsource).
  const m = /^event\.([a-z0-9_]+)(\.|$)/.exec(field);
  const only = m ? knownEventName(m[1]!) : undefined;
  return { get: c.get, usesLineage: c.usesLineage, resolved: field, eventTypes: only !== undefined ? [only] : null };
}

/**
 * Resolve one field name for a rule with this logsource. `path` is where the field is written, for
 * the NJ_UNMAPPED_FIELD error.
 */
export function resolveField(
  field: string,
  logsource: Record<string, unknown>,
  fieldMapping: FieldMappingInput,
  path: readonly (string | number)[] = [],
): FieldResolution {
  const k = classify(logsource, fieldMapping);
  if (field === '' || /\s/.test(field)) {
    throw new RuleError('NJ_UNMAPPED_FIELD', `invalid field name '${field}'`, path, { key: true });
  }
  if (k.kind === 'native') return nativeField(field, path);
  const perType = k.mapping.fields.get(field);
  // A mapped name wins over the same text read as an ES path (ECS-style names contain dots).
  if (perType === undefined && k.fieldMapping.nativePaths && (field.includes('.') || field.startsWith('$')))
    return nativeField(field, path);
  if (perType === undefined) {
    const names = [...k.mapping.fields.keys()];
    throw new RuleError(
      'NJ_UNMAPPED_FIELD',
      `field '${field}' is not mapped for category '${k.category}'${didYouMean(field, names)} (mapped: ${names.sort().join(', ')}${k.fieldMapping.nativePaths ? '; or use a dotted ES path' : ''})`,
      path,
      { key: true },
    );
  }
  let shared = resolvedGetters.get(perType);
  if (shared === undefined) resolvedGetters.set(perType, (shared = taxonomyField(perType)));
  return shared;
}

/**
 * One getter per mapped field of a category, shared by every rule that reads it: the engine's
 * prefilter index groups rules by getter (one field read and one literal lookup per event for all
 * of them), so a getter per rule cost 2,000 real rules one read per rule and event.
 */
const resolvedGetters = new WeakMap<ReadonlyMap<string, MappedField>, FieldResolution>();

function taxonomyField(perType: ReadonlyMap<string, MappedField>): FieldResolution {
  const types = [...perType.keys()];
  const usesLineage = [...perType.values()].some((m) => m.usesLineage);
  const resolvedSet = [...new Set([...perType.values()].map((m) => m.resolved))];
  const resolved =
    resolvedSet.length === 1 ? resolvedSet[0]! : types.map((t) => `${t}: ${perType.get(t)!.resolved}`).join('; ');
  if (types.length === 1) {
    const t = types[0]!;
    const only = perType.get(t)!;
    // The rule only sees events of its logsource's types, but guard anyway: another type reads nothing.
    const g = only.get;
    return { get: (ev, ctx) => (ev.name === t ? g(ev, ctx) : undefined), usesLineage, resolved, eventTypes: types };
  }
  const byType = new Map<string, FieldGetter>([...perType].map(([t, m]) => [t, m.get]));
  return {
    get: (ev, ctx) => {
      const g = byType.get(ev.name);
      return g === undefined ? undefined : g(ev, ctx);
    },
    usesLineage,
    resolved,
    eventTypes: types,
  };
}
