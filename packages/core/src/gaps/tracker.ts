import type { Diagnostic } from '../diagnostics.js';
import type { CoreDiagnosticCode } from '../codes.js';
import type { NightjarEvent } from '../model/event.js';
import { formatTimeUs } from '../model/time.js';
import { eventTypeByNumber, isUnknownEventName } from '../model/event-types.js';
import { SNAPSHOT_ERROR_CODES, SnapshotError } from '../snapshot/format.js';
import type { GapStreamSnapshot, GapTrackerSnapshot, SeqSnapshot } from '../snapshot/format.js';

/**
 * Dropped-event detection from ES sequence numbers (over 400 lines on purpose: the per-stream
 * state machine, its restart rules and its snapshot form must agree, so they stay together): `seq_num` counts per
 * client and event type, `global_seq_num` per client across types; each grows by 1 per message, so
 * a forward jump is the number of messages the kernel dropped. Tracked per source and host
 * for every message, skipped ones included.
 */

export interface Gap {
  readonly source: string;
  readonly host?: string;
  readonly scope: 'type' | 'global';
  /** Event name, for scope 'type'. */
  readonly eventType?: string;
  /** The sequence number that should have come next, the one that came, and how many are missing. */
  readonly expected: number;
  readonly seen: number;
  readonly missing: number;
  /** Time (µs) of the message after the gap, and of the last message before it: the missing time lies between. */
  readonly time: number;
  readonly prevTime: number;
}

/** A sequence that went back to the start (or jumped far back): the source restarted. */
export interface Restart {
  readonly source: string;
  readonly host?: string;
  readonly scope: 'type' | 'global';
  readonly eventType?: string;
  /** Last sequence number before the restart, and the first after. */
  readonly previous: number;
  readonly seen: number;
  readonly time: number;
}

export interface GapMetrics {
  gaps: number;
  missing: number;
  restarts: number;
  /** Messages repeating the last sequence number. */
  duplicates: number;
  /** Messages a little behind the last sequence number (late or reordered), not counted as gaps. */
  outOfOrder: number;
  /** Per event name (scope 'type'), and for global_seq_num. */
  byType: Record<string, { gaps: number; missing: number }>;
  global: { gaps: number; missing: number };
  /** Gap records dropped from memory (oldest first) once more than `maxGaps` were kept. */
  gapsDropped: number;
  /** Messages whose stream or type could not be tracked because a tracking cap was reached. */
  untracked: number;
  /** Repeated messages dropped (`dropDuplicates`). */
  dropped: number;
}

export interface GapTrackerOptions {
  /**
   * A backward step of at most this many is a late or reordered message (counted); a larger one is a
   * restart. A step back to 0 or 1 is always a restart. Default 1000.
   */
  reorderTolerance?: number;
  /** Gap records kept for gaps() and overlapsOpenGap (oldest dropped first, counted). Default 10,000. */
  maxGaps?: number;
  /** Undrained diagnostics kept (oldest dropped first, counted). Default 10,000. */
  maxPendingDiagnostics?: number;
  /** (source, host) streams tracked; later ones are counted as untracked. Default 4096. */
  maxStreams?: number;
  /** Event types tracked per stream (vendor type numbers are unbounded). Default 1024. */
  maxTypesPerStream?: number;
  /**
   * Drop repeated messages instead of passing them on: a message whose `global_seq_num` (else its
   * `seq_num`, for messages without one) is at or a little below (within `reorderTolerance`) the
   * last one of its stream was already seen (a re-sent frame, a replay), and the engine then skips
   * it entirely (counted in `metrics().dropped`). Such a step back is then always a repeat, never
   * the start of a restart whose first messages were lost. Off by default: such messages are
   * counted and pushed.
   */
  dropDuplicates?: boolean;
}

interface SeqState {
  last: number;
  lastTime: number;
  /**
   * A small step back (> 1) is a late message, or the first message of a restart whose earliest
   * messages were lost. The next message decides: -1 when nothing is pending.
   */
  cand: number;
  candTime: number;
  candLine: number;
}

function seqState(seq: number, time: number): SeqState {
  return { last: seq, lastTime: time, cand: -1, candTime: 0, candLine: 0 };
}

interface Stream {
  readonly source: string;
  readonly host: string | undefined;
  global: SeqState | undefined;
  /** Keyed by es_event_type_t number (AUTH and NOTIFY of one name count apart), or by name for vendor types. */
  readonly types: Map<number | string, SeqState>;
  /**
   * Set once the source restarted: the time of its last message before the restart. Sequences start
   * at 0 after a restart, so a type first seen afterwards at seq_num n lost its n predecessors.
   */
  restartedAfter: number | undefined;
}

export class GapTracker {
  private readonly streams = new Map<string, Map<string, Stream>>();
  private streamCount = 0;
  /** The stream of the previous message (streams are never removed, so it stays valid). */
  private lastStream: Stream | undefined;
  private readonly gapList: Gap[] = [];
  private readonly restartList: Restart[] = [];
  private pending: Diagnostic[] = [];
  private pendingDropped = 0;
  private readonly m: GapMetrics = {
    gaps: 0,
    missing: 0,
    restarts: 0,
    duplicates: 0,
    outOfOrder: 0,
    byType: {},
    global: { gaps: 0, missing: 0 },
    gapsDropped: 0,
    untracked: 0,
    dropped: 0,
  };
  private readonly tolerance: number;
  private readonly maxGaps: number;
  private readonly maxPending: number;
  private readonly maxStreams: number;
  private readonly maxTypes: number;
  private readonly dropDuplicates: boolean;
  /** The time of the last message before the restart `step` reported last. */
  private restartPrevTime = 0;

  constructor(opts: GapTrackerOptions = {}) {
    this.tolerance = opts.reorderTolerance ?? 1000;
    this.maxGaps = opts.maxGaps ?? 10_000;
    this.maxPending = opts.maxPendingDiagnostics ?? 10_000;
    this.maxStreams = opts.maxStreams ?? 4096;
    this.maxTypes = opts.maxTypesPerStream ?? 1024;
    this.dropDuplicates = opts.dropDuplicates === true;
  }

  /**
   * Call for every message, in arrival order. Returns true when the message is a repeat to drop
   * (only with `dropDuplicates`; it then updates nothing else).
   */
  observe(ev: NightjarEvent): boolean {
    const seq = ev.seq;
    const gseq = ev.globalSeq;
    if (seq === undefined && gseq === undefined) return false;
    // Nearly every message of a run comes from the same (source, host): skip the two Map lookups.
    let stream = this.lastStream;
    if (stream === undefined || ev.source !== stream.source || ev.host !== stream.host) {
      stream = this.stream(ev.source, ev.host);
      if (stream !== undefined) this.lastStream = stream;
    }
    if (stream === undefined) {
      this.m.untracked++;
      return false;
    }
    if (gseq !== undefined) {
      const g = stream.global;
      // The usual message: the next number, nothing held (step() without the call).
      if (g !== undefined && gseq === g.last + 1 && g.cand < 0) {
        g.last = gseq;
        g.lastTime = ev.time;
      } else if (g === undefined) stream.global = seqState(gseq, ev.time);
      else {
        const r = this.step(stream, g, gseq, ev, undefined);
        if (r === 'restart') {
          // A client restart resets every per-type counter too: each starts again from 0. A type
          // message held as late was the restart's first of its type: no longer out of order.
          const held: [number | string, SeqState][] = [];
          for (const [k, st] of stream.types) if (st.cand >= 0) held.push([k, st]);
          stream.types.clear();
          stream.restartedAfter = this.restartPrevTime;
          for (const [k, st] of held) {
            this.m.outOfOrder--;
            stream.types.set(k, seqState(st.cand, st.candTime));
            const name = typeof k === 'number' ? (eventTypeByNumber(k)?.name ?? String(k)) : k;
            this.recordInitialLoss(stream, name, st.cand, st.candTime, this.restartPrevTime, st.candLine);
          }
        } else if (r === 'late' && this.dropDuplicates) return this.drop();
      }
    }
    if (seq !== undefined) {
      const key = ev.type >= 0 && !isUnknownEventName(ev.name) ? ev.type : ev.name;
      const st = stream.types.get(key);
      if (st !== undefined && seq === st.last + 1 && st.cand < 0) {
        st.last = seq;
        st.lastTime = ev.time;
      } else if (st === undefined) {
        if (stream.types.size >= this.maxTypes) this.m.untracked++;
        else if (stream.restartedAfter === undefined) stream.types.set(key, seqState(seq, ev.time));
        else {
          // First of its type since the restart: it counts from 0, so seq_num n means n lost.
          const fresh = seqState(-1, stream.restartedAfter);
          stream.types.set(key, fresh);
          this.step(stream, fresh, seq, ev, ev.name);
        }
      } else {
        const r = this.step(stream, st, seq, ev, ev.name);
        if (r === 'restart' && gseq === undefined) {
          // Without global_seq_num (message v<4), a type's reset is the only restart signal.
          for (const k of stream.types.keys()) if (k !== key) stream.types.delete(k);
          stream.restartedAfter = this.restartPrevTime;
        } else if (r === 'late' && gseq === undefined && this.dropDuplicates) return this.drop();
      }
    }
    return false;
  }

  private drop(): true {
    this.m.dropped++;
    return true;
  }

  /** The tracking state as JSON (Engine.snapshot): stream positions, kept gap records, counters. */
  snapshot(): GapTrackerSnapshot {
    const streams: GapStreamSnapshot[] = [];
    const pos = (v: SeqState): SeqSnapshot => [v.last, v.lastTime, v.cand, v.candTime, v.candLine];
    for (const byHost of this.streams.values()) {
      for (const st of byHost.values()) {
        streams.push({
          source: st.source,
          host: st.host ?? null,
          global: st.global === undefined ? null : pos(st.global),
          types: [...st.types].map(([k, v]) => [k, ...pos(v)]),
          ...(st.restartedAfter !== undefined ? { restartedAfter: st.restartedAfter } : {}),
        });
      }
    }
    return { streams, gaps: this.gapList.slice(), metrics: this.metrics() };
  }

  /** Replaces the tracking state with a snapshot's (pending diagnostics and restarts are not part of it). */
  restore(s: GapTrackerSnapshot): void {
    if (typeof s !== 'object' || s === null || !Array.isArray(s.streams) || !Array.isArray(s.gaps))
      throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, 'engine snapshot: gaps is malformed');
    const state = (p: readonly number[]): SeqState => ({
      last: p[0]!,
      lastTime: p[1]!,
      cand: p[2] ?? -1,
      candTime: p[3] ?? 0,
      candLine: p[4] ?? 0,
    });
    this.streams.clear();
    this.streamCount = 0;
    this.lastStream = undefined;
    for (const x of s.streams) {
      const st = this.stream(x.source, x.host ?? undefined);
      if (st === undefined) break;
      st.global = x.global === null ? undefined : state(x.global);
      for (const [k, ...p] of x.types) st.types.set(k, state(p));
      if (typeof x.restartedAfter === 'number') st.restartedAfter = x.restartedAfter;
    }
    this.gapList.length = 0;
    for (const g of s.gaps) this.gapList.push(g as Gap);
    const m = s.metrics as Partial<GapMetrics> | undefined;
    if (m !== undefined && m !== null && typeof m === 'object') {
      Object.assign(this.m, m, { byType: { ...m.byType }, global: { ...this.m.global, ...m.global } });
    }
  }

  /** Diagnostics (NJ_GAP, NJ_SOURCE_RESTART) produced since the last drain. */
  drainDiagnostics(): Diagnostic[] {
    const out = this.pending;
    this.pending = [];
    if (this.pendingDropped > 0) {
      out.push({
        code: 'NJ_GAP_DIAGNOSTICS_DROPPED',
        severity: 'warning',
        message: `${this.pendingDropped} sequence diagnostics were dropped (not drained in time); metrics still count them`,
        data: { dropped: this.pendingDropped },
      });
      this.pendingDropped = 0;
    }
    return out;
  }

  /** The gaps seen (the most recent `maxGaps`), in arrival order. */
  gaps(): readonly Gap[] {
    return this.gapList;
  }

  restarts(): readonly Restart[] {
    return this.restartList;
  }

  metrics(): GapMetrics {
    const byType: Record<string, { gaps: number; missing: number }> = {};
    for (const [k, v] of Object.entries(this.m.byType)) byType[k] = { ...v };
    return { ...this.m, byType, global: { ...this.m.global } };
  }

  /**
   * True when a gap in one of `eventTypes` (null: any type), or a global gap (which may hide a
   * message of any type), has its missing time [prevTime, time] overlapping [start, end] (µs,
   * inclusive). Used to mark alerts `incomplete`.
   */
  overlapsOpenGap(eventTypes: readonly string[] | null, start: number, end: number): boolean {
    return this.overlaps(eventTypes, start, end, false, undefined);
  }

  /** overlapsOpenGap for the gaps of one host's streams only (undefined: streams without a host). */
  overlapsOpenGapOn(
    host: string | undefined,
    eventTypes: readonly string[] | null,
    start: number,
    end: number,
  ): boolean {
    return this.overlaps(eventTypes, start, end, true, host);
  }

  private overlaps(
    eventTypes: readonly string[] | null,
    start: number,
    end: number,
    byHost: boolean,
    host: string | undefined,
  ): boolean {
    const list = this.gapList;
    for (let i = list.length - 1; i >= 0; i--) {
      const g = list[i]!;
      if (g.prevTime > end || g.time < start || (byHost && g.host !== host)) continue;
      if (g.scope === 'global' || eventTypes === null || eventTypes.includes(g.eventType!)) return true;
    }
    return false;
  }

  // ---- internals ----

  private stream(source: string, host: string | undefined): Stream | undefined {
    let byHost = this.streams.get(source);
    if (byHost === undefined) {
      if (this.streamCount >= this.maxStreams) return undefined;
      byHost = new Map();
      this.streams.set(source, byHost);
    }
    const hk = host ?? '';
    let s = byHost.get(hk);
    if (s === undefined) {
      if (this.streamCount >= this.maxStreams) return undefined;
      s = { source, host, global: undefined, types: new Map(), restartedAfter: undefined };
      byHost.set(hk, s);
      this.streamCount++;
    }
    return s;
  }

  private step(
    stream: Stream,
    st: SeqState,
    seq: number,
    ev: NightjarEvent,
    eventType: string | undefined,
  ): 'ok' | 'gap' | 'restart' | 'late' {
    const last = st.last;
    if (st.cand >= 0) {
      const c = st.cand;
      st.cand = -1;
      if (seq > c && seq < last) {
        // The sequence goes on from the low message, not from `last`: that message started a restart
        // (its predecessors lost), not a late arrival. Resume from it, so later gaps are seen.
        this.m.outOfOrder--;
        this.recordRestart(stream, eventType, last, c, st.candTime, st.candLine);
        this.restartPrevTime = st.lastTime;
        this.recordInitialLoss(stream, eventType, c, st.candTime, st.lastTime, st.candLine);
        st.last = c;
        st.lastTime = st.candTime;
        this.step(stream, st, seq, ev, eventType);
        return 'restart';
      }
    }
    if (seq === last + 1) {
      st.last = seq;
      st.lastTime = ev.time;
      return 'ok';
    }
    if (seq > last + 1) {
      this.recordGap(stream, eventType, last + 1, seq, ev.time, st.lastTime, ev.line);
      st.last = seq;
      st.lastTime = ev.time;
      return 'gap';
    }
    if (seq === last) {
      this.m.duplicates++;
      return 'late';
    }
    // seq < last
    if (seq <= 1 || last - seq > this.tolerance) {
      this.recordRestart(stream, eventType, last, seq, ev.time, ev.line);
      this.restartPrevTime = st.lastTime;
      this.recordInitialLoss(stream, eventType, seq, ev.time, st.lastTime, ev.line);
      st.last = seq;
      st.lastTime = ev.time;
      return 'restart';
    }
    this.m.outOfOrder++;
    // Dropping repeats: a step back is a message already seen, never a restart's first.
    if (this.dropDuplicates) return 'late';
    st.cand = seq;
    st.candTime = ev.time;
    st.candLine = ev.line;
    return 'late';
  }

  private where(stream: Stream): string {
    return stream.host !== undefined ? `${stream.source} (host ${stream.host})` : stream.source;
  }

  private recordGap(
    stream: Stream,
    eventType: string | undefined,
    expected: number,
    seen: number,
    time: number,
    prevTime: number,
    line: number,
  ): void {
    const missing = seen - expected;
    const scope = eventType === undefined ? 'global' : 'type';
    const gap: Gap = {
      source: stream.source,
      ...(stream.host !== undefined ? { host: stream.host } : {}),
      scope,
      ...(eventType !== undefined ? { eventType } : {}),
      expected,
      seen,
      missing,
      time,
      prevTime,
    };
    this.gapList.push(gap);
    if (this.gapList.length > this.maxGaps) {
      this.gapList.shift();
      this.m.gapsDropped++;
    }
    this.m.gaps++;
    this.m.missing += missing;
    const bucket = eventType === undefined ? this.m.global : (this.m.byType[eventType] ??= { gaps: 0, missing: 0 });
    bucket.gaps++;
    bucket.missing += missing;
    const what =
      eventType === undefined ? `${missing} messages (global_seq_num` : `${missing} ${eventType} events (seq_num`;
    this.push({
      code: 'NJ_GAP' satisfies CoreDiagnosticCode,
      severity: 'warning',
      message: `${this.where(stream)}: ${what} ${expected - 1} → ${seen}) dropped between ${formatTimeUs(prevTime)} and ${formatTimeUs(time)}`,
      time,
      source: stream.source,
      ...(stream.host !== undefined ? { host: stream.host } : {}),
      ...(line > 0 ? { line } : {}),
      data: { scope, eventType, expected, seen, missing, prevTime },
    });
  }

  /**
   * A restart's first message seen has sequence number `first`: sequences start at 0, so the `first`
   * before it were lost, somewhere between the last message before the restart and this one.
   */
  private recordInitialLoss(
    stream: Stream,
    eventType: string | undefined,
    first: number,
    time: number,
    prevTime: number,
    line: number,
  ): void {
    if (first > 0) this.recordGap(stream, eventType, 0, first, time, prevTime, line);
  }

  private recordRestart(
    stream: Stream,
    eventType: string | undefined,
    previous: number,
    seen: number,
    time: number,
    line: number,
  ): void {
    const scope = eventType === undefined ? 'global' : 'type';
    this.restartList.push({
      source: stream.source,
      ...(stream.host !== undefined ? { host: stream.host } : {}),
      scope,
      ...(eventType !== undefined ? { eventType } : {}),
      previous,
      seen,
      time,
    });
    if (this.restartList.length > this.maxGaps) this.restartList.shift();
    this.m.restarts++;
    const counter = eventType === undefined ? 'global_seq_num' : `${eventType} seq_num`;
    this.push({
      code: 'NJ_SOURCE_RESTART' satisfies CoreDiagnosticCode,
      severity: 'warning',
      message: `${this.where(stream)}: ${counter} went back from ${previous} to ${seen}: the event source restarted (sequence tracking starts afresh)`,
      time,
      source: stream.source,
      ...(stream.host !== undefined ? { host: stream.host } : {}),
      ...(line > 0 ? { line } : {}),
      data: { scope, eventType, previous, seen },
    });
  }

  private push(d: Diagnostic): void {
    if (this.pending.length >= this.maxPending) {
      this.pending.shift();
      this.pendingDropped++;
    }
    this.pending.push(d);
  }
}
