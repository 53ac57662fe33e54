/**
 * The engine snapshot (`Engine.snapshot()` / `Engine.restore()`): its JSON shape, its error, and the
 * message table that lets evidence shared by many groups be written once. Plain JSON: numbers that
 * JSON cannot hold (±Infinity, NaN) are written as strings (`SnapNum`).
 */
import { NightjarError } from '../errors.js';
import type { CoreErrorCode } from '../codes.js';
import type { EsMessage, EsProcess } from '../model/message.js';
import type { NightjarEvent } from '../model/event.js';
import { eventFromMessage } from '../model/decode.js';

/** The snapshot format version this build writes and reads. */
export const ENGINE_SNAPSHOT_VERSION = 1;

/** Stable codes of `SnapshotError`. */
export const SNAPSHOT_ERROR_CODES = {
  /** Not an engine snapshot, or a part of it does not have the shape this version writes. */
  FORMAT: 'NJ_SNAPSHOT_FORMAT',
  /** Written by another snapshot format version. */
  VERSION: 'NJ_SNAPSHOT_VERSION',
  /** Taken with another ruleset (a rule or correlation added, removed or changed). */
  RULESET: 'NJ_SNAPSHOT_RULESET',
  /** Taken with engine options that change state (lineage, correlation limits). */
  OPTIONS: 'NJ_SNAPSHOT_OPTIONS',
} as const satisfies Record<string, CoreErrorCode>;

/** A snapshot `restore()` refuses; the engine's state is left as it was. */
export class SnapshotError extends NightjarError {}

/** A number as written: finite numbers as is, the rest as `"Infinity"`, `"-Infinity"`, `"NaN"`. */
export type SnapNum = number | string;

export function encNum(n: number): SnapNum {
  return Number.isFinite(n) ? n : String(n);
}

export function decNum(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: ${where} is not a number`);
}

/** An event kept in state (a close-mode window's newest event): its message and where it came from. */
export interface EventRef {
  /** Index in the host's `messages`. */
  m: number;
  line: number;
  offset: number;
  source: string;
}

/** One correlation group (see correlation/runtime.ts `Group`); arrays hold the window from its oldest entry. */
export interface GroupSnapshot {
  /** Group key and group-by values. */
  k: string;
  v: unknown;
  /** null before the group's first entry. */
  t: number[] | null;
  a?: number[];
  s?: string[];
  newest: SnapNum;
  start: SnapNum;
  sum: number;
  /** 1 when the group counts distinct values in a map (rebuilt from `s`). */
  d?: 1;
  slots?: SnapNum[];
  /** Evidence ring: message indexes (null: empty slot), times, next write position. */
  ev?: { m: (number | null)[]; t: SnapNum[]; next: number };
  trigger?: EventRef;
}

/** One correlation's state on one host. */
export interface CorrelationStateSnapshot {
  newest: SnapNum;
  inputs: number;
  /** Least recently used first. */
  groups: GroupSnapshot[];
  /** close mode: windows in the order they opened, [group key, start]. */
  close: [string, number][];
}

/** One cached process (see lineage/cache.ts `Node`). */
export interface LineageNodeSnapshot {
  id: string;
  pid: number;
  pv: number;
  proc: EsProcess;
  parent: string | null;
  /** entity_id of the parent this process pins, when that parent is still cached. */
  pinned: string | null;
  kids: number;
  first: number;
  last: number;
  /** 1 when used since it was last put at the newest end (the eviction's second chance), else 0. */
  moved: number;
  exited: number | null;
  start: number | null;
  args: string[] | null;
  /** Next older process with the same pid (the ppid fallback's index), when there is one. */
  samePid: string | null;
}

export interface LineageSnapshot {
  /** In the cache's recency order, least recent first (the order eviction walks). */
  nodes: LineageNodeSnapshot[];
  /** Heads of the per-pid index (entity ids). */
  byPid: string[];
  /** Exits waiting for their grace period, oldest first: [entity_id, time]. */
  exits: [string, number][];
  clock: SnapNum;
  moves: number;
  counters: { evictions: number; exited: number; expired: number; lookups: number; misses: number };
}

/** Everything kept for one host. */
export interface HostSnapshot {
  /** The host name; null for events without one. */
  host: string | null;
  /** The host's newest event time (µs). */
  now: SnapNum;
  /** Messages the host's correlation state refers to (evidence, close-mode triggers), each once. */
  messages: EsMessage[];
  lineage: LineageSnapshot | null;
  /** By correlation id; only correlations holding state. */
  correlations: Record<string, CorrelationStateSnapshot>;
  /** Suppression periods in the order they opened: [rule id + NUL + entity, first, until]. */
  suppression: [string, number, number][];
}

/** A sequence position: last number, its time, and a pending low message (number or -1, time, line). */
export type SeqSnapshot = [number, number, number, number, number];

/** The gap tracker's position per (source, host) stream, and the gaps it still reports. */
export interface GapStreamSnapshot {
  source: string;
  host: string | null;
  global: SeqSnapshot | null;
  /** [type number or vendor name, ...its position]. */
  types: [number | string, ...SeqSnapshot][];
  /** Set after a restart: the time of the last message before it (types first seen since count from 0). */
  restartedAfter?: number;
}

export interface GapTrackerSnapshot {
  streams: GapStreamSnapshot[];
  /** Gap records kept for `gaps()` and `incomplete` (JSON of `Gap`). */
  gaps: unknown[];
  metrics: unknown;
}

/** What `Engine.snapshot()` returns: plain JSON (`JSON.stringify` it as is). */
export interface EngineSnapshot {
  format: 'nightjar-engine-snapshot';
  version: number;
  /** Fingerprint of the ruleset's definitions; restore refuses another. */
  ruleset: string;
  /** Fingerprint of the state-shaping engine options; restore refuses another. */
  options: string;
  hosts: HostSnapshot[];
  /** The windows of `nightjar.scope: fleet` correlations (over every host), when any hold state. */
  fleet?: HostSnapshot;
  gaps: GapTrackerSnapshot;
}

/** Collects the messages one host's state refers to, each written once. */
export class MessageWriter {
  readonly messages: EsMessage[] = [];
  private readonly index = new Map<EsMessage, number>();
  msg(m: EsMessage): number {
    let i = this.index.get(m);
    if (i === undefined) {
      i = this.messages.length;
      this.messages.push(m);
      this.index.set(m, i);
    }
    return i;
  }
  event(ev: NightjarEvent): EventRef {
    return { m: this.msg(ev.msg!), line: ev.line, offset: ev.offset, source: ev.source };
  }
}

/** Reads one host's message table back; events are rebuilt with the host's name. */
export class MessageReader {
  constructor(
    private readonly messages: readonly EsMessage[],
    private readonly host: string | undefined,
  ) {}
  msg(i: unknown): EsMessage {
    const m = typeof i === 'number' ? this.messages[i] : undefined;
    if (m === undefined || typeof m !== 'object' || m === null)
      throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: message ${String(i)} is missing`);
    return m;
  }
  event(r: EventRef): NightjarEvent {
    const ev = eventFromMessage(this.msg(r.m), { line: r.line, offset: r.offset, source: r.source, host: this.host });
    if (ev instanceof Error) throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: ${ev.message}`);
    return ev;
  }
}
