/**
 * A fleet worker (`nightjar fleet`): takes a fair share of the partitions with KV leases and runs
 * one PartitionRunner per owned partition.
 *
 * Leases: the lease bucket's TTL is the lease time. A worker takes a free partition with
 * `create` (refused while another holds it), renews every TTL/3 with a CAS `update`, and keeps a
 * local deadline (last renewal + TTL − margin) past which it neither pulls nor acks, so a worker
 * that cannot renew stops before anyone else may take over. The revision at which the lease was
 * taken is the epoch that names the partition's consumer. Live workers heartbeat in their own
 * bucket; each takes ⌈P / live⌉ and releases extras only after a commit.
 */
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import type { CompiledRuleSet, EngineOptions } from '@nightjar/core';
import { readLayout } from '../init.js';
import { FLEET_NAMES, STAGE2_KEY, leaseKey } from '../names.js';
import { PartitionRunner, type PartitionContext } from './partition.js';
import { Stage2Runner } from './stage2.js';

export interface WorkerOptions {
  ruleset: CompiledRuleSet;
  /** Worker id (default `<hostname>-<pid>`). */
  id?: string;
  engineOptions?: EngineOptions;
  /** Snapshot cadence per partition (only when the engine supports snapshots). Default 30 s. */
  snapshotIntervalMs?: number;
  maxBatch?: number;
  log?: (message: string) => void;
  /** Test hook: called after an alert's PubAck and before its frame's ack. */
  afterAlertStored?: (partition: number) => Promise<void>;
}

export interface WorkerStatus {
  id: string;
  partitions: number[];
  hosts: number;
  /** Frames stored but not yet committed by this worker, over its partitions. */
  lag: number;
  events: number;
  frames: number;
  alerts: number;
  duplicateAlerts: number;
  replayed: number;
}

interface Owned {
  runner: PartitionRunner;
  revision: number;
  deadline: number;
}

export class FleetWorker {
  readonly id: string;
  private readonly owned = new Map<number, Owned>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closed = false;
  private readonly ctx: PartitionContext;
  /** Ids of the fleet-scoped correlations: when any, one worker also holds the `stage2` lease. */
  private readonly fleetScoped: string[];
  private stage2: { runner: Stage2Runner; revision: number; deadline: number } | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly leases: KV,
    private readonly workers: KV,
    checkpoints: KV,
    snapshots: Awaited<ReturnType<Objm['open']>>,
    private readonly partitions: number,
    private readonly leaseMs: number,
    opts: WorkerOptions,
  ) {
    this.id = opts.id ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}`;
    const log = opts.log ?? (() => undefined);
    this.fleetScoped = opts.ruleset.correlations.filter((c) => c.scope === 'fleet').map((c) => c.id);
    this.ctx = {
      js: jetstream(nc),
      jsm,
      checkpoints,
      snapshots,
      ruleset: opts.ruleset,
      // Per-host engines hand the inputs of fleet-scoped correlations on as signals (stage 2).
      engineOptions: {
        ...(opts.engineOptions ?? {}),
        ...(this.fleetScoped.length > 0 ? { fleetCorrelations: 'signal' as const } : {}),
      },
      maxBatch: opts.maxBatch ?? 16,
      snapshotIntervalMs: opts.snapshotIntervalMs ?? 30_000,
      deadline: (k) => this.owned.get(k)?.deadline ?? 0,
      counters: { events: 0, frames: 0, alerts: 0, duplicateAlerts: 0, replayed: 0 },
      log: (m) => log(`${this.id}: ${m}`),
      ...(opts.afterAlertStored !== undefined ? { afterAlertStored: opts.afterAlertStored } : {}),
    };
  }

  static async start(nc: NatsConnection, opts: WorkerOptions): Promise<FleetWorker> {
    const layout = await readLayout(nc);
    const jsm = await jetstreamManager(nc);
    const kvm = new Kvm(nc);
    const w = new FleetWorker(
      nc,
      jsm,
      await kvm.open(FLEET_NAMES.leases),
      await kvm.open(FLEET_NAMES.workers),
      await kvm.open(FLEET_NAMES.checkpoints),
      await new Objm(nc).open(FLEET_NAMES.snapshots),
      layout.partitions,
      layout.leaseMs,
      opts,
    );
    // Workers started together should see each other before taking partitions, or the first takes
    // them all and hands half back a tick later.
    await w.workers.put(w.id, String(Date.now()));
    await new Promise((r) => setTimeout(r, Math.min(1000, layout.leaseMs / 10)));
    await w.tick();
    w.timer = setInterval(
      () => {
        // A tick that fails (a KV request timing out on a loaded machine) must not end the worker:
        // as an unhandled rejection it killed the process, and with it every partition it held.
        // The next tick renews what it still holds and finds out what it lost.
        w.ticking ??= w
          .tick()
          .catch((err: unknown) => w.ctx.log(`lease tick failed: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => (w.ticking = undefined));
      },
      Math.max(100, Math.floor(layout.leaseMs / 3)),
    );
    return w;
  }

  /** The lease deadline kept locally: renewal time + TTL minus a margin for clock and latency. */
  private deadlineFrom(now: number): number {
    return now + this.leaseMs - Math.max(250, this.leaseMs / 5);
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    await this.workers.put(this.id, String(now));
    for (const [k, o] of this.owned) {
      if (o.runner.endedBy !== undefined) {
        // The runner gave up (consumer deleted by a newer owner, publish failure): let the lease go.
        this.owned.delete(k);
        await this.leases.delete(leaseKey(k), { previousSeq: o.revision }).catch(() => undefined);
        continue;
      }
      try {
        o.revision = await this.leases.update(leaseKey(k), this.leaseValue(o.runner.epoch), o.revision);
        o.deadline = this.deadlineFrom(now);
      } catch {
        // Someone else holds it now (our lease expired): stop at once, commit nothing more.
        o.deadline = 0;
        o.runner.abort();
        this.owned.delete(k);
        this.ctx.log(`partition ${k}: lease lost`);
      }
    }
    if (this.fleetScoped.length > 0) await this.tickStage2(now);
    const live = await this.liveWorkers();
    const share = Math.ceil(this.partitions / Math.max(1, live));
    if (this.owned.size > share) {
      await Promise.all([...this.owned.keys()].slice(share).map((k) => this.release(k)));
    } else if (this.owned.size < share) {
      // Start at a different partition per worker so that starting workers do not all race for p0.
      const offset = hashOf(this.id) % this.partitions;
      for (let i = 0; i < this.partitions && this.owned.size < share; i++) {
        const k = (offset + i) % this.partitions;
        if (!this.owned.has(k)) await this.tryTake(k, now);
      }
    }
  }

  /** Renews the second stage's lease, or takes it when free (one owner in the fleet). */
  private async tickStage2(now: number): Promise<void> {
    const o = this.stage2;
    if (o !== undefined) {
      if (o.runner.endedBy !== undefined) {
        this.stage2 = undefined;
        await this.leases.delete(STAGE2_KEY, { previousSeq: o.revision }).catch(() => undefined);
        return;
      }
      try {
        o.revision = await this.leases.update(STAGE2_KEY, this.leaseValue(o.runner.epoch), o.revision);
        o.deadline = this.deadlineFrom(now);
      } catch {
        o.deadline = 0;
        o.runner.abort();
        this.stage2 = undefined;
        this.ctx.log('stage 2: lease lost');
      }
      return;
    }
    let rev: number;
    try {
      rev = await this.leases.create(STAGE2_KEY, this.leaseValue(0));
      rev = await this.leases.update(STAGE2_KEY, this.leaseValue(rev), rev);
    } catch {
      return; // another worker runs it
    }
    const held = { revision: rev, deadline: this.deadlineFrom(now), runner: undefined as unknown as Stage2Runner };
    this.stage2 = held;
    held.runner = new Stage2Runner(this.ctx, rev, () => held.deadline);
    this.ctx.log(
      `stage 2: running ${this.fleetScoped.length} fleet-scoped correlation(s): ${this.fleetScoped.slice(0, 5).join(', ')}`,
    );
  }

  private leaseValue(epoch: number): string {
    return JSON.stringify({ owner: this.id, pid: process.pid, epoch });
  }

  private async liveWorkers(): Promise<number> {
    let n = 0;
    for await (const _ of await this.workers.keys()) n++;
    return n;
  }

  private async tryTake(k: number, now: number): Promise<void> {
    let rev: number;
    try {
      // The epoch is unknown before create returns: take the key, then stamp the value with it.
      rev = await this.leases.create(leaseKey(k), this.leaseValue(0));
      rev = await this.leases.update(leaseKey(k), this.leaseValue(rev), rev);
    } catch {
      return; // held by another worker
    }
    const o: Owned = {
      revision: rev,
      deadline: this.deadlineFrom(now),
      runner: undefined as unknown as PartitionRunner,
    };
    this.owned.set(k, o);
    o.runner = new PartitionRunner(this.ctx, k, rev);
  }

  private async release(k: number): Promise<void> {
    const o = this.owned.get(k);
    if (o === undefined) return;
    await o.runner.stop();
    this.owned.delete(k);
    await this.leases.delete(leaseKey(k), { previousSeq: o.revision }).catch(() => undefined);
    this.ctx.log(`partition ${k}: released`);
  }

  async status(): Promise<WorkerStatus> {
    let lag = 0;
    let hosts = 0;
    for (const o of this.owned.values()) {
      lag += await o.runner.lag();
      hosts += o.runner.hosts.size;
    }
    return { id: this.id, partitions: [...this.owned.keys()].sort((a, b) => a - b), hosts, lag, ...this.ctx.counters };
  }

  /** Commits and stops every partition, gives the leases back and leaves the worker set. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.owned.keys()].map((k) => this.release(k)));
    const s2 = this.stage2;
    if (s2 !== undefined) {
      await s2.runner.stop();
      this.stage2 = undefined;
      await this.leases.delete(STAGE2_KEY, { previousSeq: s2.revision }).catch(() => undefined);
    }
    await this.workers.delete(this.id).catch(() => undefined);
    void this.nc;
  }
}

export function formatStatus(s: WorkerStatus): string {
  return `worker ${s.id}: hosts ${s.hosts} · partitions ${s.partitions.length} [${s.partitions.join(',')}] · lag ${s.lag} frames · ${s.events} events · ${s.alerts} alerts (${s.duplicateAlerts} duplicates dropped) · ${s.replayed} frames replayed`;
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
