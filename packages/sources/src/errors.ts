import { NightjarError } from '@nightjar/core';

/**
 * Stable error codes of @nightjar/sources. Callers switch on `code`; messages are for people.
 */
export const SOURCE_ERROR_CODES = {
  /** A replay input could not be opened or read (missing file, permission, a directory). */
  inputUnreadable: 'NJ_SOURCE_INPUT_UNREADABLE',
  /** A gzip input ended before its end marker (or is corrupt); what was read before is kept. */
  inputTruncated: 'NJ_SOURCE_INPUT_TRUNCATED',
  /** The backend does not exist on this platform, or its native addon is not built. */
  backendUnavailable: 'NJ_SOURCE_BACKEND_UNAVAILABLE',
  /** The live source needs root. */
  notRoot: 'NJ_SOURCE_NOT_ROOT',
  /** macOS: the responsible app lacks Full Disk Access (TCC). */
  noFullDiskAccess: 'NJ_SOURCE_NO_FULL_DISK_ACCESS',
  /** macOS: the executable lacks the com.apple.developer.endpoint-security.client entitlement. */
  notEntitled: 'NJ_SOURCE_NOT_ENTITLED',
  /** macOS: too many ES clients are connected. */
  tooManyClients: 'NJ_SOURCE_TOO_MANY_CLIENTS',
  /** An event name the source does not know (eslogger: "unknown event type"). */
  unknownEvent: 'NJ_SOURCE_UNKNOWN_EVENT',
  /** macOS: an event type is not available (needs a newer macOS, refused by es_subscribe, or not translated); an error with `strict`, else a warning. */
  eventUnavailable: 'NJ_SOURCE_EVENT_UNAVAILABLE',
  /** The source's program (eslogger) is not installed / not on PATH. */
  programNotFound: 'NJ_SOURCE_PROGRAM_NOT_FOUND',
  /** The source failed to start or died for a reason not listed above. */
  failed: 'NJ_SOURCE_FAILED',
  /** A line longer than the source's line cap (maxLineBytes): reported with its line and byte offset, skipped. */
  lineTooLong: 'NJ_SOURCE_LINE_TOO_LONG',
  /** A threaded scan's worker could not start (its rules did not load, or differ from the caller's) or died. */
  threadFailed: 'NJ_SOURCE_THREAD_FAILED',
  /** Bad options passed to a source (a programming error of the caller). */
  badOptions: 'NJ_SOURCE_BAD_OPTIONS',
} as const;

export type SourceErrorCode = (typeof SOURCE_ERROR_CODES)[keyof typeof SOURCE_ERROR_CODES];

/** Any error a source raises or reports. */
export class SourceError extends NightjarError {
  /** The source this concerns (a file name, `stdin`, `eslogger`, `linux`, `es`). */
  readonly source: string;
  constructor(code: SourceErrorCode, source: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.source = source;
  }
}

/** A replay input that could not be read (whole or in part). `offset` = bytes of decoded data read before the failure. */
export class InputError extends SourceError {
  readonly offset: number;
  readonly line: number;
  constructor(
    code: typeof SOURCE_ERROR_CODES.inputUnreadable | typeof SOURCE_ERROR_CODES.inputTruncated,
    source: string,
    message: string,
    where: { offset: number; line: number },
    options?: { cause?: unknown },
  ) {
    super(code, source, message, options);
    this.offset = where.offset;
    this.line = where.line;
  }
}

/** The chosen backend cannot run here; the message says what to do instead. */
export class BackendUnavailableError extends SourceError {
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(SOURCE_ERROR_CODES.backendUnavailable, source, message, options);
  }
}

/** A live source lacks a privilege (root, entitlement, Full Disk Access); the message says how to grant it. */
export class SourcePermissionError extends SourceError {}

/** A live source failed to start or stopped for a known reason (unknown event name, program missing, …). */
export class SourceStartError extends SourceError {}
