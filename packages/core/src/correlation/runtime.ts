/**
 * One correlation's state machine (event_count, value_count, value_sum/avg/percentile, temporal,
 * temporal_ordered) over sliding windows per group. Over 400 lines on purpose: it runs for every
 * matching event, and the window types share the group map, eviction and late-event handling that
 * splitting per type would duplicate or put behind an extra call.
 */
import type { CompiledCorrelation, ConditionTerm, FieldGetter } from '../ruleset/types.js';
import type { CoreDiagnosticCode } from '../codes.js';
import type { NightjarEvent } from '../model/event.js';
import type { EsMessage } from '../model/message.js';
import type { EvalContext } from '../fields/context.js';
import type { Diagnostic } from '../diagnostics.js';
import { formatDurationUs, formatTimeUs } from '../model/time.js';
import { percentileOf } from './percentile.js';
import { SNAPSHOT_ERROR_CODES, SnapshotError, decNum, encNum } from '../snapshot/format.js';
import type { CorrelationStateSnapshot, GroupSnapshot, MessageReader, MessageWriter } from '../snapshot/format.js';

/** Limits applied to every correlation (EngineOptions.correlation, defaults filled). */
export interface CorrelationLimits {
  /** Live groups per correlation; the least recently used is evicted beyond it (counted). */
  readonly maxGroups: number;
  /** How far behind the correlation's newest event time an event may arrive and still count. */
  readonly latenessUs: number;
  /** Events kept per group as alert evidence (the rest are counted in `events_omitted`). */
  readonly maxEventsPerAlert: number;
}

/** A correlation whose condition held: what the alert builder and chained correlations need. */
export interface CorrelationFiring {
  readonly correlation: CompiledCorrelation;
  /** Time of the newest event in the window (µs): the alert's time and the chained input's time. */
  readonly time: number;
  readonly window: { readonly start: number; readonly end: number };
  /** Group-by name → value. */
  readonly group: Record<string, unknown>;
  /** The aggregate compared with the condition. */
  readonly value: number;
  /** The newest event of the window (the alert's actor and event type come from it). */
  readonly trigger: NightjarEvent;
  readonly events: EsMessage[];
  readonly eventsOmitted: number;
}

/** Per-correlation counters (Engine.metrics().correlations[id]). */
export interface CorrelationCounters {
  inputs: number;
  late: number;
  evicted: number;
  expired: number;
  fired: number;
  /** value_* inputs whose field was missing or not numeric (value_count: missing), so not counted. */
  ignoredValues: number;
}

type Mode = 'eager' | 'close';

/** Alert evidence: a ring of the newest events (temporal types: the newest event per referenced rule). */
class Evidence {
  readonly msgs: (EsMessage | undefined)[] = [];
  readonly times: number[] = [];
  next = 0;
}

const NO_VALUES: unknown[] = [];

/**
 * One group's window, kept small because there may be maxGroups of them per correlation. Times are
 * sorted (ties in arrival order) in a plain double array with a moving head, allocated on the first
 * entry with its exact size; `a` holds a number per entry where the type needs one (the referenced
 * rule's slot for temporal_ordered, the value for value_sum/avg/percentile/median) and `s` the
 * value of value_count entries.
 */
class Group {
  t: number[] | null = null;
  a: number[] | null = null;
  s: string[] | null = null;
  head = 0;
  newest = -Infinity;
  /** close mode: the window's start (first event); NaN until the first entry. */
  start = NaN;
  sum = 0;
  distinct: Map<string, number> | null = null;
  /** temporal: newest time per referenced rule slot; temporal_ordered: seq[k] = start of the pending sequence that matched rules[0..k−1]. */
  slots: number[] | null = null;
  evidence: Evidence | null = null;
  /** close mode only: the newest event, the alert's actor when the window is decided later. */
  trigger: NightjarEvent | null = null;
  constructor(
    readonly key: string,
    /** The group-by values: the value itself for one field (saves an array per group), else an array. */
    readonly values: unknown,
  ) {}
  get size(): number {
    return this.t === null ? 0 : this.t.length - this.head;
  }
}

/**
 * One correlation's state on one host: its groups (a Map in least-recently-used order), the newest
 * event time it has seen (lateness is measured from it) and, in close mode, the windows in the order
 * they opened. The engine keeps one per (host, correlation); the runtime holds the definition.
 */
export class CorrelationState {
  readonly groups = new Map<string, Group>();
  newest = -Infinity;
  /** Inputs seen, for the every-16th housekeeping. */
  inputs = 0;
  closeKeys: string[] = [];
  closeStarts: number[] = [];
  closeHead = 0;

  /** True when it holds nothing worth a snapshot. */
  get empty(): boolean {
    return this.groups.size === 0 && this.newest === -Infinity;
  }

  snapshot(w: MessageWriter): CorrelationStateSnapshot {
    const groups: GroupSnapshot[] = [];
    for (const g of this.groups.values()) {
      const h = g.head;
      const gs: GroupSnapshot = {
        k: g.key,
        v: g.values,
        t: g.t === null ? null : g.t.slice(h),
        newest: encNum(g.newest),
        start: encNum(g.start),
        sum: g.sum,
      };
      if (g.a !== null) gs.a = g.a.slice(h);
      if (g.s !== null) gs.s = g.s.slice(h);
      if (g.distinct !== null) gs.d = 1;
      if (g.slots !== null) gs.slots = g.slots.map(encNum);
      const e = g.evidence;
      if (e !== null)
        gs.ev = { m: e.msgs.map((m) => (m === undefined ? null : w.msg(m))), t: e.times.map(encNum), next: e.next };
      if (g.trigger !== null && g.trigger.msg !== null) gs.trigger = w.event(g.trigger);
      groups.push(gs);
    }
    const close: [string, number][] = [];
    for (let i = this.closeHead; i < this.closeKeys.length; i++) close.push([this.closeKeys[i]!, this.closeStarts[i]!]);
    return { newest: encNum(this.newest), inputs: this.inputs, groups, close };
  }

  static restore(s: CorrelationStateSnapshot, r: MessageReader, where: string): CorrelationState {
    const st = new CorrelationState();
    if (typeof s !== 'object' || s === null || !Array.isArray(s.groups) || !Array.isArray(s.close))
      throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: ${where} is not a correlation state`);
    st.newest = decNum(s.newest, `${where}.newest`);
    st.inputs = typeof s.inputs === 'number' ? s.inputs : 0;
    for (const gs of s.groups) {
      if (typeof gs?.k !== 'string' || !(gs.t === null || Array.isArray(gs.t)))
        throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: ${where} has a malformed group`);
      const g = new Group(gs.k, gs.v);
      g.t = gs.t === null ? null : gs.t.slice();
      g.a = gs.a !== undefined ? gs.a.slice() : null;
      g.s = gs.s !== undefined ? gs.s.slice() : null;
      g.newest = decNum(gs.newest, `${where} group newest`);
      g.start = decNum(gs.start, `${where} group start`);
      g.sum = gs.sum;
      if (gs.d === 1 && g.s !== null) {
        const m = new Map<string, number>();
        for (const v of g.s) m.set(v, (m.get(v) ?? 0) + 1);
        g.distinct = m;
      }
      if (gs.slots !== undefined) g.slots = gs.slots.map((x) => decNum(x, `${where} group slot`));
      if (gs.ev !== undefined) {
        const e = new Evidence();
        for (const m of gs.ev.m) e.msgs.push(m === null ? undefined : r.msg(m));
        for (const t of gs.ev.t) e.times.push(decNum(t, `${where} evidence time`));
        e.next = gs.ev.next;
        g.evidence = e;
      }
      if (gs.trigger !== undefined) g.trigger = r.event(gs.trigger);
      st.groups.set(g.key, g);
    }
    for (const [k, t] of s.close) {
      st.closeKeys.push(k);
      st.closeStarts.push(t);
    }
    return st;
  }
}

/** value_count windows up to this many entries count distinct values by scanning. */
const SMALL_WINDOW = 8;

function distinctSmall(vals: readonly string[] | null, head: number): number {
  if (vals === null) return 0;
  let n = 0;
  outer: for (let i = head; i < vals.length; i++) {
    for (let j = head; j < i; j++) if (vals[j] === vals[i]) continue outer;
    n++;
  }
  return n;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string') return NUMERIC.test(v) ? Number(v) : NaN;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v) && v.length === 1) return toNumber(v[0]);
  return NaN;
}

function toDistinct(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.length === 1) return toDistinct(v[0]);
  try {
    return JSON.stringify(v);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort for values JSON cannot encode (BigInt, cycles); a coarse value beats a throw
    return String(v);
  }
}

// Group-key parts: strings as they are unless they start with a marker character, so the string
// "1" and the number 1, or a missing field and the string "null", never share a group.
function keyPart(v: unknown): string {
  if (typeof v === 'string') {
    const c = v.charCodeAt(0);
    return c <= 3 ? '\u0003' + v : v;
  }
  if (v === undefined || v === null) return '\u0001';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return '\u0002' + String(v);
  if (Array.isArray(v) && v.length === 1) return keyPart(v[0]);
  try {
    return '\u0002' + JSON.stringify(v);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort for values JSON cannot encode (BigInt, cycles); a coarse key beats a throw
    return '\u0002' + String(v);
  }
}

function normalizeGroupValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v) && v.length === 1) return v[0];
  return v;
}

function holds(term: ConditionTerm, x: number): boolean {
  switch (term.op) {
    case 'gt':
      return x > term.value;
    case 'gte':
      return x >= term.value;
    case 'lt':
      return x < term.value;
    case 'lte':
      return x <= term.value;
    case 'eq':
      return x === term.value;
    case 'neq':
      return x !== term.value;
  }
}

/** True when `expr` can only turn from false to true as rules are added to the seen set. */
function exprIsMonotone(expr: (seen: ReadonlySet<string>) => boolean, ids: readonly string[]): boolean {
  const n = ids.length;
  if (n > 12) return false; // 2^n probes; beyond this, decide at window end (always correct)
  const results: boolean[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const s = new Set<string>();
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s.add(ids[i]!);
    let r: boolean;
    try {
      r = expr(s) === true;
    } catch {
      return false;
    }
    results.push(r);
  }
  for (let mask = 0; mask < 1 << n; mask++) {
    if (!results[mask]) continue;
    for (let i = 0; i < n; i++) if (!results[mask | (1 << i)]) return false;
  }
  return true;
}

const COUNTING = new Set(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum']);

/**
 * The runtime of one compiled correlation: its groups, windows, lateness and eviction. The engine
 * owns one per correlation and feeds it the matches of the rules (or correlations) it references.
 * Semantics are documented in packages/core/README.md ("Correlation semantics").
 */
export class CorrelationRuntime {
  readonly correlation: CompiledCorrelation;
  /** 'eager': decided on every event; 'close': decided when the window ends (upper-bound conditions). */
  readonly mode: Mode;
  readonly counters: CorrelationCounters = { inputs: 0, late: 0, evicted: 0, expired: 0, fired: 0, ignoredValues: 0 };
  private readonly ts: number;
  private readonly limits: CorrelationLimits;
  private readonly report: (d: Diagnostic) => void;
  /** Distinct referenced ids; inputs carry their slot. */
  private readonly ids: string[];
  private readonly slotOf = new Map<string, number>();
  /** temporal_ordered: positions in `rules` of each slot, descending (one event advances one step). */
  private readonly positions: number[][];
  private readonly nPositions: number;
  private readonly conditions: readonly ConditionTerm[];
  private readonly expr: ((seen: ReadonlySet<string>) => boolean) | undefined;
  private readonly getters: (FieldGetter | null)[][];
  private readonly valueGetters: (FieldGetter | undefined)[];
  private readonly temporal: boolean;
  /** Types that keep a number per window entry. */
  private readonly needsA: boolean;
  /**
   * Counting types decided eagerly on a lower bound (event_count/value_count with gt/gte): a window
   * fires only once it holds at least `minFire` entries, and its evidence is the newest
   * `maxEventsPerAlert` arrivals, so an event that arrives while its group holds fewer than
   * `minFire − maxEventsPerAlert + 1` entries can never be evidence and is not kept (a group far from
   * its threshold then costs no event memory). 0: keep every evidence event.
   */
  private readonly evidenceFrom: number;
  private readonly seenScratch = new Set<string>();
  private scratch = new Float64Array(16);

  /**
   * `isCorrelation(id)` says which referenced ids are correlations: their inputs carry the inner
   * firing's group, which supplies a group-by field of the same name unless an alias names a getter.
   */
  constructor(
    correlation: CompiledCorrelation,
    limits: CorrelationLimits,
    report: (d: Diagnostic) => void,
    isCorrelation: (id: string) => boolean = () => false,
  ) {
    this.correlation = correlation;
    this.ts = correlation.timespanUs;
    this.limits = limits;
    this.report = report;
    this.ids = [];
    for (const id of correlation.rules) {
      if (!this.slotOf.has(id)) {
        this.slotOf.set(id, this.ids.length);
        this.ids.push(id);
      }
    }
    this.positions = this.ids.map(() => []);
    correlation.rules.forEach((id, pos) => this.positions[this.slotOf.get(id)!]!.unshift(pos));
    this.nPositions = correlation.rules.length;
    this.temporal = correlation.type === 'temporal' || correlation.type === 'temporal_ordered';
    this.expr = this.temporal ? correlation.temporalExpr : undefined;
    this.needsA =
      correlation.type !== 'event_count' && correlation.type !== 'value_count' && correlation.type !== 'temporal';
    // pySigma: a temporal correlation without a condition means "all referenced rules".
    this.conditions =
      correlation.condition.length > 0
        ? correlation.condition
        : [
            {
              op: 'gte',
              value: this.temporal ? (correlation.type === 'temporal_ordered' ? this.nPositions : this.ids.length) : 1,
            },
          ];
    this.getters = this.ids.map((id) =>
      correlation.groupBy.map((f) => f.byRule.get(id) ?? (isCorrelation(id) ? null : f.default)),
    );
    const vf = correlation.valueField;
    this.valueGetters = this.ids.map((id) => (vf === undefined ? undefined : (vf.byRule.get(id) ?? vf.default)));
    let monotone: boolean;
    if (this.expr !== undefined) monotone = exprIsMonotone(this.expr, this.ids);
    else monotone = COUNTING.has(correlation.type) && this.conditions.every((c) => c.op === 'gt' || c.op === 'gte');
    this.mode = monotone || !COUNTING.has(correlation.type) ? 'eager' : 'close';
    let minFire = 0;
    if (
      this.mode === 'eager' &&
      this.expr === undefined &&
      (correlation.type === 'event_count' || correlation.type === 'value_count')
    ) {
      for (const c of this.conditions) {
        const need = c.op === 'gte' ? Math.ceil(c.value) : c.op === 'gt' ? Math.floor(c.value) + 1 : 0;
        if (need > minFire) minFire = need;
      }
    }
    this.evidenceFrom = Math.max(0, minFire - limits.maxEventsPerAlert + 1);
  }

  /** Live groups of one state. */
  groupCount(st: CorrelationState): number {
    return st.groups.size;
  }

  /** Window entries held across all groups of one state (for memory accounting). */
  heldEntries(st: CorrelationState): number {
    let n = 0;
    for (const g of st.groups.values()) n += g.size;
    return n;
  }

  /** The slot of a referenced id, or -1 when this correlation does not reference it. */
  slot(id: string): number {
    return this.slotOf.get(id) ?? -1;
  }

  /**
   * Feeds one input: a match of the referenced rule `id` (or a firing of the referenced correlation
   * `id`, then `inner` is its group) at `time`. Firings are appended to `out`.
   */
  input(
    st: CorrelationState,
    id: string,
    ev: NightjarEvent,
    time: number,
    ctx: EvalContext,
    inner: Record<string, unknown> | undefined,
    out: CorrelationFiring[],
  ): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.counters.inputs++;
    st.inputs++;
    if (time < st.newest - this.limits.latenessUs) {
      this.late(st, ev, time, 'older than the allowed lateness');
      return;
    }
    if (time > st.newest) st.newest = time;

    const type = this.correlation.type;
    let num = NaN;
    let str: string | undefined;
    if (type === 'value_count') {
      str = toDistinct(this.readValue(slot, ev, ctx, inner));
      if (str === undefined) {
        this.counters.ignoredValues++;
        return;
      }
    } else if (type !== 'event_count' && !this.temporal) {
      num = toNumber(this.readValue(slot, ev, ctx, inner));
      if (Number.isNaN(num)) {
        this.counters.ignoredValues++;
        return;
      }
    }

    const fields = this.correlation.groupBy;
    const getters = this.getters[slot]!;
    let key = '';
    const many = fields.length > 1 ? new Array<unknown>(fields.length) : undefined;
    let one: unknown = null;
    for (let i = 0; i < fields.length; i++) {
      const g = getters[i]!;
      let v: unknown;
      if (g !== null) v = g(ev, ctx);
      else if (inner !== undefined && Object.prototype.hasOwnProperty.call(inner, fields[i]!.name))
        v = inner[fields[i]!.name];
      else v = fields[i]!.default(ev, ctx);
      key = i === 0 ? keyPart(v) : key + '\u0000' + keyPart(v);
      if (many !== undefined) many[i] = normalizeGroupValue(v);
      else one = normalizeGroupValue(v);
    }

    let g = st.groups.get(key);
    if (g !== undefined) {
      // Re-insert: a Map iterates in insertion order, so its front is the least recently used group.
      st.groups.delete(key);
      st.groups.set(key, g);
    } else {
      g = this.newGroup(st, key, many ?? (fields.length === 0 ? NO_VALUES : one), ev);
    }

    if (this.mode === 'close') {
      if (Number.isNaN(g.start)) {
        this.openWindow(st, g, time);
      } else if (time > g.start + this.ts) {
        // This event is past the group's window: decide that window, then open a new one.
        this.closeGroup(g, out);
        g = this.newGroup(st, key, g.values, ev);
        this.openWindow(st, g, time);
      } else if (time < g.start) {
        if (g.newest - time <= this.ts) {
          this.openWindow(st, g, time); // still fits one timespan: the window now starts at this event
        } else {
          this.late(st, ev, time, "before the start of its group's window");
          return;
        }
      }
      this.record(g, slot, ev, time, num, str);
      return;
    }

    const appended = this.record(g, slot, ev, time, num, str);
    const end = g.newest;
    const lo = end - this.ts;
    this.evictBefore(g, lo);
    if (type === 'temporal_ordered') {
      if (appended) this.step(g, slot, time);
      else this.replay(g);
    }
    const value = this.aggregate(g, lo);
    if (this.satisfied(g, value, lo)) {
      this.fire(g, lo, end, value, ev, out); // the event that completed the condition is the actor
      st.groups.delete(key); // reset after firing: the next alert needs a fresh window
    }
    if ((st.inputs & 15) === 0) this.expire(st); // every 16th input of this state: no iterator per event
  }

  /**
   * Moves time forward to `now` (the engine's newest event time): ends close-mode windows that can no
   * longer receive events (`start + timespan + lateness < now`) and drops expired eager groups.
   */
  advance(st: CorrelationState, now: number, out: CorrelationFiring[]): void {
    if (this.mode !== 'close') return;
    const horizon = now - this.ts - this.limits.latenessUs;
    while (st.closeHead < st.closeKeys.length && st.closeStarts[st.closeHead]! < horizon) {
      const key = st.closeKeys[st.closeHead]!;
      const start = st.closeStarts[st.closeHead]!;
      st.closeHead++;
      const g = st.groups.get(key);
      if (g !== undefined && g.start === start) {
        st.groups.delete(key);
        this.closeGroup(g, out);
      }
    }
    if (st.closeHead > 1024 && st.closeHead * 2 > st.closeKeys.length) {
      st.closeKeys = st.closeKeys.slice(st.closeHead);
      st.closeStarts = st.closeStarts.slice(st.closeHead);
      st.closeHead = 0;
    }
  }

  /** End of input: decides every open close-mode window. Eager groups were decided as events came. */
  flush(st: CorrelationState, out: CorrelationFiring[]): void {
    if (this.mode === 'close') {
      for (const g of st.groups.values()) this.closeGroup(g, out);
    }
    st.groups.clear();
    st.closeKeys = [];
    st.closeStarts = [];
    st.closeHead = 0;
  }

  // ---- internals ----

  private readValue(
    slot: number,
    ev: NightjarEvent,
    ctx: EvalContext,
    inner: Record<string, unknown> | undefined,
  ): unknown {
    const get = this.valueGetters[slot];
    const name = this.correlation.valueField?.name;
    if (
      inner !== undefined &&
      name !== undefined &&
      !this.correlation.valueField!.byRule.has(this.ids[slot]!) &&
      Object.prototype.hasOwnProperty.call(inner, name)
    ) {
      return inner[name];
    }
    return get === undefined ? undefined : get(ev, ctx);
  }

  private newGroup(st: CorrelationState, key: string, values: unknown, ev: NightjarEvent): Group {
    const g = new Group(key, values);
    const type = this.correlation.type;
    if (type === 'temporal') g.slots = new Array<number>(this.ids.length).fill(-Infinity);
    else if (type === 'temporal_ordered') g.slots = new Array<number>(this.nPositions + 1).fill(-Infinity);
    st.groups.set(key, g);
    if (st.groups.size > this.limits.maxGroups) {
      const oldestKey = st.groups.keys().next().value as string;
      st.groups.delete(oldestKey);
      this.counters.evicted++;
      const n = this.counters.evicted;
      if (n <= 10 || n % 1000 === 0) {
        this.report({
          code: 'NJ_GROUP_EVICTED' satisfies CoreDiagnosticCode,
          severity: 'warning',
          message: `correlation ${this.correlation.id} (${this.correlation.title}): more than ${this.limits.maxGroups} live groups; evicted the least recently used (${n} so far)`,
          time: ev.time,
          data: { rule: this.correlation.id, evicted: n, maxGroups: this.limits.maxGroups },
        });
      }
    }
    return g;
  }

  private openWindow(st: CorrelationState, g: Group, time: number): void {
    g.start = time;
    st.closeKeys.push(g.key);
    st.closeStarts.push(time);
    // Entries of evicted or re-anchored windows stay queued until their time passes; if many windows
    // open within one timespan, rebuild the queue from the live groups so it stays O(maxGroups).
    if (st.closeKeys.length - st.closeHead > 2 * this.limits.maxGroups + 1024) {
      const live = [...st.groups.values()].filter((x) => !Number.isNaN(x.start)).sort((x, y) => x.start - y.start);
      st.closeKeys = live.map((x) => x.key);
      st.closeStarts = live.map((x) => x.start);
      st.closeHead = 0;
    }
  }

  /** Adds one entry in time order (ties after equal times); returns true when it went at the end. */
  private record(
    g: Group,
    slot: number,
    ev: NightjarEvent,
    time: number,
    num: number,
    str: string | undefined,
  ): boolean {
    const aval = this.correlation.type === 'temporal_ordered' ? slot : num;
    let appended = true;
    const t = g.t;
    if (t === null) {
      // Exact-size literals: most groups never see a second event.
      g.t = [time];
      if (this.needsA) g.a = [aval];
      if (str !== undefined) g.s = [str];
    } else if (t.length === g.head || time >= t[t.length - 1]!) {
      t.push(time);
      if (g.a !== null) g.a.push(aval);
      if (g.s !== null) g.s.push(str!);
    } else {
      appended = false;
      let lo = g.head;
      let hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t[mid]! <= time) lo = mid + 1;
        else hi = mid;
      }
      t.splice(lo, 0, time);
      if (g.a !== null) g.a.splice(lo, 0, aval);
      if (g.s !== null) g.s.splice(lo, 0, str!);
    }
    if (str !== undefined) {
      if (g.distinct !== null) g.distinct.set(str, (g.distinct.get(str) ?? 0) + 1);
      else if (g.size > SMALL_WINDOW) {
        // Past a handful of entries, keep per-value counts (a Map costs ~200 bytes, so small windows scan instead).
        const m = new Map<string, number>();
        const vals = g.s!;
        for (let i = g.head; i < vals.length; i++) m.set(vals[i]!, (m.get(vals[i]!) ?? 0) + 1);
        g.distinct = m;
      }
    }
    if (!Number.isNaN(num)) g.sum += num;
    if (this.correlation.type === 'temporal' && time > g.slots![slot]!) g.slots![slot] = time;
    if (time >= g.newest) {
      g.newest = time;
      if (this.mode === 'close') g.trigger = ev;
    }
    this.keepRef(g, slot, ev, time);
    return appended;
  }

  private keepRef(g: Group, slot: number, ev: NightjarEvent, time: number): void {
    const max = this.limits.maxEventsPerAlert;
    if (max <= 0 || ev.msg === null || g.size < this.evidenceFrom) return;
    const e = (g.evidence ??= new Evidence());
    if (this.temporal) {
      // One per referenced rule (its newest): the evidence that each part of the pattern happened.
      while (e.times.length <= slot) {
        e.msgs.push(undefined);
        e.times.push(-Infinity);
      }
      if (time >= e.times[slot]!) {
        e.msgs[slot] = ev.msg;
        e.times[slot] = time;
      }
      return;
    }
    if (e.msgs.length < max) {
      e.msgs.push(ev.msg);
      e.times.push(time);
    } else {
      e.msgs[e.next] = ev.msg;
      e.times[e.next] = time;
      e.next = (e.next + 1) % max;
    }
  }

  private evictBefore(g: Group, lo: number): void {
    const t = g.t;
    if (t === null) return;
    let h = g.head;
    while (h < t.length && t[h]! < lo) {
      if (g.distinct !== null) {
        const v = g.s![h]!;
        const c = g.distinct.get(v)! - 1;
        if (c === 0) g.distinct.delete(v);
        else g.distinct.set(v, c);
      } else if (g.a !== null && !this.temporal) {
        g.sum -= g.a[h]!;
      }
      h++;
    }
    g.head = h;
    // Compact now and then so a long-lived group's arrays do not grow without bound.
    if (h > 32 && h * 2 > t.length) {
      g.t = t.slice(h);
      if (g.a !== null) g.a = g.a.slice(h);
      if (g.s !== null) g.s = g.s.slice(h);
      g.head = 0;
    }
  }

  /** temporal_ordered, one in-order event: advance the pending sequences (EQL-style, one per state). */
  private step(g: Group, slot: number, time: number): void {
    const seq = g.slots!;
    const lo = time - this.ts;
    for (const pos of this.positions[slot]!) {
      if (pos === 0) {
        if (time > seq[1]!) seq[1] = time; // the newest start is the one most likely to complete in time
      } else if (seq[pos]! >= lo && seq[pos]! > seq[pos + 1]!) {
        seq[pos + 1] = seq[pos]!;
      }
    }
  }

  /** temporal_ordered after an out-of-order insert: rebuild the pending sequences from the window. */
  private replay(g: Group): void {
    g.slots!.fill(-Infinity);
    const t = g.t!;
    const a = g.a!;
    for (let i = g.head; i < t.length; i++) this.step(g, a[i]!, t[i]!);
  }

  private aggregate(g: Group, lo: number): number {
    switch (this.correlation.type) {
      case 'event_count':
        return g.size;
      case 'value_count':
        return g.distinct !== null ? g.distinct.size : distinctSmall(g.s, g.head);
      case 'value_sum':
        return g.sum;
      case 'value_avg':
        return g.size > 0 ? g.sum / g.size : NaN;
      case 'value_percentile':
      case 'value_median': {
        const n = g.size;
        if (n === 0) return NaN;
        if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));
        const a = g.a!;
        for (let i = 0; i < n; i++) this.scratch[i] = a[g.head + i]!;
        return percentileOf(this.scratch.subarray(0, n), this.correlation.percentile ?? 50);
      }
      case 'temporal': {
        let c = 0;
        for (const last of g.slots!) if (last >= lo) c++;
        return c;
      }
      case 'temporal_ordered': {
        const seq = g.slots!;
        for (let k = this.nPositions; k >= 1; k--) if (seq[k]! >= lo) return k;
        return 0;
      }
    }
  }

  private satisfied(g: Group, value: number, lo: number): boolean {
    if (this.expr !== undefined) {
      const seen = this.seenScratch;
      seen.clear();
      if (this.correlation.type === 'temporal_ordered') {
        // Seen = the rules of the prefix of `rules` matched in order (value = its length).
        for (let p = 0; p < value; p++) seen.add(this.correlation.rules[p]!);
      } else {
        const last = g.slots!;
        for (let i = 0; i < last.length; i++) if (last[i]! >= lo) seen.add(this.ids[i]!);
      }
      try {
        return this.expr(seen) === true;
      } catch {
        return false;
      }
    }
    if (Number.isNaN(value)) return false;
    for (const c of this.conditions) if (!holds(c, value)) return false;
    return true;
  }

  private closeGroup(g: Group, out: CorrelationFiring[]): void {
    if (g.size === 0) return;
    const lo = g.start;
    const value = this.aggregate(g, lo);
    if (this.satisfied(g, value, lo)) this.fire(g, lo, lo + this.ts, value, g.trigger!, out);
  }

  private fire(
    g: Group,
    start: number,
    end: number,
    value: number,
    trigger: NightjarEvent,
    out: CorrelationFiring[],
  ): void {
    this.counters.fired++;
    const group: Record<string, unknown> = {};
    const fields = this.correlation.groupBy;
    if (fields.length === 1) group[fields[0]!.name] = g.values;
    else for (let i = 0; i < fields.length; i++) group[fields[i]!.name] = (g.values as unknown[])[i];
    const events: EsMessage[] = [];
    const e = g.evidence;
    if (e !== null) {
      const idx: number[] = [];
      for (let i = 0; i < e.msgs.length; i++)
        if (e.msgs[i] !== undefined && e.times[i]! >= start && e.times[i]! <= end) idx.push(i);
      idx.sort((x, y) => e.times[x]! - e.times[y]! || x - y);
      for (const i of idx) events.push(e.msgs[i]!);
    }
    out.push({
      correlation: this.correlation,
      time: g.newest,
      window: { start, end },
      group,
      value,
      trigger,
      events,
      eventsOmitted: Math.max(0, g.size - events.length),
    });
  }

  private late(st: CorrelationState, ev: NightjarEvent, time: number, why: string): void {
    this.counters.late++;
    const n = this.counters.late;
    if (n <= 10 || n % 1000 === 0) {
      this.report({
        code: 'NJ_LATE_EVENT' satisfies CoreDiagnosticCode,
        severity: 'warning',
        message: `correlation ${this.correlation.id}: event at ${formatTimeUs(time)} arrived ${why} (newest ${formatTimeUs(st.newest)}, lateness ${formatDurationUs(this.limits.latenessUs)}); not counted (${n} late so far)`,
        time,
        source: ev.source,
        line: ev.line,
        data: { rule: this.correlation.id, late: n, newest: st.newest, latenessUs: this.limits.latenessUs },
      });
    }
  }

  /** Drops a few eager groups whose newest event can no longer share a window with any new event. */
  private expire(st: CorrelationState): void {
    const horizon = st.newest - this.ts - this.limits.latenessUs;
    let budget = 64; // bounded work per call; stale groups at the LRU front go first
    for (const g of st.groups.values()) {
      if (budget-- === 0 || g.newest >= horizon) break;
      st.groups.delete(g.key);
      this.counters.expired++;
    }
  }
}
