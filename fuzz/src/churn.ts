/**
 * A churning host, for the soak: processes fork, exec and exit for hours of event time, pids wrap
 * and are reused (with a new pidversion), and the other events come from live processes. Each
 * message is a real eslogger line from fixtures/ of that type (so the shipped rules and their
 * correlations fire now and then), re-identified: actor, parent, fork child, exec target, time and
 * sequence numbers are rewritten. Drops (messages the "kernel" lost) and clean restarts are
 * injected, and what the gap tracker must report is computed alongside.
 */
import type { EsMessage } from '@nightjar/core';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded generator of floats in [0, 1) (fast-check's own PRNG): the same seed gives the same workload. */
export function rng(seed: number): () => number {
  const g = xoroshiro128plus(seed);
  return () => (g.next() >>> 0) / 4294967296;
}

interface Proc {
  pid: number;
  pidversion: number;
  ppid: number;
  ppidversion: number;
}

/** The event mix of a busy Mac (fork/exec/exit balanced so the population stays steady). */
const MIX: readonly [string, number][] = [
  ['open', 26],
  ['close', 22],
  ['write', 14],
  ['proc_check', 10],
  ['mmap', 5],
  ['mprotect', 5],
  ['readdir', 4],
  ['create', 3],
  ['fork', 3],
  ['exec', 3],
  ['exit', 3],
  ['rename', 1],
  ['unlink', 1],
  ['signal', 0.5],
  ['setmode', 0.5],
];

/** What the gap tracker must have seen, computed while the workload is generated. */
export interface Expected {
  events: number;
  byType: Record<string, number>;
  /** Gaps and missing messages, global_seq_num and seq_num (per type) separately. */
  globalGaps: number;
  globalMissing: number;
  typeGaps: number;
  typeMissing: number;
  /** Restarts injected (global_seq_num back to 0). */
  restarts: number;
  /**
   * Gaps (global and per type) from the restart whose first messages were lost until the next
   * clean restart, its own initial loss included: what a tracker that loses its footing at such a
   * restart would miss.
   */
  gapsAfterLossyRestart: number;
  forks: number;
  execs: number;
  exits: number;
}

export interface ChurnOptions {
  seed: number;
  /** Templates: fixture lines, by event name. */
  templates: ReadonlyMap<string, readonly string[]>;
  /** Probability per message of a burst of dropped messages before it. */
  dropRate?: number;
  /** Probability per message of a clean restart (all sequence numbers back to 0) before it. */
  restartRate?: number;
  /** Largest pid before allocation wraps (pid reuse). */
  pidMax?: number;
  /** Message index at which the source restarts and its first three messages are lost. */
  lossyRestartAt?: number;
}

function setToken(t: unknown, pid: number, pv: number): void {
  if (Array.isArray(t)) {
    t[5] = pid;
    t[7] = pv;
  } else if (typeof t === 'object' && t !== null) {
    (t as Record<string, number>).pid = pid;
    (t as Record<string, number>).pidversion = pv;
  }
}

function setProcess(p: unknown, me: Proc, parent: Proc | undefined): void {
  if (typeof p !== 'object' || p === null) return;
  const o = p as Record<string, unknown>;
  setToken(o.audit_token, me.pid, me.pidversion);
  if (o.parent_audit_token !== undefined) setToken(o.parent_audit_token, me.ppid, me.ppidversion);
  if (o.responsible_audit_token !== undefined)
    setToken(o.responsible_audit_token, parent?.pid ?? me.pid, parent?.pidversion ?? me.pidversion);
  o.ppid = me.ppid;
  o.original_ppid = me.ppid;
}

function copyProcess(p: unknown): unknown {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return p;
  const o: Record<string, unknown> = { ...(p as Record<string, unknown>) };
  for (const k of ['audit_token', 'parent_audit_token', 'responsible_audit_token']) {
    const t = o[k];
    if (Array.isArray(t)) o[k] = [...(t as unknown[])];
    else if (typeof t === 'object' && t !== null) o[k] = { ...(t as Record<string, unknown>) };
  }
  return o;
}

/**
 * A message that shares nothing this workload or the engine writes with its template: the message,
 * its process, event, payload, and the process objects under the payload (fork child, exec target,
 * where the decoder stamps entity_id) are copied; the rest (paths, stat, args) is shared and only
 * read. Several times cheaper than parsing the template's text again.
 */
function freshCopy(t: Record<string, unknown>): Record<string, unknown> {
  const msg: Record<string, unknown> = { ...t, process: copyProcess(t.process) };
  const ev = t.event as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ev)) {
    const payload = ev[k];
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      out[k] = payload;
      continue;
    }
    const p: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    for (const [pk, pv] of Object.entries(p))
      if (typeof pv === 'object' && pv !== null && 'audit_token' in pv) p[pk] = copyProcess(pv);
    out[k] = p;
  }
  msg.event = out;
  return msg;
}

export class Churn {
  readonly expected: Expected = {
    events: 0,
    byType: {},
    globalGaps: 0,
    globalMissing: 0,
    typeGaps: 0,
    typeMissing: 0,
    restarts: 0,
    gapsAfterLossyRestart: 0,
    forks: 0,
    execs: 0,
    exits: 0,
  };
  private readonly r: () => number;
  private readonly procs = new Map<number, Proc>();
  private readonly live: number[] = [];
  private nextPid = 100;
  private pidversion = 5000;
  private time = Date.UTC(2025, 0, 6, 9) * 1000;
  private global = 0;
  private readonly seq = new Map<string, number>();
  /** Messages dropped since the last one emitted (global), and per type since that type's last. */
  private pendingGlobal = 0;
  private readonly pendingType = new Map<string, number>();
  private readonly cumulative: number[] = [];
  private readonly names: string[] = [];
  private readonly dropRate: number;
  private readonly restartRate: number;
  private readonly pidMax: number;
  private afterLossy = false;

  constructor(private readonly o: ChurnOptions) {
    this.r = rng(o.seed);
    this.dropRate = o.dropRate ?? 1e-4;
    this.restartRate = o.restartRate ?? 2e-7;
    this.pidMax = o.pidMax ?? 20_000;
    let sum = 0;
    for (const [name, w] of MIX) {
      if (!o.templates.has(name)) continue;
      sum += w;
      this.names.push(name);
      this.cumulative.push(sum);
    }
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i]! /= sum;
    this.procs.set(1, { pid: 1, pidversion: 1, ppid: 0, ppidversion: 0 });
    this.live.push(1);
    for (let i = 0; i < 400; i++) this.spawn(this.procs.get(1)!);
  }

  private pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.r() * a.length)]!;
  }

  private allocPid(): number {
    for (;;) {
      const pid = this.nextPid;
      this.nextPid = this.nextPid >= this.pidMax ? 100 : this.nextPid + 1;
      if (!this.procs.has(pid)) return pid;
    }
  }

  private spawn(parent: Proc): Proc {
    const p: Proc = {
      pid: this.allocPid(),
      pidversion: ++this.pidversion,
      ppid: parent.pid,
      ppidversion: parent.pidversion,
    };
    this.procs.set(p.pid, p);
    this.live.push(p.pid);
    return p;
  }

  private kill(p: Proc): void {
    this.procs.delete(p.pid);
    const i = this.live.indexOf(p.pid);
    if (i >= 0) {
      this.live[i] = this.live[this.live.length - 1]!;
      this.live.pop();
    }
  }

  /** The next message. */
  next(): EsMessage {
    // Kernel drops and restarts happen between messages.
    const lossy = this.expected.events === this.o.lossyRestartAt;
    if (lossy || this.r() < this.restartRate) {
      this.global = 0;
      this.seq.clear();
      this.pendingGlobal = 0;
      this.pendingType.clear();
      this.expected.restarts++;
      this.afterLossy = lossy;
    }
    if (lossy || this.r() < this.dropRate) {
      const n = lossy ? 3 : 1 + Math.floor(this.r() * 20);
      for (let i = 0; i < n; i++) {
        const name = this.chooseName();
        this.seq.set(name, (this.seq.get(name) ?? -1) + 1);
        this.pendingType.set(name, (this.pendingType.get(name) ?? 0) + 1);
        this.global++;
        this.pendingGlobal++;
      }
    }
    let name = this.chooseName();
    // Keep the population between 200 and 3,000 processes.
    if (name === 'exit' && this.live.length < 200) name = 'fork';
    if (name === 'fork' && this.live.length > 3000) name = 'exit';
    const msg = freshCopy(this.pick(this.parsed(name)));
    // Any live process but launchd (live[0], never removed: removal swaps with the last entry).
    const actor = this.procs.get(this.live[1 + Math.floor(this.r() * (this.live.length - 1))]!)!;
    const parent = this.procs.get(actor.ppid);
    setProcess(msg.process, actor, parent);
    const ev = msg.event as Record<string, Record<string, unknown>>;
    if (name === 'fork') {
      const child = this.spawn(actor);
      setProcess(ev.fork!.child, child, actor);
      this.expected.forks++;
    } else if (name === 'exec') {
      // exec keeps the pid and gives the image a new pidversion.
      const image: Proc = { ...actor, pidversion: ++this.pidversion };
      this.procs.set(actor.pid, image);
      setProcess(ev.exec!.target, image, parent);
      this.expected.execs++;
    } else if (name === 'exit') {
      this.kill(actor);
      this.expected.exits++;
    }
    this.time += Math.floor(this.r() * 2000);
    msg.time = new Date(Math.floor(this.time / 1000))
      .toISOString()
      .replace('Z', `${String(this.time % 1000).padStart(3, '0')}Z`);
    msg.mach_time = this.time * 24;
    const s = (this.seq.get(name) ?? -1) + 1;
    this.seq.set(name, s);
    msg.seq_num = s;
    msg.global_seq_num = this.global++;
    delete msg.glob_seq_num;
    const pt = this.pendingType.get(name) ?? 0;
    if (pt > 0) {
      this.expected.typeGaps++;
      this.expected.typeMissing += pt;
      if (this.afterLossy) this.expected.gapsAfterLossyRestart++;
      this.pendingType.delete(name);
    }
    if (this.pendingGlobal > 0) {
      this.expected.globalGaps++;
      this.expected.globalMissing += this.pendingGlobal;
      if (this.afterLossy) this.expected.gapsAfterLossyRestart++;
      this.pendingGlobal = 0;
    }
    this.expected.events++;
    this.expected.byType[name] = (this.expected.byType[name] ?? 0) + 1;
    return msg as unknown as EsMessage;
  }

  private chooseName(): string {
    const x = this.r();
    let i = 0;
    while (i < this.cumulative.length - 1 && this.cumulative[i]! < x) i++;
    return this.names[i]!;
  }

  private readonly parsedTemplates = new Map<string, Record<string, unknown>[]>();
  /** The templates of one type, parsed once (each message is a fresh copy of what it changes). */
  private parsed(name: string): Record<string, unknown>[] {
    let l = this.parsedTemplates.get(name);
    if (l === undefined) {
      l = this.o.templates.get(name)!.map((t) => JSON.parse(t) as Record<string, unknown>);
      this.parsedTemplates.set(name, l);
    }
    return l;
  }

  get population(): number {
    return this.live.length;
  }
}
