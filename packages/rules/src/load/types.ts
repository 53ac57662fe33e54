import type { Document } from 'yaml';
import type { CompiledCorrelation, CompiledRule } from '@nightjar/core';
import type { RuleDiagnostic, SourceLocation } from '../errors.js';
import type { DetectionInfo } from '../detection/types.js';
import type { FieldMapping } from '../mapping/index.js';
import type { KeyPath } from './yaml.js';
import type { RuleSet } from './ruleset.js';

/** Options of loadRules / loadRuleFiles / parseRuleText. */
export interface LoadOptions {
  /**
   * How SigmaHQ taxonomy fields (`Image`, `CommandLine`, …) map to ES fields. Default
   * 'sigmahq-macos' (mappings/sigmahq-macos.yaml); 'none' accepts native ES rules only; or a mapping
   * read from a file with `loadFieldMapping(file)`. Native ES logsources (`service: endpointsecurity`)
   * need no mapping either way.
   */
  readonly fieldMapping?: 'sigmahq-macos' | 'none' | FieldMapping;
  /** Longest correlation timespan accepted, in µs (default 1 hour); longer → NJ_TIMESPAN_LIMIT. */
  readonly maxTimespanUs?: number;
  /** Values of `%name%` placeholders for the `expand` modifier. */
  readonly placeholders?: Record<string, string[]>;
  /** Largest rule file read, in bytes (default 1 MiB). */
  readonly maxFileBytes?: number;
  /** YAML alias-expansion budget per document (default 100). */
  readonly maxAliasCount?: number;
  /** Deepest YAML nesting accepted (default 64). */
  readonly maxDepth?: number;
  /** Most YAML documents in one file (default 10,000). */
  readonly maxDocuments?: number;
}

export type DocumentKindOrUnknown = 'rule' | 'correlation' | 'filter' | 'unknown';

/** One YAML document of a rule file, as the tester and linter see it. */
export interface RuleDocument {
  readonly file: string;
  /** 0-based position of the document in its file (multi-document files separate them with `---`). */
  readonly index: number;
  readonly kind: DocumentKindOrUnknown;
  /** The document as plain JS (undefined when it did not parse). */
  readonly data: unknown;
  /** The yaml Document, for source positions. */
  readonly doc: Document;
  /** file:line:col of a key path in this document (of the key itself with `{ key: true }`). */
  locate(path: KeyPath, opts?: { key?: boolean }): SourceLocation;
  readonly id?: string;
  readonly title?: string;
  /** The compiled rule or correlation, when it compiled (filters are folded into the rules they apply to). */
  compiled?: CompiledRule | CompiledCorrelation;
  /** What the detection compiler learned (fields, selections, condition AST, regexes), for the linter. */
  detectionInfo?: DetectionInfo;
  /** For a detection rule: ids of the filters applied to it, in order. For a filter: ids of the rules it applies to. */
  filters?: string[];
  /** The raw top-level `tests:` key (format owned by the CLI tester). */
  readonly tests?: unknown;
  /** The raw `nightjar:` key (validated by the schema). */
  readonly nightjar?: unknown;
  /** Diagnostics about this document. */
  readonly diagnostics: RuleDiagnostic[];
}

/** The lenient result: whatever compiled, every document, every diagnostic. */
export interface LoadResult {
  readonly ruleset: RuleSet;
  readonly documents: readonly RuleDocument[];
  readonly diagnostics: readonly RuleDiagnostic[];
}
