import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { GapTracker, type NightjarEvent } from '@nightjar/core';
import { openLinux, type EventSource } from '@nightjar/sources';
import { linuxLiveSkipReason, type Obj } from '../helpers/linux-live.js';

// Storm tests of the live Linux backend: the loss accounting must never report fewer events
// missing than were lost (and, where the test knows the real loss, not more than twice it), with
// and without a stalled JavaScript thread, and memory must stay bounded and come back.
// Budget: about 60 s in all on 2 cores (longer storms belong in `pnpm bench`).
const why = linuxLiveSkipReason();
const FILES = 15_000;
const PROCESSES = 200;
const MB = 1024 * 1024;

/** A full V8 collection (the test runner's workers start without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Distinct files (nothing for the kernel to merge), written by a child process (ours is muted). */
function writeFiles(dir: string, n: number): Promise<void> {
  const code = `const fs=require('fs');for(let i=0;i<${n};i++)fs.writeFileSync(${JSON.stringify(dir)}+'/f'+i,'x')`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  return new Promise((resolve, reject) =>
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`writer exited ${c}`)))),
  );
}

interface Run {
  seen: number;
  /** Missing as Nightjar reports it: global sequence gaps, or the source's own count when larger. */
  reported: number;
  peakRss: number;
}

/**
 * Drains `src` until `isDone()` and no event came for `quietMs`; counts `mine` events, feeds every
 * event to a gap tracker, samples RSS. `stallMs`: the consumer blocks the JS thread once, early.
 */
async function drain(
  src: EventSource,
  mine: (e: NightjarEvent) => boolean,
  isDone: () => boolean,
  stallMs = 0,
): Promise<Run> {
  const gaps = new GapTracker();
  let seen = 0;
  let peakRss = process.memoryUsage().rss;
  let last = Date.now();
  let stalled = stallMs === 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (isDone() && Date.now() - last > 1500) void src.stop();
  }, 50);
  try {
    for await (const b of src) {
      for (const e of b.events) {
        gaps.observe(e);
        if (mine(e)) {
          seen++;
          last = Date.now(); // the rest of the machine's activity does not keep the run going
        }
      }
      if (!stalled && seen > 0) {
        stalled = true;
        // Blocked until the producer is done (at most stallMs): everything it made waits natively.
        const until = Date.now() + stallMs;
        while (Date.now() < until && !isDone()) {
          /* the JS thread is busy: the native queue fills and drops */
        }
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  } finally {
    clearInterval(sampler);
  }
  const st = src.stats();
  const m = gaps.metrics();
  const gapMissing = m.global.gaps > 0 ? m.global.missing : m.missing;
  return { seen, reported: Math.max(gapMissing, st.drops + st.kernelLost), peakRss };
}

describe.skipIf(why !== '')(`linux backend storm (short: ~60 s)${why ? ` (skipped: ${why})` : ''}`, () => {
  // The pre-storm level is that of a process that has run the live path once under load (addon
  // loaded, decoder compiled and optimised, V8's young generation grown to its working size):
  // those one-time costs stay, and are not what a storm must give back. Measured here: a first
  // storm in a fresh worker adds ~25-30 MB that stays; storms after it return to the level before.
  // The warm-up is a storm of the same size as the measured ones: a smaller one (6,000 files) left
  // the first measured storm's level before at 88-100 MB, under the ~107 MB every storm returns to,
  // and a fresh-clone CI run failed on it by 0.2 %. Warmed at full size: 0.93-1.05x in six storms.
  beforeAll(async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nj-warm-')));
    const src = openLinux({ eventTypes: ['open', 'close'], paths: [dir] });
    let done = false;
    const writing = writeFiles(dir, FILES).then(() => (done = true));
    await drain(
      src,
      () => false,
      () => done,
    );
    await writing;
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** One file storm; returns nothing that holds its events, so what it allocated can be collected. */
  async function fileStorm(stallMs: number): Promise<{ before: number; beforeText: string }> {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nj-storm-')));
    collectGarbage();
    const before = process.memoryUsage().rss;
    const mb = process.memoryUsage();
    const beforeText = `before ${Math.round(before / MB)} MB (heap ${Math.round(mb.heapUsed / MB)}/${Math.round(mb.heapTotal / MB)})`;
    // Only this directory's files: the test then knows every event the backend should deliver.
    const src = openLinux({ eventTypes: ['open', 'close'], paths: [dir] });
    let done = false;
    try {
      await new Promise((r) => setTimeout(r, 200));
      const writing = writeFiles(dir, FILES).then(() => (done = true));
      const path = (e: NightjarEvent): string | undefined => {
        const p = (e.msg!.event as Obj)[e.name];
        return (p?.file ?? p?.target)?.path;
      };
      const run = await drain(
        src,
        (e) => path(e)?.startsWith(`${dir}/f`) === true,
        () => done,
        stallMs,
      );
      await writing;
      const generated = 2 * FILES; // one open and one close-write per file
      const real = generated - run.seen;
      expect(run.seen + run.reported, `seen ${run.seen}, reported ${run.reported}`).toBeGreaterThanOrEqual(generated);
      expect(run.reported, `real loss ${real}`).toBeLessThanOrEqual(2 * real);
      if (stallMs > 0) expect(real, 'the stall must overflow the 16 384-message native bound').toBeGreaterThan(0);
      // Documented bound at the default queue sizes.
      expect(run.peakRss - before, `peak ${Math.round(run.peakRss / MB)} MB, ${beforeText}`).toBeLessThan(300 * MB);
    } finally {
      await src.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return { before, beforeText };
  }

  for (const stallMs of [0, 20_000]) {
    it(`files${stallMs ? ', with the JS thread stalled while they are written' : ''}: seen + reported missing ≥ generated, reported ≤ 2× the real loss, RSS bounded`, async () => {
      const { before, beforeText } = await fileStorm(stallMs);
      // What the storm allocated is released: back within 20 % of the level before it.
      await new Promise((r) => setTimeout(r, 1000));
      collectGarbage();
      collectGarbage();
      const after = process.memoryUsage().rss;
      const mu = process.memoryUsage();
      const afterText = `after ${Math.round(after / MB)} MB (heap ${Math.round(mu.heapUsed / MB)}/${Math.round(mu.heapTotal / MB)})`;
      expect(after, `${afterText}, ${beforeText}`).toBeLessThanOrEqual(before * 1.2);
    }, 60_000);
  }

  it('processes: seen + reported missing ≥ started', async () => {
    const src = openLinux({ eventTypes: ['exec', 'fork', 'exit'] });
    let done = false;
    let shPid = -1;
    try {
      await new Promise((r) => setTimeout(r, 200));
      const child = spawn('/bin/sh', ['-c', `i=0; while [ $i -lt ${PROCESSES} ]; do /bin/true; i=$((i+1)); done`], {
        stdio: 'ignore',
      });
      shPid = child.pid!;
      child.on('close', () => (done = true));
      const run = await drain(
        src,
        // The shell's children, counted at fork: the kernel's fork message names the parent, while an
        // exec of a /bin/true that is already gone may have no /proc entry left to read its ppid from.
        (e) => e.name === 'fork' && (e.msg!.event as { fork?: { child?: Obj } }).fork?.child?.ppid === shPid,
        () => done,
      );
      // Other processes on the machine share the global count, so only the lower bound is exact here.
      expect(run.seen + run.reported, `seen ${run.seen}, reported ${run.reported}`).toBeGreaterThanOrEqual(PROCESSES);
    } finally {
      await src.stop();
    }
  }, 60_000);
});
