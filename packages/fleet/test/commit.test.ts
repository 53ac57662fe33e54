import type { JsMsg, PubAck } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { CommitQueue, type CommitOwner } from '../src/worker/commit.js';

/** An owner that records what happened, in order; `deadline` and the message's ack can be set to fail. */
function owner(
  opts: { deadline?: number; persistFails?: boolean } = {},
): CommitOwner & { steps: string[]; aborted: boolean } {
  const o = {
    steps: [] as string[],
    aborted: false,
    label: 'partition 7',
    units: 'frames',
    log: (m: string) => o.steps.push(`log ${m}`),
    abort: () => {
      o.aborted = true;
      o.steps.push('abort');
    },
    failed: () => o.aborted,
    deadline: () => opts.deadline ?? Date.now() + 60_000,
    persist: async (last: JsMsg) => {
      o.steps.push(`persist ${last.seq}`);
      if (opts.persistFails) throw new Error('kv timeout');
    },
  };
  return o;
}

function message(seq: number, steps: string[], ackFails = false): JsMsg {
  return {
    seq,
    ackAck: async () => {
      steps.push(`ack ${seq}`);
      if (ackFails) throw new Error('consumer deleted');
      return true;
    },
  } as unknown as JsMsg;
}

function publish(steps: string[], name: string, fails = false, ms = 5): Promise<PubAck> {
  return new Promise((resolve, reject) =>
    setTimeout(() => {
      steps.push(`stored ${name}`);
      if (fails) reject(new Error('no responders'));
      else resolve({ seq: 1, duplicate: false } as PubAck);
    }, ms),
  );
}

describe('CommitQueue: store, then ack, then persist', () => {
  it('acks the last message only after every publish is stored, then persists through it; then starts afresh', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    q.pubs.push(publish(o.steps, 'a'), publish(o.steps, 'b'));
    q.last = message(41, o.steps);
    q.uncommitted = 2;
    await q.commit();
    expect(o.steps).toEqual(['stored a', 'stored b', 'ack 41', 'persist 41']);
    expect([q.last, q.pubs.length, q.uncommitted]).toEqual([undefined, 0, 0]);
    await q.commit(); // nothing applied since: nothing to do
    expect(o.steps).toHaveLength(4);
  });

  it('a publish that fails is not acked: the lease is given up and the messages come back to the next owner', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    q.pubs.push(publish(o.steps, 'a', true));
    q.last = message(5, o.steps);
    await q.commit();
    expect(o.steps).toEqual([
      'stored a',
      'log partition 7: alert publish failed, frames not acked: Error: no responders',
      'abort',
    ]);
  });

  it('past the lease deadline it does not ack (a newer owner may hold the partition)', async () => {
    const o = owner({ deadline: Date.now() - 1 });
    const q = new CommitQueue(o);
    q.last = message(9, o.steps);
    await q.commit();
    expect(o.steps).toEqual(['abort']);
  });

  it('an ack refused means fenced: no persist', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    q.last = message(3, o.steps, true);
    await q.commit();
    expect(o.steps).toEqual(['ack 3', 'log partition 7: ack refused (Error: consumer deleted): fenced', 'abort']);
  });

  it('a failing persist never rejects the chain: logged, lease given up, later commits do nothing', async () => {
    const o = owner({ persistFails: true });
    const q = new CommitQueue(o);
    q.last = message(12, o.steps);
    await expect(q.commit()).resolves.toBeUndefined();
    expect(o.steps).toEqual([
      'ack 12',
      'persist 12',
      'log partition 7: commit failed (kv timeout): giving it up',
      'abort',
    ]);
    q.last = message(13, o.steps);
    await q.commit();
    await q.settled();
    expect(o.steps).toHaveLength(4);
  });

  it('commits are serialised: one started while another is in progress waits for it', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    q.pubs.push(publish(o.steps, 'a', false, 30)); // stored after b: only the queue keeps 1 before 2
    q.last = message(1, o.steps);
    const first = q.commit();
    await new Promise((r) => setImmediate(r)); // the first has taken message 1 and waits for its publish
    expect(q.last).toBeUndefined();
    q.pubs.push(publish(o.steps, 'b'));
    q.last = message(2, o.steps);
    const second = q.commit();
    await Promise.all([first, second]);
    expect(o.steps.filter((s) => !s.startsWith('stored'))).toEqual(['ack 1', 'persist 1', 'ack 2', 'persist 2']);
  });
});

/** An iterator over `n` messages (seq 1…n) that records close(). */
function messages(n: number, steps: string[]): AsyncIterable<JsMsg> & { close(): void; closed: boolean } {
  const it = {
    closed: false,
    close() {
      it.closed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (let seq = 1; seq <= n; seq++) yield message(seq, steps);
    },
  };
  return it;
}

describe('CommitQueue.drain: apply, commit as it goes, commit the rest on a clean stop', () => {
  it('commits whenever full() says so, and on stop what is left; ends "stopped"', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    const iter = messages(5, o.steps);
    let stopping = false;
    const ended = await q.drain(iter, {
      apply: (m) => {
        o.steps.push(`apply ${m.seq}`);
        if (m.seq === 5) stopping = true; // stop() after the fifth: the iterator ends there
      },
      full: () => q.uncommitted >= 2,
      everyMs: 60_000,
      stopping: () => stopping,
    });
    expect(o.steps).toEqual([
      'apply 1',
      'apply 2',
      'ack 2',
      'persist 2',
      'apply 3',
      'apply 4',
      'ack 4',
      'persist 4',
      'apply 5',
      'ack 5',
      'persist 5',
    ]);
    expect(ended).toBe('stopped');
    expect(iter.closed).toBe(true);
  });

  it('after abort() it reads no further and commits nothing more; ends "lost"', async () => {
    const o = owner();
    const q = new CommitQueue(o);
    const iter = messages(5, o.steps);
    let applied = 0;
    const ended = await q.drain(iter, {
      apply: () => {
        if (++applied === 3) o.abort(); // the lease was lost while the third was applied
      },
      full: () => false,
      everyMs: 60_000,
      stopping: () => false,
    });
    expect(applied).toBe(3);
    expect(o.steps).toEqual(['abort']);
    expect(q.uncommitted).toBe(3);
    expect(ended).toBe('lost');
    expect(iter.closed).toBe(true);
  });

  it('past the lease deadline it reads no further', async () => {
    const o = owner({ deadline: Date.now() - 1 });
    const q = new CommitQueue(o);
    let applied = 0;
    const ended = await q.drain(messages(5, o.steps), {
      apply: () => void applied++,
      full: () => false,
      everyMs: 60_000,
      stopping: () => false,
    });
    expect([applied, ended]).toEqual([0, 'lost']);
  });
});
