/**
 * The scale rows: the engine's cost per event with a big live process world against a small one,
 * and after millions of events against a young engine. Each compares two engines that live at once,
 * timed round by round (see laneRounds), so the machine's load moves both alike.
 */
import { Engine, createDecoder, type CompiledRuleSet, type EsProcess, type NightjarEvent } from '@nightjar/core';
import { CaptureStream } from './workload.js';
import { realProcesses } from './real-processes.js';
import { minorGc } from './measure.js';

export interface ScaleOptions {
  /** `--quick`: small worlds and few events (a crash check, not a measurement). */
  readonly quick: boolean;
  /** The repository root (the fixtures' real process objects). */
  readonly root: string;
}

/** Process worlds' sizes for the scale rows, events each engine learns from untimed, and the timed rounds. */
const scaleSizes = (quick: boolean) =>
  quick
    ? { small: 200, big: 2_000, warm: 4_000, rounds: 2, chunk: 1_000 }
    : { small: 1_000, big: 100_000, warm: 150_000, rounds: 20, chunk: 5_000 };
/** Events of the age row (10^7 with --long), events a young engine has seen, and the timed rounds. */
const ageSizes = (quick: boolean, long: boolean) =>
  quick
    ? { events: 100_000, young: 10_000, rounds: 2, chunk: 2_048 }
    : { events: long ? 10_000_000 : 2_000_000, young: 100_000, rounds: 20, chunk: 4_096 };

/** One engine of an interleaved comparison, and where its next decoded events come from. */
interface Lane {
  readonly engine: Engine;
  /** Decodes the next `n` events for this lane (untimed). */
  next(n: number, into: NightjarEvent[]): void;
}

/**
 * Times two engines round by round on chunks of their own events: each round decodes a chunk for
 * each (untimed, the decode's young garbage collected untimed when `--expose-gc` allows), then
 * pushes both, which goes first alternating per round; the chunk is short, so it is timed with
 * hrtime. A pair of rounds has each order once, so the per-pair ratio cancels what going first or
 * second costs; the result is the median of those ratios (b over a, cost per event) and each
 * lane's median µs per event over the pairs. `totals` is the ratio of the lanes' whole times: a
 * collection that lands in a few rounds (one heap serves both engines, so which engine pays for it
 * is chance) moves it and not the median; the row prints both. Rounds of one process, close in
 * time: the machine's load moves both lanes alike, where passes minutes apart did not.
 */
export function laneRounds(
  a: Lane,
  b: Lane,
  rounds: number,
  chunk: number,
): { a: number; b: number; ratio: number; range: [number, number]; totals: number } {
  const ns = (): bigint => process.hrtime.bigint();
  const lanes = [a, b];
  const evs: [NightjarEvent[], NightjarEvent[]] = [[], []];
  const time = [0, 0];
  const count = [0, 0];
  const pairs: number[] = [];
  const pairA: number[] = [];
  const pairB: number[] = [];
  let pair = [0, 0, 0, 0]; // a µs, a events, b µs, b events
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < 2; k++) {
      evs[k]!.length = 0;
      lanes[k]!.next(chunk, evs[k]!);
    }
    minorGc();
    for (let j = 0; j < 2; j++) {
      const k = (j + r) & 1;
      const list = evs[k]!;
      const engine = lanes[k]!.engine;
      const t0 = ns();
      for (let i = 0; i < list.length; i++) engine.push(list[i]!);
      const us = Number(ns() - t0) / 1e3;
      time[k]! += us;
      count[k]! += list.length;
      pair[2 * k]! += us;
      pair[2 * k + 1]! += list.length;
    }
    if (r & 1) {
      pairA.push(pair[0]! / pair[1]!);
      pairB.push(pair[2]! / pair[3]!);
      pairs.push(pair[2]! / pair[3]! / (pair[0]! / pair[1]!));
      pair = [0, 0, 0, 0];
    }
  }
  const med = (t: number[]): number => {
    const s = t.slice().sort((x, y) => x - y);
    const m = s.length >> 1;
    return s.length & 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  return {
    a: med(pairA),
    b: med(pairB),
    ratio: med(pairs),
    range: [Math.min(...pairs), Math.max(...pairs)],
    totals: time[1]! / count[1]! / (time[0]! / count[0]!),
  };
}

/** Events decoded from `stream` for one lane (its own decoder, so its own objects). */
function laneOf(engine: Engine, stream: CaptureStream, line: { n: number }): Lane {
  const dec = createDecoder({ eventTypes: null, source: 'bench' });
  return {
    engine,
    next(n, into) {
      for (let i = 0; i < n; i++) {
        const ev = dec.decode(stream.next(), ++line.n, 0);
        if (!(ev instanceof Error)) into.push(ev);
      }
    },
  };
}

/** A fresh engine that starts as a live source does: seeded with the world's running processes. */
function seededEngine(ruleset: CompiledRuleSet, stream: CaptureStream, maxProcesses: number): Engine {
  const engine = new Engine(ruleset, { lineage: { maxProcesses } });
  engine.lineage!.backfill(
    stream.world.live.map((p) => JSON.parse(JSON.stringify(stream.world.object(p))) as EsProcess),
  );
  return engine;
}

/**
 * Cost per event with a small and a big live process world. One engine per world, whose lineage
 * cache holds it (maxProcesses twice the live set, at least the default), seeded with the running
 * processes (`backfill`, as a live source does at start), then fed `warm` events (untimed: the
 * engine learns the world's churn). Then both are timed by `laneRounds`, each on its own world's
 * events, decoded in chunks: the heap holds the engines and a chunk, not a whole capture, so the
 * collector's work is the engines' own. Returns µs per event and the median ratio big/small, with
 * the lowest and highest of the per-pair ratios it is the median of.
 */
export function scaleRow(
  ruleset: CompiledRuleSet,
  opts: ScaleOptions,
): {
  small: number;
  big: number;
  ratio: number;
  /** The lowest and highest per-pair ratio (the row's parentheses). */
  range: [number, number];
  totals: number;
  live: [number, number];
  depth: number;
} {
  const SCALE = scaleSizes(opts.quick);
  const templates = realProcesses(opts.root);
  const sizes = [SCALE.small, SCALE.big];
  const lanes = sizes.map((size, k) => {
    const stream = new CaptureStream(11 + k, { liveProcesses: size, templates });
    const lane = laneOf(seededEngine(ruleset, stream, Math.max(65_536, 2 * size)), stream, { n: 0 });
    const evs: NightjarEvent[] = [];
    for (let done = 0; done < SCALE.warm; done += SCALE.chunk) {
      evs.length = 0;
      lane.next(SCALE.chunk, evs);
      for (let i = 0; i < evs.length; i++) lane.engine.push(evs[i]!);
    }
    return { lane, stream };
  });
  const r = laneRounds(lanes[0]!.lane, lanes[1]!.lane, SCALE.rounds, SCALE.chunk);
  let depth = 0;
  for (const { stream } of lanes) for (const p of stream.world.live) depth = Math.max(depth, stream.world.depth(p));
  const live: [number, number] = [lanes[0]!.stream.world.live.length, lanes[1]!.stream.world.live.length];
  return { small: r.a, big: r.b, ratio: r.ratio, range: r.range, totals: r.totals, live, depth };
}

/**
 * An engine fed 2×10^6 events (10^7 with `--long`) of a 2,000-process world, generated and decoded
 * untimed, against a young engine on the same world: seeded with its running processes
 * (`backfill`) when the old one has all but the last 100,000 of those events behind it, both then
 * fed those (untimed; the young one learns the churn). Then `laneRounds` times both on the same
 * lines, each decoded by its own decoder. Cost per event: the ratio is old/young.
 */
export function ageRow(
  ruleset: CompiledRuleSet,
  opts: ScaleOptions & { readonly long: boolean },
): { young: number; old: number; ratio: number; range: [number, number]; totals: number; events: number } {
  const AGE = ageSizes(opts.quick, opts.long);
  const AGE_EVENTS = AGE.events;
  const stream = new CaptureStream(23, { liveProcesses: 2_000, templates: realProcesses(opts.root) });
  const old = new Engine(ruleset);
  const dec = createDecoder({ eventTypes: null, source: 'bench' });
  let line = 0;
  for (let done = 0; done < AGE_EVENTS - AGE.young; done++) {
    const ev = dec.decode(stream.next(), ++line, 0);
    if (!(ev instanceof Error)) old.push(ev);
  }
  const young = seededEngine(ruleset, stream, 65_536);
  const youngDec = createDecoder({ eventTypes: null, source: 'bench' });
  for (let done = 0; done < AGE.young; done++) {
    const text = stream.next();
    line++;
    const a = dec.decode(text, line, 0);
    const b = youngDec.decode(text, line, 0);
    if (!(a instanceof Error)) old.push(a);
    if (!(b instanceof Error)) young.push(b);
  }
  // Both lanes take the same lines: the young lane (laneRounds' first, decoded first in each
  // round) reads the stream, the old one replays them.
  const lines: string[] = [];
  const youngLane: Lane = {
    engine: young,
    next(n, into) {
      lines.length = 0;
      for (let i = 0; i < n; i++) {
        const text = stream.next();
        lines.push(text);
        const ev = youngDec.decode(text, line + i + 1, 0);
        if (!(ev instanceof Error)) into.push(ev);
      }
    },
  };
  const oldLane: Lane = {
    engine: old,
    next(_n, into) {
      for (let i = 0; i < lines.length; i++) {
        const ev = dec.decode(lines[i]!, line + i + 1, 0);
        if (!(ev instanceof Error)) into.push(ev);
      }
      line += lines.length;
    },
  };
  const r = laneRounds(youngLane, oldLane, AGE.rounds, AGE.chunk);
  return { young: r.a, old: r.b, ratio: r.ratio, range: r.range, totals: r.totals, events: AGE_EVENTS };
}
