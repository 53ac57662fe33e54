/**
 * The line decoder (JSON line → NightjarEvent) and the ES field readers it and the lineage cache
 * share. Over 400 lines on purpose: it runs once per input line (hot path); the skip-path header
 * scanner is model/scan.ts.
 */
import { NightjarError } from '../errors.js';
import type { NightjarEvent } from './event.js';
import type { AuditToken, EsMessage, EsPayload, EsProcess } from './message.js';
import { canonicalEventName, eventTypeByNumber, isKnownEventName, isUnknownEventName } from './event-types.js';
import { parseTimeUs } from './time.js';
import type { CoreErrorCode } from '../codes.js';
import { scanHeader, type HeaderCheck } from './scan.js';

/** Stable decode error codes. */
export const DECODE_ERROR_CODES = {
  /** The line is not valid JSON (or is empty). */
  json: 'NJ_DECODE_JSON',
  /** Valid JSON, but not an ES message (not an object, or no usable event_type / time / event). */
  shape: 'NJ_DECODE_SHAPE',
  /**
   * `event_type` and the payload's key name two different ES events (e.g. 42, auth_link, with an
   * `fcntl` payload), or the key names an ES event and the number is not an ES type at all (29853
   * with an `exit` payload): a tampered or broken producer. The line is not used, so no rule ever
   * reads a payload of another type than its event.
   */
  typeMismatch: 'NJ_DECODE_TYPE_MISMATCH',
} as const satisfies Record<string, CoreErrorCode>;

/**
 * A line that could not be decoded. The decoder returns it (never throws it) so a reader can report
 * it with its location and go on with the next line.
 */
export class DecodeError extends NightjarError {
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the start of the line in its source. */
  readonly offset: number;
  /** 1-based column of a JSON syntax error, when the parser told us. */
  readonly column: number | undefined;
  readonly source: string;
  constructor(
    code: string,
    message: string,
    where: { line: number; offset: number; source: string; column?: number | undefined },
  ) {
    const col = where.column !== undefined ? `:${where.column}` : '';
    super(code, `${where.source}:${where.line}${col} (byte ${where.offset}): ${message}`);
    this.line = where.line;
    this.offset = where.offset;
    this.column = where.column;
    this.source = where.source;
  }
}

export interface DecoderOptions {
  /**
   * Event names the caller needs fully decoded. A message of any other type is returned as a
   * skipped event (`msg` null, header fields only) without JSON.parse. null/undefined: decode all.
   */
  eventTypes?: Iterable<string> | null;
  /** Source name for events and errors (a file name, `stdin`, …). Default `input`. */
  source?: string;
  /**
   * The host every line of this source comes from. It wins over a host the record names itself
   * (Jamf's `host.hostname`), which is used when this is not given. The engine keeps each host's
   * state apart (see the README, "Hosts").
   */
  host?: string | undefined;
  /**
   * How unwanted lines are recognised when `eventTypes` is given: `scan` (header scan, no parse),
   * `parse` (JSON.parse, then drop the object), or `auto` (default): scan while most lines are
   * skipped, parse first while at least 90% of recent lines are wanted. The events are the same.
   */
  skipStrategy?: 'auto' | 'scan' | 'parse';
  /**
   * How a skipped line is checked (see HeaderCheck in model/scan.ts). `balance` (default): header keys
   * found by one regex pass and placed by bracket counts — several times cheaper than parsing; a
   * truncated line is still an error, but a balanced line with a grammar error inside a value no rule
   * reads passes as a skipped event. `structure`: the top-level grammar is walked, so every malformed
   * line is an error, at about the cost of JSON.parse.
   */
  skippedLineCheck?: HeaderCheck;
}

export interface DecoderStats {
  /** Lines passed to decode(). */
  lines: number;
  /** Fully decoded events. */
  decoded: number;
  /** Events returned header-only because their type was not wanted. */
  skipped: number;
  /** Lines that produced a DecodeError, by code. */
  errors: Record<string, number>;
  /** Messages whose event_type is not an ES type (vendor records such as Jamf's 9001), by name. */
  unknownTypes: Record<string, number>;
  /** Messages with a `version` newer than the newest this decoder knows (read anyway). */
  newerVersions: number;
}

export interface Decoder {
  decode(line: string, lineNo: number, offset: number): NightjarEvent | DecodeError;
  stats(): DecoderStats;
}

/** Lines per adaptation window of the 'auto' skip strategy, and the wanted share above which it parses first. */
const ADAPT_WINDOW = 512;
const PARSE_FIRST_SHARE = 0.9;

/** Distinct `unknown:<n>` names counted one by one in stats (the rest as `unknown:other`). */
const MAX_UNKNOWN_NAMES = 256;

/** The newest ES message version this code knows (macOS 26). Newer versions are read, and counted. */
export const NEWEST_KNOWN_MESSAGE_VERSION = 10;

/** Audit token → [pid, pidversion]; both the object (≤ v9) and 8-array (v10: val[5], val[7]) forms. */
export function tokenPid(t: AuditToken | null | undefined): number | undefined {
  if (t == null || typeof t !== 'object') return undefined;
  const v: unknown = Array.isArray(t) ? t[5] : (t as { pid?: unknown }).pid;
  return typeof v === 'number' ? v : undefined;
}

export function tokenPidversion(t: AuditToken | null | undefined): number | undefined {
  if (t == null || typeof t !== 'object') return undefined;
  const v: unknown = Array.isArray(t) ? t[7] : (t as { pidversion?: unknown }).pidversion;
  return typeof v === 'number' ? v : undefined;
}

/** `"<pid>:<pidversion>"` for an audit token, or undefined when it has no pid. */
export function tokenEntityId(t: AuditToken | null | undefined): string | undefined {
  const pid = tokenPid(t);
  if (pid === undefined) return undefined;
  return entityIdOf(pid, tokenPidversion(t) ?? 0);
}

// The last id string built per slot of a direct-mapped table: the same process's events then carry
// the very same string, so no string is built per event, and the Map lookups keyed by it (lineage,
// correlation groups) hash it once and compare by pointer. Slotted by pid alone: live pids are dense
// and distinct (a hash of pid and pidversion spread 1,600 processes over the slots with ~30%
// collisions); the images of one pid before and after exec share a slot, and only one is active.
const ID_SLOTS = 16_384;
const idPid = new Float64Array(ID_SLOTS).fill(NaN);
const idVersion = new Float64Array(ID_SLOTS);
const idString: string[] = new Array<string>(ID_SLOTS).fill('');

/** `${pid}:${pidversion}`, the same string object for the same pair while its slot holds it. */
export function entityIdOf(pid: number, pidversion: number): string {
  const slot = pid & (ID_SLOTS - 1);
  if (idPid[slot] === pid && idVersion[slot] === pidversion) return idString[slot]!;
  const id = `${pid}:${pidversion}`;
  idPid[slot] = pid;
  idVersion[slot] = pidversion;
  idString[slot] = id;
  return id;
}

function isProcessLike(v: unknown): v is EsProcess {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'audit_token' in v;
}

/**
 * Sets `entity_id` on every process object of the message: the actor, and each process-shaped
 * value (an object with `audit_token`) directly under the event payload (exec.target, fork.child,
 * signal.target/instigator, btm instigator/app, od_* instigator, tcc responsible, …). Computed once
 * here so rules, group-by and lineage read a plain field.
 */
function stampEntityIds(msg: EsMessage, payload: unknown): void {
  const p = msg.process;
  if (isProcessLike(p)) {
    const id = tokenEntityId(p.audit_token);
    if (id !== undefined) p.entity_id = id;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return;
  for (const key in payload) {
    const v = (payload as Record<string, unknown>)[key];
    if (isProcessLike(v)) {
      const id = tokenEntityId(v.audit_token);
      if (id !== undefined) v.entity_id = id;
    }
  }
}

function jsonColumn(err: unknown): number | undefined {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  return m ? Number(m[1]) + 1 : undefined;
}

function jsonReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // V8 quotes the whole input in some messages; a huge line must not produce a huge message.
  return msg.length > 200 ? `${msg.slice(0, 200)}…` : msg;
}

/** Payload key → its known event name (aliases resolved); only known names go in, so it stays small. */
const NAME_BY_KEY = new Map<string, string>();

/** The known event name a payload key stands for, or undefined (a newer or vendor key). */
function keyName(payloadKey: string): string | undefined {
  const hit = NAME_BY_KEY.get(payloadKey);
  if (hit !== undefined) return hit;
  const name = canonicalEventName(payloadKey);
  if (!isKnownEventName(name)) return undefined;
  // Only known names go in, so the table stays small whatever the input invents.
  NAME_BY_KEY.set(payloadKey, name);
  return name;
}

function nameOf(eventType: number, payloadKey: string | undefined): string {
  if (payloadKey !== undefined) {
    const name = keyName(payloadKey);
    if (name !== undefined) return name;
  }
  const info = eventTypeByNumber(eventType);
  return info !== undefined ? info.name : `unknown:${eventType}`;
}

/**
 * When the payload key is a known event name and `event_type` is not that event's number (another
 * ES type, or a number ES does not have): the message explaining it. Undefined when they agree or
 * the key is not a known name (vendor records such as Jamf's 9001 `system_performance`, newer keys).
 * A known key under an unknown number is refused too, or the header scan (which names a line by its
 * number) and the full parse (by its key) would name the same line differently.
 */
function typeMismatch(eventType: number, payloadKey: string | undefined): string | undefined {
  if (payloadKey === undefined) return undefined;
  const info = eventTypeByNumber(eventType);
  if (info !== undefined && payloadKey === info.name) return undefined;
  const name = keyName(payloadKey);
  if (name === undefined || (info !== undefined && name === info.name)) return undefined;
  const shown = payloadKey.length > 60 ? `${payloadKey.slice(0, 60)}…` : payloadKey;
  const is = info !== undefined ? info.name : 'not an ES event type';
  return `event_type ${eventType} is ${is}, but the payload is ${JSON.stringify(shown)} (${name}): the line is not used`;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The decoder's events. With `actor` set, `entityId` is always `${pid}:${pidversion}` of the actor's
 * audit token (stampEntityIds wrote it; an actor whose token has no pid is not set as `actor`), so a
 * reader may compare the numbers instead of the string (see LineageCache.observe).
 */
class EventRecord implements NightjarEvent {
  constructor(
    readonly msg: EsMessage | null,
    readonly skipped: boolean,
    readonly name: string,
    readonly type: number,
    readonly time: number,
    readonly pid: number,
    readonly pidversion: number,
    readonly entityId: string,
    readonly seq: number | undefined,
    readonly globalSeq: number | undefined,
    readonly host: string | undefined,
    readonly version: number | undefined,
    readonly line: number,
    readonly offset: number,
    readonly source: string,
    readonly actor: EsProcess | undefined,
    readonly payload: Record<string, unknown> | undefined,
    readonly payloadKey: string | undefined,
    readonly parentPid: number,
    readonly parentPidversion: number,
  ) {}
  /** Set on the prototype (no per-event field): true for every EventRecord (see the class comment). */
  declare readonly canonicalActor: boolean;
}
// A prototype property reads as a constant where the event's class is known (instanceof took longer).
Object.defineProperty(EventRecord.prototype, 'canonicalActor', { value: true });

/** True when `ev` is a decoder's event: with `actor` set, its entityId is `${pid}:${pidversion}`. */
export function hasCanonicalActor(ev: NightjarEvent): boolean {
  return (ev as Partial<EventRecord>).canonicalActor === true;
}

interface Meta {
  line?: number;
  offset?: number;
  source?: string;
  /** The host the message comes from; wins over the record's own `host.hostname`. */
  host?: string | undefined;
}

function shapeError(message: string, line: number, offset: number, source: string): DecodeError {
  return new DecodeError(DECODE_ERROR_CODES.shape, message, { line, offset, source });
}

/** Validates a parsed value as an ES message and builds its event; never throws. */
function fromValue(
  v: unknown,
  line: number,
  offset: number,
  source: string,
  sourceHost: string | undefined,
): NightjarEvent | DecodeError {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    const what = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
    return shapeError(`not an ES message: the line is ${what}, not a JSON object`, line, offset, source);
  }
  const m = v as Record<string, unknown>;
  const type = m.event_type;
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    return shapeError('not an ES message: no integer "event_type"', line, offset, source);
  }
  const timeStr = m.time;
  const time = typeof timeStr === 'string' ? parseTimeUs(timeStr) : undefined;
  if (time === undefined) {
    const shown = typeof timeStr === 'string' ? JSON.stringify(timeStr.slice(0, 60)) : 'missing';
    return shapeError(`not an ES message: "time" is ${shown}, expected RFC 3339`, line, offset, source);
  }
  const event = m.event;
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return shapeError('not an ES message: no "event" object', line, offset, source);
  }
  const process = m.process;
  if (process !== undefined && process !== null && (typeof process !== 'object' || Array.isArray(process))) {
    return shapeError('not an ES message: "process" is not an object', line, offset, source);
  }
  let payloadKey: string | undefined;
  for (const k in event) {
    payloadKey = k;
    break;
  }
  const mismatch = typeMismatch(type, payloadKey);
  if (mismatch !== undefined)
    return new DecodeError(DECODE_ERROR_CODES.typeMismatch, mismatch, { line, offset, source });
  const msg = m as EsMessage;
  const payload = payloadKey !== undefined ? (event as Record<string, unknown>)[payloadKey] : undefined;
  stampEntityIds(msg, payload);
  const proc = isProcessLike(process) ? process : undefined;
  const token = proc !== undefined ? proc.audit_token : undefined;
  const tokenPidValue = tokenPid(token);
  // Only an actor with a pid is a shortcut (EventRecord's invariant); readers then go through msg.
  const actor = tokenPidValue !== undefined ? proc : undefined;
  const pid = tokenPidValue ?? 0;
  const pidversion = tokenPidversion(token) ?? 0;
  const parentToken = proc !== undefined ? proc.parent_audit_token : undefined;
  const hostObj = m.host;
  const host =
    sourceHost ??
    (typeof hostObj === 'object' && hostObj !== null && typeof (hostObj as { hostname?: unknown }).hostname === 'string'
      ? (hostObj as { hostname: string }).hostname
      : undefined);
  return new EventRecord(
    msg,
    false,
    nameOf(type, payloadKey),
    type,
    time,
    pid,
    pidversion,
    proc !== undefined && typeof proc.entity_id === 'string' ? proc.entity_id : entityIdOf(pid, pidversion),
    num(m.seq_num),
    num(m.global_seq_num) ?? num(m.glob_seq_num),
    host,
    num(m.version),
    line,
    offset,
    source,
    actor,
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined,
    payloadKey,
    tokenPid(parentToken) ?? -1,
    tokenPidversion(parentToken) ?? -1,
  );
}

/**
 * Builds an event from an already-parsed eslogger object (native sources, tests). Sets `entity_id`
 * on the message's process objects (it mutates `msg`). Never throws.
 */
export function eventFromMessage(msg: EsMessage, meta?: Meta): NightjarEvent | DecodeError {
  const line = meta?.line ?? 0;
  const offset = meta?.offset ?? 0;
  const source = meta?.source ?? 'input';
  try {
    return fromValue(msg, line, offset, source, meta?.host);
  } catch (err) {
    return new DecodeError(DECODE_ERROR_CODES.shape, `not an ES message: ${jsonReason(err)}`, { line, offset, source });
  }
}

/**
 * A decoder for one source. Keeps counters; reuse it for every line of the source.
 *
 * With `eventTypes`, lines of other types are not parsed: a header scan (model/scan.ts) reads
 * event_type, seq numbers, time and host, and the event comes back with `skipped: true`, `msg: null`,
 * pid/pidversion 0. Such a line is not validated beyond the top-level keys; if the scan cannot read
 * it, the line goes through the full parse and gets its proper error.
 */
export function createDecoder(opts?: DecoderOptions): Decoder {
  const source = opts?.source ?? 'input';
  const sourceHost = opts?.host;
  const wanted = opts?.eventTypes != null ? new Set(Array.from(opts.eventTypes, canonicalEventName)) : null;
  // event_type number → wanted? (cached per number; vendor numbers included).
  const wantedByNumber = new Map<number, boolean>();
  const stats: DecoderStats = { lines: 0, decoded: 0, skipped: 0, errors: {}, unknownTypes: {}, newerVersions: 0 };
  let unknownNames = 0;

  function countError(e: DecodeError): DecodeError {
    stats.errors[e.code] = (stats.errors[e.code] ?? 0) + 1;
    return e;
  }

  function countEvent(ev: NightjarEvent): NightjarEvent {
    if (ev.skipped) stats.skipped++;
    else stats.decoded++;
    if (isUnknownEventName(ev.name)) {
      // Hostile input could invent any number of type numbers: keep the table small.
      const key = ev.name in stats.unknownTypes || unknownNames < MAX_UNKNOWN_NAMES ? ev.name : 'unknown:other';
      if (!(key in stats.unknownTypes)) unknownNames++;
      stats.unknownTypes[key] = (stats.unknownTypes[key] ?? 0) + 1;
    }
    if (ev.version !== undefined && ev.version > NEWEST_KNOWN_MESSAGE_VERSION) stats.newerVersions++;
    return ev;
  }

  function isWanted(type: number): boolean {
    let w = wantedByNumber.get(type);
    if (w === undefined) {
      w = wanted!.has(nameOf(type, undefined));
      if (wantedByNumber.size < 4096) wantedByNumber.set(type, w);
    }
    return w;
  }

  const isWantedNumber = (type: number): boolean => Number.isInteger(type) && isWanted(type);

  // Skip strategy: the header scan pays off when most lines are skipped; when most are wanted it
  // only adds a partial scan before JSON.parse. 'auto' measures the wanted share over windows of
  // ADAPT_WINDOW lines and parses first while it is high. Both modes give the same events.
  const strategy = opts?.skipStrategy ?? 'auto';
  const skippedCheck: HeaderCheck = opts?.skippedLineCheck ?? 'balance';
  let scanMode = strategy !== 'parse';
  let windowLines = 0;
  let windowWanted = 0;
  function adapt(w: boolean): void {
    windowLines++;
    if (w) windowWanted++;
    if (windowLines < ADAPT_WINDOW) return;
    if (strategy === 'auto') scanMode = windowWanted < windowLines * PARSE_FIRST_SHARE;
    windowLines = 0;
    windowWanted = 0;
  }

  function skippedEvent(
    type: number,
    time: number,
    seq: number | undefined,
    globalSeq: number | undefined,
    host: string | undefined,
    lineNo: number,
    offset: number,
  ): NightjarEvent {
    return new EventRecord(
      null,
      true,
      nameOf(type, undefined),
      type,
      time,
      0,
      0,
      '0:0',
      seq,
      globalSeq,
      sourceHost ?? host,
      undefined,
      lineNo,
      offset,
      source,
      undefined,
      undefined,
      undefined,
      -1,
      -1,
    );
  }

  function decode(line: string, lineNo: number, offset: number): NightjarEvent | DecodeError {
    stats.lines++;
    try {
      if (typeof line !== 'string') {
        return countError(new DecodeError(DECODE_ERROR_CODES.json, 'not a string', { line: lineNo, offset, source }));
      }
      if (wanted !== null) {
        if (scanMode) {
          // A UTF-8 byte order mark on the first line of a file is not part of the JSON (the parse
          // path strips it only when JSON.parse fails: nothing to check on every line).
          if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
          const h = scanHeader(line, isWantedNumber, skippedCheck);
          if (
            h !== null &&
            h.stopped !== true &&
            h.eventType !== undefined &&
            Number.isInteger(h.eventType) &&
            !isWanted(h.eventType) &&
            // No `event` object (not an ES message) or a payload of another event than the number
            // says: the full parse reports it.
            h.eventObject === true &&
            (h.payloadKey === undefined || typeMismatch(h.eventType, h.payloadKey) === undefined)
          ) {
            const time = h.time !== undefined ? parseTimeUs(h.time) : undefined;
            if (time !== undefined) {
              adapt(false);
              return countEvent(
                skippedEvent(h.eventType, time, h.seq, h.globalSeq ?? h.globSeq, h.host, lineNo, offset),
              );
            }
          }
        } else {
          // Parse-first mode (most lines are wanted): same answers as the scan, without scanning twice.
          const r = fullDecode(line, lineNo, offset, source, sourceHost);
          if (r instanceof DecodeError) return countError(r);
          const w = isWanted(r.type);
          adapt(w);
          return countEvent(w ? r : skippedEvent(r.type, r.time, r.seq, r.globalSeq, r.host, lineNo, offset));
        }
      }
      const r = fullDecode(line, lineNo, offset, source, sourceHost);
      if (wanted !== null && !(r instanceof DecodeError)) adapt(true);
      return r instanceof DecodeError ? countError(r) : countEvent(r);
    } catch (err) {
      // Defensive: nothing above should throw, but a decoder must never take the reader down.
      return countError(
        new DecodeError(DECODE_ERROR_CODES.shape, `undecodable line: ${jsonReason(err)}`, {
          line: lineNo,
          offset,
          source,
        }),
      );
    }
  }

  return {
    decode,
    stats: () => ({ ...stats, errors: { ...stats.errors }, unknownTypes: { ...stats.unknownTypes } }),
  };
}

/** JSON.parse + shape check; the path for every wanted line. */
function fullDecode(
  line: string,
  lineNo: number,
  offset: number,
  source: string,
  host?: string,
): NightjarEvent | DecodeError {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    // A UTF-8 byte order mark on the first line of a file is not part of the JSON.
    if (line.charCodeAt(0) === 0xfeff) return fullDecode(line.slice(1), lineNo, offset, source, host);
    if (line.trim() === '')
      return new DecodeError(DECODE_ERROR_CODES.json, 'empty line', { line: lineNo, offset, source });
    return new DecodeError(DECODE_ERROR_CODES.json, `invalid JSON: ${jsonReason(err)}`, {
      line: lineNo,
      offset,
      source,
      column: jsonColumn(err),
    });
  }
  return fromValue(v, lineNo, offset, source, host);
}

/** Decodes one line fully (no skipping, no counters). Never throws. */
export function decodeLine(line: string, lineNo = 1, offset = 0, source = 'input'): NightjarEvent | DecodeError {
  try {
    if (typeof line !== 'string')
      return new DecodeError(DECODE_ERROR_CODES.json, 'not a string', { line: lineNo, offset, source });
    return fullDecode(line, lineNo, offset, source);
  } catch (err) {
    return new DecodeError(DECODE_ERROR_CODES.shape, `undecodable line: ${jsonReason(err)}`, {
      line: lineNo,
      offset,
      source,
    });
  }
}

/**
 * `msg.event[key]` of a (not skipped) event: the decoder's `payload` shortcut when it is that key's,
 * else read from the message. No alias handling (see payloadOf).
 */
export function eventPayload(ev: NightjarEvent, key: string): unknown {
  if (ev.payload !== undefined && ev.payloadKey === key) return ev.payload;
  return ev.msg === null ? undefined : ev.msg.event[key];
}

/**
 * The payload of `msg` typed by event name, when the message's event is that name (vendor aliases
 * included, e.g. `cs_invalidate`); undefined otherwise. No copy: the object inside the message.
 */
export function payloadOf<N extends string>(msg: EsMessage | null | undefined, name: N): EsPayload<N> | undefined {
  if (msg == null || typeof msg.event !== 'object' || msg.event === null) return undefined;
  const event = msg.event;
  let v = event[name];
  if (v === undefined) {
    for (const k in event) {
      if (canonicalEventName(k) === name) v = event[k];
      break;
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as EsPayload<N>) : undefined;
}
