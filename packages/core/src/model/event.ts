import type { EsMessage, EsProcess } from './message.js';

/**
 * One decoded ES message as the engine sees it: the eslogger object untouched (`msg`), plus the
 * header facts every stage needs, read once by the decoder.
 *
 * When the decoder was told which event types are needed and this message's type is not one of
 * them, `msg` is null and only the header fields are filled (`skipped` is true): the engine still
 * tracks its sequence numbers, but no rule sees it.
 */
export interface NightjarEvent {
  /** The parsed eslogger JSON object, as is (null when skipped). */
  readonly msg: EsMessage | null;
  /** True when the message was not fully parsed because no rule needs its type. */
  readonly skipped: boolean;
  /** Canonical event name (`exec`, `iokit_open`, …) or `unknown:<event_type>` for non-ES types. */
  readonly name: string;
  /** es_event_type_t number as found in the message (-1 when absent). */
  readonly type: number;
  /** Event time: integer microseconds since the Unix epoch (from `time`). */
  readonly time: number;
  /** The actor's pid, pidversion and `"<pid>:<pidversion>"` (0/0/"0:0" when unknown or skipped). */
  readonly pid: number;
  readonly pidversion: number;
  readonly entityId: string;
  /** `seq_num` (per event type) and `global_seq_num`/`glob_seq_num` (per source), when present. */
  readonly seq: number | undefined;
  readonly globalSeq: number | undefined;
  /** Host name when the message names one (Jamf's `host.hostname`); gaps are tracked per host. */
  readonly host: string | undefined;
  /** ES message version (`version`), undefined when absent (vendor records). */
  readonly version: number | undefined;
  /** Where the line came from, for diagnostics: 1-based line number and byte offset of its start. */
  readonly line: number;
  readonly offset: number;
  /** The source this message came from (a file name, `stdin`, `eslogger`, …); gaps are per source. */
  readonly source: string;
  /**
   * Shortcuts the decoder sets (events built otherwise may leave them out; readers then go through
   * `msg`): the actor (`msg.process`, when it is a process object), the payload object
   * (`msg.event[payloadKey]`) and its key as written in the message, and the pid and pidversion of
   * the actor's parent audit token (-1 when it has none). Lineage and field getters start from these
   * instead of walking `msg` again: on events that are no longer in the CPU cache each level walked
   * is a memory access.
   */
  readonly actor?: EsProcess | undefined;
  readonly payload?: Record<string, unknown> | undefined;
  readonly payloadKey?: string | undefined;
  readonly parentPid?: number | undefined;
  readonly parentPidversion?: number | undefined;
}
