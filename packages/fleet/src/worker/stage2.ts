/**
 * The second stage: the one owner of the `stage2` lease runs every fleet-scoped correlation
 * (`nightjar.scope: fleet`) in one engine, fed by the signals the partition owners publish. Same
 * recovery and commit discipline as a partition: restore the newest snapshot (stream sequence S),
 * read NJ_SIGNALS from S + 1 with a consumer of its own epoch (deleting its predecessors' fences a
 * zombie owner), store the alerts, then ack, then snapshot. A crash between the ack and the snapshot
 * makes the next owner re-apply signals already acked: it re-raises the same alerts (same ids), and
 * NJ_ALERTS's duplicate window drops them.
 */
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JsMsg, type PubAck } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Engine, type EngineOptions, type FleetSignal } from '@nightjar/core';
import { FLEET_HOST_TOKEN, FLEET_NAMES, STAGE2_KEY, alertSubject, diagSubject } from '../names.js';
import type { PartitionContext } from './partition.js';
import { listConsumers } from './consumers.js';
import { CommitQueue } from './commit.js';

interface Stage2Snapshot {
  version: 1;
  /** NJ_SIGNALS sequence of the last signal the state includes. */
  seq: number;
  engine: unknown;
}

const CONSUMER_PREFIX = `${STAGE2_KEY}-r`;
const COMMIT_MS = 100;
const COMMIT_SIGNALS = 64;
/** Hosts' clocks and shipping delays differ: fleet windows accept inputs this far behind their newest. */
export const STAGE2_LATENESS_US = 60_000_000;

/** The stage-2 engine's options: no lineage (its inputs carry their messages), a fleet-sized lateness. */
export function stage2EngineOptions(o: EngineOptions): EngineOptions {
  const { fleetCorrelations: _drop, ...rest } = o;
  void _drop;
  return {
    ...rest,
    lineage: false,
    correlation: { ...o.correlation, latenessUs: Math.max(o.correlation?.latenessUs ?? 0, STAGE2_LATENESS_US) },
  };
}

export class Stage2Runner {
  readonly engine: Engine;
  private stopping = false;
  private failed = false;
  private iter: ConsumerMessages | undefined;
  private readonly q: CommitQueue;
  readonly done: Promise<void>;
  endedBy: 'stopped' | 'lost' | undefined;

  constructor(
    private readonly ctx: PartitionContext,
    readonly epoch: number,
    private readonly deadline: () => number,
  ) {
    this.engine = new Engine(ctx.ruleset, stage2EngineOptions(ctx.engineOptions));
    this.q = new CommitQueue({
      label: 'stage 2',
      units: 'signals',
      log: (m) => ctx.log(m),
      abort: () => this.abort(),
      failed: () => this.failed,
      deadline,
      persist: async (last) => {
        const snap: Stage2Snapshot = { version: 1, seq: last.seq, engine: this.engine.snapshot() };
        await ctx.snapshots.putBlob({ name: STAGE2_KEY }, Buffer.from(JSON.stringify(snap)));
      },
    });
    this.done = this.run().catch((err: unknown) => {
      this.endedBy = 'lost';
      this.ctx.log(`stage 2: stopped: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  stop(): Promise<void> {
    this.stopping = true;
    void this.iter?.close();
    return this.done;
  }

  abort(): void {
    this.failed = true;
    void this.iter?.close();
  }

  private async run(): Promise<void> {
    const { jsm, js } = this.ctx;
    const start = await this.restore();
    const name = `${CONSUMER_PREFIX}${this.epoch}`;
    const old: string[] = [];
    for (const c of await listConsumers(jsm, FLEET_NAMES.signals))
      if (c.name.startsWith(CONSUMER_PREFIX) && c.name !== name) old.push(c.name);
    await jsm.consumers.add(FLEET_NAMES.signals, {
      durable_name: name,
      ack_policy: AckPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: 1000,
      inactive_threshold: nanos(600_000),
      ...(start > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    for (const o of old) await jsm.consumers.delete(FLEET_NAMES.signals, o).catch(() => false);
    this.ctx.log(`stage 2: epoch ${this.epoch}, restored through signal ${start}`);
    const consumer = await js.consumers.get(FLEET_NAMES.signals, name);
    const iter = await consumer.consume({ max_messages: this.ctx.maxBatch * 4 });
    this.iter = iter;
    if (this.stopping) void iter.close();
    this.endedBy = await this.q.drain(iter, {
      apply: (m) => this.apply(m),
      full: () => this.q.uncommitted >= COMMIT_SIGNALS,
      everyMs: COMMIT_MS,
      stopping: () => this.stopping,
    });
  }

  private apply(m: JsMsg): void {
    let sig: FleetSignal;
    try {
      sig = m.json<FleetSignal>();
    } catch (err) {
      this.q.pubs.push(
        this.publishDiag(m.seq, 0, {
          code: 'NJ_SIGNAL_INVALID',
          severity: 'error',
          message: `${FLEET_NAMES.signals} seq ${m.seq}: not a signal (${(err as Error).message})`,
        }),
      );
      return;
    }
    for (const a of this.engine.pushSignal(sig)) this.q.pubs.push(this.publishAlert(a));
    this.engine.drainDiagnostics().forEach((d, i) => this.q.pubs.push(this.publishDiag(m.seq, i, d)));
  }

  private async publishAlert(a: { id: string; rule: { id: string } }): Promise<PubAck> {
    const ack = await this.ctx.js.publish(alertSubject(FLEET_HOST_TOKEN, a.rule.id), JSON.stringify(a), {
      msgID: a.id,
    });
    this.ctx.counters.alerts++;
    if (ack.duplicate) {
      this.ctx.counters.duplicateAlerts++;
      this.ctx.log(`stage 2: alert ${a.id} was already stored (duplicate dropped by the stream)`);
    }
    return ack;
  }

  private publishDiag(seq: number, i: number, d: { code: string; severity: string; message: string }): Promise<PubAck> {
    return this.ctx.js.publish(diagSubject(FLEET_HOST_TOKEN), JSON.stringify(d), {
      msgID: `${FLEET_HOST_TOKEN}:${d.code}:${seq}:${i}`,
    });
  }

  private async restore(): Promise<number> {
    const blob = await this.ctx.snapshots.getBlob(STAGE2_KEY).catch(() => null);
    if (blob === null) return 0;
    try {
      const snap = JSON.parse(Buffer.from(blob).toString('utf8')) as Stage2Snapshot;
      if (snap.version !== 1) return 0;
      this.engine.restore(snap.engine as Parameters<Engine['restore']>[0]);
      return snap.seq;
    } catch (err) {
      // Another ruleset or options: start empty, from the first signal kept.
      this.ctx.log(
        `stage 2: snapshot not restored (${err instanceof Error ? err.message : String(err)}): replaying every signal`,
      );
      return 0;
    }
  }
}
