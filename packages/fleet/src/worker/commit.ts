/**
 * The commit discipline a partition runner and the stage-2 runner share: what was applied since the
 * last commit (its alerts' and diagnostics' publishes, and the last message) is stored, then the
 * last message is acked (AckAll), then the owner persists its state (checkpoint, snapshot). Commits
 * are serialised; a failed one gives the lease up, so the unacked messages come back to the next
 * owner.
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { JsMsg, PubAck } from '@nats-io/jetstream';

/** How a runner applies its messages (see CommitQueue.drain). */
export interface DrainSteps {
  /** Applies one message (its publishes go into the queue's `pubs`). */
  apply(m: JsMsg): void;
  /** After a message: true to commit now (enough applied). */
  full(): boolean;
  /** Commits on a clock as well, so a quiet stream's last messages are acked too. */
  everyMs: number;
  /** True once the runner was asked to stop: reading ends, and what is left is committed. */
  stopping(): boolean;
}

export interface CommitOwner {
  /** Log prefix: `partition 3`, `stage 2`. */
  readonly label: string;
  /** What is not acked when a publish fails: `frames`, `signals`. */
  readonly units: string;
  log(message: string): void;
  /** Gives the lease up: stops without committing more. */
  abort(): void;
  /** True once abort() ran. */
  failed(): boolean;
  /** The lease's end (ms since the epoch): no ack after it, a newer owner may hold it. */
  deadline(): number;
  /** After the ack: checkpoint or snapshot the state through `last`. */
  persist(last: JsMsg): Promise<void>;
}

export class CommitQueue {
  /** Applied but not yet committed: the last message, and the publishes of what it and the ones before it raised. */
  last: JsMsg | undefined;
  pubs: Promise<PubAck | void>[] = [];
  /** Messages applied since the last commit. */
  uncommitted = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly owner: CommitOwner) {}

  /**
   * Reads `iter` to its end, or until the runner stops, gives the lease up (abort) or outlives it,
   * applying and committing as it goes; on a clean stop commits what is left. Waits for the commits
   * in progress, then says how it ended: `stopped` (everything committed) or `lost`.
   */
  async drain(iter: AsyncIterable<JsMsg> & { close(): unknown }, steps: DrainSteps): Promise<'stopped' | 'lost'> {
    const { owner } = this;
    const timer = setInterval(() => void this.commit(), steps.everyMs);
    let slice = performance.now();
    try {
      for await (const m of iter) {
        if (steps.stopping() || owner.failed() || Date.now() >= owner.deadline()) break;
        steps.apply(m);
        this.last = m;
        this.uncommitted++;
        if (steps.full()) await this.commit();
        // Buffered messages arrive as microtasks: yield now and then so timers (lease renewals,
        // commits) and other consumers' I/O run.
        if (performance.now() - slice > 20) {
          await yieldNow();
          slice = performance.now();
        }
      }
    } finally {
      clearInterval(timer);
      void iter.close();
    }
    // After abort() a commit does nothing: what is left goes back to the next owner.
    if (steps.stopping()) await this.commit();
    await this.chain;
    return steps.stopping() && !owner.failed() ? 'stopped' : 'lost';
  }

  /** Commits what was applied so far, after any commit in progress. Never rejects. */
  commit(): Promise<void> {
    // Left rejected, the chain would skip every later commit (nothing acked again) or, from a
    // timer, end the process as an unhandled rejection.
    this.chain = this.chain
      .then(() => this.commitNow())
      .catch((err: unknown) => {
        this.owner.log(
          `${this.owner.label}: commit failed (${err instanceof Error ? err.message : String(err)}): giving it up`,
        );
        this.owner.abort();
      });
    return this.chain;
  }

  /** Resolves when the commits started so far are done. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async commitNow(): Promise<void> {
    const { owner, last, pubs } = this;
    if (last === undefined || owner.failed()) return;
    this.last = undefined;
    this.pubs = [];
    this.uncommitted = 0;
    try {
      await Promise.all(pubs);
    } catch (err) {
      // Not stored: do not ack. The messages come back to the next owner (this one lets the lease go).
      owner.log(`${owner.label}: alert publish failed, ${owner.units} not acked: ${String(err)}`);
      owner.abort();
      return;
    }
    if (Date.now() >= owner.deadline()) {
      owner.abort();
      return;
    }
    try {
      await last.ackAck();
    } catch (err) {
      // Our consumer was deleted: a newer owner took the lease.
      owner.log(`${owner.label}: ack refused (${String(err)}): fenced`);
      owner.abort();
      return;
    }
    await owner.persist(last);
  }
}
