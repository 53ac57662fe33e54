/**
 * Diagnostics are facts about the input or the engine's limits that a user must see (a sequence
 * gap, a source restart, a late event, an evicted group), never silently absorbed. `code` is stable.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  /** Event time (µs) the diagnostic refers to, when there is one. */
  readonly time?: number;
  readonly source?: string;
  readonly host?: string;
  readonly line?: number;
  /** Byte offset of the start of that line in its source, when known. */
  readonly offset?: number;
  /** Structured details (e.g. a gap's event type, expected, seen, missing). */
  readonly data?: Readonly<Record<string, unknown>>;
}
