/**
 * The commit discipline a partition runner and the stage-2 runner share: what was applied since the
 * last commit (its alerts' and diagnostics' publishes, and the last message) is stored, then the
 * last message is acked (AckAll), then the owner persists its state (checkpoint, snapshot). Commits
 * are serialised; a failed one gives the lease up, so the unacked messages come back to the next
 * owner.
 */
import type { JsMsg, PubAck } from '@nats-io/jetstream';

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
