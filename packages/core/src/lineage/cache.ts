/**
 * Over 400 lines on purpose: the cache is updated by every fork/exec/exit (hot path) and its node
 * list, LRU order and counters are private to one class; the process summary it hands alerts is
 * alert/process.ts.
 */
import type { NightjarEvent } from '../model/event.js';
import type { AuditToken, EsProcess } from '../model/message.js';
import type { LineageResolver } from '../fields/context.js';
import type { AlertProcess } from '../alert/types.js';
import { summarizeProcess } from '../alert/process.js';
import {
  entityIdOf,
  hasCanonicalActor,
  eventPayload,
  tokenEntityId,
  tokenPid,
  tokenPidversion,
} from '../model/decode.js';
import { processOfEvent } from '../fields/compile.js';
import { parseTimeUs } from '../model/time.js';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from '../model/depth.js';
import { SNAPSHOT_ERROR_CODES, SnapshotError, decNum, encNum } from '../snapshot/format.js';
import type { LineageNodeSnapshot, LineageSnapshot } from '../snapshot/format.js';
import { CompactProcess, HI } from './compact.js';

export interface LineageOptions {
  /** Most processes kept (least recently used evicted first, and counted). Default 65,536. */
  maxProcesses?: number;
  /** How long an exited (or exec-replaced) process stays resolvable for late events, in µs. Default 60 s. */
  exitGraceUs?: number;
}

export interface LineageMetrics {
  /** Processes in the cache now (exited ones in their grace period included). */
  size: number;
  /** Processes dropped because the cache was full. */
  evictions: number;
  /** Exits and exec replacements seen. */
  exited: number;
  /** Exited processes dropped after their grace period. */
  expired: number;
  /** Lookups of a process by identity, and how many found nothing. */
  lookups: number;
  misses: number;
}

/** Where `parent()` got its answer for an event (Alert.parent_source). */
export type ParentSource = 'lineage' | 'exec_fallback' | 'unknown';

/**
 * One cached process. A class with every field set in the constructor, so all nodes share one
 * hidden class; the LRU list and the per-pid index are threaded through the nodes themselves
 * (no per-entry arrays or list cells), which is most of what keeps an entry small. The process
 * itself is kept compact by the base class (compact.ts): its id, pid, pidversion, parent-token ids
 * (`ptPid`/`ptPv`: what `parentId` was last checked against, observe()'s fast path), start time,
 * and `proc`, the newest view of its eslogger object. The two times the per-event path updates are
 * each kept as two small integers: a number that is not a small integer lives in a box of its own,
 * one more cache miss per event.
 */
class Node extends CompactProcess {
  /** Cached processes pinning this one; an exited process stays while this is > 0. -1 once removed. */
  kids = 0;
  /**
   * Event times at which the process was last and first seen alive (actor, fork child, exec target),
   * as hi/lo. After `kids` and before the rest: observe() reads these with the compact fields above.
   */
  lastHi: number;
  lastLo: number;
  /**
   * 1 when the process was used (an event of its own, a lookup) since it was last put at the most
   * recently used end: eviction then puts it back there rather than taking it (see evictOne()).
   */
  used = 0;
  firstHi: number;
  firstLo: number;
  /** Direct parent's entity_id when known (parent audit token, else fork/exec link or resolved ppid). */
  parentId: string | undefined;
  /**
   * The cached parent this node keeps in the cache (counted in its `kids`): the first parent linked,
   * kept across reparenting to launchd so a live child keeps its real lineage.
   */
  pinned: Node | undefined = undefined;
  /** LRU list: towards the most recently used (newer) and the least (older). */
  newer: Node | undefined = undefined;
  older: Node | undefined = undefined;
  /** Next older process (lower pidversion) with the same pid, for the ppid fallback. */
  samePid: Node | undefined = undefined;
  /** Event time of exit or exec replacement (µs); undefined while alive. */
  exitedAt: number | undefined = undefined;
  /** Exec args (the event's own array when it holds only strings and is within the bounds). */
  args: string[] | undefined = undefined;
  /** sweep()'s mark: the sweep's base plus how many generations above this node a lookup can reach. */
  reach = 0;

  constructor(id: string, pid: number, pidversion: number, proc: EsProcess, parentId: string | undefined, at: number) {
    super(id, pid, pidversion, proc);
    const hi = Math.floor(at / HI);
    this.firstHi = this.lastHi = hi;
    // In [0, 2^30): `| 0` keeps it a small integer (see seen()).
    this.firstLo = this.lastLo = (at - hi * HI) | 0;
    this.parentId = parentId;
  }

  get firstSeenUs(): number {
    return this.firstHi * HI + this.firstLo;
  }

  get lastSeenUs(): number {
    return this.lastHi * HI + this.lastLo;
  }

  /** Widens [firstSeen, lastSeen] to include `at` (µs). */
  seen(at: number): void {
    const hi = Math.floor(at / HI);
    // In [0, 2^30) for any finite time; `| 0` makes it a small integer, where an integral double
    // from optimized code would give the field a box per node.
    const lo = (at - hi * HI) | 0;
    if (hi > this.lastHi || (hi === this.lastHi && lo > this.lastLo)) {
      // first ≤ last: a time after the last is not before the first (its fields stay unread).
      this.lastHi = hi;
      this.lastLo = lo;
    } else if (hi < this.firstHi || (hi === this.firstHi && lo < this.firstLo)) {
      this.firstHi = hi;
      this.firstLo = lo;
    }
  }
}

// Spawners that TrueTree looks through: the real origin of their children is the responsible process.
const SPAWNER_PATHS = new Set(['/usr/libexec/xpcproxy', '/usr/libexec/runningboardd', '/sbin/launchd']);
const SPAWNER_SIGNING_IDS = new Set(['com.apple.xpc.proxy', 'com.apple.runningboardd', 'com.apple.xpc.launchd']);

const MAX_DEPTH = 64;
/** Processes remembered per pid for the ppid fallback (older ones are still in the cache by entity_id). */
const PID_HISTORY = 4;
/** When the cache is full, how many of the least recently used entries are looked at for a leaf to evict. */
const EVICT_SCAN = 16;
/**
 * At most this many marked entries are put back per eviction: with every entry of a 65,536-entry
 * cache marked, putting them all back took 2.5 ms in one event (entries allocated in order, so
 * warm); with this bound, 0.1 ms.
 */
const EVICT_SECOND_CHANCES = 64;
/**
 * Retirements between two sweeps of the chains no lookup can reach (see sweep()): at least this
 * many, and a quarter of the cache's size, so a sweep's cost per retirement stays flat as the
 * cache grows.
 */
const SWEEP_EVERY = 4096;
/** Marks per sweep in Node.reach: a budget is at most MAX_DEPTH. */
const SWEEP_SPAN = 128;
/** Exec args kept per process: at most this many, and this many characters in all (the rest dropped). */
const MAX_ARGS = 64;
const MAX_ARGS_CHARS = 4096;
/**
 * Slots of the actor table: the node of an event's actor found from the event's pid, by pid alone:
 * the images of one pid (before and after exec) share a slot, and only one of them is active. The
 * table starts small (a cache per host) and grows to give the pids seen slots of their own (see
 * growActors).
 */
const ACTOR_SLOTS_START = 1_024;
const ACTOR_SLOTS_STEP = 1_024;
const ACTOR_SLOTS_MAX = 262_144;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asProcess(v: unknown): EsProcess | undefined {
  return isObj(v) && 'audit_token' in v ? (v as EsProcess) : undefined;
}

function idOf(p: EsProcess): string | undefined {
  return typeof p.entity_id === 'string' ? p.entity_id : tokenEntityId(p.audit_token);
}

function tokenId(t: AuditToken | null | undefined): string | undefined {
  return t == null ? undefined : tokenEntityId(t);
}

function isSpawner(p: EsProcess | undefined, pid: number | undefined): boolean {
  if (pid === 1) return true;
  if (p === undefined) return false;
  const path = isObj(p.executable) ? p.executable.path : undefined;
  return (
    (typeof path === 'string' && SPAWNER_PATHS.has(path)) ||
    (typeof p.signing_id === 'string' && SPAWNER_SIGNING_IDS.has(p.signing_id))
  );
}

/** The pid part of an entity_id, without allocating. */
function entityPid(id: string): number {
  let n = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 58) return n; // ':'
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * True when `id` is exactly `${pid}:${pidversion}` (safe non-negative integers, so the decimal form
 * is canonical: no sign, no leading zero), without allocating.
 */
function isEntity(id: string, pid: number, pidversion: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 0 || !Number.isSafeInteger(pidversion) || pidversion < 0) return false;
  const colon = id.indexOf(':');
  return colon > 0 && decimalIs(id, 0, colon, pid) && decimalIs(id, colon + 1, id.length, pidversion);
}

function decimalIs(s: string, from: number, to: number, v: number): boolean {
  if (to <= from || (to - from > 1 && s.charCodeAt(from) === 48)) return false;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    n = n * 10 + c;
  }
  return n === v;
}

function startUs(p: EsProcess): number | undefined {
  return typeof p.start_time === 'string' ? parseTimeUs(p.start_time) : undefined;
}

/**
 * The process-lineage cache. Keyed by entity_id
 * (`"<pid>:<pidversion>"`), so a reused pid is a different key and never joins two processes.
 *
 * Learns from every event's `process`, from fork (`child`), exec (`target`: the new image of the same
 * pid; the pre-exec image is retired like an exit) and exit. Exited processes stay `exitGraceUs` of
 * event time for late events, then go, unless a cached descendant still pins them: a process pins
 * its parent (counted in the parent's `kids`) until it is itself removed, so a long-lived child keeps
 * its whole chain. Bounded by `maxProcesses` (LRU with second chances: a use marks an entry, and
 * eviction puts marked entries back at the newest end; when full, a leaf among the least recently
 * used goes first, exited leaves before live ones).
 *
 * Parent of a process: its `parent_audit_token` (message v4+), else its `ppid` resolved to the most
 * recent live process with that pid whose start time is not after the child's (the pid-reuse guard).
 * Lookups answer "unknown" (undefined / complete: false) rather than guessing.
 */
export class LineageCache implements LineageResolver {
  private readonly map = new Map<string, Node>();
  private readonly max: number;
  /** LRU list ends: most and least recently used. */
  private head: Node | undefined;
  private tail: Node | undefined;
  /**
   * pid → the newest cached process with that pid; older ones follow through `samePid` (by
   * pidversion, at most PID_HISTORY), live or exited (ppid resolution must be able to pick an older
   * one when the pid was reused).
   */
  private readonly byPid = new Map<number, Node>();
  private readonly exitQueue: { id: string; at: number }[] = [];
  private exitHead = 0;
  private readonly graceUs: number;
  /** Latest event time seen (µs): an exited process whose grace ended before it may go once unpinned. */
  private clock = -Infinity;
  private readonly counters = { evictions: 0, exited: 0, expired: 0, lookups: 0, misses: 0 };
  // ancestors() memo for the event being matched: many rules may ask for the same event.
  private memoEv: NightjarEvent | undefined;
  private memoAncestors: readonly EsProcess[] = [];
  private lastParentSource: ParentSource = 'unknown';
  /** The node last learned per pid slot: an event's actor found without a Map lookup. */
  private actors: (Node | undefined)[] = new Array<Node | undefined>(ACTOR_SLOTS_START).fill(undefined);
  /** Slot of a pid in the actor table: the pid itself while the table covers it. */
  private slotOf(pid: number): number {
    // Any number lands in range (a hostile pid may be negative, fractional or huge).
    const s = pid >>> 0;
    const n = this.actors.length;
    return s < n ? s : s % n;
  }
  /** Nodes put at the most recently used end so far (kept in snapshots). */
  private moves = 0;
  /** Retirements between two sweeps, and the base of the last sweep's marks (see sweep()). */
  private readonly sweepEvery: number;
  private sweepBase = 0;

  constructor(opts: LineageOptions = {}) {
    const max = opts.maxProcesses ?? 65_536;
    this.graceUs = opts.exitGraceUs ?? 60_000_000;
    this.max = Math.max(1, Math.floor(max));
    this.sweepEvery = Math.max(SWEEP_EVERY, this.max >> 2);
  }

  /** Updates the cache from one event (call for every event, skipped ones too). */
  observe(ev: NightjarEvent): void {
    this.memoEv = undefined;
    this.expire(ev.time);
    const msg = ev.msg;
    if (msg === null) return;
    const at = ev.time;
    // Most events: the actor is cached under the event's pid and its parent token is the one already
    // checked (or absent): keep the newest view and move on, with no Map lookup. A decoded event
    // carries the actor, its id and its parent token's numbers, so none of the message is touched;
    // an event built otherwise (tests, other callers) is read from its process object.
    let actorNode: Node | undefined;
    const known = ev.actor;
    const n = this.actors[this.slotOf(ev.pid)];
    if (known !== undefined) {
      // A decoder's event and a node in the actor table both carry canonical ids (see EventRecord and
      // learn): the numbers decide, without reading the node's id string (a cache miss in a big world).
      actorNode =
        n !== undefined &&
        n.kids >= 0 &&
        (hasCanonicalActor(ev) ? n.pid === ev.pid && n.pidversion === ev.pidversion : n.id === ev.entityId) &&
        ev.parentPid === n.ptPid &&
        ev.parentPidversion === n.ptPv
          ? this.keep(n, known, at)
          : this.learn(known, at);
    } else if (isObj(msg.process) && 'audit_token' in msg.process) {
      const actor = msg.process;
      const pt = actor.parent_audit_token;
      actorNode =
        n !== undefined &&
        n.kids >= 0 &&
        actor.entity_id === n.id &&
        (pt == null || (tokenPid(pt) === n.ptPid && tokenPidversion(pt) === n.ptPv))
          ? this.keep(n, actor, at)
          : this.learn(actor, at);
    }
    const name = ev.name;
    if (name !== 'fork' && name !== 'exec' && name !== 'exit') return;
    const payload = eventPayload(ev, name);
    if (!isObj(payload)) return;
    switch (name) {
      case 'fork': {
        const child = asProcess(payload.child);
        // The forking process is the child's parent; without a parent token it beats the ppid lookup.
        if (child === undefined) break;
        const node = this.learn(child, at, child.parent_audit_token == null ? actorNode?.id : undefined);
        // fork copies argv: a subshell's command line is its parent's until it execs (as ps shows it).
        if (node !== undefined && node.args === undefined && actorNode !== undefined) node.args = actorNode.args;
        break;
      }
      case 'exec': {
        const target = asProcess(payload.target);
        if (target === undefined) break;
        // The new image has the pre-exec image's parent: without a parent token this beats the ppid
        // lookup, whose pid may have been reused since the fork.
        const inherited = actorNode !== undefined && target.parent_audit_token == null ? actorNode.parentId : undefined;
        const node = this.learn(target, at, inherited);
        if (node === undefined) break;
        if (Array.isArray(payload.args)) node.args = stringArgs(payload.args);
        if (actorNode !== undefined && actorNode !== node) this.retire(actorNode, ev.time);
        break;
      }
      case 'exit':
        if (actorNode !== undefined) this.retire(actorNode, ev.time);
        break;
    }
  }

  /** The actor's fast path: its newest view, seen at `at`, recency refreshed. */
  private keep(n: Node, p: EsProcess, at: number): Node {
    n.proc = p;
    n.seen(at);
    return this.use(n);
  }

  /** Seeds the cache with processes already running when a live source starts (any order). */
  backfill(processes: Iterable<EsProcess>): void {
    this.memoEv = undefined;
    const nodes: Node[] = [];
    for (const p of processes) {
      // Objects from a live source are not decoder-stamped: derive entity_id from the token here.
      if (isObj(p)) {
        const id = tokenEntityId(p.audit_token);
        if (id !== undefined) p.entity_id = id;
      }
      // Running now: alive from their start until now, which covers any child's start.
      const n = this.learn(p, Number.MAX_SAFE_INTEGER);
      if (n === undefined) continue;
      // Live sources' backfill carries argv (not an es_process_t field): the command line of a parent
      // that started before the source did.
      const args = (p as { args?: unknown }).args;
      if (Array.isArray(args)) n.args = stringArgs(args);
      nodes.push(n);
    }
    // Second pass: links (and pins) to processes that came later in the list.
    for (const n of nodes) {
      if (n.kids < 0) continue; // evicted by a later one (backfill larger than the cache)
      if (n.parentId === undefined) n.parentId = this.resolvePpid(n.proc, n);
      this.pin(n);
    }
    this.fillActorSlots();
  }

  /** The cached process with this entity_id (refreshes its recency), else undefined. */
  get(entityId: string): EsProcess | undefined {
    return this.node(entityId)?.proc;
  }

  parent(ev: NightjarEvent): EsProcess | undefined {
    return this.parentWithSource(ev);
  }

  /** Which source `parent(ev)` uses: the cache, the exec'ing image (exec whose parent is unknown), or nothing. */
  parentSource(ev: NightjarEvent): ParentSource {
    this.parentWithSource(ev);
    return this.lastParentSource;
  }

  realParent(ev: NightjarEvent): EsProcess | undefined {
    const subject = processOfEvent(ev);
    if (subject === undefined) return undefined;
    const parentToken = subject.parent_audit_token;
    const parentPid =
      parentToken != null ? tokenPid(parentToken) : typeof subject.ppid === 'number' ? subject.ppid : undefined;
    const parent = this.parentOf(subject);
    if (!isSpawner(parent, parentPid)) return parent;
    const selfId = idOf(subject);
    const respId = tokenId(subject.responsible_audit_token);
    if (respId !== undefined && respId !== selfId) {
      const resp = this.node(respId);
      if (resp !== undefined) return resp.proc;
    }
    // Reparented to launchd after its parent died: original_ppid still names the parent.
    const orig = subject.original_ppid;
    if (typeof orig === 'number' && orig > 1 && orig !== subject.ppid) {
      const self = selfId !== undefined ? this.map.get(selfId) : undefined;
      // The parent this process pinned when it was linked is that parent, kept while this one lives.
      const pinned = self?.pinned;
      if (pinned !== undefined && pinned.kids >= 0 && pinned.pid === orig) return this.use(pinned).proc;
      const o = this.byPidBefore(orig, subject, self);
      if (o !== undefined) return o.proc;
    }
    return parent;
  }

  responsible(ev: NightjarEvent): EsProcess | undefined {
    const subject = processOfEvent(ev);
    if (subject === undefined) return undefined;
    const respId = tokenId(subject.responsible_audit_token);
    if (respId === undefined) return undefined;
    if (respId === idOf(subject)) return subject;
    return this.node(respId)?.proc;
  }

  ancestors(ev: NightjarEvent): readonly EsProcess[] {
    if (this.memoEv === ev) return this.memoAncestors;
    const out: EsProcess[] = [];
    const subject = processOfEvent(ev);
    if (subject !== undefined) {
      const seen = new Set<string>();
      const sid = idOf(subject);
      if (sid !== undefined) seen.add(sid);
      let p = this.parentWithSource(ev);
      while (p !== undefined && out.length < MAX_DEPTH) {
        const id = idOf(p);
        if (id === undefined || seen.has(id)) break; // a cycle in bad input must not loop
        seen.add(id);
        out.push(p);
        if (tokenPid(p.audit_token) === 1) break; // launchd is the root
        p = this.parentOf(p);
      }
    }
    this.memoEv = ev;
    this.memoAncestors = out;
    return out;
  }

  /**
   * The event's lineage for an alert: the subject's ancestors, nearest first, and whether the chain
   * reaches launchd (pid 1) or a process without a parent. `complete: false` means it stops at a
   * process the cache does not know.
   */
  chain(ev: NightjarEvent): { processes: AlertProcess[]; complete: boolean } {
    const list = this.ancestors(ev);
    const processes = list.map((p) => this.summary(p));
    const subject = processOfEvent(ev);
    let complete = false;
    if (subject !== undefined) {
      const last = list.length > 0 ? list[list.length - 1]! : subject;
      const pid = tokenPid(last.audit_token);
      complete = pid === 1 || pid === 0 || (last.ppid === 0 && last.parent_audit_token == null);
    }
    return { processes, complete };
  }

  /** The exec args kept for a process this cache returned (SigmaHQ's ParentCommandLine); undefined when its exec was not seen. */
  args(p: EsProcess): readonly string[] | undefined {
    const id = idOf(p);
    return id === undefined ? undefined : this.map.get(id)?.args;
  }

  /** An alert summary of a process (AlertProcess), with its args when its exec was seen. */
  summary(p: EsProcess): AlertProcess {
    const id = idOf(p);
    return summarizeProcess(p, id === undefined ? undefined : this.map.get(id)?.args);
  }

  metrics(): LineageMetrics {
    return { size: this.map.size, ...this.counters };
  }

  /**
   * The cache's state as JSON (Engine.snapshot): every node in LRU order with its links, pins, exit
   * and recency marks, so a cache restored from it evicts, expires and resolves as this one would.
   */
  snapshot(): LineageSnapshot {
    const nodes: LineageNodeSnapshot[] = [];
    for (let n = this.tail; n !== undefined; n = n.newer) {
      nodes.push({
        id: n.id,
        pid: n.pid,
        pv: n.pidversion,
        // A hostile process object can nest thousands of levels (JSON.parse takes it, lookups never
        // walk it): the snapshot keeps what is within the event depth bound, so it serialises.
        proc: nestsDeeperThan(n.proc) ? (cutBelow(n.proc, MAX_EVENT_DEPTH) as EsProcess) : n.proc,
        parent: n.parentId ?? null,
        // A pinned parent that was removed counts as no pin everywhere (kids < 0).
        pinned: n.pinned !== undefined && n.pinned.kids >= 0 ? n.pinned.id : null,
        kids: n.kids,
        first: n.firstSeenUs,
        last: n.lastSeenUs,
        moved: n.used,
        exited: n.exitedAt ?? null,
        start: n.startUs ?? null,
        args: n.args ?? null,
        samePid: n.samePid?.id ?? null,
      });
    }
    const exits: [string, number][] = [];
    for (let i = this.exitHead; i < this.exitQueue.length; i++)
      exits.push([this.exitQueue[i]!.id, this.exitQueue[i]!.at]);
    return {
      nodes,
      byPid: [...this.byPid.values()].map((n) => n.id),
      exits,
      clock: encNum(this.clock),
      moves: this.moves,
      counters: { ...this.counters },
    };
  }

  /** Replaces this cache's state with a snapshot's (see snapshot()); throws SnapshotError on a malformed one. */
  restore(s: LineageSnapshot): void {
    const bad = (what: string): never => {
      throw new SnapshotError(SNAPSHOT_ERROR_CODES.FORMAT, `engine snapshot: lineage ${what}`);
    };
    if (typeof s !== 'object' || s === null || !Array.isArray(s.nodes) || !Array.isArray(s.exits)) bad('is malformed');
    this.map.clear();
    this.byPid.clear();
    this.actors.fill(undefined);
    this.exitQueue.length = 0;
    this.exitHead = 0;
    this.head = this.tail = undefined;
    this.memoEv = undefined;
    let prev: Node | undefined;
    for (const x of s.nodes) {
      if (typeof x?.id !== 'string' || typeof x.proc !== 'object' || x.proc === null) bad('has a malformed process');
      const n = new Node(x.id, x.pid, x.pv, x.proc, x.parent ?? undefined, x.first);
      n.seen(x.last);
      n.kids = x.kids;
      n.used = x.moved === 0 ? 0 : 1;
      n.exitedAt = x.exited ?? undefined;
      n.args = x.args ?? undefined;
      n.older = prev;
      if (prev !== undefined) prev.newer = n;
      else this.tail = n;
      prev = n;
      this.map.set(n.id, n);
    }
    this.head = prev;
    for (const x of s.nodes) {
      const n = this.map.get(x.id)!;
      if (x.pinned !== null) n.pinned = this.map.get(x.pinned) ?? bad(`pins unknown process ${x.pinned}`);
      if (x.samePid !== null) n.samePid = this.map.get(x.samePid) ?? bad(`indexes unknown process ${x.samePid}`);
    }
    for (const id of s.byPid) {
      const n = this.map.get(id) ?? bad(`indexes unknown process ${id}`);
      this.byPid.set(n.pid, n);
    }
    for (const [id, at] of s.exits) this.exitQueue.push({ id, at });
    this.clock = decNum(s.clock, 'lineage clock');
    this.moves = s.moves;
    Object.assign(this.counters, s.counters);
  }

  // ---- internals ----

  /** Lookup by identity, counted, refreshing recency. */
  private node(id: string): Node | undefined {
    this.counters.lookups++;
    const n = this.map.get(id);
    if (n === undefined) {
      this.counters.misses++;
      return undefined;
    }
    return this.use(n);
  }

  /** The direct parent with the ParentImage fallback; sets lastParentSource (no allocation per call). */
  private parentWithSource(ev: NightjarEvent): EsProcess | undefined {
    this.lastParentSource = 'unknown';
    const subject = processOfEvent(ev);
    if (subject === undefined) return undefined;
    const p = this.parentOf(subject);
    if (p !== undefined) {
      this.lastParentSource = 'lineage';
      return p;
    }
    // ParentImage fallback (Conventions): the exec'ing image; after a fork it is the parent's image.
    if (ev.name === 'exec' && ev.msg !== null) {
      const actor = asProcess(ev.msg.process);
      if (actor !== undefined) {
        this.lastParentSource = 'exec_fallback';
        return actor;
      }
    }
    return undefined;
  }

  /** The cached direct parent of a process object (cached node's link first, then its tokens). */
  private parentOf(p: EsProcess): EsProcess | undefined {
    const id = idOf(p);
    const node = id !== undefined ? this.map.get(id) : undefined;
    // The parent token of this view of the process is authoritative and current (it follows
    // reparenting to launchd).
    let parentId = tokenId(p.parent_audit_token);
    if (parentId === undefined) {
      // A link learned earlier (fork, exec inheritance, ppid at first sight) holds while ppid still
      // names that pid; after reparenting, ppid is resolved afresh.
      const known = node?.parentId;
      if (known !== undefined && (typeof p.ppid !== 'number' || entityPid(known) === p.ppid)) parentId = known;
      else {
        parentId = this.resolvePpid(p, node);
        if (node !== undefined && parentId !== undefined) node.parentId = parentId;
      }
    }
    if (parentId === undefined || parentId === id) return undefined;
    const parent = this.node(parentId);
    if (parent === undefined) return undefined;
    // A child learned before its parent pins it once both are cached.
    if (node !== undefined && (node.pinned === undefined || node.pinned.kids < 0) && node.parentId === parentId)
      this.pin(node, parent);
    return parent.proc;
  }

  /** ppid → the process that held that pid when the child started (see byPidBefore). */
  private resolvePpid(p: EsProcess, node: Node | undefined): string | undefined {
    const ppid = p.ppid;
    if (typeof ppid !== 'number' || ppid < 0) return undefined;
    return this.byPidBefore(ppid, p, node)?.id;
  }

  /**
   * The process that held `pid` when the child started, or undefined when the cache cannot prove
   * which one did. A pid names one process at a time, so a candidate is accepted only when it was
   * provably alive at the child's start: it started no later (start_time), and it was seen alive
   * (or exited) no earlier. This is what keeps a reused pid from joining two processes even when
   * the old process's exit was dropped. Without start times (message v<3) the child's first sighting
   * bounds its start, and the candidate must also have a lower pidversion (xnu draws pidversions
   * from one increasing counter at fork and exec, so a process created later has a higher one).
   */
  private byPidBefore(pid: number, child: EsProcess, childNode: Node | undefined): Node | undefined {
    let n = this.byPid.get(pid);
    if (n === undefined) return undefined;
    const selfId = childNode?.id ?? idOf(child);
    const childStart = childNode?.startUs ?? startUs(child);
    const childPv = childNode !== undefined ? childNode.pidversion : tokenPidversion(child.audit_token);
    // Newest first: the first candidate that provably held the pid at the child's start.
    for (; n !== undefined; n = n.samePid) {
      if (n === childNode || n.id === selfId) continue;
      // launchd (and the kernel) keep their pid for the whole boot: no reuse to guard against.
      if (pid <= 1) return n;
      const aliveUntil = n.exitedAt ?? n.lastSeenUs;
      if (childStart !== undefined && n.startUs !== undefined) {
        if (n.startUs <= childStart && aliveUntil >= childStart) return n;
        continue;
      }
      const bound = childNode?.firstSeenUs;
      if (bound !== undefined && childPv !== undefined && n.pidversion < childPv && aliveUntil >= bound) return n;
    }
    return undefined;
  }

  /** Adds a new node to the pid index, ordered by pidversion (a late event may bring an older process). */
  private index(node: Node): void {
    const pid = node.pid;
    const pv = node.pidversion;
    let n = this.byPid.get(pid);
    if (n === undefined || n.pidversion <= pv) {
      node.samePid = n;
      this.byPid.set(pid, node);
      n = node;
    } else {
      const first = n;
      let k = 1;
      while (n.samePid !== undefined && n.samePid.pidversion > pv) {
        n = n.samePid;
        k++;
      }
      if (k >= PID_HISTORY) return; // older than the last few: reachable by entity_id only
      node.samePid = n.samePid;
      n.samePid = node;
      n = first;
    }
    // Keep the last PID_HISTORY (n is the newest): cut the chain after them.
    for (let k = 1; n.samePid !== undefined; k++, n = n.samePid) {
      if (k === PID_HISTORY) {
        n.samePid = undefined;
        break;
      }
    }
  }

  private unindex(node: Node): void {
    const pid = node.pid;
    const first = this.byPid.get(pid);
    if (first === undefined) return;
    if (first === node) {
      if (node.samePid === undefined) this.byPid.delete(pid);
      else this.byPid.set(pid, node.samePid);
    } else {
      let n = first;
      while (n.samePid !== undefined && n.samePid !== node) n = n.samePid;
      if (n.samePid === node) n.samePid = node.samePid;
    }
    node.samePid = undefined;
  }

  /** Moves a node to the most recently used end, unmarked (see evictOne()). */
  private touch(n: Node): void {
    n.used = 0;
    this.moves++;
    if (this.head === n) return;
    // Unlink (n is not the head, so it has a newer neighbour).
    const newer = n.newer as Node;
    newer.older = n.older;
    if (n.older !== undefined) n.older.newer = newer;
    else this.tail = newer;
    n.older = this.head;
    n.newer = undefined;
    if (this.head !== undefined) this.head.newer = n;
    this.head = n;
  }

  /** Marks a node used (its event, a lookup); it is moved only if it reaches the oldest end (see evictOne()). */
  private use(n: Node): Node {
    n.used = 1;
    return n;
  }

  /**
   * Links `node` to its parent in the cache: it pins `parent` (given, or looked up by parentId)
   * unless it already pins one. The first parent pinned stays pinned until the node goes, so a
   * process reparented to launchd still keeps its original parent (original_ppid) cached.
   */
  private pin(node: Node, parent?: Node): void {
    if (node.pinned !== undefined) {
      if (node.pinned.kids >= 0) return;
      node.pinned = undefined; // it was evicted: pin the current parent instead
    }
    const par = parent ?? (node.parentId !== undefined ? this.map.get(node.parentId) : undefined);
    if (par === undefined || par === node) return;
    node.pinned = par;
    par.kids++;
  }

  /**
   * After the node's parent link changed: pin the new parent when it is another image of the pinned
   * one (it exec'd), or when nothing is pinned. A parent of another pid (reparenting to launchd) does
   * not replace the pinned original parent.
   */
  private relink(node: Node): void {
    const par = node.parentId !== undefined ? this.map.get(node.parentId) : undefined;
    if (par === undefined || par === node) return;
    const old = node.pinned;
    if (old !== undefined && old !== par && old.kids >= 0 && old.pid === par.pid) {
      node.pinned = undefined;
      const next = this.release(old);
      this.pin(node, par);
      if (next !== undefined) this.remove(next, false);
      return;
    }
    this.pin(node, par);
  }

  /**
   * Drops one pin from `par`; returns it when it should now go (exited more than the grace period
   * ago, no pins left), for the caller to remove.
   */
  private release(par: Node | undefined): Node | undefined {
    if (par === undefined || par.kids <= 0) return undefined; // < 0: already removed
    par.kids--;
    return par.kids === 0 && par.exitedAt !== undefined && par.exitedAt + this.graceUs < this.clock ? par : undefined;
  }

  /**
   * Removes a node from the cache. Its parent loses a pin; a parent that exited more than the grace
   * period ago and has no pins left goes too (and so on up the chain).
   */
  private remove(first: Node, evicted: boolean): void {
    let n: Node | undefined = first;
    let reasonEvict = evicted;
    while (n !== undefined) {
      this.map.delete(n.id);
      const slot = this.slotOf(n.pid);
      if (this.actors[slot] === n) this.actors[slot] = undefined;
      // LRU unlink.
      if (n.newer !== undefined) n.newer.older = n.older;
      else this.head = n.older;
      if (n.older !== undefined) n.older.newer = n.newer;
      else this.tail = n.newer;
      n.newer = n.older = undefined;
      this.unindex(n);
      if (reasonEvict) this.counters.evictions++;
      else this.counters.expired++;
      // Children that still pin an evicted node see kids < 0 and stop counting on it.
      n.kids = -1;
      const par: Node | undefined = n.pinned;
      n.pinned = undefined;
      n = this.release(par);
      reasonEvict = false;
    }
  }

  /**
   * Makes room for one more entry: a leaf (nothing cached pins it) among the least recently used,
   * exited before live, else the least recently used. The window stays in the older half, so a
   * small cache does not evict the process it just saw.
   */
  private evictOne(): void {
    let leaf: Node | undefined;
    const window = Math.max(1, Math.min(EVICT_SCAN, this.map.size >> 1));
    let k = 0;
    // Second chance: a node used since it was put at the newest end goes back there, unmarked, and
    // the scan goes on (a use only marks the node, so the per-event path writes no list links). Past
    // EVICT_SECOND_CHANCES of them, marked nodes are candidates too: the oldest end is then all in
    // use, and the cache is too small for the processes in use.
    let second = EVICT_SECOND_CHANCES;
    for (let n = this.tail; n !== undefined && k < window;) {
      const newer = n.newer;
      if (n.used !== 0 && second-- > 0) {
        this.touch(n);
      } else {
        k++;
        if (n.kids === 0) {
          if (n.exitedAt !== undefined) {
            leaf = n;
            break;
          }
          if (leaf === undefined) leaf = n;
        }
      }
      n = newer;
    }
    const victim = leaf ?? this.tail;
    if (victim !== undefined) this.remove(victim, true);
  }

  /**
   * Adds or refreshes a process seen alive at `at` (µs); `inheritedParent` (fork, exec) is used when
   * the process has no parent token.
   */
  private learn(p: EsProcess, at: number, inheritedParent?: string): Node | undefined {
    const pid = tokenPid(p.audit_token);
    if (pid === undefined) return undefined;
    const pv = tokenPidversion(p.audit_token) ?? 0;
    const given = p.entity_id;
    const idBuilt = typeof given !== 'string';
    const id = idBuilt ? entityIdOf(pid, pv) : given;
    // Processes from live sources and backfill: lineage answers always carry entity_id.
    if (idBuilt) p.entity_id = id;
    // The same actor on consecutive events is the most recently used entry: no map lookup.
    let node = this.head;
    if (node === undefined || node.id !== id) {
      node = this.map.get(id);
      if (node !== undefined) this.use(node);
    }
    if (node === undefined) {
      if (this.map.size >= this.max) this.evictOne();
      const pt = p.parent_audit_token;
      const ppid = pt == null ? undefined : tokenPid(pt);
      let parent: Node | undefined;
      let parentId: string | undefined;
      if (ppid !== undefined) {
        const ppv = tokenPidversion(pt) ?? 0;
        // The parent is usually the actor in its pid's slot (a node there has the canonical id, so
        // the numbers decide): no id string built, no Map lookup.
        const s = this.actors[this.slotOf(ppid)];
        if (s !== undefined && s.kids >= 0 && s.pid === ppid && s.pidversion === ppv) parent = s;
        else parent = this.map.get((parentId = entityIdOf(ppid, ppv)));
        // Keep the parent's own id string rather than a copy per child.
        if (parent !== undefined) parentId = parent.id;
      } else parentId = inheritedParent;
      node = new Node(id, pid, pv, p, parentId, at);
      if (parentId === undefined) node.parentId = this.resolvePpid(p, node);
      // Linked in after the parent lookup above so an eviction cannot have dropped that parent.
      this.map.set(id, node);
      node.older = this.head;
      if (this.head !== undefined) this.head.newer = node;
      else this.tail = node;
      this.head = node;
      this.moves++;
      this.index(node);
      this.pin(node, parent);
    } else {
      // Newest view of the process (code-signing flags change; CS_VALID can be cleared).
      node.proc = p;
      // tokenId(parent token) ?? kept ?? inherited, without building the id string when it is unchanged.
      const pt = p.parent_audit_token;
      const ppid = pt == null ? undefined : tokenPid(pt);
      if (ppid !== undefined) {
        const ppv = tokenPidversion(pt) ?? 0;
        if (node.parentId === undefined || !isEntity(node.parentId, ppid, ppv)) {
          node.parentId = entityIdOf(ppid, ppv);
          this.relink(node);
        }
      } else if (node.parentId === undefined && inheritedParent !== undefined) {
        node.parentId = inheritedParent;
        this.relink(node);
      }
      node.seen(at);
    }
    if (pid >= this.actors.length) this.growActors(pid);
    // Only a node whose id is its numbers' (`${pid}:${pidversion}`): observe() compares the numbers.
    // A caller's own entity_id (backfill, events built by hand) is looked up by the string instead.
    if (!idBuilt && !isEntity(id, pid, pv)) return node;
    this.actors[this.slotOf(pid)] = node;
    return node;
  }

  /**
   * Grows the actor table to give `pid` a slot of its own (with a sixteenth more, as pids are handed
   * out upwards), while it stays within four slots per cached process (a host with few processes and
   * high pids keeps a small table) and ACTOR_SLOTS_MAX; pids beyond it share slots. An actor whose
   * slot another holds takes the Map lookup: in a world of 100,000 processes over 200,000 pids a
   * table sized by the process count sent a third of the events there.
   */
  private growActors(pid: number): void {
    const len = this.actors.length;
    const limit = Math.min(ACTOR_SLOTS_MAX, 4 * this.map.size);
    // pid ≥ len here, and may be huge or fractional (hostile input): the limit bounds it.
    const size = Math.min(limit, Math.max(Math.floor(pid + 1 + pid / 16), len + ACTOR_SLOTS_STEP));
    // Nothing to gain: the table is at its cap (a Linux host's pids go up to 4,194,304), or the limit
    // holds it where it is; a copy of it for every process learned beyond it cost milliseconds each.
    if (size <= len) return;
    // A step at least: while the limit (four slots per process) allows less, pids beyond the table
    // share slots, rather than the table being copied for every few processes learned.
    if (size < len + ACTOR_SLOTS_STEP && size < ACTOR_SLOTS_MAX) return;
    const old = this.actors;
    this.actors = new Array<Node | undefined>(size).fill(undefined);
    for (const n of old) if (n !== undefined) this.actors[this.slotOf(n.pid)] = n;
  }

  /**
   * Gives every cached process whose slot is empty its slot. A process that lost its slot while
   * the table was smaller (pids beyond it share slots) wins it back at its next event, by the Map
   * lookup; after a backfill, which learns a whole host at once while the table is still small,
   * that was a quarter of the processes (23,935 of 100,000 over 200,000 pids), so backfill fills
   * the slots once at its end instead (one pass over the cache). Canonical ids only (see learn).
   */
  private fillActorSlots(): void {
    const actors = this.actors;
    for (const n of this.map.values()) {
      const slot = this.slotOf(n.pid);
      if (actors[slot] === undefined && isEntity(n.id, n.pid, n.pidversion)) actors[slot] = n;
    }
  }

  private retire(node: Node, at: number): void {
    if (node.exitedAt !== undefined) return;
    node.exitedAt = at;
    this.counters.exited++;
    this.exitQueue.push({ id: node.id, at });
    // Bounded: entries beyond the cache size refer to processes the LRU has already dropped.
    if (this.exitQueue.length - this.exitHead > 2 * this.max) this.exitHead++;
    // On a count kept in snapshots, so a restored cache sweeps when this one would.
    if (this.counters.exited % this.sweepEvery === 0) this.sweep();
  }

  /**
   * Drops the exited processes (grace over) that no lookup can reach any more: more than MAX_DEPTH
   * generations above every process that can still be an event's subject (live, or exited within
   * its grace), and not the responsible process of one. Pins alone keep a live process's whole
   * chain, and when processes fork from children of exited parents for hours (a busy host, the soak's
   * workload) that chain grows without end while the population stays flat: ~8 entries per 1,000
   * forks and exits, all of them beyond what ancestors() walks. Run every SWEEP_EVERY retirements:
   * its cost (every cached process, and a walk of at most MAX_DEPTH parents per subject that stops
   * where a walk already went as high) is a few steps per exit even with a full cache.
   */
  private sweep(): void {
    const clock = this.clock;
    // Node.reach ≥ base: reached in this sweep, with (reach - base) generations above it reachable.
    // A mark on the node, not a map: the sweep walks every cached process.
    const base = (this.sweepBase += SWEEP_SPAN);
    const stack: Node[] = [];
    for (const n of this.map.values()) {
      if (n.exitedAt !== undefined && n.exitedAt + this.graceUs < clock) continue;
      this.reachFrom(n, MAX_DEPTH, base, stack);
      const resp = n.responsibleTokenId;
      if (resp !== undefined) this.reachFrom(this.map.get(resp), 0, base, stack);
    }
    while (stack.length > 0) {
      const q = stack.pop()!;
      const b = q.reach - base - 1;
      if (b < 0) continue;
      // Every way up that a lookup may take: the pinned parent, the linked one, the parent token.
      this.reachFrom(q.pinned, b, base, stack);
      if (q.parentId !== undefined) this.reachFrom(this.map.get(q.parentId), b, base, stack);
      const pt = q.parentTokenId;
      if (pt !== undefined && pt !== q.parentId) this.reachFrom(this.map.get(pt), b, base, stack);
    }
    for (const n of this.map.values()) {
      if (n.kids < 0 || n.reach >= base || n.exitedAt === undefined || n.exitedAt + this.graceUs >= clock) continue;
      this.remove(n, false);
    }
  }

  /** sweep(): marks `q` as reaching `budget` generations up (when that is more than it had), to walk on from. */
  private reachFrom(q: Node | undefined, budget: number, base: number, stack: Node[]): void {
    if (q === undefined || q.kids < 0 || budget < 0) return;
    if (q.reach >= base && q.reach - base >= budget) return;
    q.reach = base + budget;
    stack.push(q);
  }

  private expire(now: number): void {
    if (now > this.clock) this.clock = now;
    const q = this.exitQueue;
    while (this.exitHead < q.length && q[this.exitHead]!.at + this.graceUs < now) {
      const { id, at } = q[this.exitHead++]!;
      const n = this.map.get(id);
      // Still pinned by a cached descendant: it goes with the last of them (remove()).
      if (n !== undefined && n.exitedAt === at && n.kids === 0) this.remove(n, false);
    }
    if (this.exitHead > 1024 && this.exitHead * 2 > q.length) {
      q.splice(0, this.exitHead);
      this.exitHead = 0;
    }
  }
}

/** A copy of `v` with every value nested deeper than `depth` levels replaced by null. */
function cutBelow(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth <= 0) return null;
  if (Array.isArray(v)) return v.map((x) => cutBelow(x, depth - 1));
  const out: Record<string, unknown> = {};
  // defineProperty: a `__proto__` key from the JSON must stay a key, not become the prototype.
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, {
      value: cutBelow((v as Record<string, unknown>)[k], depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/**
 * Exec args as kept for alerts and ParentCommandLine: the event's own array when it holds only
 * strings and is within MAX_ARGS / MAX_ARGS_CHARS (no copy), else its strings cut to those bounds
 * (a hostile or huge command line must not make one entry large).
 */
function stringArgs(args: unknown[]): string[] {
  let chars = 0;
  let ok = args.length <= MAX_ARGS;
  for (let i = 0; ok && i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') ok = false;
    else chars += a.length;
  }
  if (ok && chars <= MAX_ARGS_CHARS) return args as string[];
  const out: string[] = [];
  let left = MAX_ARGS_CHARS;
  for (const a of args) {
    if (typeof a !== 'string') continue;
    if (out.length >= MAX_ARGS || left <= 0) break;
    out.push(a.length <= left ? a : a.slice(0, left));
    left -= a.length;
  }
  return out;
}
