/**
 * One file on purpose (~570 lines): the benchmark table's rows and their same-process baselines read best side by side.
 *
 * `pnpm bench` — Nightjar's benchmark harness. Every engine figure is printed next to a baseline
 * run in the same process on the same input: JSON.parse of every line alone, and a hand-written
 * predicate loop implementing the same rules. See bench/README.md for the method.
 *
 * Flags: --quick (small sizes, one run: what CI runs to catch crashes), --json <file> (write the
 * results as JSON too), --cpu (time passes on process CPU time instead of wall time: steadier on a
 * shared machine; latencies stay wall time).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { availableParallelism, tmpdir, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, createDecoder, type Alert, type NightjarEvent, type CompiledRuleSet } from '@nightjar/core';
import { loadRules, bundledRulesDir } from '@nightjar/rules';
import { CaptureStream, type ProcessWorld } from './workload.js';
import { generateRules, handWrittenMatcher, templatesOf, type Template } from './synthetic-rules.js';
import { renamedCopiesOf } from './real-rule-copies.js';
import { realProcesses, type ProcessObject } from './real-processes.js';
import { fromFile } from './from-file.js';
import { ageRow, scaleRow } from './scale.js';
import { selectiveScan } from './selective-scan.js';
import {
  clockName,
  fmtBytes,
  fmtRate,
  hasGc,
  heapUsed,
  interleaved,
  latencies,
  minorGc,
  pairedRuns,
  ratioRange,
  setClock,
  timeRuns,
} from './measure.js';
import { memoryPerGroup, memoryPerLineageEntry, useRealProcesses } from './memory.js';
import { fleetBench } from './fleet.js';
import { multiHostLines, threadsBench } from './threads.js';
import {
  liveSkipReason,
  liveStorm,
  medianStorm,
  replayDecode,
  replaySource,
  stormWriter,
  type LiveResult,
} from './live.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined;
if (argv.includes('--cpu')) setClock('cpu');
/** `--only a,b`: run only these sections (see SECTIONS). */
const ONLY = argv.includes('--only') ? new Set((argv[argv.indexOf('--only') + 1] ?? '').split(',')) : undefined;
/** `--section s --rows f` (internal): run section s alone in this process and write its rows to f as JSON. */
const SECTION = argv.includes('--section') ? argv[argv.indexOf('--section') + 1] : undefined;
const rowsOut = argv.includes('--rows') ? argv[argv.indexOf('--rows') + 1] : undefined;

const N_EVENTS = QUICK ? 5_000 : 100_000;
const RUNS = QUICK ? 1 : 5;
const WARMUP = QUICK ? 0 : 2;

interface Row {
  workload: string;
  rules: number;
  correlations: number;
  metric: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  /** The per-round ratio's lowest and highest (see ratioRange), where the row times rounds in pairs. */
  range?: readonly [number, number] | undefined;
  target?: string | undefined;
  /** Alerts of the row's last pass (checked against an independent count before the row is printed). */
  alerts?: { detection: number; correlation: number } | undefined;
}
const rows: Row[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'nightjar-bench-'));

function row(r: Row): void {
  rows.push(r);
  const range = r.range !== undefined ? ` (${r.range[0].toFixed(2)}-${r.range[1].toFixed(2)})` : '';
  const ratio = r.ratio !== undefined ? `${r.ratio.toFixed(2)}× ${r.baseline}${range}` : '';
  const value =
    r.unit === 'ev/s'
      ? fmtRate(r.value)
      : r.unit === 'B'
        ? fmtBytes(r.value)
        : `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`;
  process.stdout.write(
    `${r.workload.padEnd(28)} ${String(r.rules).padStart(5)} ${String(r.correlations).padStart(4)}  ${r.metric.padEnd(38)} ${value.padStart(12)}  ${ratio.padEnd(46)} ${(r.target ?? '').padEnd(14)} ${r.alerts ? `${r.alerts.detection}+${r.alerts.correlation}` : ''}\n`,
  );
}

async function rulesetFromYaml(name: string, yaml: string): Promise<{ ruleset: CompiledRuleSet; loadMs: number }> {
  // Rule files are capped at 1 MiB (hostile-input limit): large sets go into several files, cut at
  // document boundaries, as a real rules directory would hold them.
  const files: string[] = [];
  let rest = yaml;
  while (rest.length > 0) {
    let cut = rest.length;
    if (cut > 512 * 1024) {
      cut = rest.lastIndexOf('\n---\n', 512 * 1024);
      if (cut <= 0) throw new Error(`${name}: a single rule document over 512 KiB`);
      cut += 1;
    }
    const file = join(tmp, `${name}-${files.length}.yml`);
    writeFileSync(file, rest.slice(0, cut));
    files.push(file);
    rest = rest.slice(cut);
  }
  const t0 = clockName() === 'cpu' ? cpuMs() : Number(process.hrtime.bigint()) / 1e6;
  const ruleset = await loadRules(files);
  const t1 = clockName() === 'cpu' ? cpuMs() : Number(process.hrtime.bigint()) / 1e6;
  return { ruleset, loadMs: t1 - t0 };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function decodeAll(lines: string[], eventTypes: Iterable<string> | null): NightjarEvent[] {
  const dec = createDecoder({ eventTypes, source: 'bench' });
  const out: NightjarEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const ev = dec.decode(lines[i]!, i + 1, 0);
    if (!(ev instanceof Error)) out.push(ev);
  }
  return out;
}

function jsonParseRate(lines: string[]): number {
  return timeRuns(lines.length, RUNS, WARMUP, () => {
    for (let i = 0; i < lines.length; i++) JSON.parse(lines[i]!);
  }).eventsPerSec;
}

/** Alerts of one engine pass, by kind. */
interface AlertCount {
  detection: number;
  correlation: number;
}
function countAlerts(into: AlertCount, alerts: readonly Alert[]): void {
  for (let i = 0; i < alerts.length; i++) {
    if (alerts[i]!.rule.kind === 'correlation') into.correlation++;
    else into.detection++;
  }
}

/**
 * The independent count of a generated rule set's detection alerts: the hand loop over every line
 * parsed with JSON.parse (no engine code involved). Generated rules have no suppression, so each
 * match is one alert, except for the first `correlations` rules: a rule a correlation references
 * raises no alert of its own (Sigma's `generate: false` default).
 */
function handCount(lines: string[], n: number, correlations: number, templates?: readonly Template[]): number {
  const hand = handWrittenMatcher(n, templates);
  for (const l of lines) {
    const m = JSON.parse(l) as { event: Record<string, unknown> };
    hand.run(Object.keys(m.event)[0]!, m);
  }
  return alertingHits(hand.hits, correlations);
}

function alertingHits(hits: Int32Array, correlations: number): number {
  let total = 0;
  for (let i = Math.min(correlations, hits.length); i < hits.length; i++) total += hits[i]!;
  return total;
}

/** Fails the bench when a row's alerts differ from their independent count. */
function checkAlerts(what: string, got: number, expected: number): void {
  if (got !== expected)
    throw new Error(`${what}: the engine raised ${got} detection alerts, the independent count is ${expected}`);
}

/**
 * End to end from JSON lines in memory: decode (all lines, or only the types the engine needs) +
 * engine, a fresh engine per pass, timed alternately with a JSON.parse-only pass over the same lines.
 */
function endToEnd(
  lines: string[],
  ruleset: CompiledRuleSet,
  filter: boolean,
): {
  rate: number;
  parse: number;
  ratio: number;
  range: [number, number];
  alerts: AlertCount;
  share: number;
} {
  let alerts: AlertCount = { detection: 0, correlation: 0 };
  let decoded = 0;
  const r = pairedRuns(
    lines.length,
    RUNS,
    WARMUP,
    () => {
      for (let i = 0; i < lines.length; i++) JSON.parse(lines[i]!);
    },
    () => {
      const engine = new Engine(ruleset);
      const dec = createDecoder({ eventTypes: filter ? engine.requiredEventTypes() : null, source: 'bench' });
      const a: AlertCount = { detection: 0, correlation: 0 };
      for (let i = 0; i < lines.length; i++) {
        const ev = dec.decode(lines[i]!, i + 1, 0);
        if (!(ev instanceof Error)) {
          const out = engine.push(ev);
          if (out.length > 0) countAlerts(a, out);
        }
      }
      countAlerts(a, engine.flush());
      alerts = a;
      decoded = dec.stats().decoded;
    },
  );
  return {
    rate: r.b.eventsPerSec,
    parse: r.a.eventsPerSec,
    ratio: r.ratio,
    range: r.range,
    alerts,
    share: decoded / lines.length,
  };
}

/** One untimed pass of the engine with every line decoded: the consistency count of the real-rule rows. */
function endToEndOnce(lines: string[], ruleset: CompiledRuleSet): AlertCount {
  const engine = new Engine(ruleset);
  const dec = createDecoder({ eventTypes: null, source: 'bench' });
  const a: AlertCount = { detection: 0, correlation: 0 };
  for (let i = 0; i < lines.length; i++) {
    const ev = dec.decode(lines[i]!, i + 1, 0);
    if (!(ev instanceof Error)) countAlerts(a, engine.push(ev));
  }
  countAlerts(a, engine.flush());
  return a;
}

/**
 * The engine on pre-decoded events (a fresh engine per pass), timed alternately with the careful
 * hand loop implementing the same `n` generated rules (no correlations, no lineage, no gap tracking).
 * Checks the engine's detection alerts against the hand loop's matches, rule by rule.
 */
function preDecoded(
  events: NightjarEvent[],
  ruleset: CompiledRuleSet,
  handRules: number,
  correlations: number,
): { rate: number; hand: number; ratio: number; range: [number, number]; alerts: AlertCount } {
  let hand = handWrittenMatcher(handRules);
  let alerts: AlertCount = { detection: 0, correlation: 0 };
  let matches: Record<string, number> = {};
  const r = pairedRuns(
    events.length,
    RUNS,
    WARMUP,
    () => {
      hand = handWrittenMatcher(handRules);
      let hits = 0;
      for (let i = 0; i < events.length; i++) hits += hand.run(events[i]!.name, events[i]!.msg);
      if (hits < 0) throw new Error('unreachable');
    },
    () => {
      const engine = new Engine(ruleset);
      const a: AlertCount = { detection: 0, correlation: 0 };
      for (let i = 0; i < events.length; i++) {
        const out = engine.push(events[i]!);
        if (out.length > 0) countAlerts(a, out);
      }
      countAlerts(a, engine.flush());
      alerts = a;
      matches = engine.metrics().matches;
    },
  );
  for (let i = 0; i < handRules; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    if ((matches[id] ?? 0) !== hand.hits[i]) {
      throw new Error(`rule ${i}: the engine matched ${matches[id] ?? 0} events, the hand loop ${hand.hits[i]}`);
    }
  }
  checkAlerts(`pre-decoded, ${handRules} rules`, alerts.detection, alertingHits(hand.hits, correlations));
  return { rate: r.b.eventsPerSec, hand: r.a.eventsPerSec, ratio: r.ratio, range: r.range, alerts };
}

/**
 * The engine and the hand loop on events just decoded, as in a live pipeline where an event is
 * evaluated right after it is parsed (its objects still in cache): lines are decoded in chunks of
 * CHUNK (untimed), then both run over the chunk, which of the two goes first alternating per chunk,
 * each timed with hrtime (a chunk is well under a millisecond: too short for the CPU clock). A
 * fresh engine and decoder per pass; medians of the passes' totals.
 */
const CHUNK = 512;
function warmPreDecoded(
  lines: string[],
  ruleset: CompiledRuleSet,
  handRules: number,
): { rate: number; hand: number; ratio: number } {
  const hand = handWrittenMatcher(handRules);
  const ns = (): bigint => process.hrtime.bigint();
  const pass = (): { e: number; h: number } => {
    const engine = new Engine(ruleset);
    const dec = createDecoder({ eventTypes: null, source: 'bench' });
    const chunk: NightjarEvent[] = [];
    let te = 0n;
    let th = 0n;
    let hits = 0;
    for (let start = 0, k = 0; start < lines.length; start += CHUNK, k++) {
      chunk.length = 0;
      for (let i = start; i < Math.min(lines.length, start + CHUNK); i++) {
        const ev = dec.decode(lines[i]!, i + 1, 0);
        if (!(ev instanceof Error)) chunk.push(ev);
      }
      // The decode's garbage is collected here, untimed: otherwise the young-generation GC it makes
      // due falls into whichever timed loop allocates next, and the row would measure the decoder.
      minorGc();
      for (let order = 0; order < 2; order++) {
        if ((order ^ (k & 1)) === 0) {
          const t0 = ns();
          for (let i = 0; i < chunk.length; i++) hits += hand.run(chunk[i]!.name, chunk[i]!.msg);
          th += ns() - t0;
        } else {
          const t0 = ns();
          for (let i = 0; i < chunk.length; i++) engine.push(chunk[i]!);
          te += ns() - t0;
        }
      }
    }
    engine.flush();
    if (hits < 0) throw new Error('unreachable');
    return { e: Number(te) / 1e6, h: Number(th) / 1e6 };
  };
  for (let i = 0; i < WARMUP; i++) pass();
  const es: number[] = [];
  const hs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = pass();
    es.push(r.e);
    hs.push(r.h);
  }
  const med = (t: number[]): number => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  const rate = lines.length / (Math.max(1e-3, med(es)) / 1000);
  const handRate = lines.length / (Math.max(1e-3, med(hs)) / 1000);
  return { rate, hand: handRate, ratio: rate / handRate };
}

/** Real rules: the shipped ruleset, then SigmaHQ's macOS rules (NIGHTJAR_SIGMAHQ_MACOS, else a research checkout beside the repository, when present), then variants. */
function realRuleYaml(): string[] {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) texts.push(readFileSync(p, 'utf8'));
    }
  };
  walk(bundledRulesDir());
  const corpus = process.env.NIGHTJAR_SIGMAHQ_MACOS ?? join(ROOT, '../shared/corpus/sigmahq-macos');
  if (existsSync(corpus)) walk(corpus);
  return texts;
}

/** The pre-decoded rows: the main workload against the careful hand loop, latency, shares of lines, rule counts. */
async function predecodedSections(lines: string[], rs100: CompiledRuleSet, load100: number): Promise<void> {
  const all = decodeAll(lines, null);
  const pre100 = preDecoded(all, rs100, 100, 20);
  row({
    workload: 'baseline',
    rules: 100,
    correlations: 0,
    metric: 'careful hand loop',
    value: pre100.hand,
    unit: 'ev/s',
  });
  row({
    workload: 'mixed, pre-decoded',
    rules: 100,
    correlations: 20,
    metric: 'engine on pre-decoded events',
    value: pre100.rate,
    unit: 'ev/s',
    baseline: 'hand loop',
    ratio: pre100.ratio,
    range: pre100.range,
    target: '≥ 1.5×',
    alerts: pre100.alerts,
  });
  const warm100 = warmPreDecoded(lines, rs100, 100);
  row({
    workload: 'baseline',
    rules: 100,
    correlations: 0,
    metric: 'hand loop, just-decoded events',
    value: warm100.hand,
    unit: 'ev/s',
  });
  row({
    workload: 'mixed, just decoded (warm)',
    rules: 100,
    correlations: 20,
    metric: 'engine on just-decoded events',
    value: warm100.rate,
    unit: 'ev/s',
    baseline: 'hand loop',
    ratio: warm100.ratio,
  });
  {
    const engine = new Engine(rs100);
    for (let i = 0; i < Math.min(all.length, 20_000); i++) engine.push(all[i]!);
    const lat = latencies(all.length, (i) => engine.push(all[i]!));
    row({
      workload: 'mixed, pre-decoded',
      rules: 100,
      correlations: 20,
      metric: 'latency p50',
      value: lat.p50,
      unit: 'µs',
    });
    row({
      workload: 'mixed, pre-decoded',
      rules: 100,
      correlations: 20,
      metric: 'latency p99',
      value: lat.p99,
      unit: 'µs',
      target: '≤ 20 µs',
    });
    row({
      workload: 'mixed, pre-decoded',
      rules: 100,
      correlations: 20,
      metric: 'latency p99.9',
      value: lat.p999,
      unit: 'µs',
    });
  }
  row({
    workload: 'load + compile',
    rules: 100,
    correlations: 20,
    metric: 'loadRules (YAML→predicates)',
    value: load100,
    unit: 'ms',
  });

  // Rules that need a share of the lines: the decoder header-scans the rest. The axis is the share
  // of lines decoded (the rules' types plus fork/exec/exit for lineage), not the number of types.
  for (const types of [
    ['exec', 'create'],
    ['write', 'stat', 'mmap', 'create'],
    ['open', 'close'],
  ]) {
    const tmpl = templatesOf(types);
    const g = generateRules(100, 0, tmpl);
    const { ruleset } = await rulesetFromYaml(`share-${types.join('-')}`, g.yaml);
    const e = endToEnd(lines, ruleset, true);
    checkAlerts(`share ${types.join(',')}`, e.alerts.detection, handCount(lines, 100, 0, tmpl));
    row({
      workload: `${(e.share * 100).toFixed(0)} % of lines needed`,
      rules: 100,
      correlations: 0,
      metric: `end to end (${types.join(',')})`,
      value: e.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: e.ratio,
      range: e.range,
      alerts: e.alerts,
    });
  }

  // Scaling: generated rule sets of 10/500/2000 rules and 0–50 correlations.
  for (const [n, c] of QUICK
    ? [
        [10, 0],
        [500, 50],
      ]
    : [
        [10, 0],
        [500, 20],
        [2000, 50],
      ]) {
    const g = generateRules(n!, c);
    const { ruleset, loadMs } = await rulesetFromYaml(`gen${n}`, g.yaml);
    const rate = preDecoded(all, ruleset, n!, c!);
    row({
      workload: 'generated, pre-decoded',
      rules: n!,
      correlations: c!,
      metric: 'engine on pre-decoded events',
      value: rate.rate,
      unit: 'ev/s',
      baseline: `hand loop ${n}`,
      ratio: rate.ratio,
      range: rate.range,
      target: n === 500 ? '≥ 3×' : n === 2000 ? '≥ 8×' : undefined,
      alerts: rate.alerts,
    });
    row({
      workload: 'load + compile',
      rules: n!,
      correlations: c!,
      metric: 'loadRules (YAML→predicates)',
      value: loadMs,
      unit: 'ms',
      target: n === 500 ? '≤ 200 ms' : undefined,
    });
  }
  all.length = 0;
}

/** Memory per group, per windowed event, per lineage entry, and the caps' RSS in a child process. */
async function memorySection(): Promise<void> {
  const groups = QUICK ? 5_000 : 100_000;
  const mg = await memoryPerGroup(groups, rulesetFromYaml);
  row({
    workload: 'memory',
    rules: 1,
    correlations: 1,
    metric: `per correlation group (${groups})`,
    value: mg.perGroup,
    unit: 'B',
    target: '≤ 300 B',
  });
  row({
    workload: 'memory',
    rules: 1,
    correlations: 1,
    metric: 'per event held in a window',
    value: mg.perEvent,
    unit: 'B',
    target: '≤ 16 B',
  });
  const procs = QUICK ? 4_096 : 65_536;
  const ml = memoryPerLineageEntry(procs);
  row({
    workload: 'memory',
    rules: 0,
    correlations: 0,
    metric: `per lineage entry (${procs})`,
    value: ml,
    unit: 'B',
    target: '≤ 400 B',
  });
  // In a child process: this one holds the captures and decoded events, which are not the engine's.
  // RSS depends on when the heap last grew: the median of three child processes.
  const [g, p] = QUICK ? [5_000, 4_096] : [100_000, 65_536];
  const runs = Array.from({ length: QUICK ? 1 : 3 }, () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', join(dirname(fileURLToPath(import.meta.url)), 'rss.js'), String(g), String(p)],
      { encoding: 'utf8' },
    );
    return JSON.parse(out) as { rss: number; baseline: number; young: number };
  }).sort((a, b) => a.rss - b.rss);
  const { rss, baseline, young } = runs[Math.floor(runs.length / 2)]!;
  row({
    workload: 'memory',
    rules: 1,
    correlations: 1,
    metric: `${g} groups + ${p} procs, RSS (median of ${runs.length})`,
    value: rss,
    unit: 'B',
    target: QUICK ? undefined : '≤ 114.4 MiB',
  });
  row({
    workload: 'memory',
    rules: 0,
    correlations: 0,
    metric: 'same process before the engine',
    value: baseline,
    unit: 'B',
  });
  row({
    workload: 'memory',
    rules: 0,
    correlations: 0,
    metric: 'of the RSS: V8 young generation (empty)',
    value: young,
    unit: 'B',
  });
}

/**
 * Live: the Linux backend under a file storm, per wire format, against the replay path over the same
 * lines. Run first, before the capture and the rule sets exist: a watching process does not hold the
 * bench's ~200 MB of capture text, and a heap that size made every young collection during a storm
 * promote into, and mark, an old generation the live path never builds (both the storms and their
 * replay baselines run in the same small heap).
 */
async function liveSection(): Promise<void> {
  const liveSkip = liveSkipReason();
  if (liveSkip !== undefined) {
    process.stdout.write(`\nlive rows skipped: ${liveSkip}\n`);
  } else {
    const files = QUICK ? 3_000 : 30_000;
    // The json wire (the one with targets) storms five times, the objects wire once. The replay
    // baselines are taken after each storm, over the lines it delivered, and the fastest is kept:
    // the machine right after a storm can be slower, and the baseline must not be. A live row is
    // the median storm, so one storm that met a busy machine does not decide it either way.
    const storms = { objects: 1, json: QUICK ? 1 : 5 };
    const results: (LiveResult & { storms: number })[] = [];
    const decodes: { usPerEvent: number; rate: number }[] = [];
    const replays: { usPerEvent: number; rate: number }[] = [];
    for (const wire of ['objects', 'json'] as const) {
      const runs: LiveResult[] = [];
      for (let i = 0; i < storms[wire]; i++) {
        const r = await liveStorm(wire, files, 2);
        runs.push(r);
        decodes.push(replayDecode(r.lines));
        replays.push(await replaySource(r.lines));
      }
      results.push(medianStorm(runs));
    }
    const fastest = (xs: { usPerEvent: number; rate: number }[]) => ({
      usPerEvent: Math.min(...xs.map((x) => x.usPerEvent)),
      rate: Math.max(...xs.map((x) => x.rate)),
    });
    const decodeOnly = fastest(decodes);
    const replay = fastest(replays);
    row({
      workload: 'replay (same events)',
      rules: 0,
      correlations: 0,
      metric: 'decode alone, JS µs/event',
      value: decodeOnly.usPerEvent,
      unit: 'µs',
    });
    row({
      workload: 'replay (same events)',
      rules: 0,
      correlations: 0,
      metric: 'replay source, JS-thread µs/event',
      value: replay.usPerEvent,
      unit: 'µs',
      baseline: 'decode alone',
      ratio: replay.usPerEvent / decodeOnly.usPerEvent,
    });
    row({
      workload: 'replay (same events)',
      rules: 0,
      correlations: 0,
      metric: 'replay source, events/s',
      value: replay.rate,
      unit: 'ev/s',
    });
    for (const r of results) {
      row({
        workload: `live linux (${r.wire} wire)`,
        rules: 0,
        correlations: 0,
        metric: 'JS-thread µs/event',
        value: r.jsUsPerEvent,
        unit: 'µs',
        baseline: 'replay source',
        ratio: r.jsUsPerEvent / replay.usPerEvent,
        target: r.wire === 'json' ? '≤ 1.3×' : undefined,
      });
      row({
        workload: `live linux (${r.wire} wire)`,
        rules: 0,
        correlations: 0,
        metric: `events/s (${r.events}/${r.generated} seen, ${r.drops} dropped, ${stormWriter()} writers${r.storms > 1 ? `; median of ${r.storms} storms` : ''})`,
        value: r.rate,
        unit: 'ev/s',
        baseline: 'replay source rate',
        ratio: r.rate / replay.rate,
        target: r.wire === 'json' ? '≥ 0.5× with 0 dropped' : undefined,
      });
    }
  }
}

/** The header of the table, printed once by the process that runs the sections. */
function header(): void {
  process.stdout.write(
    `Nightjar bench — node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${QUICK ? 'QUICK' : `${N_EVENTS} events, median of ${RUNS} interleaved passes`}, ${clockName()} clock${hasGc() ? '' : ' (no --expose-gc: memory figures are rough)'}, each section in its own process\n\n`,
  );
  process.stdout.write(
    `${'workload'.padEnd(28)} ${'rules'.padStart(5)} ${'corr'.padStart(4)}  ${'metric'.padEnd(38)} ${'value'.padStart(12)}  ${'vs baseline (per-round range)'.padEnd(46)} ${'target'.padEnd(14)} alerts (detection+correlation, checked)\n`,
  );
}

let templatesOnce: ProcessObject[] | undefined;
/** The real process objects of the fixtures, which every generated event's process is made from. */
function templates(): ProcessObject[] {
  if (templatesOnce === undefined) {
    templatesOnce = realProcesses(ROOT);
    useRealProcesses(templatesOnce);
  }
  return templatesOnce;
}

let linesOnce: string[] | undefined;
/** The world the mixed capture was drawn from, as it was at its last line (see describeCapture). */
let worldOnce: ProcessWorld | undefined;
/** The mixed capture (seeded, so every section process builds the same lines). */
function mixedLines(): string[] {
  if (linesOnce !== undefined) return linesOnce;
  const capture = new CaptureStream(7, { liveProcesses: 2_000, templates: templates() });
  const lines: string[] = [];
  for (let i = 0; i < N_EVENTS; i++) lines.push(capture.next());
  worldOnce = capture.world;
  return (linesOnce = lines);
}

/** What the mixed capture is, for the table: its size, and the shape of the world it was drawn from. */
function describeCapture(lines: readonly string[], w: ProcessWorld): string {
  let depth = 0;
  let sum = 0;
  for (const p of w.live) {
    const d = w.depth(p);
    sum += d;
    depth = Math.max(depth, d);
  }
  const bytes = lines.reduce((s, l) => s + l.length + 1, 0);
  return `  (mixed capture: ${lines.length} lines, ${(bytes / lines.length).toFixed(0)} B/line; ${w.live.length} live processes at the end, depth mean ${(sum / w.live.length).toFixed(1)} max ${depth}, ${w.exits} exits, ${w.reused} pids reused; ${templates().length} real process objects from the fixtures)\n`;
}

let gen100Once: { rs100: CompiledRuleSet; load100: number } | undefined;
/** 100 generated rules + 20 correlations over every type the rules name: the main workload. */
async function gen100(): Promise<{ rs100: CompiledRuleSet; load100: number }> {
  if (gen100Once !== undefined) return gen100Once;
  const gen = generateRules(100, 20);
  const { ruleset, loadMs } = await rulesetFromYaml('gen100', gen.yaml);
  return (gen100Once = { rs100: ruleset, load100: loadMs });
}

/** JSON.parse alone, the field-selective scans, and the engine end to end from lines in memory. */
async function parseSection(): Promise<void> {
  const lines = mixedLines();
  process.stdout.write(describeCapture(lines, worldOnce!));
  const parseRate = jsonParseRate(lines);
  row({
    workload: 'baseline',
    rules: 0,
    correlations: 0,
    metric: 'JSON.parse per line',
    value: parseRate,
    unit: 'ev/s',
  });

  // Parse less: JSON.parse against a scan of only the fields the engine reads, per line shape.
  {
    const byType = new Map<string, string[]>();
    for (const l of lines) {
      const name = Object.keys((JSON.parse(l) as { event: object }).event)[0]!;
      const list = byType.get(name) ?? [];
      list.push(l);
      byType.set(name, list);
    }
    for (const type of ['open', 'close', 'stat', 'exec']) {
      const tl = byType.get(type);
      if (tl === undefined) continue;
      let sink = 0;
      const r = pairedRuns(
        tl.length,
        RUNS,
        WARMUP,
        () => {
          for (let i = 0; i < tl.length; i++) JSON.parse(tl[i]!);
        },
        () => {
          for (let i = 0; i < tl.length; i++) sink += selectiveScan(tl[i]!, type);
        },
      );
      if (Number.isNaN(sink)) throw new Error(`selective scan of ${type} lines read no number`);
      row({
        workload: `${type} lines (${Math.round(tl.reduce((a, l) => a + l.length, 0) / tl.length)} B)`,
        rules: 0,
        correlations: 0,
        metric: 'field-selective scan (measure only)',
        value: r.b.eventsPerSec,
        unit: 'ev/s',
        baseline: 'JSON.parse',
        ratio: r.ratio,
        range: r.range,
      });
    }
  }

  const { rs100 } = await gen100();
  const hand100 = handCount(lines, 100, 20);
  const e2eAll = endToEnd(lines, rs100, false);
  checkAlerts('end to end, all lines', e2eAll.alerts.detection, hand100);
  row({
    workload: 'mixed, all lines parsed',
    rules: 100,
    correlations: 20,
    metric: 'end to end from JSON lines',
    value: e2eAll.rate,
    unit: 'ev/s',
    baseline: 'JSON.parse',
    ratio: e2eAll.ratio,
    range: e2eAll.range,
    alerts: e2eAll.alerts,
  });
}

/** End to end from the file: read + split + …, with cat and read+split+JSON.parse in the same rounds. */
async function fileSection(): Promise<void> {
  const { rs100 } = await gen100();
  const file = join(tmp, 'capture.jsonl');
  const { count, hand100 } = ((): { count: number; hand100: number } => {
    const lines = mixedLines();
    writeFileSync(file, lines.join('\n') + '\n');
    return { count: lines.length, hand100: handCount(lines, 100, 20) };
  })();
  // The rows read the file: the capture's text is not kept in memory (a scan holds none of it).
  linesOnce = undefined;
  let all: AlertCount = { detection: 0, correlation: 0 };
  let needed: AlertCount = { detection: 0, correlation: 0 };
  const { medians, rounds } = interleaved(RUNS, WARMUP, [
    { run: () => fromFile.cat(file), wall: true },
    { run: () => void fromFile.parse(file) },
    { run: () => void (all = fromFile.scan(file, rs100, false)) },
    { run: () => void (needed = fromFile.scan(file, rs100, true)) },
  ]);
  const [cat, parse, scanAll, scanNeeded] = medians;
  checkAlerts('from the file, all lines', all.detection, hand100);
  checkAlerts('from the file, needed lines', needed.detection, hand100);
  const rate = (ms: number): number => count / (ms / 1000);
  row({
    workload: 'from the file',
    rules: 0,
    correlations: 0,
    metric: 'cat > /dev/null (wall)',
    value: rate(cat!),
    unit: 'ev/s',
  });
  row({
    workload: 'from the file',
    rules: 0,
    correlations: 0,
    metric: 'read+split+JSON.parse',
    value: rate(parse!),
    unit: 'ev/s',
  });
  for (const [name, ms, alerts, times] of [
    ['from the file, all parsed', scanAll!, all, rounds[2]!],
    ['from the file, skip unneeded', scanNeeded!, needed, rounds[3]!],
  ] as const) {
    row({
      workload: name,
      rules: 100,
      correlations: 20,
      metric: 'read+split+decode+engine',
      value: rate(ms),
      unit: 'ev/s',
      baseline: 'read+split+JSON.parse',
      ratio: parse! / ms,
      range: ratioRange(rounds[1]!, times),
      target: alerts === all ? '≥ 0.85×' : undefined,
      alerts,
    });
  }
}

/** scan --threads: a merged capture of 8 hosts from the file, every pass timed by the wall clock. */
async function threadsSection(): Promise<void> {
  const { rs100 } = await gen100();
  const hosts = 8;
  const hostLines = multiHostLines(N_EVENTS, hosts, { templates: templates() });
  const counts = availableParallelism() > 2 ? [2, availableParallelism()] : [2];
  const t = await threadsBench(tmp, hostLines, hosts, join(tmp, 'gen100-0.yml'), rs100, RUNS, WARMUP, counts);
  const rate = (ms: number): number => t.lines / (ms / 1000);
  const w = `from the file, ${hosts} hosts`;
  row({
    workload: w,
    rules: 0,
    correlations: 0,
    metric: 'read+split+JSON.parse (wall)',
    value: rate(t.parseMs),
    unit: 'ev/s',
  });
  row({
    workload: w,
    rules: 100,
    correlations: 20,
    metric: 'scan, 1 thread (wall)',
    value: rate(t.singleMs),
    unit: 'ev/s',
    baseline: 'read+split+JSON.parse',
    ratio: t.parseMs / t.singleMs,
    alerts: t.single,
  });
  for (const n of counts) {
    const got = t.threaded.get(n)!;
    // The same engine code on the same lines: the threaded scan must raise exactly what one thread raises.
    checkAlerts(`scan --threads ${n}, detections`, got.detection, t.single.detection);
    checkAlerts(`scan --threads ${n}, correlations`, got.correlation, t.single.correlation);
    row({
      workload: w,
      rules: 100,
      correlations: 20,
      metric: `scan --threads ${n} (wall, ${t.cores} cores)`,
      value: rate(t.threadedMs.get(n)!),
      unit: 'ev/s',
      baseline: 'read+split+JSON.parse',
      ratio: t.parseMs / t.threadedMs.get(n)!,
      target: n === 2 ? '≥ 1.5×' : undefined,
      alerts: got,
    });
  }
}

/** Cost with the size of the live process world. */
async function scaleSection(): Promise<void> {
  const { rs100 } = await gen100();
  const sc = scaleRow(rs100, { quick: QUICK, root: ROOT });
  row({
    workload: `world of ${sc.live[0]} processes`,
    rules: 100,
    correlations: 20,
    metric: 'engine µs per event',
    value: sc.small,
    unit: 'µs',
  });
  row({
    workload: `world of ${sc.live[1]} processes`,
    rules: 100,
    correlations: 20,
    metric: `engine µs per event (depth ≤ ${sc.depth}; totals ${sc.totals.toFixed(2)}×)`,
    value: sc.big,
    unit: 'µs',
    baseline: `${sc.live[0]} processes`,
    ratio: sc.ratio,
    range: sc.range,
    target: '≤ 1.3× (cost)',
  });
}

/** Cost per event after millions of events against a young engine. */
async function ageSection(): Promise<void> {
  const { rs100 } = await gen100();
  const age = ageRow(rs100, { quick: QUICK, root: ROOT, long: argv.includes('--long') });
  row({
    workload: 'young engine',
    rules: 100,
    correlations: 20,
    metric: 'engine µs per event',
    value: age.young,
    unit: 'µs',
  });
  row({
    workload: `after ${age.events.toExponential(0)} events`,
    rules: 100,
    correlations: 20,
    metric: `engine µs per event (totals ${age.totals.toFixed(2)}×)`,
    value: age.old,
    unit: 'µs',
    baseline: 'young engine',
    ratio: age.ratio,
    range: age.range,
    target: '≤ 1.1× (cost)',
  });
}

/**
 * Real rules: shipped + SigmaHQ + renamed copies, on the same capture. Their independent count is
 * the same engine with every line decoded (a different decode path): consistency, not a hand count.
 */
async function realSection(): Promise<void> {
  const lines = mixedLines();
  const realTexts = realRuleYaml();
  for (const n of QUICK ? [100] : [100, 500, 2000]) {
    const yaml = renamedCopiesOf(realTexts, n);
    const { ruleset, loadMs } = await rulesetFromYaml(`real${n}`, yaml.text);
    const rate = endToEnd(lines, ruleset, true);
    const full = endToEndOnce(lines, ruleset);
    checkAlerts(`real rules ${n}`, rate.alerts.detection, full.detection);
    row({
      workload: 'real rules + renamed copies',
      rules: yaml.rules,
      correlations: yaml.correlations,
      metric: 'end to end, unneeded skipped',
      value: rate.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: rate.ratio,
      range: rate.range,
      target: n === 2000 ? '≥ 0.6×' : undefined,
      alerts: rate.alerts,
    });
    row({
      workload: 'load + compile',
      rules: yaml.rules,
      correlations: yaml.correlations,
      metric: 'loadRules, real rules',
      value: loadMs,
      unit: 'ms',
    });
  }
}

/** The recorded traces with the shipped ruleset. */
async function tracesSection(): Promise<void> {
  const shipped = await loadRules([bundledRulesDir()]);
  const traces: [string, string][] = [['meterpreter trace', join(ROOT, 'fixtures/meterpreter-session.jsonl')]];
  if (!QUICK) traces.push(['benign baseline trace', join(ROOT, 'fixtures/benign-baseline.jsonl.gz')]);
  for (const [name, path] of traces) {
    if (!existsSync(path)) continue;
    const raw = readFileSync(path);
    const tlines = (path.endsWith('.gz') ? gunzipSync(raw) : raw)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    const rate = endToEnd(tlines, shipped, true);
    checkAlerts(name, rate.alerts.detection, endToEndOnce(tlines, shipped).detection);
    row({
      workload: name,
      rules: shipped.rules.length,
      correlations: shipped.correlations.length,
      metric: `end to end (${tlines.length} lines)`,
      value: rate.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: rate.ratio,
      range: rate.range,
      alerts: rate.alerts,
    });
  }
}

/** Fleet (NATS JetStream): needs nats-server; the same frames through 1 and 2 worker processes and in-process. */
async function fleetSection(): Promise<void> {
  const benignPath = join(ROOT, 'fixtures/benign-baseline.jsonl.gz');
  const src = (
    QUICK || !existsSync(benignPath)
      ? readFileSync(join(ROOT, 'fixtures/meterpreter-session.jsonl'))
      : gunzipSync(readFileSync(benignPath))
  )
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const shipped = await loadRules([bundledRulesDir()]);
  const f = await fleetBench(shipped, src, QUICK ? 5_000 : 100_000, QUICK ? 1 : 3);
  if (f === undefined) {
    process.stdout.write('fleet rows skipped: nats-server is not installed (apt-get install nats-server)\n');
  } else {
    const w = `fleet, ${f.cores} cores`;
    const n = shipped.rules.length + shipped.correlations.length;
    const c = shipped.correlations.length;
    row({
      workload: w,
      rules: n,
      correlations: c,
      metric: `in-process frame path (${f.events})`,
      value: f.inProcess,
      unit: 'ev/s',
    });
    row({
      workload: w,
      rules: n,
      correlations: c,
      metric: '1 worker',
      value: f.oneWorker,
      unit: 'ev/s',
      baseline: 'in-process frames',
      ratio: f.oneWorker / f.inProcess,
      target: '≥ 0.6×',
    });
    row({
      workload: w,
      rules: n,
      correlations: c,
      metric: '2 workers (wall)',
      value: f.twoWorkers,
      unit: 'ev/s',
      baseline: '1 worker',
      ratio: f.twoWorkers / f.oneWorker,
      target: f.cores >= 4 ? '≥ 1.6×' : '≥ 1.15× (2 cores)',
    });
    for (const [k, ms] of [
      [1, f.startOneMs],
      [2, f.startTwoMs],
    ] as const)
      row({
        workload: w,
        rules: n,
        correlations: c,
        metric: `start-up, ${k} worker${k > 1 ? 's' : ''} (not in the rates)`,
        value: ms,
        unit: 'ms',
      });
    row({
      workload: w,
      rules: n,
      correlations: c,
      metric: 'worker CPU per 1k events, 1 worker',
      value: f.cpuPerKOne,
      unit: 'ms',
    });
    row({
      workload: w,
      rules: n,
      correlations: c,
      metric: 'worker CPU per 1k events, 2 workers',
      value: f.cpuPerKTwo,
      unit: 'ms',
      baseline: '1 worker',
      ratio: f.cpuPerKTwo / f.cpuPerKOne,
      target: '≤ 1.15×',
    });
  }
}

const SECTIONS = {
  live: liveSection,
  parse: parseSection,
  file: fileSection,
  threads: threadsSection,
  predecoded: async () => {
    const { rs100, load100 } = await gen100();
    await predecodedSections(mixedLines(), rs100, load100);
  },
  scale: scaleSection,
  age: ageSection,
  real: realSection,
  traces: tracesSection,
  fleet: fleetSection,
  memory: async () => {
    templates();
    await memorySection();
  },
} as const;
type Section = keyof typeof SECTIONS;
const isSection = (s: string): s is Section => Object.hasOwn(SECTIONS, s);

/**
 * Runs each section in a process of its own, in order, and gathers their rows. A section's
 * figures then do not depend on what ran before it: in one process, the memory rows counted the
 * lineage cache's interned shapes only when no earlier section had interned them, and later
 * sections ran beside ~600 MB of earlier captures and engines. A `nightjar scan` process holds
 * only its own input and engine, as a section process does.
 */
async function main(): Promise<void> {
  if (SECTION !== undefined) {
    if (!isSection(SECTION)) throw new Error(`unknown section ${SECTION}`);
    await SECTIONS[SECTION]();
    writeFileSync(rowsOut!, JSON.stringify(rows));
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  for (const s of ONLY ?? []) {
    if (!isSection(s)) throw new Error(`--only: unknown section ${s} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  }
  header();
  const pass = argv.filter((a) => a === '--quick' || a === '--cpu' || a === '--long');
  for (const s of Object.keys(SECTIONS) as Section[]) {
    if (ONLY !== undefined && !ONLY.has(s)) continue;
    const out = join(tmp, `${s}.rows.json`);
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--section', s, '--rows', out, ...pass],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`section ${s} failed (${r.signal ?? `exit ${r.status}`})`);
    rows.push(...(JSON.parse(readFileSync(out, 'utf8')) as Row[]));
  }
  if (jsonOut)
    writeFileSync(
      jsonOut,
      JSON.stringify(
        { node: process.version, quick: QUICK, clock: clockName(), events: N_EVENTS, runs: RUNS, rows },
        null,
        2,
      ),
    );
  rmSync(tmp, { recursive: true, force: true });
  void heapUsed;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
