import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import * as generated from './validators.generated.js';

/** The kinds of rule document the loader recognises. */
export type DocumentKind = 'rule' | 'correlation' | 'filter';

/** One schema violation, with the YAML key path it concerns. */
export interface SchemaIssue {
  readonly code: 'NJ_SCHEMA_MISSING' | 'NJ_SCHEMA_UNKNOWN_KEY' | 'NJ_SCHEMA_INVALID' | 'NJ_SCHEMA_FORMAT';
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly path: readonly (string | number)[];
  /** True when the offending thing is the key at `path` (e.g. an unknown key), not its value. */
  readonly key: boolean;
}

/** Schema file names, relative to the package's `schema/` folder (shipped in the npm package). */
export const SCHEMA_FILES: Readonly<Record<DocumentKind, string>> = {
  rule: 'sigma-detection-rule.schema.json',
  correlation: 'sigma-correlation-rule.schema.json',
  filter: 'sigma-filter.schema.json',
};
const COMMON_FILE = 'nightjar-common.schema.json';

/** Absolute path of the folder holding the JSON Schemas (same relative place from src/ and dist/). */
export function schemaDir(): string {
  return fileURLToPath(new URL('../../schema/', import.meta.url));
}

/** Reads one of the shipped JSON Schemas (for tools that want to publish or inspect it). */
export function readSchema(kind: DocumentKind | 'common'): Record<string, unknown> {
  const file = kind === 'common' ? COMMON_FILE : SCHEMA_FILES[kind];
  return JSON.parse(readFileSync(schemaDir() + file, 'utf8')) as Record<string, unknown>;
}

/**
 * A compiled schema: true when `data` is valid, else false with the reasons in `errors`. The
 * functions are the shipped schemas compiled ahead of time by ajv (scripts/validators.mjs writes
 * validators.generated.ts; a test checks it is current): compiling them at load time cost ~140 ms
 * per process, and per `scan --threads` worker.
 */
type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const validators: Record<DocumentKind, Validate> = {
  rule: generated.rule as Validate,
  correlation: generated.correlation as Validate,
  filter: generated.filter as Validate,
};

// Cosmetic keywords (tag format, date format, lower-case logsource, title length) are Sigma style
// rules: the rule still runs, so they are warnings; the linter reports them with its own ids.
const WARNING_KEYWORDS = new Set(['pattern', 'maxLength', 'format']);

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function showPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'document';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function toIssue(e: ErrorObject): SchemaIssue | undefined {
  const path = pointerToPath(e.instancePath);
  const where = showPath(path);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return {
        code: 'NJ_SCHEMA_MISSING',
        severity: 'error',
        message: `${where}: missing required key '${String(p.missingProperty)}'`,
        path,
        key: false,
      };
    case 'additionalProperties':
      return {
        code: 'NJ_SCHEMA_UNKNOWN_KEY',
        severity: 'error',
        message: `${where}: unknown key '${String(p.additionalProperty)}'`,
        path: [...path, String(p.additionalProperty)],
        key: true,
      };
    case 'enum':
      return {
        code: 'NJ_SCHEMA_INVALID',
        severity: 'error',
        message: `${where}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        path,
        key: false,
      };
    case 'type':
      return {
        code: 'NJ_SCHEMA_INVALID',
        severity: 'error',
        message: `${where}: must be ${String(p.type).replace(/,/g, ' or ')}`,
        path,
        key: false,
      };
    case 'if':
    case 'anyOf':
    case 'oneOf':
      // Their sub-errors carry the useful detail.
      return undefined;
    default:
      return {
        code: WARNING_KEYWORDS.has(e.keyword) ? 'NJ_SCHEMA_FORMAT' : 'NJ_SCHEMA_INVALID',
        severity: WARNING_KEYWORDS.has(e.keyword) ? 'warning' : 'error',
        message: `${where}: ${e.message ?? e.keyword}`,
        path,
        key: false,
      };
  }
}

/** Validates a plain-JS rule document against the shipped JSON Schema of its kind. */
export function validateDocument(kind: DocumentKind, data: unknown): SchemaIssue[] {
  return issuesOf(validators[kind], data);
}

/** The field-mapping file schema (schema/nightjar-field-mapping.schema.json). */
export const FIELD_MAPPING_SCHEMA_FILE = 'nightjar-field-mapping.schema.json';

/** Validates a parsed field-mapping file against its shipped JSON Schema. */
export function validateFieldMappingData(data: unknown): SchemaIssue[] {
  return issuesOf(generated.mapping as Validate, data);
}

function issuesOf(validate: Validate, data: unknown): SchemaIssue[] {
  if (validate(data)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const issue = toIssue(e);
    if (!issue) continue;
    const k = `${issue.code}\0${issue.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    issues.push(issue);
  }
  return issues;
}
