/** Types of the variants check (`nightjar test --variants`). */
import type { EsMessage } from '@nightjar/core';

/** Every variant the check derives, in the order it runs them. Names are stable: rules accept them by name. */
export const VARIANT_NAMES = [
  'flags-bundled',
  'flags-split',
  'flags-reordered',
  'long-option-equals',
  'long-option-space',
  'private-prefix-added',
  'private-prefix-removed',
  'path-case',
  'argv0-bare',
  'argv0-absolute',
  'command-spacing',
  'command-quoting',
  'destination-new-path',
  'destination-existing-file',
  'audit-token-array',
  'audit-token-object',
  'message-version-older',
] as const;

export type VariantName = (typeof VARIANT_NAMES)[number];

/** One field a variant changed: its key path in the ES message and the values before and after. */
export interface VariantChange {
  /** Dotted key path in the message, array indices in brackets (`event.exec.args[2]`). */
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** A generator: the messages of one test case in, the same procedure as the variant would show it out. */
export interface VariantGenerator {
  readonly name: VariantName;
  /** One line: what the variant changes, for docs and reports. */
  readonly description: string;
  /**
   * Returns the rewritten messages (deep copies; the input is never mutated) and what changed, or
   * undefined when the variant does not apply to these messages.
   */
  apply(messages: readonly EsMessage[]): { messages: EsMessage[]; changes: VariantChange[] } | undefined;
}

/** A positive case that stopped matching under a variant. */
export interface VariantLoss {
  readonly variant: VariantName;
  readonly test: string;
  readonly changes: readonly VariantChange[];
  /** What was expected and what the variant run gave. */
  readonly message: string;
  /** The reason from the rule's `nightjar.variants.accept` entry when the loss is accepted. */
  readonly accepted?: string;
  readonly location?: { file: string; line: number; col: number };
}

export interface RuleVariantsResult {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly line: number;
  /** Positive cases checked (cases that pass unchanged). */
  readonly cases: number;
  /** Variant runs (case × applicable variant). */
  readonly runs: number;
  readonly losses: readonly VariantLoss[];
  /** Positive cases that already fail without a variant (run `nightjar test`): they cannot be checked. */
  readonly broken: readonly { test: string; message: string }[];
  /** Accepted variants no case lost (stale exceptions). */
  readonly unusedAccepts: readonly VariantName[];
}

export interface VariantsReport {
  readonly rules: readonly RuleVariantsResult[];
  readonly summary: {
    readonly rules: number;
    readonly cases: number;
    readonly runs: number;
    readonly losses: number;
    readonly accepted: number;
    readonly broken: number;
    readonly durationMs: number;
  };
}
