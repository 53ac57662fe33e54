/**
 * One owned partition: recovery, then the consume → detect → publish alerts → commit loop.
 *
 * Recovery: the new owner restores the newest snapshot (stream sequence S) when the engine supports
 * it, creates its own consumer `part-<k>-r<epoch>` at S + 1 (from the first frame without one) and
 * deletes its predecessors' consumers, which fences a zombie owner (its acks and pulls fail). Frames
 * up to the old ack floor F were already committed by the old owner, so they are replayed muted:
 * state is rebuilt, nothing is published. One consumer reads the replay and the tail.
 *
 * Commit: a frame is acked (AckAll) only after the PubAcks of every alert it raised, so every alert
 * caused by a frame at or below the ack floor is in NJ_ALERTS; a crash re-raises only alerts that
 * the stream's duplicate window drops (same alert id, same message id).
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type PubAck,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import type { Alert, CompiledRuleSet, Diagnostic, EngineOptions, EsProcess, FleetSignal } from '@nightjar/core';
import { decodeFrame, type Frame } from '../frame.js';
import {
  FLEET_NAMES,
  SIGNAL_SUBJECT,
  alertSubject,
  diagSubject,
  leaseKey,
  parsePartitionSubject,
  partitionFilter,
} from '../names.js';
import { signalId } from './signal-id.js';
import { listConsumers } from './consumers.js';
import { alertId } from './alert-id.js';
import { HostState, hasEngineState, type HostMark } from './host-state.js';
import { CommitQueue } from './commit.js';

export interface PartitionContext {
  js: JetStreamClient;
  jsm: JetStreamManager;
  checkpoints: KV;
  snapshots: ObjectStore;
  ruleset: CompiledRuleSet;
  engineOptions: EngineOptions;
  /** Frames per pull. */
  maxBatch: number;
  snapshotIntervalMs: number;
  /** The lease deadline of this partition (ms since the epoch): no pull or ack after it. */
  deadline(partition: number): number;
  counters: { events: number; frames: number; alerts: number; duplicateAlerts: number; replayed: number };
  /** Test hook: called after an alert's PubAck, before its frame is acked. */
  afterAlertStored?: (partition: number) => Promise<void>;
  log(message: string): void;
}

interface Snapshot {
  version: 1;
  partition: number;
  /** Stream sequence of the last frame the state includes (a committed one). */
  seq: number;
  hosts: Record<string, { engine: unknown; mark: HostMark }>;
}

const consumerPrefix = (k: number) => `part-${k}-r`;
/** Commit at least this often, and after this many frames. */
const COMMIT_MS = 100;
const COMMIT_FRAMES = 64;

export class PartitionRunner {
  readonly hosts = new Map<string, HostState>();
  private stopping = false;
  private lastApplied = 0;
  private mutedThrough = 0;
  private lastSnapshot = 0;
  private consumerName = '';
  private iter: ConsumerMessages | undefined;
  private failed = false;
  /** What was applied and not yet committed (the last frame, its alerts' and diagnostics' PubAcks), and the commits. */
  private readonly q: CommitQueue;
  readonly done: Promise<void>;
  /** Why the loop ended: stopped (committed), lost (lease or consumer gone, nothing committed after). */
  endedBy: 'stopped' | 'lost' | undefined;

  constructor(
    private readonly ctx: PartitionContext,
    readonly partition: number,
    readonly epoch: number,
  ) {
    this.q = new CommitQueue({
      label: `partition ${partition}`,
      units: 'frames',
      log: (m) => ctx.log(m),
      abort: () => this.abort(),
      failed: () => this.failed,
      deadline: () => ctx.deadline(partition),
      persist: async (last) => {
        await ctx.checkpoints.put(leaseKey(partition), JSON.stringify({ floor: last.seq, epoch }));
        if (Date.now() - this.lastSnapshot >= ctx.snapshotIntervalMs) await this.snapshot(last.seq);
      },
    });
    this.done = this.run().catch((err: unknown) => {
      this.endedBy = 'lost';
      this.ctx.log(`partition ${partition}: stopped: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Ends the loop after the current batch is committed. */
  stop(): Promise<void> {
    this.stopping = true;
    void this.iter?.close();
    return this.done;
  }

  /** Frames not yet delivered to this owner (the lag). */
  async lag(): Promise<number> {
    if (this.consumerName === '') return 0;
    try {
      const i = await this.ctx.jsm.consumers.info(FLEET_NAMES.events, this.consumerName);
      return i.num_pending + i.num_ack_pending;
    } catch {
      return 0;
    }
  }

  private async run(): Promise<void> {
    const { jsm, js } = this.ctx;
    const k = this.partition;
    // The old ack floor: the highest of the predecessors' consumers and the last checkpoint.
    const old: string[] = [];
    let floor = 0;
    for (const c of await listConsumers(jsm, FLEET_NAMES.events)) {
      if (!c.name.startsWith(consumerPrefix(k))) continue;
      old.push(c.name);
      floor = Math.max(floor, c.ack_floor.stream_seq);
    }
    const ck = await this.ctx.checkpoints.get(leaseKey(k));
    if (ck !== null && ck.operation === 'PUT') floor = Math.max(floor, ck.json<{ floor: number }>().floor);
    const start = await this.restore(floor);
    this.mutedThrough = floor;
    this.lastApplied = start;
    this.consumerName = `${consumerPrefix(k)}${this.epoch}`;
    await jsm.consumers.add(FLEET_NAMES.events, {
      durable_name: this.consumerName,
      filter_subject: partitionFilter(k),
      ack_policy: AckPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: 1000,
      // A consumer left by a worker that died and was never replaced goes away by itself; the
      // checkpoint keeps its floor.
      inactive_threshold: nanos(600_000),
      ...(start > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
    for (const name of old)
      if (name !== this.consumerName) await jsm.consumers.delete(FLEET_NAMES.events, name).catch(() => false);
    this.ctx.log(
      `partition ${k}: epoch ${this.epoch}, restored through seq ${start}, replaying muted through ${floor}`,
    );
    const consumer = await js.consumers.get(FLEET_NAMES.events, this.consumerName);
    const iter = await consumer.consume({ max_messages: this.ctx.maxBatch * 4 });
    this.iter = iter;
    if (this.stopping) void iter.close();
    this.endedBy = await this.q.drain(iter, {
      apply: (m) => {
        if (m.seq <= this.lastApplied) return; // applied by a restored snapshot
        this.apply(m, this.q.pubs);
        this.lastApplied = m.seq;
      },
      full: () => this.q.uncommitted >= COMMIT_FRAMES || this.q.pubs.length > 256,
      everyMs: COMMIT_MS,
      stopping: () => this.stopping,
    });
  }

  /** Stops at once without committing more (the lease is gone). */
  abort(): void {
    this.failed = true;
    void this.iter?.close();
  }

  /** Loads the snapshot when this engine can restore one; returns the stream sequence it covers. */
  private async restore(floor: number): Promise<number> {
    const probe = new HostState('probe', this.ctx.ruleset, this.ctx.engineOptions);
    if (!hasEngineState(probe.engine)) return 0;
    const blob = await this.ctx.snapshots.getBlob(leaseKey(this.partition)).catch(() => null);
    if (blob === null) return 0;
    const snap = JSON.parse(Buffer.from(blob).toString('utf8')) as Snapshot;
    // A snapshot past the floor would hold state whose alerts may not be stored: never the case for
    // ours (taken after a commit), but a stale floor must not make us skip frames.
    if (snap.version !== 1 || snap.seq > floor) return 0;
    for (const [host, h] of Object.entries(snap.hosts)) {
      const s = this.host(host);
      (s.engine as unknown as { restore(x: unknown): void }).restore(h.engine);
      s.mark = h.mark;
    }
    return snap.seq;
  }

  private host(host: string): HostState {
    let s = this.hosts.get(host);
    if (s === undefined) this.hosts.set(host, (s = new HostState(host, this.ctx.ruleset, this.ctx.engineOptions)));
    return s;
  }

  private apply(m: JsMsg, pubs: Promise<PubAck | void>[]): void {
    const where = `${FLEET_NAMES.events} seq ${m.seq}`;
    const parsed = parsePartitionSubject(m.subject);
    if (parsed === undefined) return;
    const h = this.host(parsed[1]);
    const muted = m.seq <= this.mutedThrough;
    if (muted) this.ctx.counters.replayed++;
    let frame: Frame;
    try {
      frame = decodeFrame(m.data, m.headers, where);
    } catch (err) {
      if (!muted)
        pubs.push(
          this.publishDiag(h.host, m.seq, 0, {
            code: 'NJ_FLEET_FRAME',
            severity: 'error',
            message: (err as Error).message,
          }),
        );
      return;
    }
    this.ctx.counters.frames++;
    const alerts: Alert[] = [];
    if (frame.kind === 'events') {
      if (h.isDuplicate(frame.session, frame.last)) return;
      for (const line of frame.lines) {
        const ev = h.decoder.decode(line, ++h.lines, 0);
        if (!('msg' in ev)) continue;
        this.ctx.counters.events++;
        const out = h.engine.push(ev);
        for (let i = 0; i < out.length; i++) alerts.push(out[i]!);
        // Inputs of fleet-scoped correlations, for the second stage; a muted replay published them already.
        const signals = h.engine.drainSignals();
        if (!muted) for (const sig of signals) pubs.push(this.publishSignal(sig));
      }
      h.advance(frame.session, frame.last);
    } else if (frame.kind === 'backfill') {
      h.engine.lineageOf(h.host)?.backfill(frame.lines.map((l) => JSON.parse(l) as EsProcess));
    }
    const diags = h.engine.drainDiagnostics();
    if (frame.kind === 'drop') diags.push(transportGap(h.host, frame));
    if (muted) return;
    for (const a of alerts) pubs.push(this.publishAlert(h.host, a));
    diags.forEach((d, i) => pubs.push(this.publishDiag(h.host, m.seq, i, d)));
  }

  private async publishAlert(host: string, a: Alert): Promise<PubAck> {
    const id = alertId(a, host);
    const ack = await this.ctx.js.publish(alertSubject(host, a.rule.id), JSON.stringify({ ...a, host, id }), {
      msgID: id,
    });
    this.ctx.counters.alerts++;
    if (ack.duplicate) {
      // Re-sent after a fail-over (its frame was not acked): the stream already held it.
      this.ctx.counters.duplicateAlerts++;
      this.ctx.log(`partition ${this.partition}: alert ${id} was already stored (duplicate dropped by the stream)`);
    }
    await this.ctx.afterAlertStored?.(this.partition);
    return ack;
  }

  /**
   * A fleet-scoped correlation's input, for the second stage. Its id is built from the input itself,
   * so a frame re-applied after a fail-over publishes the same ids and the stream drops the copies.
   */
  private publishSignal(sig: FleetSignal): Promise<PubAck> {
    return this.ctx.js.publish(SIGNAL_SUBJECT, JSON.stringify(sig), { msgID: signalId(sig) });
  }

  /** Diagnostics' ids: host, frame sequence and position, so a re-run of the frame is a duplicate. */
  private publishDiag(host: string, seq: number, i: number, d: Diagnostic): Promise<PubAck> {
    return this.ctx.js.publish(diagSubject(host), JSON.stringify({ ...d, host }), {
      msgID: `${host}:${d.code}:${seq}:${i}`,
    });
  }

  private async snapshot(seq: number): Promise<void> {
    this.lastSnapshot = Date.now();
    const hosts: Snapshot['hosts'] = {};
    for (const [name, h] of this.hosts) {
      if (!hasEngineState(h.engine)) return;
      hosts[name] = { engine: h.engine.snapshot(), mark: h.mark };
    }
    const snap: Snapshot = { version: 1, partition: this.partition, seq, hosts };
    await this.ctx.snapshots.putBlob({ name: leaseKey(this.partition) }, Buffer.from(JSON.stringify(snap)));
  }
}

/** A `drop` frame: the agent lost lines before they reached the stream. */
function transportGap(host: string, f: Frame): Diagnostic {
  const range = f.first >= 0 ? ` (global_seq_num ${f.first}–${f.last})` : '';
  return {
    code: 'NJ_GAP',
    severity: 'warning',
    message: `${host}: ${f.count} messages${range} lost by the agent before reaching the fleet`,
    source: host,
    host,
    data: { scope: 'global', cause: 'transport', missing: f.count, first: f.first, last: f.last },
  };
}
