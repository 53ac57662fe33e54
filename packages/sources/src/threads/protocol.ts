/**
 * The messages between the threaded scan's reader (main thread) and its workers. Lines travel as raw
 * bytes in one transferred buffer per batch (no per-line copy across threads); results travel back
 * tagged with each line's ordinal in the whole input, so the reader can put them in input order.
 */
import type { Alert, Diagnostic, EngineMetrics, EngineOptions } from '@nightjar/core';

/** Where a worker gets its rules: a module it imports and a function of it that returns a compiled ruleset. */
export interface RulesFactory {
  /** An absolute path, a `file:` URL or a package specifier the worker can import. */
  readonly module: string;
  /** The exported function to call (default `default`). It may return a promise. */
  readonly export?: string | undefined;
  /** Its one argument (must survive structured clone: plain data). */
  readonly args?: unknown;
}

export interface WorkerInit {
  readonly index: number;
  readonly threads: number;
  readonly rules: RulesFactory;
  readonly engine: EngineOptions;
  /** Input names, by input index (events' `source`). */
  readonly sources: readonly string[];
  readonly strict: boolean;
  readonly host: string | undefined;
}

/**
 * Values per line in a batch's meta: start, end, line number, byte offset, ordinal, and where the
 * bytes are (0: the round's shared chunk, 1: the batch's own `extra` bytes: lines that straddled
 * two chunks).
 */
export const META_STRIDE = 6;

export type ToWorker =
  | {
      readonly kind: 'lines';
      readonly input: number;
      /** The chunk the round's lines were cut from, shared by every worker (read-only). */
      readonly shared: SharedArrayBuffer | null;
      readonly extra: ArrayBuffer | null;
      readonly meta: Float64Array;
    }
  | { readonly kind: 'flush' };

/** A decode error, as plain data (rebuilt as a DecodeError by the reader). */
export interface WireDecodeError {
  readonly code: string;
  /** The message without its location prefix. */
  readonly message: string;
  readonly line: number;
  readonly offset: number;
  readonly source: string;
  readonly column: number | undefined;
}

export type FromWorker =
  | {
      readonly kind: 'ready';
      readonly fingerprint: string;
      readonly eventTypes: string[];
      /** Correlations with `nightjar.scope: fleet` (they need one engine over every host). */
      readonly fleetScoped: number;
    }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string | undefined }
  | {
      readonly kind: 'results';
      readonly events: number;
      readonly skipped: number;
      readonly alerts: Alert[];
      readonly alertOrds: number[];
      /**
       * Each alert's count when it was raised: suppression later folds repeats into it (count grows),
       * after a single-threaded scan would already have written it.
       */
      readonly alertCounts: number[];
      readonly errors: WireDecodeError[];
      readonly errorOrds: number[];
      readonly diagnostics: Diagnostic[];
      /** The ordinal of the batch's last line (the diagnostics are placed there). */
      readonly lastOrd: number;
    }
  | {
      readonly kind: 'flushed';
      readonly alerts: Alert[];
      readonly diagnostics: Diagnostic[];
      /** Per host (null: none) the ordinal of its last event: orders the hosts' end-of-input alerts. */
      readonly lastSeen: Array<[string | null, number]>;
      /** Per host (null: none) where its first event on this worker was: source and line. */
      readonly firstSeen: Array<[string | null, string, number]>;
      readonly metrics: EngineMetrics;
    };
