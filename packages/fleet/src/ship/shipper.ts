/**
 * The agent side (`nightjar ship`): eslogger lines in, deflated frames out to `es.in.<host>`.
 * A frame closes at 64 lines or 50 ms. Up to `window` frames are in flight; past that, push()
 * waits, which slows the reader (back-pressure up to eslogger). A frame the server refuses goes
 * to the on-disk spool and is retried with the same message id; when the spool is full the frame
 * is lost and counted, and a `drop` frame tells the workers, which report a transport gap.
 */
import { randomBytes } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { type EsProcess, eventTypeByName, scanHeader } from '@nightjar/core';
import { encodeFrame, type Frame, frameMsgId } from '../frame.js';
import { checkHostId, inSubject } from '../names.js';
import { Spool } from './spool.js';

export interface ShipperOptions {
  host: string;
  /** Agent session id (default: a random nonce): a new session starts a new sequence space. */
  session?: string;
  /** Keep only these ES event names (null: every line). Lineage needs fork, exec and exit. */
  eventTypes?: Iterable<string> | null;
  maxLines?: number;
  maxDelayMs?: number;
  /** Frames awaiting their PubAck at most. Default 16. */
  window?: number;
  /** Spool folder; without one, a refused frame is lost at once (and reported as a drop). */
  spoolDir?: string;
  spoolMaxBytes?: number;
  /** How long one publish may wait for its PubAck before the frame is spooled. Default 5 s. */
  publishTimeoutMs?: number;
}

export interface ShipperStats {
  lines: number;
  filtered: number;
  frames: number;
  /** PubAcks that said duplicate: a re-send the stream had already stored. */
  duplicates: number;
  spooled: number;
  /** Lines lost by the agent (spool full), sent on as drop frames. */
  dropped: number;
}

interface Pending {
  msgId: string;
  headers: Record<string, string>;
  data: Uint8Array;
  first: number;
  last: number;
  lines: number;
  /** A drop frame: the lost lines it reports (put back into `lost` if it cannot be sent either). */
  reports: number;
}

export class Shipper {
  readonly session: string;
  private readonly js: JetStreamClient;
  private readonly subject: string;
  private readonly wanted: Set<number> | null;
  private readonly maxLines: number;
  private readonly maxDelayMs: number;
  private readonly window: number;
  private readonly timeout: number;
  private readonly spool: Spool | undefined;
  private lines: string[] = [];
  private first = -1;
  private last = -1;
  private timer: NodeJS.Timeout | undefined;
  private ordinal = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private draining: Promise<void> | undefined;
  /** Lost lines not yet reported, and their sequence range. */
  private lost = { count: 0, first: -1, last: -1 };
  private readonly s: ShipperStats = { lines: 0, filtered: 0, frames: 0, duplicates: 0, spooled: 0, dropped: 0 };

  constructor(nc: NatsConnection, opts: ShipperOptions) {
    this.subject = inSubject(checkHostId(opts.host));
    this.session = opts.session ?? randomBytes(6).toString('hex');
    this.js = jetstream(nc);
    this.wanted =
      opts.eventTypes == null
        ? null
        : new Set([...opts.eventTypes].map((n) => eventTypeByName(n)?.type).filter((t) => t !== undefined));
    this.maxLines = opts.maxLines ?? 64;
    this.maxDelayMs = opts.maxDelayMs ?? 50;
    this.window = Math.max(1, opts.window ?? 16);
    this.timeout = opts.publishTimeoutMs ?? 5000;
    this.spool = opts.spoolDir !== undefined ? new Spool(opts.spoolDir, opts.spoolMaxBytes ?? 64 << 20) : undefined;
  }

  stats(): ShipperStats {
    return { ...this.s };
  }

  /** One eslogger line. Resolves at once unless the in-flight window is full. */
  async push(line: string): Promise<void> {
    if (line.length === 0) return;
    this.s.lines++;
    const h = scanHeader(line, undefined, 'balance');
    if (this.wanted !== null && h?.eventType !== undefined && !this.wanted.has(h.eventType)) {
      this.s.filtered++;
      return;
    }
    const g = h?.globalSeq ?? h?.globSeq ?? -1;
    if (this.lines.length === 0) {
      this.first = g;
      this.timer = setTimeout(() => void this.cut(), this.maxDelayMs);
    }
    if (g >= 0) this.last = g;
    this.lines.push(line);
    if (this.lines.length >= this.maxLines) await this.cut();
  }

  /** Lines the caller itself lost before push (a full queue, a dead reader): reported as a drop. */
  noteLost(count: number, first = -1, last = -1): void {
    this.addLost(count, first, last);
  }

  /** A process-table frame (the lineage backfill), in order with the events. */
  async backfill(processes: readonly EsProcess[]): Promise<void> {
    await this.cut();
    await this.send({
      kind: 'backfill',
      session: this.session,
      first: -1,
      last: -1,
      lines: processes.map((p) => JSON.stringify(p)),
      count: 0,
    });
  }

  /** Sends the open frame and waits until every frame is acked or spooled, and the spool retried once. */
  async flush(): Promise<void> {
    await this.cut();
    await Promise.all(this.inFlight);
    await this.retrySpool();
    await this.sendLost();
  }

  private addLost(count: number, first: number, last: number): void {
    this.s.dropped += count;
    if (this.lost.count === 0) this.lost.first = first;
    this.lost.count += count;
    if (last >= 0) this.lost.last = last;
  }

  private async cut(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const f: Frame = {
      kind: 'events',
      session: this.session,
      first: this.first,
      last: this.last,
      lines: this.lines,
      count: 0,
    };
    this.lines = [];
    this.first = this.last = -1;
    await this.sendLost();
    await this.send(f);
  }

  private async sendLost(): Promise<void> {
    if (this.lost.count === 0) return;
    const l = this.lost;
    this.lost = { count: 0, first: -1, last: -1 };
    await this.send({ kind: 'drop', session: this.session, first: l.first, last: l.last, lines: [], count: l.count });
  }

  private async send(f: Frame): Promise<void> {
    const { data, headers } = encodeFrame(f);
    const h: Record<string, string> = {};
    for (const k of headers.keys()) h[k] = headers.get(k);
    const p: Pending = {
      msgId: frameMsgId(this.subject.slice(6), f, this.ordinal++),
      headers: h,
      data,
      first: f.first,
      last: f.last,
      lines: f.kind === 'events' ? f.lines.length : 0,
      reports: f.kind === 'drop' ? f.count : 0,
    };
    this.s.frames++;
    // Order: while frames wait in the spool, new ones queue behind them.
    if (this.spool !== undefined && this.spool.size > 0) {
      this.toSpool(p);
      void this.retrySpool();
      return;
    }
    while (this.inFlight.size >= this.window) await Promise.race(this.inFlight);
    const done: Promise<void> = this.publish(p).then(
      () => undefined,
      () => this.toSpool(p),
    );
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async publish(p: Pick<Pending, 'msgId' | 'headers' | 'data'>): Promise<PubAck> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(p.headers)) h.set(k, v);
    const ack = await this.js.publish(this.subject, p.data, { msgID: p.msgId, headers: h, timeout: this.timeout });
    if (ack.duplicate) this.s.duplicates++;
    return ack;
  }

  private toSpool(p: Pending): void {
    if (this.spool?.add(p) === true) {
      this.s.spooled++;
      // Retried on a timer too, so a quiet source does not leave frames waiting for the next line.
      setTimeout(() => void this.retrySpool(), 1000).unref();
      return;
    }
    if (p.lines > 0) this.addLost(p.lines, p.first, p.last);
    else if (p.reports > 0) {
      // The drop report itself could not go: keep it for the next frame, counted once.
      this.lost = {
        count: this.lost.count + p.reports,
        first: this.lost.count === 0 ? p.first : this.lost.first,
        last: Math.max(this.lost.last, p.last),
      };
    }
  }

  /** Re-sends spooled frames oldest first; stops at the first refusal (the next call tries again). */
  private retrySpool(): Promise<void> {
    if (this.spool === undefined || this.spool.size === 0) return Promise.resolve();
    this.draining ??= (async () => {
      try {
        for (let f = this.spool!.peek(); f !== undefined; f = this.spool!.peek()) {
          await this.publish(f);
          this.spool!.shift();
        }
      } catch {
        // the server still refuses: the frames stay spooled for the next attempt
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Frames in the spool (waiting for the server). */
  get spooled(): number {
    return this.spool?.size ?? 0;
  }
}
