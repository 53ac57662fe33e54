/** Timing and memory helpers. Every figure is a ratio or a rate from the same process and input. */

export interface Rate {
  readonly eventsPerSec: number;
  readonly ms: number;
}

/**
 * The clock passes are timed with: `wall` (default, hrtime) or `cpu` (this process's user + system
 * CPU time, GC threads included). On a machine shared with other work, wall time counts the time
 * the process waited for a core; CPU time does not, so rates and ratios are steadier (`--cpu`).
 */
export type Clock = 'wall' | 'cpu';
let clock: Clock = 'wall';
export function setClock(c: Clock): void {
  clock = c;
}
export function clockName(): Clock {
  return clock;
}

/** Milliseconds on the selected clock. */
export function nowMs(): number {
  if (clock === 'cpu') {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Median of `runs` timed passes after `warmup` untimed ones. */
export function timeRuns(events: number, runs: number, warmup: number, pass: () => void): Rate {
  for (let i = 0; i < warmup; i++) pass();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = nowMs();
    pass();
    times.push(Math.max(1e-3, nowMs() - t0));
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  return { eventsPerSec: events / (ms / 1000), ms };
}

/**
 * The lowest and highest of the per-round ratios `base[i] / other[i]` (times of the same round):
 * how many times faster `other` ran than `base`, at its worst and best round. The median ratio a row
 * prints can sit anywhere in it; a target inside the range is not yet told apart from the noise.
 */
export function ratioRange(base: readonly number[], other: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < Math.min(base.length, other.length); i++) {
    const r = base[i]! / other[i]!;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  return [lo, hi];
}

/**
 * Two passes over the same input timed alternately (a, b, a, b, …), medians of each: a ratio of
 * the two is taken under the same machine conditions, which matters on a shared, noisy machine.
 * `ratio` is b's rate over a's (of the medians); `range` the per-round ratio's lowest and highest
 * (see ratioRange), which hold `ratio` between them.
 */
export function pairedRuns(
  events: number,
  runs: number,
  warmup: number,
  a: () => void,
  b: () => void,
): { a: Rate; b: Rate; ratio: number; range: [number, number] } {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = nowMs();
    a();
    ta.push(Math.max(1e-3, nowMs() - t0));
    t0 = nowMs();
    b();
    tb.push(Math.max(1e-3, nowMs() - t0));
  }
  const range = ratioRange(ta, tb);
  const med = (t: number[]): Rate => {
    t.sort((x, y) => x - y);
    const ms = t[Math.floor(t.length / 2)]!;
    return { eventsPerSec: events / (ms / 1000), ms };
  };
  const ma = med(ta);
  const mb = med(tb);
  return { a: ma, b: mb, ratio: ma.ms / mb.ms, range };
}

/**
 * Several passes over the same input timed in turn (p0, p1, …, p0, p1, …), `runs` rounds after
 * `warmup`: each pass's median in ms, and its times round by round (for ratioRange). A pass marked
 * `wall` is timed on wall time whatever the clock (a child process's CPU time is not this process's).
 */
export function interleaved(
  runs: number,
  warmup: number,
  passes: ReadonlyArray<{ run: () => void; wall?: boolean }>,
): { medians: number[]; rounds: number[][] } {
  for (let i = 0; i < warmup; i++) for (const p of passes) p.run();
  const times = passes.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    passes.forEach((p, k) => {
      const now = p.wall === true ? () => Number(process.hrtime.bigint()) / 1e6 : nowMs;
      const t0 = now();
      p.run();
      times[k]!.push(Math.max(1e-3, now() - t0));
    });
  }
  const medians = times.map((t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
  return { medians, rounds: times };
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

/** Per-call latency in µs (includes ~0.05 µs of timer overhead). */
export function latencies(count: number, call: (i: number) => void): Latency {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    call(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(count - 1, Math.floor(q * count))]!;
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999) };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap used after a full GC (requires --expose-gc; falls back to a plain reading). */
export function heapUsed(): number {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

export function hasGc(): boolean {
  return gc !== undefined;
}

/**
 * Collects the young generation (with --expose-gc; otherwise nothing): called untimed between a
 * chunk's decode and its timed pass, so the decode's garbage is not collected inside the timing.
 */
export function minorGc(): void {
  (gc as ((o: { type: 'minor' }) => void) | undefined)?.({ type: 'minor' });
}

export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

export function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n.toFixed(0)} B`;
}
