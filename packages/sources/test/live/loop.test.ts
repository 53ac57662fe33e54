import { describe, expect, it } from 'vitest';
import { createDecoder, DecodeError, type NightjarEvent } from '@nightjar/core';
import { LiveLoop, SOURCE_ERROR_CODES, SourceStartError, type BackendLosses, type EventBatch } from '@nightjar/sources';
import { esLine, resetSeq } from '../helpers/messages.js';

/** A backend double: the test pushes lines and sets its loss counters; it records stop(). */
function fakeBackend(opts: { batchSize?: number; queueCapacity?: number; queueBytes?: number } = {}) {
  resetSeq();
  const losses: BackendLosses = {};
  let stops = 0;
  const loop = new LiveLoop({
    kind: 'fake',
    source: 'fake',
    batchSize: opts.batchSize,
    queueCapacity: opts.queueCapacity,
    queueBytes: opts.queueBytes,
    losses: () => ({ ...losses }),
    pollMs: 5,
    stopBackend: () => {
      stops++;
    },
  });
  const decoder = createDecoder({ eventTypes: null, source: 'fake' });
  let line = 0;
  const deliver = (text: string) => loop.push(decoder.decode(text, ++line, 0), text.length + 1);
  return { loop, source: loop.source({ backfill: () => [] }), losses, deliver, stops: () => stops };
}

describe('LiveLoop (the loop every live backend plugs into)', () => {
  it('hands out pushed events and decode errors in order, in batches of batchSize, and counts them', async () => {
    const f = fakeBackend({ batchSize: 2 });
    f.deliver(esLine('exec', { pid: 1 }));
    f.deliver('{not json');
    f.deliver(esLine('fork', { pid: 2 }));
    f.loop.end();
    const batches: EventBatch[] = [];
    for await (const b of f.source) batches.push(b);
    expect(batches.map((b) => [b.events.map((e) => e.pid), b.errors.map((e) => e.line)])).toEqual([
      [[1], [2]],
      [[2], []],
    ]);
    expect(f.source.stats()).toMatchObject({ events: 2, malformed: 1, batches: 2, drops: 0 });
    expect(f.source.kind).toBe('fake');
  });

  it('break out of for await stops the backend', async () => {
    const f = fakeBackend();
    f.deliver(esLine('exec'));
    for await (const b of f.source) {
      expect(b.events).toHaveLength(1);
      break;
    }
    expect(f.stops()).toBe(1);
    await f.source.stop();
    expect(f.stops()).toBe(1);
  });

  it('stop() while the consumer waits ends the iteration without an error', async () => {
    const f = fakeBackend();
    const seen: NightjarEvent[] = [];
    const done = (async () => {
      for await (const b of f.source) seen.push(...b.events);
    })();
    f.deliver(esLine('exec'));
    await new Promise((r) => setImmediate(r));
    await f.source.stop();
    await done;
    expect(seen).toHaveLength(1);
    expect(f.stops()).toBe(1);
  });

  it('a backend error surfaces to the consumer after the events queued before it, and stops the backend', async () => {
    const f = fakeBackend();
    f.deliver(esLine('exec'));
    const err = new SourceStartError(SOURCE_ERROR_CODES.notRoot, 'fake', 'fake: needs root');
    f.loop.fail(err);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const b of f.source) seen.push(b.events.length);
      })(),
    ).rejects.toBe(err);
    expect(seen).toEqual([1]);
    expect(f.source.failures()).toEqual([err]);
    expect(f.source.diagnostics().map((d) => d.code)).toContain(SOURCE_ERROR_CODES.notRoot);
    expect(f.stops()).toBe(1);
  });

  it('a backend whose thread died (losses().error) ends the iteration with a typed error instead of hanging', async () => {
    const f = fakeBackend();
    const done = (async () => {
      for await (const _ of f.source) {
        /* nothing arrives */
      }
    })();
    f.losses.error = 'internal error: netlink socket closed';
    const e = await done.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SourceStartError);
    expect((e as SourceStartError).code).toBe(SOURCE_ERROR_CODES.failed);
    expect((e as Error).message).toMatch(/the backend stopped: internal error: netlink socket closed/);
    expect(f.stops()).toBe(1);
  });

  it('reports queue drops, the backend’s own drops and kernel overflows once each, polled while idle', async () => {
    const f = fakeBackend({ queueCapacity: 2 });
    for (let i = 0; i < 5; i++) f.deliver(esLine('exec', { pid: i }));
    f.losses.drops = 4;
    f.losses.kernelOverflows = 1;
    const batches: EventBatch[] = [];
    const done = (async () => {
      for await (const b of f.source) {
        batches.push(b);
        if (
          batches
            .flatMap((x) => x.diagnostics ?? [])
            .some((d) => d.code === 'NJ_SOURCE_KERNEL_OVERFLOW' && (d.data as { overflows: number }).overflows === 2)
        )
          break;
      }
    })();
    // Nothing more is pushed: only the idle poll can see the second overflow.
    await new Promise((r) => setImmediate(r));
    f.losses.kernelOverflows = 2;
    await done;
    const diags = batches.flatMap((b) => b.diagnostics ?? []);
    const drops = diags.filter((d) => d.code === 'NJ_SOURCE_QUEUE_DROPS');
    expect(drops).toHaveLength(1);
    expect(drops[0]?.data).toMatchObject({ dropped: 7, total: 7, backend: 4, queue: 3 });
    expect(
      diags
        .filter((d) => d.code === 'NJ_SOURCE_KERNEL_OVERFLOW')
        .map((d) => (d.data as { overflows: number }).overflows),
    ).toEqual([1, 2]);
    expect(batches.flatMap((b) => b.events).map((e) => e.pid)).toEqual([0, 1]);
    expect(f.source.stats().drops).toBe(7);
  });

  it('bounds the queue in bytes of lines too: a burst of large events is dropped and counted like a full queue, and the bytes are released when taken', async () => {
    // Same-length lines: pids and sequence numbers of one digit.
    const big = (pid: number) => esLine('exec', { pid, path: `/${'x'.repeat(10_000)}`, seq: 1, gseq: 1 });
    const size = big(1).length + 1;
    // Room for 3 large events by bytes, 1,000 by items.
    const f = fakeBackend({ queueCapacity: 1000, queueBytes: size * 3 + 10 });
    for (let i = 0; i < 5; i++) f.deliver(big(i));
    f.deliver(esLine('fork', { pid: 9 })); // small, but more than the 10 bytes left: dropped too
    expect(f.source.stats()).toMatchObject({ events: 6, queueDepth: 3, queueBytes: size * 3 });
    const it = f.source[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.events.map((e: NightjarEvent) => e.pid)).toEqual([0, 1, 2]);
    const drops = (first.value?.diagnostics ?? []).filter((d: { code: string }) => d.code === 'NJ_SOURCE_QUEUE_DROPS');
    expect(drops).toHaveLength(1);
    expect(drops[0]?.data).toMatchObject({ dropped: 3, queue: 3, queueBytesFull: 3, capacityBytes: size * 3 + 10 });
    expect(drops[0]?.message).toMatch(/queue of 1000 events or 0\.\d MiB of lines/);
    expect(f.source.stats()).toMatchObject({ drops: 3, queueDepth: 0, queueBytes: 0 });
    // Taken: the room is back.
    for (let i = 5; i < 8; i++) f.deliver(big(i));
    f.loop.end();
    const rest: number[] = [];
    for (let r = await it.next(); r.done !== true; r = await it.next()) rest.push(...r.value.events.map((e) => e.pid));
    expect(rest).toEqual([5, 6, 7]);
    expect(f.source.stats().drops).toBe(3);
  });

  it('an event larger than the byte bound on its own is taken into an empty queue (never held back forever)', async () => {
    const f = fakeBackend({ queueBytes: 100 });
    f.deliver(esLine('exec', { pid: 7 }));
    f.deliver(esLine('exec', { pid: 8 }));
    f.loop.end();
    const pids: number[] = [];
    for await (const b of f.source) pids.push(...b.events.map((e) => e.pid));
    expect(pids).toEqual([7]);
    expect(f.source.stats().drops).toBe(1);
  });

  it('a source is iterated once', () => {
    const f = fakeBackend();
    f.source[Symbol.asyncIterator]();
    expect(() => f.source[Symbol.asyncIterator]()).toThrow(/iterated only once/);
  });

  it('decode errors keep their line number', async () => {
    const f = fakeBackend();
    f.deliver(esLine('exec'));
    f.deliver('{"event_type": 9');
    f.loop.end();
    const errs: DecodeError[] = [];
    for await (const b of f.source) errs.push(...b.errors);
    expect(errs.map((e) => e.line)).toEqual([2]);
  });
  it('a batch of JSON lines is queued as text and decoded when taken: numbered, counted, dropped whole when full', async () => {
    const f = fakeBackend({ queueCapacity: 5, batchSize: 100 });
    const decoder = createDecoder({ eventTypes: null, source: 'fake' });
    const decoded: number[] = [];
    const decode = (line: string, lineNo: number, index: number) => {
      decoded.push(index);
      return decoder.decode(line, lineNo, 0);
    };
    const batch = (pids: number[], tail = '\n') => pids.map((pid) => esLine('open', { pid })).join('\n') + tail;
    f.loop.pushLines(batch([1, 2]), decode);
    f.loop.pushLines(`{broken\n${esLine('open', { pid: 3 })}`, decode); // the last line without its newline
    expect(decoded, 'nothing is decoded before the consumer takes it').toEqual([]);
    expect(f.source.stats()).toMatchObject({ lines: 4, events: 0, queueDepth: 4 });
    // The capacity counts events, not batches: two more lines do not fit, and both are counted.
    f.loop.pushLines(batch([4, 5]), decode);
    f.loop.pushLines(batch([6]), decode);
    f.loop.end();
    const pids: number[] = [];
    const lines: number[] = [];
    for await (const b of f.source) {
      pids.push(...b.events.map((e) => e.pid));
      lines.push(...b.events.map((e) => e.line), ...b.errors.map((e) => e.line));
    }
    expect(pids).toEqual([1, 2, 3, 6]);
    expect(lines.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 7]);
    expect(decoded).toEqual([0, 1, 0, 1, 0]);
    expect(f.source.stats()).toMatchObject({ lines: 7, events: 4, malformed: 1, drops: 2 });
  });
  it('a batch of lines larger than batchSize is handed out over several batches, none larger than batchSize', async () => {
    const f = fakeBackend({ batchSize: 3 });
    const decoder = createDecoder({ eventTypes: null, source: 'fake' });
    const decode = (line: string, lineNo: number) => decoder.decode(line, lineNo, 0);
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => esLine('open', { pid: from + i }) + '\n').join('');
    f.loop.pushLines(lines(1, 7), decode);
    f.deliver(esLine('exec', { pid: 8 }));
    f.loop.pushLines(lines(9, 2), decode);
    expect(f.source.stats().queueDepth).toBe(10);
    f.loop.end();
    const sizes: number[] = [];
    const pids: number[] = [];
    for await (const b of f.source) {
      sizes.push(b.events.length + b.errors.length);
      pids.push(...b.events.map((e) => e.pid));
    }
    expect(sizes.every((n) => n <= 3)).toBe(true);
    expect(pids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(f.source.stats()).toMatchObject({ events: 10, lines: 9, queueDepth: 0 });
  });
});
