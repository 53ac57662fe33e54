import type { EventPredicate, RulePrefilter } from '@nightjar/core';
import type { FieldMapping } from '../mapping/file.js';

/** What `compileDetection` needs from one rule document. */
export interface DetectionInput {
  /** The rule's `detection` block as parsed YAML (plain JS values). */
  readonly detection: unknown;
  /** The rule's `logsource` block. */
  readonly logsource: Record<string, unknown>;
  /** Field mapping for taxonomy rules (`'sigmahq-macos'` or a loaded mapping), or null for native ES rules only. */
  readonly fieldMapping: string | FieldMapping | null;
  /** Values for `%name%` placeholders used with the `expand` modifier. */
  readonly placeholders?: Record<string, string[]>;
}

/** A field as compiled for one rule (the engine's contract type). */
export type { CompiledField } from '@nightjar/core';

/** One field a rule reads, for the linter and for `nightjar events`. */
export interface FieldUse {
  /** The name as written in the rule (`Image`, `event.exec.args`). */
  readonly name: string;
  /**
   * What it reads: an ES path (`event.exec.target.executable.path`) or a virtual field described in
   * words (`virtual:CommandLine = event.exec.args joined by ' '`).
   */
  readonly resolved: string;
  /** ES event types in which the field exists (null: any type the rule sees). */
  readonly eventTypes: readonly string[] | null;
  readonly usesLineage: boolean;
  /** YAML key path where it was first used. */
  readonly path: readonly (string | number)[];
}

/** One `field|modifiers: values` item (or a keyword list) of a selection. */
export interface ItemInfo {
  /** Field name, or null for keywords (unbound values). */
  readonly field: string | null;
  readonly modifiers: readonly string[];
  /** Values as written (after YAML parsing). */
  readonly values: readonly unknown[];
  /** False when the item can never match (e.g. `|all` equality with two different values). */
  readonly canMatch: boolean;
  /** Why it can never match, when it cannot. */
  readonly reason?: string | undefined;
  readonly path: readonly (string | number)[];
}

export interface SelectionInfo {
  readonly name: string;
  /** False when no event can ever satisfy it (an item that can never match, ANDed). */
  readonly canMatch: boolean;
  readonly items: readonly ItemInfo[];
  /** Whether the condition references it (after pattern expansion and pruning). */
  readonly referenced: boolean;
}

export interface RegexInfo {
  readonly source: string;
  /** re2js flags as letters (`i`, `m`, `s`). */
  readonly flags: string;
  /** Set when the pattern did not compile (the rule then fails with NJ_BAD_REGEX/NJ_REGEX_UNSUPPORTED). */
  readonly error?: string;
  readonly path: readonly (string | number)[];
}

export interface KeywordInfo {
  readonly selection: string;
  readonly values: readonly unknown[];
  readonly all: boolean;
}

/** The parsed condition. `of` nodes keep the pattern and the identifiers it resolved to. */
export type ConditionNode =
  | { readonly type: 'and' | 'or'; readonly args: readonly ConditionNode[] }
  | { readonly type: 'not'; readonly arg: ConditionNode }
  | { readonly type: 'ref'; readonly name: string }
  | {
      readonly type: 'of';
      readonly quantifier: 'one' | 'all';
      /** The pattern as written, or `them`. */
      readonly pattern: string;
      /** Identifiers it matched (empty: pruned). */
      readonly matches: readonly string[];
    };

export interface DetectionInfo {
  readonly fields: readonly FieldUse[];
  readonly selections: readonly SelectionInfo[];
  /** One entry per condition string (a list condition gives several, ORed); null when pruned to nothing. */
  readonly conditions: readonly (ConditionNode | null)[];
  /** The condition after pruning, as the predicate evaluates it. */
  readonly condition: ConditionNode;
  readonly regexes: readonly RegexInfo[];
  readonly keywords: readonly KeywordInfo[];
  /** Selector patterns (`1 of filter_*`) that matched no identifier and were pruned. */
  readonly prunedSelectors: readonly string[];
}

export interface CompiledDetection {
  readonly match: EventPredicate;
  /** The first test `match` evaluates, as data for the engine's dispatch index (CompiledRule.prefilter). */
  readonly prefilter?: RulePrefilter;
  /** Alternatives one of which must pass for `match` to be true (CompiledRule.prefilterAny), when there is no `prefilter`. */
  readonly prefilterAny?: readonly RulePrefilter[];
  /** ES event names the rule can match, from the logsource; null when any type. */
  readonly eventTypes: string[] | null;
  readonly usesLineage: boolean;
  readonly info: DetectionInfo;
}
