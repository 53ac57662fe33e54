import { LRUCache } from 'lru-cache';
import type { NightjarEvent } from '../model/event.js';
import type { AuditToken, EsProcess } from '../model/message.js';
import type { LineageResolver } from '../fields/context.js';
import type { AlertProcess } from '../alert/types.js';
import { tokenEntityId, tokenPid, tokenPidversion } from '../model/decode.js';
import { processOfEvent } from '../fields/compile.js';
import { parseTimeUs } from '../model/time.js';

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

interface Node {
  proc: EsProcess;
  readonly id: string;
  readonly pid: number;
  readonly pidversion: number;
  /** Direct parent's entity_id when known (parent audit token, else ppid resolved at learn time). */
  parentId: string | undefined;
  /** Event time of exit or exec replacement (µs); undefined while alive. */
  exitedAt: number | undefined;
  /** Fork time in µs (start_time), for the pid-reuse guard on ppid lookups. */
  startUs: number | undefined;
  /** Event times (µs) at which the process was first and last seen alive (actor, fork child, exec target). */
  firstSeenUs: number;
  lastSeenUs: number;
  args: string[] | undefined;
}

// Spawners that TrueTree looks through: the real origin of their children is the responsible process.
const SPAWNER_PATHS = new Set(['/usr/libexec/xpcproxy', '/usr/libexec/runningboardd', '/sbin/launchd']);
const SPAWNER_SIGNING_IDS = new Set(['com.apple.xpc.proxy', 'com.apple.runningboardd', 'com.apple.xpc.launchd']);

const MAX_DEPTH = 64;
/** Processes remembered per pid for the ppid fallback (older ones are still in the cache by entity_id). */
const PID_HISTORY = 4;

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
  return (typeof path === 'string' && SPAWNER_PATHS.has(path)) || (typeof p.signing_id === 'string' && SPAWNER_SIGNING_IDS.has(p.signing_id));
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
 * The process-lineage cache (DESIGN.md "Lineage", Conventions). Keyed by entity_id
 * (`"<pid>:<pidversion>"`), so a reused pid is a different key and never joins two processes.
 *
 * Learns from every event's `process`, from fork (`child`), exec (`target`: the new image of the same
 * pid; the pre-exec image is retired like an exit) and exit. Exited processes stay `exitGraceUs` of
 * event time for late events, then go. Bounded by `maxProcesses` (LRU; lookups refresh recency).
 *
 * Parent of a process: its `parent_audit_token` (message v4+), else its `ppid` resolved to the most
 * recent live process with that pid whose start time is not after the child's (the pid-reuse guard).
 * Lookups answer "unknown" (undefined / complete: false) rather than guessing.
 */
export class LineageCache implements LineageResolver {
  private readonly cache: LRUCache<string, Node>;
  /**
   * pid → entity_ids of the last few processes seen with that pid, oldest first, live or in their
   * exit grace (ppid resolution must be able to pick an older one when the pid was reused).
   */
  private readonly byPid = new Map<number, string[]>();
  private readonly exitQueue: { id: string; at: number }[] = [];
  private exitHead = 0;
  private readonly graceUs: number;
  private readonly counters = { evictions: 0, exited: 0, expired: 0, lookups: 0, misses: 0 };
  // ancestors() memo for the event being matched: many rules may ask for the same event.
  private memoEv: NightjarEvent | undefined;
  private memoAncestors: readonly EsProcess[] = [];
  private lastParentSource: ParentSource = 'unknown';
  /**
   * The node learn() touched last, while it is still the most recently used entry of the LRU (cleared
   * by any other get, set or removal): the same actor on consecutive events skips the LRU lookup.
   */
  private mru: Node | undefined;

  constructor(opts: LineageOptions = {}) {
    const max = opts.maxProcesses ?? 65_536;
    this.graceUs = opts.exitGraceUs ?? 60_000_000;
    this.cache = new LRUCache<string, Node>({
      max: Math.max(1, Math.floor(max)),
      dispose: (node, key, reason) => {
        if (node === this.mru) this.mru = undefined;
        if (reason === 'evict') this.counters.evictions++;
        this.unindex(node.pid, key);
      },
    });
  }

  /** Updates the cache from one event (call for every event, skipped ones too). */
  observe(ev: NightjarEvent): void {
    this.memoEv = undefined;
    this.expire(ev.time);
    const msg = ev.msg;
    if (msg === null) return;
    const actor = asProcess(msg.process);
    const at = ev.time;
    const actorNode = actor !== undefined ? this.learn(actor, at) : undefined;
    const payload = msg.event[ev.name];
    if (!isObj(payload)) return;
    switch (ev.name) {
      case 'fork': {
        const child = asProcess(payload.child);
        // The forking process is the child's parent; without a parent token it beats the ppid lookup.
        if (child !== undefined) this.learn(child, at, tokenId(child.parent_audit_token) === undefined ? actorNode?.id : undefined);
        break;
      }
      case 'exec': {
        const target = asProcess(payload.target);
        if (target === undefined) break;
        // The new image has the pre-exec image's parent: without a parent token this beats the ppid
        // lookup, whose pid may have been reused since the fork.
        const inherited = actorNode !== undefined && tokenId(target.parent_audit_token) === undefined ? actorNode.parentId : undefined;
        const node = this.learn(target, at, inherited);
        if (node === undefined) break;
        if (Array.isArray(payload.args)) node.args = payload.args.filter((a): a is string => typeof a === 'string');
        if (actorNode !== undefined && actorNode.id !== node.id) this.retire(actorNode, ev.time);
        break;
      }
      case 'exit':
        if (actorNode !== undefined) this.retire(actorNode, ev.time);
        break;
      default:
        break;
    }
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
      if (n !== undefined) nodes.push(n);
    }
    // Second pass: ppid links to processes that came later in the list.
    for (const n of nodes) if (n.parentId === undefined) n.parentId = this.resolvePpid(n.proc, n);
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
    const parentPid = parentToken != null ? tokenPid(parentToken) : typeof subject.ppid === 'number' ? subject.ppid : undefined;
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
      const o = this.byPidBefore(orig, subject, selfId !== undefined ? this.cache.peek(selfId) : undefined);
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
      const last = list.length > 0 ? list[list.length - 1] : subject;
      const pid = tokenPid(last.audit_token);
      complete = pid === 1 || pid === 0 || (last.ppid === 0 && last.parent_audit_token == null);
    }
    return { processes, complete };
  }

  /** The exec args kept for a process this cache returned (SigmaHQ's ParentCommandLine); undefined when its exec was not seen. */
  args(p: EsProcess): readonly string[] | undefined {
    const id = idOf(p);
    return id === undefined ? undefined : this.cache.peek(id)?.args;
  }

  /** An alert summary of a process (AlertProcess), with its args when its exec was seen. */
  summary(p: EsProcess): AlertProcess {
    const id = idOf(p) ?? '0:0';
    const node = this.cache.peek(id);
    const out: AlertProcess = {
      entity_id: id,
      pid: tokenPid(p.audit_token) ?? 0,
      pidversion: tokenPidversion(p.audit_token) ?? 0,
    };
    if (typeof p.ppid === 'number') out.ppid = p.ppid;
    if (isObj(p.executable) && typeof p.executable.path === 'string') out.path = p.executable.path;
    if (p.signing_id !== undefined) out.signing_id = p.signing_id;
    if (p.team_id !== undefined) out.team_id = p.team_id;
    if (typeof p.is_platform_binary === 'boolean') out.is_platform_binary = p.is_platform_binary;
    if (node?.args !== undefined) out.args = node.args;
    return out;
  }

  metrics(): LineageMetrics {
    return { size: this.cache.size, ...this.counters };
  }

  // ---- internals ----

  private node(id: string): Node | undefined {
    this.counters.lookups++;
    const n = this.cache.get(id);
    if (n !== this.mru) this.mru = undefined;
    if (n === undefined) this.counters.misses++;
    return n;
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
    const node = id !== undefined ? this.cache.peek(id) : undefined;
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
    return this.node(parentId)?.proc;
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
    const list = this.byPid.get(pid);
    if (list === undefined) return undefined;
    const selfId = childNode?.id ?? idOf(child);
    const childStart = childNode?.startUs ?? startUs(child);
    const childPv = childNode?.pidversion ?? tokenPidversion(child.audit_token);
    // Newest first: the first candidate that provably held the pid at the child's start.
    for (let i = list.length - 1; i >= 0; i--) {
      const id = list[i];
      if (id === selfId) continue;
      const n = this.cache.peek(id);
      if (n === undefined) continue;
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

  private index(pid: number, id: string, pidversion: number): void {
    let list = this.byPid.get(pid);
    if (list === undefined) {
      this.byPid.set(pid, [id]);
      return;
    }
    if (list.includes(id)) return;
    // Keep the list ordered by pidversion (a late event may bring an older process).
    let i = list.length;
    while (i > 0 && (this.cache.peek(list[i - 1])?.pidversion ?? -1) > pidversion) i--;
    list.splice(i, 0, id);
    if (list.length > PID_HISTORY) list.shift();
  }

  private unindex(pid: number, id: string): void {
    const list = this.byPid.get(pid);
    if (list === undefined) return;
    const i = list.indexOf(id);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPid.delete(pid);
  }

  /**
   * Adds or refreshes a process seen alive at `at` (µs); `inheritedParent` (fork, exec) is used when
   * the process has no parent token.
   */
  private learn(p: EsProcess, at: number, inheritedParent?: string): Node | undefined {
    const pid = tokenPid(p.audit_token);
    if (pid === undefined) return undefined;
    const pidversion = tokenPidversion(p.audit_token) ?? 0;
    let id = p.entity_id;
    if (typeof id !== 'string') {
      // Processes from live sources and backfill: lineage answers always carry entity_id.
      id = `${pid}:${pidversion}`;
      p.entity_id = id;
    }
    let node = this.mru;
    if (node === undefined || node.id !== id) {
      node = this.cache.get(id);
      this.mru = node;
    }
    if (node === undefined) {
      const st = startUs(p);
      node = {
        proc: p,
        id,
        pid,
        pidversion,
        parentId: tokenId(p.parent_audit_token) ?? inheritedParent,
        exitedAt: undefined,
        startUs: st,
        firstSeenUs: at,
        lastSeenUs: at,
        args: undefined,
      };
      if (node.parentId === undefined) node.parentId = this.resolvePpid(p, node);
      this.cache.set(id, node);
      this.mru = node;
      this.index(pid, id, pidversion);
    } else {
      // Newest view of the process (code-signing flags change; CS_VALID can be cleared).
      node.proc = p;
      // tokenId(parent token) ?? kept ?? inherited, without building the id string when it is unchanged.
      const pt = p.parent_audit_token;
      const ppid = pt == null ? undefined : tokenPid(pt);
      if (ppid !== undefined) {
        const ppv = tokenPidversion(pt) ?? 0;
        if (node.parentId === undefined || !isEntity(node.parentId, ppid, ppv)) node.parentId = `${ppid}:${ppv}`;
      } else if (node.parentId === undefined) node.parentId = inheritedParent;
      if (at > node.lastSeenUs) node.lastSeenUs = at;
      if (at < node.firstSeenUs) node.firstSeenUs = at;
    }
    return node;
  }

  private retire(node: Node, at: number): void {
    if (node.exitedAt !== undefined) return;
    node.exitedAt = at;
    this.counters.exited++;
    this.exitQueue.push({ id: node.id, at });
    // Bounded: entries beyond the cache size refer to processes the LRU has already dropped.
    if (this.exitQueue.length - this.exitHead > 2 * this.cache.max) this.exitHead++;
  }

  private expire(now: number): void {
    const q = this.exitQueue;
    while (this.exitHead < q.length && q[this.exitHead].at + this.graceUs < now) {
      const { id, at } = q[this.exitHead++];
      const n = this.cache.peek(id);
      if (n !== undefined && n.exitedAt === at) {
        this.cache.delete(id);
        this.counters.expired++;
      }
    }
    if (this.exitHead > 1024 && this.exitHead * 2 > q.length) {
      q.splice(0, this.exitHead);
      this.exitHead = 0;
    }
  }
}
