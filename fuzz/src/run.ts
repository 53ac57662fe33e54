/**
 * `pnpm fuzz` — property-based fuzzing of Nightjar's two hostile inputs: eslogger lines (decoder +
 * engine with the shipped rules, and SigmaHQ's when present) and rule files (loader + linter +
 * engine), plus differential checks of the wildcard and `x of` matchers. See fuzz/README.md.
 *
 * Flags: --long (≥10^6 lines, ≥10^5 rules, and a million lines through `nightjar scan -`, on two
 * worker processes), --seed <n> (default: random, printed), --only <targets> (comma-separated:
 * events, rules, wildcard, xof, cli), --cli-depth <20000|200> (one pass of the CLI run), --no-save
 * (do not write regression cases), --json <file>.
 * Exit 1 when a new failure (not a known finding) was found.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCampaign } from './campaign.js';
import { cliStdinRun, lineSplitterCost } from './cli-stdin.js';
import { KNOWN_FINDINGS, knownFinding, type Tally } from './findings.js';
import { REGRESSIONS_DIR } from './paths.js';
import {
  eventsTarget,
  LONG_BUDGETS,
  loadWorld,
  rulesTarget,
  SHORT_BUDGETS,
  TARGETS,
  wildcardTarget,
  xofTarget,
  type Target,
  type TargetName,
  type World,
} from './targets.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const LONG = argv.includes('--long');
const SEED = flag('--seed') !== undefined ? Number(flag('--seed')) : (Math.random() * 2 ** 31) | 0;
const ONLY = (flag('--only') ?? [...TARGETS, 'cli'].join(',')).split(',');
const SAVE = !argv.includes('--no-save');
const JSON_OUT = flag('--json');
const WORKER = argv.includes('--worker');
/** --cli-depth 20000 or 200: only that pass of the CLI run. */
const CLI_DEPTH = flag('--cli-depth') !== undefined ? Number(flag('--cli-depth')) : undefined;

/** Inputs per target: the short budget is `pnpm fuzz`'s, the long one the issue's 10^6 lines / 10^5 rules. */
const BUDGET: Record<TargetName | 'cli', number> = LONG
  ? { events: 1_000_000, rules: 100_000, wildcard: 200_000, xof: 50_000, cli: 1_000_000 }
  : { events: 20_000, rules: 2_000, wildcard: 10_000, xof: 5_000, cli: 20_000 };
const CHUNK: Record<TargetName, number> = { events: 100, rules: 200, wildcard: 1_000, xof: 1_000 };

interface TargetReport {
  target: string;
  unit: string;
  inputs: number;
  runs: number;
  seconds: number;
  seeds: [number, number];
  failures: Record<string, number>;
  known: Record<string, number>;
  worstMs: number;
  worstWhat: string;
  saved: string[];
}

const log = (s: string): void => void process.stdout.write(`${s}\n`);

function report(t: Target<unknown>, tally: Tally): TargetReport {
  return {
    target: t.name,
    unit: t.unit,
    inputs: tally.inputs,
    runs: tally.runs,
    seconds: tally.elapsedMs / 1000,
    seeds: [tally.seeds[0] ?? SEED, tally.seeds[tally.seeds.length - 1] ?? SEED],
    failures: Object.fromEntries(tally.failures),
    known: Object.fromEntries(tally.known),
    worstMs: tally.worstMs,
    worstWhat: tally.worstWhat,
    saved: tally.saved,
  };
}

function targetOf(name: TargetName, w: World): Target<unknown> {
  const b = LONG ? LONG_BUDGETS : SHORT_BUDGETS;
  switch (name) {
    case 'events':
      return eventsTarget(w, b);
    case 'rules':
      return rulesTarget(w, b);
    case 'wildcard':
      return wildcardTarget(b);
    case 'xof':
      return xofTarget(b);
  }
}

async function runTargets(names: readonly TargetName[], w: World): Promise<TargetReport[]> {
  const out: TargetReport[] = [];
  for (const name of names) {
    const t = targetOf(name, w);
    log(
      `${name}: ${BUDGET[name].toLocaleString('en-US')} ${t.unit}, seed ${SEED} (chunk k uses seed+k, ${CHUNK[name]} runs each)`,
    );
    let lastStep = 0;
    const unit = t.unit;
    const tally = runCampaign(t, {
      seed: SEED,
      budget: BUDGET[name],
      chunk: CHUNK[name],
      saveDir: SAVE ? REGRESSIONS_DIR : undefined,
      maxFailures: 20,
      timing: true,
      log,
      stop: parentGone,
      progress: (t) => {
        // A line per 2 % of the budget, so a long run can be followed (and read if cut short).
        const step = Math.floor((t.inputs / BUDGET[name]) * 50);
        if (step > lastStep) {
          lastStep = step;
          log(
            `  progress ${name}: ${t.inputs.toLocaleString('en-US')} / ${BUDGET[name].toLocaleString('en-US')} ${unit}, ${t.runs} runs, ${(t.elapsedMs / 1000).toFixed(0)} s; new failures ${JSON.stringify(Object.fromEntries(t.failures))}; known ${JSON.stringify(Object.fromEntries(t.known))}`,
          );
        }
      },
    });
    const r = report(t, tally);
    log(
      `${name}: ${r.inputs.toLocaleString('en-US')} ${r.unit} in ${r.runs} runs, ${r.seconds.toFixed(1)} s; new failures ${JSON.stringify(r.failures)}; known ${JSON.stringify(r.known)}; worst ${r.worstMs.toFixed(1)} ms`,
    );
    out.push(r);
  }
  return out;
}

/** --long on two processes: events in one, rules and the matchers in the other. */
async function inWorkers(groups: TargetName[][]): Promise<TargetReport[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nightjar-fuzz-'));
  const self = fileURLToPath(import.meta.url);
  const runs = groups.map(
    (g, i) =>
      new Promise<TargetReport[]>((resolve, reject) => {
        const out = join(dir, `worker-${i}.json`);
        const args = ['--worker', '--only', g.join(','), '--seed', String(SEED), '--json', out];
        if (LONG) args.push('--long');
        if (!SAVE) args.push('--no-save');
        const child = fork(self, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
        child.stdout!.on('data', (d: Buffer) => {
          for (const l of d.toString().split('\n')) if (l) log(`[${g.join(',')}] ${l}`);
        });
        child.on('exit', (code) => {
          try {
            resolve((JSON.parse(readFileSync(out, 'utf8')) as { targets: TargetReport[] }).targets);
          } catch {
            reject(new Error(`worker ${g.join(',')} exited ${code} without results`));
          }
        });
      }),
  );
  return (await Promise.all(runs)).flat();
}

// A worker ends with its parent (Ctrl-C, or the parent killed): its campaigns run synchronously, so
// they look between chunks whether the parent is still there.
const PARENT = process.ppid;
const parentGone = (): boolean => WORKER && process.ppid !== PARENT;

async function main(): Promise<void> {
  const started = performance.now();
  const w = await loadWorld();
  const wanted = TARGETS.filter((t) => ONLY.includes(t));
  if (!WORKER)
    log(
      `Nightjar fuzz — ${LONG ? 'LONG' : 'short'} budget, seed ${SEED}, ${w.ruleCount} rules loaded (shipped${w.withSigmaHq ? ' + SigmaHQ macOS' : ''}), ${w.bases.length} fixture lines to mutate; known findings: ${KNOWN_FINDINGS.map((k) => k.id).join(', ')}`,
    );
  const targets =
    LONG && !WORKER
      ? await inWorkers(
          [wanted.filter((t) => t === 'events'), wanted.filter((t) => t !== 'events')].filter((g) => g.length > 0),
        )
      : await runTargets(wanted, w);
  const cli: (Awaited<ReturnType<typeof cliStdinRun>> & { label: string })[] = [];
  let splitter: ReturnType<typeof lineSplitterCost> | undefined;
  if (!WORKER && ONLY.includes('cli')) {
    // Two passes: nesting up to 20,000 levels (hostile), and up to 200 (so that the count of every
    // line is checked even while a deep line can still end the stream).
    const passes = (
      [
        ['cli', 20_000],
        ['cli≤200', 200],
      ] as const
    ).filter(([, d]) => CLI_DEPTH === undefined || d === CLI_DEPTH);
    for (const [label, depth] of passes) {
      log(
        `${label}: ${BUDGET.cli.toLocaleString('en-US')} mutated lines, nesting ≤ ${depth}, through nightjar scan - (seed ${SEED})`,
      );
      const r = { ...(await cliStdinRun(w.bases, BUDGET.cli, SEED, log, depth)), label };
      cli.push(r);
      log(
        `${label}: ${r.lines.toLocaleString('en-US')} lines → ${r.events.toLocaleString('en-US')} events + ${r.malformed.toLocaleString('en-US')} malformed, exit ${r.exitCode}, ${r.seconds.toFixed(1)} s; ${r.violations.length === 0 ? 'every line counted' : r.violations.map((v) => `[${v.oracle}] ${v.message.slice(0, 300)}`).join('; ')}`,
      );
    }
    splitter = lineSplitterCost(LONG ? 8 : 4);
    log(
      `cli: line splitter, one long line ×4 costs ×${splitter.ratio.toFixed(1)} (${splitter.msSmall.toFixed(0)} → ${splitter.msLarge.toFixed(0)} ms)`,
    );
    for (const v of splitter.violations) log(`  known finding ${knownFinding(v)?.id ?? 'NEW'}: ${v.message}`);
  }
  const cliFailures = cli.flatMap((r) => r.violations).filter((v) => knownFinding(v) === undefined);
  const splitterFailures = (splitter?.violations ?? []).filter((v) => knownFinding(v) === undefined);
  const newFailures =
    targets.reduce((n, t) => n + Object.values(t.failures).reduce((a, b) => a + b, 0), 0) +
    cliFailures.length +
    splitterFailures.length;
  const result = {
    seed: SEED,
    long: LONG,
    targets,
    cli,
    splitter,
    newFailures,
    seconds: (performance.now() - started) / 1000,
  };
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(result, null, 1));
  if (!WORKER) {
    log('');
    log(
      `${'target'.padEnd(9)} ${'inputs'.padStart(11)} ${'runs'.padStart(7)} ${'secs'.padStart(7)}  ${'new failures'.padEnd(24)} known findings`,
    );
    for (const t of targets) {
      const f =
        Object.entries(t.failures)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '0';
      const k =
        Object.entries(t.known)
          .map(([id, v]) => `${id} ${v}`)
          .join(', ') || '—';
      log(
        `${t.target.padEnd(9)} ${`${t.inputs.toLocaleString('en-US')} ${t.unit}`.padStart(11)} ${String(t.runs).padStart(7)} ${t.seconds.toFixed(1).padStart(7)}  ${f.padEnd(24)} ${k}`,
      );
    }
    for (const r of cli) {
      const fresh = r.violations.filter((v) => knownFinding(v) === undefined).length;
      const known = [...r.violations, ...(splitter?.violations ?? [])]
        .map((v) => knownFinding(v)?.id)
        .filter((id) => id !== undefined);
      log(
        `${r.label.padEnd(9)} ${`${r.lines.toLocaleString('en-US')} lines`.padStart(11)} ${'1'.padStart(7)} ${r.seconds.toFixed(1).padStart(7)}  ${String(fresh).padEnd(24)} ${[...new Set(known)].join(', ') || '—'}`,
      );
    }
    log(
      `seed ${SEED} · ${newFailures} new failure(s) · ${((performance.now() - started) / 1000).toFixed(0)} s · replay with: pnpm fuzz --seed ${SEED}${LONG ? ' --long' : ''}`,
    );
  }
  process.exitCode = newFailures > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`nightjar fuzz: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
