import { describe, expect, it } from 'vitest';
import { loadTestingAddon, testingAddonAvailable } from './testing-addon.js';

// The batch hand-off (native/src/common/batch_handoff.cc, the one every backend ships) when the JS
// thread is behind: batches beyond the queue are dropped without blocking the producer, their
// messages released, and the loss counted where the es source reads it (counters().queueDrops).
interface Fake {
  start(): void;
  deliver(events: Array<{ type: number; pid: number; exe: string }>): void;
  drain(): void;
  counters(): Array<{ messages: number; queueDrops: number }>;
  handoff(): { batches: number; droppedBatches: number; droppedMessages: number; pending: number };
  outstanding(): number;
  stop(): void;
}

const built = testingAddonAvailable();

describe.skipIf(!built)(`batch hand-off${built ? '' : ' (skipped: test addon not built)'}`, () => {
  it('drops and counts the batches the JS thread has no room for, and delivers the rest', async () => {
    const Ctor = loadTestingAddon().EsFakeBackend as unknown as new (c: unknown, cb: (m: unknown[]) => void) => Fake;
    const got: unknown[] = [];
    const fake = new Ctor({ clients: [{ events: [9] }], selfPid: 1, batchMax: 8, maxQueuedBatches: 1 }, (msgs) =>
      got.push(...msgs),
    );
    fake.start();
    const total = 80;
    fake.deliver(Array.from({ length: total }, (_, i) => ({ type: 9, pid: 100 + i, exe: '/bin/zsh' })));
    fake.drain();
    // Keep the JS thread busy until the flusher has offered every message: none can be delivered
    // meanwhile, so at most one batch (the queue's size) is waiting and the rest were dropped.
    // A batch being offered counts as pending until the queue refuses it (the producer counts it
    // first, so the JS thread can never see pending go below zero): wait for the settled state, one
    // batch of 8 pending, not a moment when a refused batch is still counted.
    const settled = (x: ReturnType<Fake['handoff']>): boolean =>
      x.droppedMessages + x.pending === total && x.pending <= 8;
    let h = fake.handoff();
    for (let i = 0; i < 50_000_000 && !settled(h); i++) h = fake.handoff();
    expect(h.droppedMessages + h.pending).toBe(total);
    expect(h.batches).toBe(0);
    expect(h.droppedBatches).toBeGreaterThan(0);
    expect(h.pending).toBeGreaterThan(0);
    for (let i = 0; i < 250 && got.length < h.pending; i++) await new Promise((r) => setTimeout(r, 20));
    fake.stop();
    const after = fake.handoff();
    expect(got.length).toBe(total - after.droppedMessages);
    expect(after.pending).toBe(0);
    expect(after.droppedMessages).toBe(h.droppedMessages);
    const [c] = fake.counters();
    expect(c?.messages).toBe(total);
    expect(c?.queueDrops).toBe(after.droppedMessages);
    expect(fake.outstanding()).toBe(0);
  });
});
