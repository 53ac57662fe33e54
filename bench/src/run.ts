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
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, createDecoder, type NightjarEvent, type CompiledRuleSet } from '@nightjar/core';
import { loadRules, bundledRulesDir } from '@nightjar/rules';
import { generateCapture } from './workload.js';
import { generateRules, handWrittenMatcher, NARROW_TEMPLATES } from './synthetic-rules.js';
import { variantsOf } from './variants.js';
import { clockName, fmtBytes, fmtRate, hasGc, heapUsed, latencies, pairedRuns, setClock, timeRuns } from './measure.js';
import { memoryPerGroup, memoryPerLineageEntry } from './memory.js';
import { liveSkipReason, liveStorm, replayDecode } from './live.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined;
if (argv.includes('--cpu')) setClock('cpu');

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
  target?: string | undefined;
}
const rows: Row[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'nightjar-bench-'));

function row(r: Row): void {
  rows.push(r);
  const ratio = r.ratio !== undefined ? `${r.ratio.toFixed(2)}× ${r.baseline}` : '';
  const value =
    r.unit === 'ev/s'
      ? fmtRate(r.value)
      : r.unit === 'B'
        ? fmtBytes(r.value)
        : `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`;
  process.stdout.write(
    `${r.workload.padEnd(26)} ${String(r.rules).padStart(5)} ${String(r.correlations).padStart(4)}  ${r.metric.padEnd(30)} ${value.padStart(12)}  ${ratio.padEnd(26)} ${r.target ?? ''}\n`,
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

/**
 * End to end from JSON lines: decode (skipping unneeded types) + engine, a fresh engine per pass,
 * timed alternately with a JSON.parse-only pass over the same lines. Returns both rates and the ratio.
 */
function endToEnd(
  lines: string[],
  ruleset: CompiledRuleSet,
  filter: boolean,
): { rate: number; parse: number; ratio: number } {
  const r = pairedRuns(
    lines.length,
    RUNS,
    WARMUP,
    () => {
      for (let i = 0; i < lines.length; i++) JSON.parse(lines[i]!);
    },
    () => {
      const engine = new Engine(ruleset);
      const dec = createDecoder({ eventTypes: filter ? ruleset.requiredEventTypes() : null, source: 'bench' });
      for (let i = 0; i < lines.length; i++) {
        const ev = dec.decode(lines[i]!, i + 1, 0);
        if (!(ev instanceof Error)) engine.push(ev);
      }
      engine.flush();
    },
  );
  return { rate: r.b.eventsPerSec, parse: r.a.eventsPerSec, ratio: r.b.eventsPerSec / r.a.eventsPerSec };
}

/**
 * The engine on pre-decoded events (a fresh engine per pass), timed alternately with the hand-written
 * loop implementing the same `n` generated rules (no correlations, no lineage, no gap tracking).
 */
function preDecoded(
  events: NightjarEvent[],
  ruleset: CompiledRuleSet,
  handRules: number,
): { rate: number; hand: number; ratio: number } {
  const hand = handWrittenMatcher(handRules);
  const r = pairedRuns(
    events.length,
    RUNS,
    WARMUP,
    () => {
      let hits = 0;
      for (let i = 0; i < events.length; i++) hits += hand(events[i]!.name, events[i]!.msg);
      if (hits < 0) throw new Error('unreachable');
    },
    () => {
      const engine = new Engine(ruleset);
      for (let i = 0; i < events.length; i++) engine.push(events[i]!);
      engine.flush();
    },
  );
  return { rate: r.b.eventsPerSec, hand: r.a.eventsPerSec, ratio: r.b.eventsPerSec / r.a.eventsPerSec };
}

/**
 * The engine and the hand loop on events just decoded, as in a live pipeline where an event is
 * evaluated right after it is parsed (its objects still in cache): lines are decoded in chunks of
 * CHUNK (untimed), then both run over the chunk, which of the two goes first alternating per chunk,
 * each timed with hrtime (a chunk is well under a millisecond: too short for the CPU clock). A
 * fresh engine and decoder per pass; medians of the passes' totals.
 */
const CHUNK = 512;
const minorGc = (globalThis as { gc?: (o: { type: 'minor' }) => void }).gc;
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
      if (minorGc !== undefined) minorGc({ type: 'minor' });
      for (let order = 0; order < 2; order++) {
        if ((order ^ (k & 1)) === 0) {
          const t0 = ns();
          for (let i = 0; i < chunk.length; i++) hits += hand(chunk[i]!.name, chunk[i]!.msg);
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

async function main(): Promise<void> {
  process.stdout.write(
    `Nightjar bench — node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${QUICK ? 'QUICK' : `${N_EVENTS} events, median of ${RUNS}`}, ${clockName()} clock${hasGc() ? '' : ' (no --expose-gc: memory figures are rough)'}\n\n`,
  );
  process.stdout.write(
    `${'workload'.padEnd(26)} ${'rules'.padStart(5)} ${'corr'.padStart(4)}  ${'metric'.padEnd(30)} ${'value'.padStart(12)}  ${'vs baseline'.padEnd(26)} target\n`,
  );

  const lines = generateCapture(N_EVENTS, 7);
  const parseRate = jsonParseRate(lines);
  row({
    workload: 'baseline',
    rules: 0,
    correlations: 0,
    metric: 'JSON.parse per line',
    value: parseRate,
    unit: 'ev/s',
  });
  const bytes = lines.reduce((s, l) => s + l.length + 1, 0);
  process.stdout.write(
    `  (mixed capture: ${lines.length} lines, ${(bytes / lines.length).toFixed(0)} B/line average)\n`,
  );

  // 100 generated rules + 20 correlations over every type the rules name: the main workload.
  const gen100 = generateRules(100, 20);
  const { ruleset: rs100, loadMs: load100 } = await rulesetFromYaml('gen100', gen100.yaml);
  const all = decodeAll(lines, null);
  const e2eAll = endToEnd(lines, rs100, false);
  row({
    workload: 'mixed, all lines parsed',
    rules: 100,
    correlations: 20,
    metric: 'end to end from JSON lines',
    value: e2eAll.rate,
    unit: 'ev/s',
    baseline: 'JSON.parse',
    ratio: e2eAll.ratio,
    target: '≥ 0.8×',
  });
  const e2eNeeded = endToEnd(lines, rs100, true);
  row({
    workload: 'mixed, skip unneeded',
    rules: 100,
    correlations: 20,
    metric: `end to end (${rs100.requiredEventTypes().length} types needed)`,
    value: e2eNeeded.rate,
    unit: 'ev/s',
    baseline: 'JSON.parse',
    ratio: e2eNeeded.ratio,
  });

  const pre100 = preDecoded(all, rs100, 100);
  row({
    workload: 'baseline',
    rules: 100,
    correlations: 0,
    metric: 'hand-written predicate loop',
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
    target: '≥ 1M ev/s',
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

  // A ruleset that needs under a third of the event types: the decoder skips the rest unparsed.
  const narrow = generateRules(100, 0, NARROW_TEMPLATES);
  const { ruleset: rsNarrow } = await rulesetFromYaml('narrow', narrow.yaml);
  const e2eNarrow = endToEnd(lines, rsNarrow, true);
  row({
    workload: `narrow (${rsNarrow.requiredEventTypes().join(',')})`,
    rules: 100,
    correlations: 0,
    metric: 'end to end, unneeded skipped',
    value: e2eNarrow.rate,
    unit: 'ev/s',
    baseline: 'JSON.parse',
    ratio: e2eNarrow.ratio,
    target: '≥ 2×',
  });

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
    const rate = preDecoded(all, ruleset, n!);
    row({
      workload: 'generated, pre-decoded',
      rules: n!,
      correlations: c!,
      metric: 'engine on pre-decoded events',
      value: rate.rate,
      unit: 'ev/s',
      baseline: `hand loop ${n}`,
      ratio: rate.ratio,
      target: n === 500 ? '≥ 400k ev/s' : undefined,
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

  // Real rules: shipped + SigmaHQ + variants, on the same capture.
  const realTexts = realRuleYaml();
  for (const n of QUICK ? [100] : [100, 500, 2000]) {
    const yaml = variantsOf(realTexts, n);
    const { ruleset, loadMs } = await rulesetFromYaml(`real${n}`, yaml.text);
    const rate = endToEnd(lines, ruleset, true);
    row({
      workload: 'real rules + variants',
      rules: yaml.rules,
      correlations: yaml.correlations,
      metric: 'end to end, unneeded skipped',
      value: rate.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: rate.ratio,
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

  // The Meterpreter trace with the shipped ruleset.
  const mp = join(ROOT, 'fixtures/meterpreter-session.jsonl');
  if (existsSync(mp)) {
    const mlines = readFileSync(mp, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    const shipped = await loadRules([bundledRulesDir()]);
    const rate = endToEnd(mlines, shipped, true);
    row({
      workload: 'meterpreter trace',
      rules: shipped.rules.length,
      correlations: shipped.correlations.length,
      metric: `end to end (${mlines.length} lines)`,
      value: rate.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: rate.ratio,
    });
  }
  const benign = join(ROOT, 'fixtures/benign-baseline.jsonl.gz');
  if (existsSync(benign) && !QUICK) {
    const blines = gunzipSync(readFileSync(benign))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    const shipped = await loadRules([bundledRulesDir()]);
    const rate = endToEnd(blines, shipped, true);
    row({
      workload: 'benign baseline trace',
      rules: shipped.rules.length,
      correlations: shipped.correlations.length,
      metric: `end to end (${blines.length} lines)`,
      value: rate.rate,
      unit: 'ev/s',
      baseline: 'JSON.parse',
      ratio: rate.ratio,
    });
  }

  // Live: the Linux backend under a file storm, per wire format, against decoding the same lines.
  const liveSkip = liveSkipReason();
  if (liveSkip !== undefined) {
    process.stdout.write(`\nlive rows skipped: ${liveSkip}\n`);
  } else {
    const files = QUICK ? 3_000 : 30_000;
    const results = [];
    for (const wire of ['objects', 'json'] as const) results.push(await liveStorm(wire, files));
    const replay = replayDecode(results[1]!.lines);
    row({
      workload: 'replay (same events)',
      rules: 0,
      correlations: 0,
      metric: 'decode, JS µs/event',
      value: replay.usPerEvent,
      unit: 'µs',
    });
    for (const r of results) {
      row({
        workload: `live linux (${r.wire} wire)`,
        rules: 0,
        correlations: 0,
        metric: 'JS-thread µs/event',
        value: r.jsUsPerEvent,
        unit: 'µs',
        baseline: 'replay decode',
        ratio: r.jsUsPerEvent / replay.usPerEvent,
        target: r.wire === 'json' ? '≤ 1.3×' : undefined,
      });
      row({
        workload: `live linux (${r.wire} wire)`,
        rules: 0,
        correlations: 0,
        metric: `events/s (${r.events}/${r.generated} seen, ${r.drops} dropped)`,
        value: r.rate,
        unit: 'ev/s',
        baseline: 'replay decode rate',
        ratio: r.rate / replay.rate,
        target: r.wire === 'json' ? '≥ 0.5× with 0 dropped' : undefined,
      });
    }
  }

  // Memory.
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
    target: '≤ 1 KB',
  });
  {
    // In a child process: this one holds the captures and decoded events, which are not the engine's.
    const [g, p] = QUICK ? [5_000, 4_096] : [100_000, 65_536];
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', join(dirname(fileURLToPath(import.meta.url)), 'rss.js'), String(g), String(p)],
      { encoding: 'utf8' },
    );
    const { rss, baseline } = JSON.parse(out) as { rss: number; baseline: number };
    row({
      workload: 'memory',
      rules: 1,
      correlations: 1,
      metric: `${g} groups + ${p} procs, RSS`,
      value: rss,
      unit: 'B',
      target: QUICK ? undefined : '< 150 MB',
    });
    row({
      workload: 'memory',
      rules: 0,
      correlations: 0,
      metric: 'same process before the engine',
      value: baseline,
      unit: 'B',
    });
  }
  const mu = process.memoryUsage();
  row({ workload: 'process at end', rules: 0, correlations: 0, metric: 'heap used', value: mu.heapUsed, unit: 'B' });
  row({ workload: 'process at end', rules: 0, correlations: 0, metric: 'RSS', value: mu.rss, unit: 'B' });

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
