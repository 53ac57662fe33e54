/**
 * Live rows of `pnpm bench` (Linux, root, native addon built; skipped with a note otherwise): a file
 * storm on a scoped directory through the live Linux backend, once per wire format (JS objects built
 * on the JS thread; eslogger JSON lines written natively and decoded as a replay), against decoding
 * the same events' JSON lines alone in this process. JS-thread cost per event is the main thread's
 * own CPU time (Linux: /proc/self/task/<pid>/stat) over the events delivered; the event loop's active
 * time is printed too, but on a shared 2-core machine it also counts the time the thread waited for
 * a core (the writers and the backend's thread compete for the same two).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDecoder } from '@nightjar/core';
import { addonAvailable, openLinux, openReplay } from '@nightjar/sources';

export interface LiveResult {
  wire: 'json' | 'objects';
  events: number;
  generated: number;
  drops: number;
  /** Main-thread CPU time per delivered event, µs. */
  jsUsPerEvent: number;
  /** Event-loop active time per delivered event, µs (wall time: includes waiting for a core). */
  eluUsPerEvent: number;
  /** Delivered events per second of the storm. */
  rate: number;
  lines: string[];
}

export function liveSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root';
  if (!addonAvailable()) return 'native addon not built';
  return undefined;
}

// The storm's writer: open each (existing, distinct) file for writing, write a byte, close it. In C
// when a compiler is present: a node writer spends ~60 µs of its own per file, so the storm measured
// the writer (~15 k files/s) rather than the backend; this one reaches ~200 k files/s alone.
const WRITER_C = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char** argv) {
  char path[4096];
  for (long i = atol(argv[2]); i < atol(argv[3]); i++) {
    snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, "x", 1) != 1) return 1;
    close(fd);
  }
  return 0;
}
`;

let cWriter: string | null | undefined;

/** The C writer's path, built once into a temporary folder; null without a C compiler. */
function writerBinary(): string | null {
  if (cWriter !== undefined) return cWriter;
  const dir = mkdtempSync(join(tmpdir(), 'nj-bench-writer-'));
  try {
    writeFileSync(join(dir, 'w.c'), WRITER_C);
    execFileSync('cc', ['-O2', '-o', join(dir, 'w'), join(dir, 'w.c')], { stdio: 'ignore' });
    cWriter = join(dir, 'w');
  } catch {
    cWriter = null;
  }
  return cWriter;
}

/** Which writer the storms use (for the row labels). */
export function stormWriter(): 'C' | 'node' {
  return writerBinary() !== null ? 'C' : 'node';
}

/**
 * Opens `n` distinct existing files for writing from `writers` processes at once (each file
 * written once: nothing for the kernel to coalesce).
 */
function writeFiles(dir: string, n: number, writers: number): Promise<void> {
  const each = Math.ceil(n / writers);
  const bin = writerBinary();
  const runs = Array.from({ length: writers }, (_, w) => {
    const from = w * each;
    const to = Math.min(n, from + each);
    const code = `const fs=require('fs');for(let i=${from};i<${to};i++)fs.writeFileSync(${JSON.stringify(dir)}+'/f'+i,'x')`;
    const child =
      bin !== null
        ? spawn(bin, [dir, String(from), String(to)], { stdio: 'ignore' })
        : spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
    return new Promise<void>((resolve) => child.on('close', () => resolve()));
  });
  return Promise.all(runs).then(() => undefined);
}

/** CPU time of this process's main thread (the JS thread), µs; 10 ms resolution. */
function mainThreadCpuUs(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** Messages kept from a storm for its replay baselines (a sample spread over the storm). */
const KEPT_MESSAGES = 2_000;

/** One storm of `files` distinct files (an open and a close-write each) through the live backend. */
export async function liveStorm(wire: 'json' | 'objects', files: number, writers = 1): Promise<LiveResult> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nj-bench-live-')));
  // The files exist before the backend watches: creating them costs the kernel far more than an
  // open and a close, and is not what the storm measures.
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `f${i}`), '');
  const src = openLinux({ eventTypes: ['open', 'close'], paths: [dir], wire });
  await new Promise((r) => setTimeout(r, 200));
  let done = false;
  let events = 0;
  let last = Date.now();
  let first = 0;
  let end = 0;
  // A sample of the messages is kept as they come and serialised after the storm: stringifying them
  // inside the measured loop charged the live path with a JSON.stringify per event. A sample (every
  // k-th, ~2,000 over the storm), not the first 20,000: holding that many decoded messages grew the
  // old generation, and its collection ran on the JS thread and the GC threads during the storm,
  // work the live path does not do.
  const msgs: unknown[] = [];
  const every = Math.max(1, Math.ceil((2 * files) / KEPT_MESSAGES));
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = mainThreadCpuUs();
  const writing = writeFiles(dir, files, writers).then(() => (done = true));
  const timer = setInterval(() => {
    if (done && Date.now() - last > 700) void src.stop();
  }, 50);
  for await (const b of src) {
    if (b.events.length === 0) continue;
    if (first === 0) first = performance.now();
    for (const e of b.events) {
      events++;
      if (events % every === 0) msgs.push(e.msg);
    }
    last = Date.now();
    end = performance.now();
  }
  clearInterval(timer);
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = mainThreadCpuUs() - cpu0;
  await writing;
  const lines = msgs.map((m) => JSON.stringify(m));
  const drops = src.stats().drops;
  rmSync(dir, { recursive: true, force: true });
  return {
    wire,
    events,
    generated: 2 * files,
    drops,
    jsUsPerEvent: cpu / Math.max(1, events),
    eluUsPerEvent: (elu.active * 1000) / Math.max(1, events),
    rate: events / Math.max(1e-3, (end - first) / 1000),
    lines,
  };
}

/**
 * One storm's figures standing for several: each figure the median over the storms, and the
 * counts summed (`drops` over every storm: a target of 0 dropped holds only if no storm dropped).
 */
export function medianStorm(runs: readonly LiveResult[]): LiveResult & { storms: number } {
  const med = (f: (r: LiveResult) => number): number => {
    const xs = runs.map(f).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  return {
    wire: runs[0]!.wire,
    events: runs.reduce((n, r) => n + r.events, 0),
    generated: runs.reduce((n, r) => n + r.generated, 0),
    drops: runs.reduce((n, r) => n + r.drops, 0),
    jsUsPerEvent: med((r) => r.jsUsPerEvent),
    eluUsPerEvent: med((r) => r.eluUsPerEvent),
    rate: med((r) => r.rate),
    lines: runs[0]!.lines,
    storms: runs.length,
  };
}

/** Decoding the same lines alone (the replay path's per-event JS cost), µs per event and events/s. */
export function replayDecode(lines: string[]): { usPerEvent: number; rate: number } {
  const dec = createDecoder({ eventTypes: ['open', 'close'], source: 'bench' });
  for (let i = 0; i < Math.min(2000, lines.length); i++) dec.decode(lines[i]!, i + 1, 0);
  const reps = Math.max(1, Math.ceil(100_000 / Math.max(1, lines.length)));
  const t = performance.now();
  let n = 0;
  for (let r = 0; r < reps; r++) for (const l of lines) dec.decode(l, ++n, 0);
  const ms = performance.now() - t;
  return { usPerEvent: (ms * 1000) / Math.max(1, n), rate: n / Math.max(1e-3, ms / 1000) };
}

/**
 * The replay path as the product runs it over the same lines: `openReplay` of a file holding them
 * (read, split, decode, batches through the same async iteration as a live source), wanting the
 * same two types. Main-thread CPU per event (the reads themselves run on libuv's threads, as the
 * live backend's reads run on its own thread) and events per second of wall time. Repeated until
 * 100,000 events have been read, so the 10 ms CPU clock is well under 1 % of the figure.
 */
export async function replaySource(lines: string[]): Promise<{ usPerEvent: number; rate: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'nj-bench-replay-'));
  try {
    const file = join(dir, 'same-events.jsonl');
    // The sample repeated to a storm-sized file (~20,000 lines): a replay of a small file many times
    // over would charge the baseline with opening and starting a source per pass.
    const copies = Math.max(1, Math.ceil(20_000 / Math.max(1, lines.length)));
    const text = lines.join('\n') + '\n';
    writeFileSync(file, text.repeat(copies));
    const reps = Math.max(1, Math.ceil(100_000 / Math.max(1, lines.length * copies)));
    const once = async (): Promise<number> => {
      let n = 0;
      for await (const b of openReplay([file], { eventTypes: ['open', 'close'] })) n += b.events.length;
      return n;
    };
    await once(); // warm: the decoder's code optimised, the file in the page cache
    const cpu0 = mainThreadCpuUs();
    const t = performance.now();
    let n = 0;
    for (let r = 0; r < reps; r++) n += await once();
    const ms = performance.now() - t;
    const cpu = mainThreadCpuUs() - cpu0;
    return { usPerEvent: cpu / Math.max(1, n), rate: n / Math.max(1e-3, ms / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
