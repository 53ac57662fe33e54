/**
 * The engine: options, metrics and the per-event path (push → gap tracking → lineage → dispatch →
 * match → correlation → alerts). Over 400 lines on purpose: push() and its helpers are the hot path
 * and share private state (dispatch tables, counters, the eval context) that splitting would expose
 * or route through calls; the prefilter index lives in prefilter-index.ts.
 */
import type { CompiledCorrelation, CompiledRule, CompiledRuleSet } from '../ruleset/types.js';
import type { CoreDiagnosticCode } from '../codes.js';
import type { NightjarEvent } from '../model/event.js';
import type { EsProcess } from '../model/message.js';
import type { LineageResolver } from '../fields/context.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Alert } from '../alert/types.js';
import { LineageCache } from '../lineage/cache.js';
import type { LineageMetrics } from '../lineage/cache.js';
import { GapTracker } from '../gaps/tracker.js';
import type { GapMetrics, GapTrackerOptions } from '../gaps/tracker.js';
import { CorrelationRuntime } from '../correlation/runtime.js';
import type { CorrelationCounters, CorrelationFiring, CorrelationLimits } from '../correlation/runtime.js';
import { checkCorrelationContract, correlationCycleError } from '../correlation/contract.js';
import { buildCorrelationAlert, buildDetectionAlert } from '../alert/build.js';
import { PrefilterIndex } from './prefilter-index.js';

export interface EngineOptions {
  /**
   * The process-lineage cache. On by default: alerts carry the actor's ancestry and rules may read
   * `parent.*` & co. `false` turns it off (no fork/exec/exit subscription needed, alerts have an
   * empty `lineage` with `lineage_complete: false`, lineage fields read nothing).
   */
  lineage?: { maxProcesses?: number; exitGraceUs?: number } | false;
  correlation?: {
    /** Live groups per correlation before the least recently used is evicted. Default 10,000. */
    maxGroups?: number;
    /** Allowed lateness behind a correlation's newest event time, in µs. Default 5 s. */
    latenessUs?: number;
    /** Largest correlation timespan the engine runs; above it `new Engine` throws NJ_TIMESPAN_LIMIT. Default 1 h. */
    maxTimespanUs?: number;
    /** Events kept as evidence per correlation alert; the rest are counted in `events_omitted`. Default 10. */
    maxEventsPerAlert?: number;
  };
  /** Options of the sequence-gap tracker (`engine.gaps`). */
  gaps?: GapTrackerOptions;
  /** @deprecated Renamed `gaps`; used only when `gaps` is not given. */
  sequence?: GapTrackerOptions;
  /** Diagnostics kept for `diagnostics()` and queued for `drainDiagnostics()` (each). Default 10,000. */
  maxDiagnostics?: number;
}

export const ENGINE_DEFAULTS = {
  maxGroups: 10_000,
  latenessUs: 5_000_000,
  maxTimespanUs: 3_600_000_000,
  maxEventsPerAlert: 10,
  maxDiagnostics: 10_000,
} as const;

export interface EngineMetrics {
  /** Events pushed (skipped ones included). */
  events: number;
  /** Events pushed with `skipped: true` (sequence-tracked only). */
  skipped: number;
  /** Events per event name (skipped ones included). */
  byType: Record<string, number>;
  /** Matches per detection rule id (generate=false rules included). */
  matches: Record<string, number>;
  /** Alerts emitted per rule or correlation id (suppressed ones not included). */
  alerts: Record<string, number>;
  /** Alerts folded into an earlier one by suppression. */
  suppressed: number;
  /** Predicates that threw (the event was treated as not matching). */
  ruleErrors: number;
  /** Correlation inputs older than the allowed lateness, over all correlations. */
  lateEvents: number;
  /** Correlation groups evicted because a correlation hit maxGroups. */
  evictedGroups: number;
  /** Correlation groups dropped because their window had passed (normal housekeeping). */
  expiredGroups: number;
  /** Correlation groups live now. */
  liveGroups: number;
  correlations: Record<string, CorrelationCounters & { groups: number; mode: 'eager' | 'close' }>;
  gaps: GapMetrics;
  lineage: LineageMetrics | null;
  diagnostics: { kept: number; dropped: number };
}

/** A detection rule as dispatched: its counters and the correlations its matches feed. */
interface RuleEntry {
  readonly rule: CompiledRule;
  readonly feeds: CorrelationRuntime[];
  matches: number;
  alerts: number;
  errors: number;
}

interface CorrEntry {
  readonly runtime: CorrelationRuntime;
  /** Correlations that reference this one. */
  readonly feeds: CorrelationRuntime[];
  /** Event types behind this correlation (null: any), for the `incomplete` flag. */
  readonly eventTypes: readonly string[] | null;
  alerts: number;
}

const EMPTY: Alert[] = Object.freeze([]) as unknown as Alert[];

/** The rules to run for one event name, and how many events of that name were pushed. */
interface Dispatch {
  readonly name: string;
  readonly entries: RuleEntry[];
  /** Literal index over the rules' prefilters (when enough of them have one). */
  readonly index: PrefilterIndex | undefined;
  count: number;
}

/** Field-getter memo epoch (EvalContext.epoch): unique per push across every Engine of the process. */
let epochCounter = 0;

const NO_LINEAGE: LineageResolver = {
  parent: () => undefined,
  realParent: () => undefined,
  responsible: () => undefined,
  ancestors: () => EMPTY_PROCS,
};
const EMPTY_PROCS: readonly EsProcess[] = Object.freeze([]);

/**
 * The detection engine: push events, get alerts. Synchronous, no I/O. Per event: sequence tracking
 * (every event, skipped ones too) → lineage update → dispatch by event name → stateless match →
 * correlation update → alerts. See packages/core/README.md ("Engine").
 */
export class Engine {
  private readonly ruleset: CompiledRuleSet;
  private readonly tracker: GapTracker;
  private readonly lineageCache: LineageCache | undefined;
  private readonly ctx: { lineage: LineageResolver; epoch: number };
  private readonly limits: CorrelationLimits;
  private readonly byName = new Map<string, Dispatch>();
  /** Dispatch by es_event_type_t number (filled as types are seen); checked against the name. */
  private readonly byType: (Dispatch | undefined)[] = [];
  /** Event names in the order first seen (metrics().byType). */
  private readonly seenNames: string[] = [];
  private readonly anyType: RuleEntry[] = [];
  private anyIndex: PrefilterIndex | undefined;
  private readonly ruleEntries: RuleEntry[] = [];
  private readonly corrs = new Map<CompiledCorrelation, CorrEntry>();
  /** Correlations in dependency order (referenced ones first), for flush(). */
  private readonly corrOrder: CorrEntry[] = [];
  private readonly closeMode: CorrelationRuntime[] = [];
  private readonly firings: CorrelationFiring[] = [];
  private readonly suppression = new Map<string, { first: number; until: number; alert: Alert }>();
  private readonly maxDiagnostics: number;
  private kept: Diagnostic[] = [];
  private pending: Diagnostic[] = [];
  private dropped = 0;
  private events = 0;
  private skipped = 0;
  private suppressed = 0;
  private ruleErrors = 0;
  private now = -Infinity;
  private readonly report = (d: Diagnostic): void => this.addDiagnostic(d);

  constructor(ruleset: CompiledRuleSet, options: EngineOptions = {}) {
    this.ruleset = ruleset;
    const c = options.correlation ?? {};
    this.limits = {
      maxGroups: Math.max(1, Math.floor(c.maxGroups ?? ENGINE_DEFAULTS.maxGroups)),
      latenessUs: Math.max(0, c.latenessUs ?? ENGINE_DEFAULTS.latenessUs),
      maxEventsPerAlert: Math.max(0, Math.floor(c.maxEventsPerAlert ?? ENGINE_DEFAULTS.maxEventsPerAlert)),
    };
    const maxTimespanUs = c.maxTimespanUs ?? ENGINE_DEFAULTS.maxTimespanUs;
    this.maxDiagnostics = Math.max(1, Math.floor(options.maxDiagnostics ?? ENGINE_DEFAULTS.maxDiagnostics));
    this.tracker = new GapTracker(options.gaps ?? options.sequence);
    if (options.lineage !== false) this.lineageCache = new LineageCache(options.lineage ?? {});
    this.ctx = { lineage: this.lineageCache ?? NO_LINEAGE, epoch: 0 };
    if (this.lineageCache === undefined) {
      const users = ruleset.rules.filter((r) => r.usesLineage).map((r) => r.id);
      if (users.length > 0) {
        this.addDiagnostic({
          code: 'NJ_LINEAGE_DISABLED' satisfies CoreDiagnosticCode,
          severity: 'warning',
          message: `lineage is off but ${users.length} rule(s) read lineage fields, which will find nothing: ${users.slice(0, 5).join(', ')}`,
          data: { rules: users },
        });
      }
    }

    this.buildCorrelations(ruleset, maxTimespanUs);

    const feedsById = new Map<string, CorrelationRuntime[]>();
    for (const e of this.corrs.values()) {
      for (const id of new Set(e.runtime.correlation.rules)) {
        let l = feedsById.get(id);
        if (l === undefined) feedsById.set(id, (l = []));
        l.push(e.runtime);
      }
    }
    for (const rule of ruleset.rules) {
      const entry: RuleEntry = { rule, feeds: feedsById.get(rule.id) ?? [], matches: 0, alerts: 0, errors: 0 };
      this.ruleEntries.push(entry);
      if (rule.eventTypes === null) this.anyType.push(entry);
    }
    // One list per event name, in ruleset order, with the any-type rules merged in.
    const names = new Set<string>();
    for (const r of ruleset.rules) if (r.eventTypes !== null) for (const n of r.eventTypes) names.add(n);
    for (const name of names) {
      const entries = this.ruleEntries.filter((e) => e.rule.eventTypes === null || e.rule.eventTypes.includes(name));
      this.byName.set(name, {
        name,
        entries,
        index: PrefilterIndex.worth(entries) ? new PrefilterIndex(entries) : undefined,
        count: 0,
      });
    }
    this.anyIndex = PrefilterIndex.worth(this.anyType) ? new PrefilterIndex(this.anyType) : undefined;
  }

  /** The lineage cache (undefined when `lineage: false`): backfill it with running processes, read its metrics. */
  get lineage(): LineageCache | undefined {
    return this.lineageCache;
  }

  /** The sequence-gap tracker: its gaps() and restarts(). */
  get gaps(): GapTracker {
    return this.tracker;
  }

  /** @deprecated Renamed `gaps`. */
  get sequences(): GapTracker {
    return this.tracker;
  }

  /**
   * The ES event names to subscribe to: the ruleset's, plus fork, exec and exit when lineage is on
   * (the cache learns processes from them), sorted.
   */
  requiredEventTypes(): string[] {
    const s = new Set(this.ruleset.requiredEventTypes());
    if (this.lineageCache !== undefined) for (const n of ['fork', 'exec', 'exit']) s.add(n);
    return [...s].sort();
  }

  /**
   * Processes one event and returns the alerts it raises (a shared, frozen empty array when none:
   * do not mutate it). Events should arrive in time order; see the README for late events.
   */
  push(ev: NightjarEvent): Alert[] {
    this.events++;
    this.ctx.epoch = ++epochCounter;
    // By type number first (an array read); the name decides, so an event whose name does not follow
    // its number (vendor or malformed input) still goes by name.
    const type = ev.type;
    let d = type >= 0 && type < 1024 ? this.byType[type] : undefined;
    if (d === undefined || d.name !== ev.name) {
      d = this.byName.get(ev.name);
      if (d !== undefined && type >= 0 && type < 1024) this.byType[type] = d;
    }
    if (d === undefined) {
      d = { name: ev.name, entries: this.anyType, index: this.anyIndex, count: 0 };
      this.byName.set(ev.name, d);
    }
    if (d.count++ === 0) this.seenNames.push(ev.name);
    this.tracker.observe(ev);
    // Move the tracker's diagnostics into ours now and then, so its own bounded queue never overflows
    // between two diagnostics()/drainDiagnostics() calls.
    if ((this.events & 4095) === 0) this.pullTracker();
    if (ev.time > this.now) this.now = ev.time;
    this.lineageCache?.observe(ev);
    let out: Alert[] | null = null;
    // Time passes before this event is applied: windows that ended are decided (and their groups
    // freed) first, so they are never evicted by the event that ends them.
    for (let i = 0; i < this.closeMode.length; i++) this.closeMode[i]!.advance(this.now, this.firings);
    if (ev.skipped || ev.msg === null) {
      this.skipped++;
    } else {
      const entries = d.entries;
      const index = d.index;
      if (index !== undefined) {
        index.mark(ev, this.ctx);
        const c = index.candidates;
        for (let k = 0; k < index.count; k++) out = this.run(entries[c[k]!]!, ev, out);
      } else {
        for (let i = 0; i < entries.length; i++) out = this.run(entries[i]!, ev, out);
      }
    }
    if (this.firings.length > 0) out = this.drainFirings(out);
    return out ?? EMPTY;
  }

  /** One rule on one event: match, alert (unless suppressed), feed its correlations. */
  private run(e: RuleEntry, ev: NightjarEvent, out: Alert[] | null): Alert[] | null {
    let hit: boolean;
    try {
      hit = e.rule.match(ev, this.ctx);
    } catch (err) {
      this.ruleFailed(e, ev, err);
      return out;
    }
    if (!hit) return out;
    e.matches++;
    if (e.rule.generate) {
      const a = this.suppress(e.rule.suppressUs, e.rule.id, ev.entityId, ev.time, () =>
        buildDetectionAlert(
          e.rule,
          ev,
          this.lineageCache,
          this.tracker.overlapsOpenGap(e.rule.eventTypes, ev.time, ev.time),
        ),
      );
      if (a !== null) {
        e.alerts++;
        (out ??= []).push(a);
      }
    }
    for (let j = 0; j < e.feeds.length; j++) this.feed(e.feeds[j]!, e.rule.id, ev, ev.time, undefined);
    return out;
  }

  /**
   * End of input: decides the correlations that can only be decided when their window ends
   * (upper-bound conditions such as lt/lte/eq) and returns their alerts. All correlation state is
   * cleared; pushing more events afterwards starts fresh windows.
   */
  flush(): Alert[] {
    let out: Alert[] | null = null;
    for (const e of this.corrOrder) {
      e.runtime.flush(this.firings);
      if (this.firings.length > 0) out = this.drainFirings(out);
    }
    return out ?? EMPTY;
  }

  /** Every diagnostic so far (the first `maxDiagnostics`; later ones are counted in metrics().diagnostics.dropped). */
  diagnostics(): Diagnostic[] {
    this.pullTracker();
    return this.kept.slice();
  }

  /** The diagnostics raised since the last call (at most `maxDiagnostics`, oldest dropped first). */
  drainDiagnostics(): Diagnostic[] {
    this.pullTracker();
    const d = this.pending;
    this.pending = [];
    return d;
  }

  metrics(): EngineMetrics {
    const matches: Record<string, number> = {};
    const alerts: Record<string, number> = {};
    for (const e of this.ruleEntries) {
      matches[e.rule.id] = (matches[e.rule.id] ?? 0) + e.matches;
      if (e.rule.generate) alerts[e.rule.id] = (alerts[e.rule.id] ?? 0) + e.alerts;
    }
    const correlations: EngineMetrics['correlations'] = {};
    let late = 0;
    let evicted = 0;
    let expired = 0;
    let live = 0;
    for (const e of this.corrs.values()) {
      const r = e.runtime;
      correlations[r.correlation.id] = { ...r.counters, groups: r.groupCount, mode: r.mode };
      if (r.correlation.generate) alerts[r.correlation.id] = (alerts[r.correlation.id] ?? 0) + e.alerts;
      late += r.counters.late;
      evicted += r.counters.evicted;
      expired += r.counters.expired;
      live += r.groupCount;
    }
    return {
      events: this.events,
      skipped: this.skipped,
      byType: Object.fromEntries(this.seenNames.map((n) => [n, this.byName.get(n)!.count])),
      matches,
      alerts,
      suppressed: this.suppressed,
      ruleErrors: this.ruleErrors,
      lateEvents: late,
      evictedGroups: evicted,
      expiredGroups: expired,
      liveGroups: live,
      correlations,
      gaps: this.tracker.metrics(),
      lineage: this.lineageCache?.metrics() ?? null,
      diagnostics: { kept: this.kept.length, dropped: this.dropped },
    };
  }

  // ---- internals ----

  private buildCorrelations(ruleset: CompiledRuleSet, maxTimespanUs: number): void {
    const ruleIds = new Map<string, CompiledRule[]>();
    for (const r of ruleset.rules) {
      const l = ruleIds.get(r.id);
      if (l === undefined) ruleIds.set(r.id, [r]);
      else l.push(r);
    }
    const corrById = new Map<string, CompiledCorrelation>();
    for (const c of ruleset.correlations) corrById.set(c.id, c);
    checkCorrelationContract(ruleset.correlations, ruleIds, corrById, maxTimespanUs);

    // Dependency order (referenced first) with cycle detection; also the event types behind each.
    const state = new Map<string, 1 | 2>();
    const typesOf = new Map<string, readonly string[] | null>();
    const visit = (c: CompiledCorrelation, path: string[]): void => {
      const s = state.get(c.id);
      if (s === 2) return;
      if (s === 1) {
        throw correlationCycleError(c, path);
      }
      state.set(c.id, 1);
      let types: Set<string> | null = new Set();
      for (const ref of c.rules) {
        const inner = corrById.get(ref);
        if (inner !== undefined && !ruleIds.has(ref)) {
          visit(inner, [...path, c.id]);
          const t = typesOf.get(inner.id);
          if (t === null || t === undefined) types = null;
          else if (types !== null) for (const n of t) types.add(n);
        } else {
          for (const r of ruleIds.get(ref) ?? []) {
            if (r.eventTypes === null) types = null;
            else if (types !== null) for (const n of r.eventTypes) types.add(n);
          }
        }
      }
      typesOf.set(c.id, types === null ? null : [...types]);
      state.set(c.id, 2);
      const runtime = new CorrelationRuntime(c, this.limits, this.report, (id) => corrById.has(id) && !ruleIds.has(id));
      const entry: CorrEntry = { runtime, feeds: [], eventTypes: typesOf.get(c.id)!, alerts: 0 };
      this.corrs.set(c, entry);
      this.corrOrder.push(entry);
      if (runtime.mode === 'close') this.closeMode.push(runtime);
    };
    for (const c of ruleset.correlations) visit(c, []);
    for (const e of this.corrs.values()) {
      for (const ref of new Set(e.runtime.correlation.rules)) {
        const inner = corrById.get(ref);
        if (inner !== undefined && !ruleIds.has(ref)) this.corrs.get(inner)!.feeds.push(e.runtime);
      }
    }
  }

  /** Emits the alerts of pending firings and feeds them to the correlations that reference them. */
  private drainFirings(out: Alert[] | null): Alert[] | null {
    const firings = this.firings;
    for (let i = 0; i < firings.length; i++) {
      const f = firings[i]!;
      const e = this.corrs.get(f.correlation)!;
      if (f.correlation.generate) {
        const a = this.suppress(f.correlation.suppressUs, f.correlation.id, groupEntity(f.group), f.time, () =>
          buildCorrelationAlert(
            f,
            this.lineageCache,
            this.tracker.overlapsOpenGap(e.eventTypes, f.window.start, f.window.end),
          ),
        );
        if (a !== null) {
          e.alerts++;
          (out ??= []).push(a);
        }
      }
      // Chained correlations: this firing is one input event to each correlation referencing it.
      for (const dep of e.feeds) this.feed(dep, f.correlation.id, f.trigger, f.time, f.group);
    }
    firings.length = 0;
    return out;
  }

  /**
   * Suppression (RuleMeta.suppressUs): the first alert of a (rule, entity) is emitted with count 1;
   * matches within suppressUs of it (either side, inclusive) emit nothing and add 1 to that alert's
   * `count`. The next match after the period emits a new alert and starts a new period.
   */
  private suppress(
    period: number | undefined,
    ruleId: string,
    entity: string,
    time: number,
    build: () => Alert,
  ): Alert | null {
    if (period === undefined || !(period > 0)) return build();
    const key = ruleId + '\u0000' + entity;
    const s = this.suppression.get(key);
    if (s !== undefined && Math.abs(time - s.first) <= period) {
      s.alert.count++;
      this.suppressed++;
      return null;
    }
    const alert = build();
    if (s !== undefined) this.suppression.delete(key);
    this.suppression.set(key, { first: time, until: time + period, alert });
    // Periods that ended are forgotten (a few per call, oldest first: the map is in insertion order),
    // and the map is bounded like correlation groups, so kept alerts do not pile up.
    let budget = 4;
    for (const [k, v] of this.suppression) {
      if (budget-- === 0 || (time <= v.until && this.suppression.size <= this.limits.maxGroups)) break;
      this.suppression.delete(k);
    }
    return alert;
  }

  private feed(
    c: CorrelationRuntime,
    id: string,
    ev: NightjarEvent,
    time: number,
    inner: Record<string, unknown> | undefined,
  ): void {
    try {
      c.input(id, ev, time, this.ctx, inner, this.firings);
    } catch (err) {
      // A group-by or value getter that throws loses this input only; the engine goes on.
      this.ruleErrors++;
      this.addDiagnostic({
        code: 'NJ_RULE_ERROR' satisfies CoreDiagnosticCode,
        severity: 'error',
        message: `correlation ${c.correlation.id} (${c.correlation.title}) threw reading a ${ev.name} event: ${err instanceof Error ? err.message : String(err)}; input not counted`,
        time: ev.time,
        source: ev.source,
        line: ev.line,
        data: { rule: c.correlation.id },
      });
    }
  }

  private ruleFailed(e: RuleEntry, ev: NightjarEvent, err: unknown): void {
    e.errors++;
    this.ruleErrors++;
    if (e.errors <= 10 || e.errors % 1000 === 0) {
      this.addDiagnostic({
        code: 'NJ_RULE_ERROR' satisfies CoreDiagnosticCode,
        severity: 'error',
        message: `rule ${e.rule.id} (${e.rule.title}) threw on a ${ev.name} event: ${err instanceof Error ? err.message : String(err)} (${e.errors} so far; treated as no match)`,
        time: ev.time,
        source: ev.source,
        line: ev.line,
        data: { rule: e.rule.id, errors: e.errors },
      });
    }
  }

  private pullTracker(): void {
    for (const d of this.tracker.drainDiagnostics()) this.addDiagnostic(d);
  }

  private addDiagnostic(d: Diagnostic): void {
    if (this.kept.length < this.maxDiagnostics) this.kept.push(d);
    else this.dropped++;
    if (this.pending.length >= this.maxDiagnostics) this.pending.shift();
    this.pending.push(d);
  }
}

function groupEntity(group: Record<string, unknown>): string {
  try {
    return JSON.stringify(group);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort when a group value JSON cannot encode (BigInt, cycles); a coarse entity beats a throw
    return String(group);
  }
}
