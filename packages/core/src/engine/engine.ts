/**
 * The engine: options, metrics and the per-event path (push → gap tracking → host state → lineage →
 * dispatch → match → correlation → alerts), plus snapshot, restore and reload of its state. Over 400
 * lines on purpose: push() and its helpers are the hot path and share private state (dispatch
 * tables, the current host, counters, the eval context) that splitting would expose or route
 * through calls; the prefilter index is prefilter-index.ts, the definition keys definition.ts and
 * the snapshot format ../snapshot/format.ts.
 */
import type { CompiledCorrelation, CompiledRule, CompiledRuleSet } from '../ruleset/types.js';
import type { CoreDiagnosticCode } from '../codes.js';
import type { NightjarEvent } from '../model/event.js';
import type { EsMessage, EsProcess } from '../model/message.js';
import { DecodeError, eventFromMessage } from '../model/decode.js';
import type { LineageResolver } from '../fields/context.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Alert } from '../alert/types.js';
import { LineageCache } from '../lineage/cache.js';
import type { LineageMetrics } from '../lineage/cache.js';
import { GapTracker } from '../gaps/tracker.js';
import type { GapMetrics, GapTrackerOptions } from '../gaps/tracker.js';
import { CorrelationRuntime, CorrelationState } from '../correlation/runtime.js';
import type { CorrelationCounters, CorrelationFiring, CorrelationLimits } from '../correlation/runtime.js';
import { checkCorrelationContract, correlationCycleError } from '../correlation/contract.js';
import { type AlertBasis, alertBasis, buildCorrelationAlert, detectionAlert } from '../alert/build.js';
import { PrefilterIndex } from './prefilter-index.js';
import { dispatchPlan, type DispatchList } from './dispatch-plan.js';
import { EventDepthError, MAX_EVENT_DEPTH, nestsDeeperThan } from '../model/depth.js';
import { correlationKeys, ruleKeys, rulesetFingerprint } from './definition.js';
import {
  ENGINE_SNAPSHOT_VERSION,
  MessageReader,
  MessageWriter,
  SNAPSHOT_ERROR_CODES,
  SnapshotError,
  decNum,
  encNum,
} from '../snapshot/format.js';
import type { CorrelationStateSnapshot, EngineSnapshot, HostSnapshot } from '../snapshot/format.js';

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
  /**
   * Hosts whose state is kept at once (lineage, correlation windows, suppression); beyond it the
   * least recently seen host's state is dropped (counted, `NJ_HOST_EVICTED`). Default 1024.
   */
  maxHosts?: number;
  /** Start muted (see `Engine.muted`). */
  muted?: boolean;
  /**
   * Correlations with `nightjar.scope: fleet`: `run` (default) keeps their windows here, over every
   * host this engine sees. `signal` is for an engine that sees only some hosts (a fleet worker's
   * per-host engine): their windows stay empty here and each input they would have taken is queued
   * as a FleetSignal (`drainSignals()`) for the one engine that runs them (`pushSignal()`).
   */
  fleetCorrelations?: 'run' | 'signal';
}

/** What `Engine.reload()` did with the correlations' windows. */
/**
 * One input of a fleet-scoped correlation, raised on an engine that does not run it
 * (`fleetCorrelations: 'signal'`), for the engine that does (`pushSignal`). Plain JSON.
 */
export interface FleetSignal {
  /** The fleet-scoped correlation's id. */
  readonly correlation: string;
  /** The rule (or correlation) whose match this is. */
  readonly input: string;
  readonly host: string | null;
  /** The input's time (µs): the matching event's, or the firing's for a chained correlation. */
  readonly time: number;
  /** The matching event's message: the group-by and value fields are read from it. */
  readonly msg: EsMessage;
  /** A chained correlation's firing: its group. */
  readonly group?: Record<string, unknown>;
  readonly source: string;
  readonly line: number;
}

export interface ReloadResult {
  /** Correlations whose definition (and everything they reference) did not change: windows kept. */
  kept: string[];
  /** New or changed correlations: they start with empty windows. */
  reset: string[];
  /** Correlations of the old ruleset that are gone. */
  removed: string[];
}

export const ENGINE_DEFAULTS = {
  maxGroups: 10_000,
  latenessUs: 5_000_000,
  maxTimespanUs: 3_600_000_000,
  maxEventsPerAlert: 10,
  maxDiagnostics: 10_000,
  maxHosts: 1024,
} as const;

export interface EngineMetrics {
  /** Events pushed (skipped ones included). */
  events: number;
  /** Events pushed with `skipped: true` (sequence-tracked only). */
  skipped: number;
  /** Hosts with state now, and host states dropped because of `maxHosts`. */
  hosts: number;
  evictedHosts: number;
  /** Alerts not emitted because the engine was muted (their suppression state was still kept). */
  mutedAlerts: number;
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
  /** Events not evaluated because their values nest deeper than MAX_EVENT_DEPTH (NJ_EVENT_DEPTH). */
  deepEvents: number;
  /**
   * Rule evaluations skipped because a lineage field (`parent.*`, `ancestors.*`…) held an ancestor's
   * value nested deeper than MAX_EVENT_DEPTH (NJ_EVENT_DEPTH naming the rule; the event's other rules ran).
   */
  deepLineageReads: number;
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
  /** Summed over hosts. */
  lineage: LineageMetrics | null;
  diagnostics: { kept: number; dropped: number };
}

/** A detection rule as dispatched: its counters and the correlations its matches feed. */
interface RuleEntry {
  readonly rule: CompiledRule;
  readonly feeds: CorrEntry[];
  matches: number;
  alerts: number;
  errors: number;
}

interface CorrEntry {
  readonly runtime: CorrelationRuntime;
  /** Its position in Program.corrList and in every HostState.corr. */
  readonly index: number;
  /** Definition key (definition.ts): equal across rulesets when the window means the same. */
  readonly key: string;
  /** Correlations that reference this one. */
  readonly feeds: CorrEntry[];
  /** Event types behind this correlation (null: any), for the `incomplete` flag. */
  readonly eventTypes: readonly string[] | null;
  /** `nightjar.scope: fleet`: its windows live in Engine.fleet, not in each host's state. */
  readonly fleet: boolean;
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

/** A suppression period; `alert` is the emitted alert whose count grows (a stand-in when muted or restored). */
interface Period {
  first: number;
  until: number;
  alert: { count: number };
}

/** Everything built from one ruleset: dispatch tables, rule and correlation entries. Swapped whole by reload(). */
interface Program {
  readonly ruleset: CompiledRuleSet;
  readonly fingerprint: string;
  /** Rule id (correlations: `corr:<id>`) → definition key, for reload's suppression carry-over. */
  readonly ruleKeys: Map<string, string>;
  readonly byName: Map<string, Dispatch>;
  /** Dispatch by es_event_type_t number (filled as types are seen); checked against the name. */
  readonly byType: (Dispatch | undefined)[];
  /** Event names in the order first seen (metrics().byType). */
  readonly seenNames: string[];
  readonly anyType: RuleEntry[];
  readonly anyIndex: PrefilterIndex | undefined;
  readonly ruleEntries: RuleEntry[];
  readonly corrs: Map<CompiledCorrelation, CorrEntry>;
  /** By CorrEntry.index. */
  readonly corrList: CorrEntry[];
  /** Correlations in dependency order (referenced ones first), for flush(). */
  readonly corrOrder: CorrEntry[];
  readonly closeMode: CorrEntry[];
}

/**
 * One host's state: its lineage cache, one CorrelationState per correlation (by CorrEntry.index),
 * its suppression periods and its newest event time. The same pid:pidversion on two hosts lives in
 * two of these and never meets.
 */
class HostState {
  readonly suppression = new Map<string, Period>();
  now = -Infinity;
  constructor(
    readonly host: string | undefined,
    readonly lineage: LineageCache | undefined,
    public corr: CorrelationState[],
  ) {}
}

const MUTED_ALERT = (): Alert => ({ count: 1 }) as unknown as Alert;

/**
 * The detection engine: push events, get alerts. Synchronous, no I/O. Per event: sequence tracking
 * (every event, skipped ones too) → the event's host state → lineage update → dispatch by event
 * name → stateless match → correlation update → alerts. State is kept per host (`ev.host`). See
 * packages/core/README.md ("Engine", "Hosts", "Snapshot and restore", "Reload").
 */
export class Engine {
  private p: Program;
  private tracker: GapTracker;
  private readonly gapOptions: GapTrackerOptions | undefined;
  private readonly lineageOptions: EngineOptions['lineage'];
  private readonly ctx: { lineage: LineageResolver; epoch: number };
  private readonly limits: CorrelationLimits;
  private readonly maxTimespanUs: number;
  private readonly optionsFingerprint: string;
  /** Host states, least recently switched to first. */
  private hosts = new Map<string | undefined, HostState>();
  /** The current event's host state: the same host as the previous event costs one comparison. */
  private hs: HostState;
  /**
   * The windows and suppression of `nightjar.scope: fleet` correlations, over every host; `now` is the
   * newest event time of any host. Its lineage is unused (alerts take the trigger's host's).
   */
  private fleet: HostState;
  /** `fleetCorrelations: 'signal'`: fleet-scoped inputs queued for drainSignals(). */
  private readonly signalFleet: boolean;
  private signals: FleetSignal[] = [];
  private readonly maxHosts: number;
  private evictedHosts = 0;
  private readonly firings: CorrelationFiring[] = [];
  private readonly maxDiagnostics: number;
  private kept: Diagnostic[] = [];
  private pending: Diagnostic[] = [];
  private dropped = 0;
  private events = 0;
  private skipped = 0;
  private suppressed = 0;
  private mutedAlerts = 0;
  private ruleErrors = 0;
  private deepEvents = 0;
  private deepLineageReads = 0;
  /** The last event whose message was checked for depth (several rules may match one event). */
  private depthChecked: NightjarEvent | undefined;
  /** The alert basis of the event being pushed (ctx.epoch), shared by every rule it makes alert. */
  private basis!: AlertBasis;
  /** ctx.epoch of `basis`: -1 before any (an epoch is never below 1). */
  private basisEpoch = -1;
  private mutedFlag = false;
  private readonly report = (d: Diagnostic): void => this.addDiagnostic(d);

  constructor(ruleset: CompiledRuleSet, options: EngineOptions = {}) {
    const c = options.correlation ?? {};
    this.limits = {
      maxGroups: Math.max(1, Math.floor(c.maxGroups ?? ENGINE_DEFAULTS.maxGroups)),
      latenessUs: Math.max(0, c.latenessUs ?? ENGINE_DEFAULTS.latenessUs),
      maxEventsPerAlert: Math.max(0, Math.floor(c.maxEventsPerAlert ?? ENGINE_DEFAULTS.maxEventsPerAlert)),
    };
    this.maxTimespanUs = c.maxTimespanUs ?? ENGINE_DEFAULTS.maxTimespanUs;
    this.maxDiagnostics = Math.max(1, Math.floor(options.maxDiagnostics ?? ENGINE_DEFAULTS.maxDiagnostics));
    this.maxHosts = Math.max(1, Math.floor(options.maxHosts ?? ENGINE_DEFAULTS.maxHosts));
    this.gapOptions = options.gaps ?? options.sequence;
    this.tracker = new GapTracker(this.gapOptions);
    this.lineageOptions = options.lineage === false ? false : (options.lineage ?? {});
    this.optionsFingerprint = JSON.stringify({
      lineage:
        this.lineageOptions === false
          ? false
          : [this.lineageOptions.maxProcesses ?? null, this.lineageOptions.exitGraceUs ?? null],
      limits: [this.limits.maxGroups, this.limits.latenessUs, this.limits.maxEventsPerAlert],
      gaps: [
        this.gapOptions?.reorderTolerance ?? null,
        this.gapOptions?.maxGaps ?? null,
        this.gapOptions?.dropDuplicates === true,
      ],
    });
    this.p = this.build(ruleset);
    this.fleet = this.newFleet();
    this.hs = this.newHost(undefined);
    this.hosts.set(undefined, this.hs);
    this.ctx = { lineage: this.hs.lineage ?? NO_LINEAGE, epoch: 0 };
    this.mutedFlag = options.muted === true;
    this.signalFleet = options.fleetCorrelations === 'signal';
    if (this.lineageOptions === false) {
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
  }

  /**
   * The lineage cache of events without a host (undefined when `lineage: false`): backfill it with
   * running processes, read its metrics. Other hosts' caches: `lineageOf(host)`.
   */
  get lineage(): LineageCache | undefined {
    return this.hostState(undefined, this.hs).lineage;
  }

  /** The lineage cache of one host (created empty if the host has not been seen), e.g. to backfill it. */
  lineageOf(host: string | undefined): LineageCache | undefined {
    return this.hostState(host, this.hs).lineage;
  }

  /** The hosts with state, in the order least recently seen first (undefined: events without a host). */
  hostNames(): (string | undefined)[] {
    return [...this.hosts.keys()];
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
   * Muted: events update every state (lineage, windows, suppression, gaps) as usual, but push() and
   * flush() return no alerts and no diagnostic is kept or queued — for replaying events whose
   * alerts and diagnostics were already published. Muted alerts are counted in `metrics().mutedAlerts`.
   */
  get muted(): boolean {
    return this.mutedFlag;
  }

  set muted(on: boolean) {
    // The tracker's queued diagnostics belong to the mode they were raised in.
    this.pullTracker();
    this.mutedFlag = on;
  }

  /**
   * The ES event names to subscribe to: the ruleset's, plus fork, exec and exit when lineage is on
   * (the cache learns processes from them), sorted.
   */
  requiredEventTypes(): string[] {
    const s = new Set(this.p.ruleset.requiredEventTypes());
    if (this.lineageOptions !== false) for (const n of ['fork', 'exec', 'exit']) s.add(n);
    return [...s].sort();
  }

  /**
   * Processes one event and returns the alerts it raises (a shared, frozen empty array when none:
   * do not mutate it). Events should arrive in time order per host; see the README for late events.
   */
  push(ev: NightjarEvent): Alert[] {
    this.events++;
    this.ctx.epoch = ++epochCounter;
    // True only with gaps.dropDuplicates: a message already seen goes no further.
    if (this.tracker.observe(ev)) return EMPTY;
    const p = this.p;
    // By type number first (an array read); the name decides, so an event whose name does not follow
    // its number (vendor or malformed input) still goes by name.
    const type = ev.type;
    let d = type >= 0 && type < 1024 ? p.byType[type] : undefined;
    if (d === undefined || d.name !== ev.name) d = this.dispatchOf(p, ev.name, type);
    if (d.count++ === 0) p.seenNames.push(ev.name);
    // Move the tracker's diagnostics into ours now and then, so its own bounded queue never overflows
    // between two diagnostics()/drainDiagnostics() calls.
    if ((this.events & 4095) === 0) this.pullTracker();
    let hs = this.hs;
    if (ev.host !== hs.host) hs = this.switchHost(ev.host);
    if (ev.time > hs.now) hs.now = ev.time;
    const fleet = this.fleet;
    if (ev.time > fleet.now) fleet.now = ev.time;
    hs.lineage?.observe(ev);
    let out: Alert[] | null = null;
    // Time passes before this event is applied: windows that ended are decided (and their groups
    // freed) first, so they are never evicted by the event that ends them.
    const closeMode = p.closeMode;
    for (let i = 0; i < closeMode.length; i++) {
      const c = closeMode[i]!;
      if (c.fleet) c.runtime.advance(fleet.corr[c.index]!, fleet.now, this.firings);
      else c.runtime.advance(hs.corr[c.index]!, hs.now, this.firings);
    }
    if (ev.skipped || ev.msg === null) {
      this.skipped++;
    } else {
      const entries = d.entries;
      const index = d.index;
      try {
        if (index !== undefined) {
          index.mark(ev, this.ctx);
          const c = index.candidates;
          for (let k = 0; k < index.count; k++) out = this.run(entries[c[k]!]!, ev, out);
        } else {
          for (let i = 0; i < entries.length; i++) out = this.run(entries[i]!, ev, out);
        }
      } catch (err) {
        if (!(err instanceof EventDepthError)) throw err;
        // No alert from this event: its message (or, in the prefilter, an ancestor's recorded
        // values) could not be read or serialised whole.
        out = null;
        this.tooDeep(ev, err.via);
      }
    }
    if (this.firings.length > 0) out = this.drainFirings(out);
    return out ?? EMPTY;
  }

  /** One rule on one event: match, alert (unless suppressed or muted), feed its correlations. */
  private run(e: RuleEntry, ev: NightjarEvent, out: Alert[] | null): Alert[] | null {
    let hit: boolean;
    try {
      hit = e.rule.match(ev, this.ctx);
    } catch (err) {
      if (err instanceof EventDepthError) {
        // An ancestor's recorded value: only this rule cannot read it; the event's other rules run.
        if (err.via === undefined) throw err;
        this.lineageTooDeep(e, ev, err);
        return out;
      }
      this.ruleFailed(e, ev, err);
      return out;
    }
    if (!hit) return out;
    // Alerts carry the message and correlations keep it: a message nested too deep to serialise is
    // refused here, once per event (matches are rare, so the walk costs nothing per event).
    if (this.depthChecked !== ev) {
      if (nestsDeeperThan(ev.msg)) throw new EventDepthError();
      this.depthChecked = ev;
    }
    e.matches++;
    if (e.rule.generate) {
      const hs = this.hs;
      const a = this.suppress(
        hs,
        e.rule.suppressUs,
        e.rule.id,
        ev.entityId,
        ev.time,
        this.mutedFlag
          ? MUTED_ALERT
          : () =>
              detectionAlert(
                e.rule,
                ev,
                hs.lineage,
                this.tracker.overlapsOpenGapOn(hs.host, e.rule.eventTypes, ev.time, ev.time),
                this.basisOf(ev, hs.lineage),
              ),
      );
      if (a !== null) {
        if (this.mutedFlag) this.mutedAlerts++;
        else {
          e.alerts++;
          (out ??= []).push(a);
        }
      }
    }
    for (let j = 0; j < e.feeds.length; j++) this.feed(e.feeds[j]!, e.rule.id, ev, ev.time, undefined);
    return out;
  }

  private basisOf(ev: NightjarEvent, lineage: LineageCache | undefined): AlertBasis {
    // One push, one epoch: the lineage was updated before any rule ran, so the basis holds for all.
    if (this.basisEpoch !== this.ctx.epoch) {
      this.basis = alertBasis(ev, lineage);
      this.basisEpoch = this.ctx.epoch;
    }
    return this.basis;
  }

  /**
   * End of input: decides the correlations that can only be decided when their window ends
   * (upper-bound conditions such as lt/lte/eq), on every host, and returns their alerts. All
   * correlation state is cleared; pushing more events afterwards starts fresh windows.
   */
  flush(): Alert[] {
    let out: Alert[] | null = null;
    for (const hs of [...this.hosts.values()]) {
      this.switchHost(hs.host);
      for (const e of this.p.corrOrder) {
        if (e.fleet) continue;
        e.runtime.flush(hs.corr[e.index]!, this.firings);
        if (this.firings.length > 0) out = this.drainFirings(out);
      }
    }
    // Fleet windows last, once (after every host's, whose firings may feed them).
    for (const e of this.p.corrOrder) {
      if (!e.fleet) continue;
      e.runtime.flush(this.fleet.corr[e.index]!, this.firings);
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

  /** The fleet-scoped inputs queued since the last call (`fleetCorrelations: 'signal'`; none when muted). */
  drainSignals(): FleetSignal[] {
    const s = this.signals;
    if (s.length > 0) this.signals = [];
    return s;
  }

  /**
   * Feeds one FleetSignal (raised by another engine) into this engine's fleet windows and returns
   * the alerts it raises. The fleet's clock advances to the signal's time. A signal for a
   * correlation this engine does not run as fleet-scoped, or whose message does not decode, is
   * reported (NJ_SIGNAL_INVALID) and dropped.
   */
  pushSignal(signal: FleetSignal): Alert[] {
    const c = this.p.corrList.find((e) => e.fleet && e.runtime.correlation.id === signal.correlation);
    const ev =
      c === undefined
        ? undefined
        : eventFromMessage(signal.msg, {
            host: signal.host ?? undefined,
            source: signal.source,
            line: signal.line,
          });
    if (c === undefined || ev === undefined || ev instanceof DecodeError || typeof signal.time !== 'number') {
      this.addDiagnostic({
        code: 'NJ_SIGNAL_INVALID' satisfies CoreDiagnosticCode,
        severity: 'error',
        message:
          c === undefined
            ? `a fleet signal names ${JSON.stringify(signal.correlation)}, which this engine does not run as a fleet-scoped correlation: dropped`
            : `a fleet signal for ${signal.correlation} carries no usable message (${ev instanceof DecodeError ? ev.message : 'bad time'}): dropped`,
        source: signal.source,
      });
      return EMPTY;
    }
    const fleet = this.fleet;
    if (signal.time > fleet.now) fleet.now = signal.time;
    for (const e of this.p.closeMode) if (e.fleet) e.runtime.advance(fleet.corr[e.index]!, fleet.now, this.firings);
    this.feed(c, signal.input, ev, signal.time, signal.group);
    return this.firings.length > 0 ? (this.drainFirings(null) ?? EMPTY) : EMPTY;
  }

  metrics(): EngineMetrics {
    const p = this.p;
    const matches: Record<string, number> = {};
    const alerts: Record<string, number> = {};
    for (const e of p.ruleEntries) {
      matches[e.rule.id] = (matches[e.rule.id] ?? 0) + e.matches;
      if (e.rule.generate) alerts[e.rule.id] = (alerts[e.rule.id] ?? 0) + e.alerts;
    }
    const correlations: EngineMetrics['correlations'] = {};
    let late = 0;
    let evicted = 0;
    let expired = 0;
    let live = 0;
    for (const e of p.corrList) {
      const r = e.runtime;
      let groups = 0;
      for (const hs of this.hosts.values()) groups += r.groupCount(hs.corr[e.index]!);
      groups += r.groupCount(this.fleet.corr[e.index]!);
      correlations[r.correlation.id] = { ...r.counters, groups, mode: r.mode };
      if (r.correlation.generate) alerts[r.correlation.id] = (alerts[r.correlation.id] ?? 0) + e.alerts;
      late += r.counters.late;
      evicted += r.counters.evicted;
      expired += r.counters.expired;
      live += groups;
    }
    let lineage: LineageMetrics | null = null;
    if (this.lineageOptions !== false) {
      lineage = { size: 0, evictions: 0, exited: 0, expired: 0, lookups: 0, misses: 0 };
      for (const hs of this.hosts.values()) {
        const m = hs.lineage!.metrics();
        for (const k of Object.keys(lineage) as (keyof LineageMetrics)[]) lineage[k] += m[k];
      }
    }
    return {
      events: this.events,
      skipped: this.skipped,
      hosts: this.hostCount(),
      evictedHosts: this.evictedHosts,
      mutedAlerts: this.mutedAlerts,
      byType: Object.fromEntries(p.seenNames.map((n) => [n, p.byName.get(n)!.count])),
      matches,
      alerts,
      suppressed: this.suppressed,
      ruleErrors: this.ruleErrors,
      deepEvents: this.deepEvents,
      deepLineageReads: this.deepLineageReads,
      lateEvents: late,
      evictedGroups: evicted,
      expiredGroups: expired,
      liveGroups: live,
      correlations,
      gaps: this.tracker.metrics(),
      lineage,
      diagnostics: { kept: this.kept.length, dropped: this.dropped },
    };
  }

  // ---- snapshot, restore, reload ----

  /**
   * The engine's state as plain JSON: per host its lineage cache, correlation windows (evidence at
   * most `maxEventsPerAlert` per group, each message written once per host), suppression periods
   * and newest time, and the gap tracker's streams and gap records. It shares objects with the
   * engine: serialise it (JSON.stringify) before pushing more events. Counters, diagnostics and
   * restarts are not part of it. See the README ("Snapshot and restore").
   */
  snapshot(): EngineSnapshot {
    const hosts: HostSnapshot[] = [];
    for (const hs of this.hosts.values()) {
      const h = this.snapshotOf(hs);
      // A host that never saw an event (the default one, before any) holds nothing worth writing.
      if (h.now !== encNum(-Infinity) || h.suppression.length > 0 || (h.lineage !== null && h.lineage.nodes.length > 0))
        hosts.push(h);
    }
    const fleet = this.snapshotOf(this.fleet);
    return {
      format: 'nightjar-engine-snapshot',
      version: ENGINE_SNAPSHOT_VERSION,
      ruleset: this.p.fingerprint,
      options: this.optionsFingerprint,
      hosts,
      ...(Object.keys(fleet.correlations).length > 0 || fleet.suppression.length > 0 ? { fleet } : {}),
      gaps: this.tracker.snapshot(),
    };
  }

  private snapshotOf(hs: HostState): HostSnapshot {
    const w = new MessageWriter();
    const correlations: Record<string, CorrelationStateSnapshot> = {};
    for (const e of this.p.corrList) {
      const st = hs.corr[e.index]!;
      if (!st.empty) correlations[this.stateKey(e)] = st.snapshot(w);
    }
    const suppression: [string, number, number][] = [];
    for (const [k, v] of hs.suppression) suppression.push([k, v.first, v.until]);
    return {
      host: hs.host ?? null,
      now: encNum(hs.now),
      messages: w.messages,
      lineage: hs.lineage?.snapshot() ?? null,
      correlations,
      suppression,
    };
  }

  /**
   * Replaces the engine's state with a snapshot's. The snapshot must come from this format version,
   * the same ruleset (by definition) and the same state-shaping options; otherwise, or when it is
   * malformed, a SnapshotError (NJ_SNAPSHOT_VERSION, NJ_SNAPSHOT_RULESET, NJ_SNAPSHOT_OPTIONS,
   * NJ_SNAPSHOT_FORMAT) is thrown and the engine is left as it was. Pushing the events that followed
   * the snapshot then raises the alerts an uninterrupted engine would have raised.
   */
  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as Partial<EngineSnapshot> | null;
    if (typeof s !== 'object' || s === null || s.format !== 'nightjar-engine-snapshot')
      throw new SnapshotError(
        SNAPSHOT_ERROR_CODES.FORMAT,
        'not an engine snapshot (no format "nightjar-engine-snapshot")',
      );
    if (s.version !== ENGINE_SNAPSHOT_VERSION)
      throw new SnapshotError(
        SNAPSHOT_ERROR_CODES.VERSION,
        `engine snapshot version ${String(s.version)} cannot be restored by this engine (version ${ENGINE_SNAPSHOT_VERSION})`,
      );
    if (s.ruleset !== this.p.fingerprint)
      throw new SnapshotError(
        SNAPSHOT_ERROR_CODES.RULESET,
        `engine snapshot was taken with another ruleset (${String(s.ruleset)}, this engine runs ${this.p.fingerprint}): a rule or correlation was added, removed or changed`,
      );
    if (s.options !== this.optionsFingerprint)
      throw new SnapshotError(
        SNAPSHOT_ERROR_CODES.OPTIONS,
        `engine snapshot was taken with other engine options (${String(s.options)}; this engine: ${this.optionsFingerprint})`,
      );
    if (!Array.isArray(s.hosts) || s.gaps === undefined)
      throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, 'engine snapshot: no hosts or gaps');
    const byKey = new Map<string, CorrEntry>();
    for (const e of this.p.corrList) byKey.set(this.stateKey(e), e);
    // Everything is built aside first, so a malformed part leaves the engine as it was.
    const hosts = new Map<string | undefined, HostState>();
    for (const h of s.hosts) {
      const name = h.host ?? undefined;
      if (name !== undefined && typeof name !== 'string')
        throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, 'engine snapshot: a host name is not a string');
      hosts.set(name, this.restoreState(this.newHost(name), h, byKey, `host ${String(name)}`));
    }
    const fleet =
      s.fleet !== undefined && s.fleet !== null
        ? this.restoreState(this.newFleet(), s.fleet, byKey, 'the fleet')
        : this.newFleet();
    const tracker = new GapTracker(this.gapOptions);
    tracker.restore(s.gaps);
    this.pullTracker();
    this.tracker = tracker;
    if (!hosts.has(undefined)) hosts.set(undefined, this.newHost(undefined));
    this.hosts = hosts;
    this.fleet = fleet;
    this.firings.length = 0;
    this.hs = hosts.get(undefined)!;
    this.switchHost(undefined);
    // A snapshot of an engine with a higher maxHosts: its least recently seen hosts go, as they would
    // have gone here (the snapshot lists the hosts least recently seen first).
    while (this.hostCount() > this.maxHosts && this.evictHost(this.hs, undefined));
  }

  /** One host's (or the fleet's) state from its snapshot part; throws SnapshotError when malformed. */
  private restoreState(hs: HostState, h: HostSnapshot, byKey: Map<string, CorrEntry>, what: string): HostState {
    hs.now = decNum(h.now, `${what} now`);
    if (h.lineage !== null && h.lineage !== undefined && hs.lineage !== undefined) hs.lineage.restore(h.lineage);
    const reader = new MessageReader(Array.isArray(h.messages) ? h.messages : [], h.host ?? undefined);
    for (const [key, cs] of Object.entries(h.correlations ?? {})) {
      const e = byKey.get(key);
      if (e === undefined)
        throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: state of unknown correlation ${key}`);
      hs.corr[e.index] = CorrelationState.restore(cs, reader, `correlation ${key} on ${what}`);
    }
    for (const [k, first, until] of h.suppression ?? []) hs.suppression.set(k, { first, until, alert: { count: 1 } });
    return hs;
  }

  /**
   * Replaces the ruleset, keeping lineage and gap state, and the windows of every correlation whose
   * definition did not change (compared in canonical form, together with everything it references);
   * new and changed correlations start empty. Suppression periods of unchanged rules are kept. A
   * ruleset the engine will not run throws (CorrelationConfigError) and the running rules stay.
   */
  reload(ruleset: CompiledRuleSet): ReloadResult {
    const next = this.build(ruleset);
    const old = this.p;
    const byKey = new Map<string, CorrEntry>();
    for (const e of old.corrList) byKey.set(e.key, e);
    const kept: string[] = [];
    const reset: string[] = [];
    const from: (CorrEntry | undefined)[] = next.corrList.map((e) => {
      const o = byKey.get(e.key);
      if (o !== undefined) byKey.delete(e.key);
      (o !== undefined ? kept : reset).push(e.runtime.correlation.id);
      if (o !== undefined) {
        // The definition is the same: its counters go on too.
        Object.assign(e.runtime.counters, o.runtime.counters);
        e.alerts = o.alerts;
      }
      return o;
    });
    const nextIds = new Set(next.corrList.map((e) => e.runtime.correlation.id));
    const removed = old.corrList.map((e) => e.runtime.correlation.id).filter((id) => !nextIds.has(id));
    for (const hs of [...this.hosts.values(), this.fleet]) {
      hs.corr = next.corrList.map((_, i) => {
        const o = from[i];
        return o !== undefined ? hs.corr[o.index]! : new CorrelationState();
      });
      for (const k of [...hs.suppression.keys()]) {
        const id = k.slice(0, k.indexOf('\u0000'));
        const rk = next.ruleKeys.get(id) ?? next.ruleKeys.get(`corr:${id}`);
        if (rk === undefined || (rk !== old.ruleKeys.get(id) && rk !== old.ruleKeys.get(`corr:${id}`)))
          hs.suppression.delete(k);
      }
    }
    // Rule counters follow the rule id; event-name counts go on.
    const prev = new Map<string, RuleEntry>();
    for (const e of old.ruleEntries) if (!prev.has(e.rule.id)) prev.set(e.rule.id, e);
    for (const e of next.ruleEntries) {
      const o = prev.get(e.rule.id);
      if (o === undefined) continue;
      prev.delete(e.rule.id);
      e.matches = o.matches;
      e.alerts = o.alerts;
      e.errors = o.errors;
    }
    for (const n of old.seenNames) {
      const od = old.byName.get(n)!;
      const d = this.dispatchOf(next, n, -1);
      d.count = od.count;
      next.seenNames.push(n);
    }
    this.p = next;
    return { kept, reset, removed };
  }

  // ---- internals ----

  /** A correlation's name in a snapshot: its id (with its position when ids repeat). */
  private stateKey(e: CorrEntry): string {
    const id = e.runtime.correlation.id;
    const first = this.p.corrList.find((x) => x.runtime.correlation.id === id);
    return first === e ? id : `${id}#${e.index}`;
  }

  private newFleet(): HostState {
    return new HostState(
      undefined,
      undefined,
      this.p.corrList.map(() => new CorrelationState()),
    );
  }

  private newHost(host: string | undefined): HostState {
    const lineage = this.lineageOptions === false ? undefined : new LineageCache(this.lineageOptions ?? {});
    return new HostState(
      host,
      lineage,
      this.p.corrList.map(() => new CorrelationState()),
    );
  }

  /**
   * The host's state, created when new; beyond maxHosts the least recently seen other than the new
   * one and `keep` goes (the current host while it stays current; none when it is being switched from).
   */
  private hostState(host: string | undefined, keep: HostState | undefined): HostState {
    let hs = this.hosts.get(host);
    if (hs === undefined) {
      hs = this.newHost(host);
      this.hosts.set(host, hs);
      if (this.hostCount() > this.maxHosts) this.evictHost(hs, keep);
    }
    return hs;
  }

  /** Makes `host` the current host (LRU order updated, lineage resolver switched). */
  private switchHost(host: string | undefined): HostState {
    let hs = this.hosts.get(host);
    if (hs !== undefined) {
      this.hosts.delete(host);
      this.hosts.set(host, hs);
    } else hs = this.hostState(host, undefined);
    this.hs = hs;
    this.ctx.lineage = hs.lineage ?? NO_LINEAGE;
    return hs;
  }

  /** Hosts with state; the default host counts only once it has seen an event or holds state. */
  private hostCount(): number {
    const d = this.hosts.get(undefined);
    return this.hosts.size - (d !== undefined && isEmptyHost(d) ? 1 : 0);
  }

  /**
   * Drops the least recently seen host's state other than `keep` and `alsoKeep`; false when there is
   * none. The default host, which is always there, is not taken while it holds nothing (it does not
   * count, see hostCount()).
   */
  private evictHost(keep: HostState, alsoKeep: HostState | undefined): boolean {
    for (const [name, hs] of this.hosts) {
      if (hs === keep || hs === alsoKeep || (name === undefined && isEmptyHost(hs))) continue;
      this.hosts.delete(name);
      this.evictedHosts++;
      const n = this.evictedHosts;
      if (n <= 10 || n % 1000 === 0) {
        this.addDiagnostic({
          code: 'NJ_HOST_EVICTED' satisfies CoreDiagnosticCode,
          severity: 'warning',
          message: `more than ${this.maxHosts} hosts: dropped the state of the least recently seen (${String(name)}; ${n} so far); raise EngineOptions.maxHosts`,
          ...(name !== undefined ? { host: name } : {}),
          data: { evicted: n, maxHosts: this.maxHosts },
        });
      }
      return true;
    }
    return false;
  }

  /** The dispatch entry of an event name (created for names no rule lists: the any-type rules). */
  private dispatchOf(p: Program, name: string, type: number): Dispatch {
    let d = p.byName.get(name);
    if (d === undefined) {
      d = { name, entries: p.anyType, index: p.anyIndex, count: 0 };
      p.byName.set(name, d);
    }
    if (type >= 0 && type < 1024) p.byType[type] = d;
    return d;
  }

  /** Everything the engine builds from a ruleset; throws CorrelationConfigError for one it will not run. */
  private build(ruleset: CompiledRuleSet): Program {
    const keys = correlationKeys(ruleset);
    const corrs = new Map<CompiledCorrelation, CorrEntry>();
    const corrOrder: CorrEntry[] = [];
    const closeMode: CorrEntry[] = [];
    this.buildCorrelations(ruleset, keys, corrs, corrOrder, closeMode);
    const corrList = [...corrs.values()].sort((a, b) => a.index - b.index);
    const feedsById = new Map<string, CorrEntry[]>();
    for (const e of corrList) {
      for (const id of new Set(e.runtime.correlation.rules)) {
        let l = feedsById.get(id);
        if (l === undefined) feedsById.set(id, (l = []));
        l.push(e);
      }
    }
    const ruleEntries: RuleEntry[] = ruleset.rules.map((rule) => ({
      rule,
      feeds: feedsById.get(rule.id) ?? [],
      matches: 0,
      alerts: 0,
      errors: 0,
    }));
    // The plan (rules per name, literal tables) is the ruleset's, shared; the entries and the
    // indexes' marks are this engine's.
    const plan = dispatchPlan(ruleset);
    const entriesOf = (l: DispatchList): RuleEntry[] => l.positions.map((i) => ruleEntries[i]!);
    const indexOf = (l: DispatchList): PrefilterIndex | undefined =>
      l.table !== undefined ? new PrefilterIndex(l.table) : undefined;
    const byName = new Map<string, Dispatch>();
    for (const [name, l] of plan.byName) byName.set(name, { name, entries: entriesOf(l), index: indexOf(l), count: 0 });
    const anyType = entriesOf(plan.anyType);
    return {
      ruleset,
      fingerprint: rulesetFingerprint(ruleset),
      ruleKeys: ruleKeys(ruleset),
      byName,
      byType: [],
      seenNames: [],
      anyType,
      anyIndex: indexOf(plan.anyType),
      ruleEntries,
      corrs,
      corrList,
      corrOrder,
      closeMode,
    };
  }

  private buildCorrelations(
    ruleset: CompiledRuleSet,
    keys: Map<CompiledCorrelation, string>,
    corrs: Map<CompiledCorrelation, CorrEntry>,
    corrOrder: CorrEntry[],
    closeMode: CorrEntry[],
  ): void {
    const maxTimespanUs = this.maxTimespanUs;
    const ruleIds = new Map<string, CompiledRule[]>();
    for (const r of ruleset.rules) {
      const l = ruleIds.get(r.id);
      if (l === undefined) ruleIds.set(r.id, [r]);
      else l.push(r);
    }
    const corrById = new Map<string, CompiledCorrelation>();
    for (const c of ruleset.correlations) corrById.set(c.id, c);
    const position = new Map<CompiledCorrelation, number>();
    ruleset.correlations.forEach((c, i) => position.set(c, i));
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
      const entry: CorrEntry = {
        runtime,
        index: position.get(c)!,
        key: keys.get(c)!,
        feeds: [],
        eventTypes: typesOf.get(c.id)!,
        fleet: c.scope === 'fleet',
        alerts: 0,
      };
      corrs.set(c, entry);
      corrOrder.push(entry);
      if (runtime.mode === 'close') closeMode.push(entry);
    };
    for (const c of ruleset.correlations) visit(c, []);
    for (const e of corrs.values()) {
      for (const ref of new Set(e.runtime.correlation.rules)) {
        const inner = corrById.get(ref);
        if (inner !== undefined && !ruleIds.has(ref)) corrs.get(inner)!.feeds.push(e);
      }
    }
  }

  /** Emits the alerts of pending firings and feeds them to the correlations that reference them. */
  private drainFirings(out: Alert[] | null): Alert[] | null {
    const firings = this.firings;
    const hs = this.hs;
    for (let i = 0; i < firings.length; i++) {
      const f = firings[i]!;
      const e = this.p.corrs.get(f.correlation)!;
      if (f.correlation.generate) {
        const a = this.suppress(
          e.fleet ? this.fleet : hs,
          f.correlation.suppressUs,
          f.correlation.id,
          groupEntity(f.group),
          f.time,
          this.mutedFlag
            ? MUTED_ALERT
            : () =>
                buildCorrelationAlert(
                  f,
                  hs.lineage,
                  this.tracker.overlapsOpenGapOn(hs.host, e.eventTypes, f.window.start, f.window.end),
                  e.fleet,
                ),
        );
        if (a !== null) {
          if (this.mutedFlag) this.mutedAlerts++;
          else {
            e.alerts++;
            (out ??= []).push(a);
          }
        }
      }
      // Chained correlations: this firing is one input event to each correlation referencing it.
      for (const dep of e.feeds) this.feed(dep, f.correlation.id, f.trigger, f.time, f.group);
    }
    firings.length = 0;
    return out;
  }

  /**
   * Suppression (RuleMeta.suppressUs), per host: the first alert of a (rule, entity) is emitted with
   * count 1; matches within suppressUs of it (either side, inclusive) emit nothing and add 1 to that
   * alert's `count`. The next match after the period emits a new alert and starts a new period.
   */
  private suppress(
    state: HostState,
    period: number | undefined,
    ruleId: string,
    entity: string,
    time: number,
    build: () => Alert,
  ): Alert | null {
    if (period === undefined || !(period > 0)) return build();
    const periods = state.suppression;
    const key = ruleId + '\u0000' + entity;
    const s = periods.get(key);
    if (s !== undefined && Math.abs(time - s.first) <= period) {
      s.alert.count++;
      this.suppressed++;
      return null;
    }
    const alert = build();
    if (s !== undefined) periods.delete(key);
    periods.set(key, { first: time, until: time + period, alert });
    // Periods that ended are forgotten (a few per call, oldest first: the map is in insertion order),
    // and the map is bounded like correlation groups, so kept alerts do not pile up.
    let budget = 4;
    for (const [k, v] of periods) {
      if (budget-- === 0 || (time <= v.until && periods.size <= this.limits.maxGroups)) break;
      periods.delete(k);
    }
    return alert;
  }

  private feed(
    c: CorrEntry,
    id: string,
    ev: NightjarEvent,
    time: number,
    inner: Record<string, unknown> | undefined,
  ): void {
    try {
      if (c.fleet && this.signalFleet) {
        if (!this.mutedFlag && ev.msg !== null)
          this.signals.push({
            correlation: c.runtime.correlation.id,
            input: id,
            host: ev.host ?? null,
            time,
            msg: ev.msg,
            ...(inner !== undefined ? { group: inner } : {}),
            source: ev.source,
            line: ev.line,
          });
        return;
      }
      c.runtime.input((c.fleet ? this.fleet : this.hs).corr[c.index]!, id, ev, time, this.ctx, inner, this.firings);
    } catch (err) {
      // A group-by or value getter that throws loses this input only; the engine goes on.
      this.ruleErrors++;
      const corr = c.runtime.correlation;
      this.addDiagnostic({
        code: 'NJ_RULE_ERROR' satisfies CoreDiagnosticCode,
        severity: 'error',
        message: `correlation ${corr.id} (${corr.title}) threw reading a ${ev.name} event: ${err instanceof Error ? err.message : String(err)}; input not counted`,
        time: ev.time,
        source: ev.source,
        line: ev.line,
        data: { rule: corr.id },
      });
    }
  }

  private tooDeep(ev: NightjarEvent, via: string | undefined): void {
    this.deepEvents++;
    const what =
      via === undefined
        ? `${ev.name} event nests deeper than ${MAX_EVENT_DEPTH} levels`
        : `${ev.name} event's ${via} (an ancestor's value, recorded from an earlier event) nests deeper than ${MAX_EVENT_DEPTH} levels`;
    // Source first, like the other diagnostics; the line and byte offset are fields (readers print them).
    this.addDiagnostic({
      code: 'NJ_EVENT_DEPTH' satisfies CoreDiagnosticCode,
      severity: 'error',
      message: `${ev.source}: ${what}: not evaluated (no alert from it)`,
      time: ev.time,
      source: ev.source,
      ...(ev.line > 0 ? { line: ev.line, offset: ev.offset } : {}),
      data: { maxDepth: MAX_EVENT_DEPTH },
    });
  }

  private lineageTooDeep(e: RuleEntry, ev: NightjarEvent, err: EventDepthError): void {
    this.deepLineageReads++;
    e.errors++;
    if (e.errors <= 10 || e.errors % 1000 === 0) {
      this.addDiagnostic({
        code: 'NJ_EVENT_DEPTH' satisfies CoreDiagnosticCode,
        severity: 'error',
        message: `${ev.source}: rule ${e.rule.id} (${e.rule.title}) read ${err.via} on a ${ev.name} event, an ancestor's value (recorded from an earlier event) nested deeper than ${MAX_EVENT_DEPTH} levels: no match for this rule (the event's other rules ran)`,
        time: ev.time,
        source: ev.source,
        ...(ev.line > 0 ? { line: ev.line, offset: ev.offset } : {}),
        data: { maxDepth: MAX_EVENT_DEPTH, rule: e.rule.id, via: err.via },
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
    if (this.mutedFlag) return;
    if (this.kept.length < this.maxDiagnostics) this.kept.push(d);
    else this.dropped++;
    if (this.pending.length >= this.maxDiagnostics) this.pending.shift();
    this.pending.push(d);
  }
}

/** A host state that never saw an event and holds no process (what the default host is before any). */
function isEmptyHost(hs: HostState): boolean {
  return hs.now === -Infinity && (hs.lineage === undefined || hs.lineage.metrics().size === 0);
}

function groupEntity(group: Record<string, unknown>): string {
  try {
    return JSON.stringify(group);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort when a group value JSON cannot encode (BigInt, cycles); a coarse entity beats a throw
    return String(group);
  }
}
