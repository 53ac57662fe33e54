/**
 * The end-to-end run: a million mutated lines piped into the real CLI (`nightjar scan -`), checking
 * that every line is counted (events + malformed = lines: none dropped after a bad one) and that the
 * scan ends with exit 0 or 1, never 2. Some lines carry invalid UTF-8 bytes. Plus the line splitter's
 * cost on one long line.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LineSplitter } from '@nightjar/sources';
import { buildLine, lineSpecArb } from './event-lines.js';
import { cpuMs, type Violation } from './findings.js';
import { ROOT } from './paths.js';

export interface CliRunResult {
  readonly lines: number;
  readonly bytes: number;
  readonly events: number;
  readonly malformed: number;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly violations: Violation[];
}

/** Writes `n` mutated lines (seeded) to a file; a few giant lines are spliced in on purpose. */
async function writeInput(
  file: string,
  bases: readonly string[],
  n: number,
  seed: number,
  maxDepth: number,
): Promise<number> {
  const arb = lineSpecArb(bases.length, { maxDepth, maxString: 20_000 });
  const out = createWriteStream(file);
  let bytes = 0;
  const write = (s: string | Buffer): Promise<void> | void => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()));
  };
  // Bytes a string cannot hold: every 997th line gets an invalid UTF-8 sequence inside it.
  const invalidUtf8 = (line: string): Buffer => {
    const b = Buffer.from(line);
    const at = Math.floor(b.length / 2);
    return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28]), b.subarray(at)]);
  };
  const GIANTS: Record<number, () => string> = {
    // A maxDepth-level array in an extra field, and an 8 MB string: each must cost one line, never the stream.
    [Math.floor(n / 3)]: () => {
      const d = Math.max(maxDepth, 1);
      return bases[0]!.replace(/\}$/, `,"extra":${'['.repeat(d)}1${']'.repeat(d)}}`);
    },
    [Math.floor((2 * n) / 3)]: () => bases[1 % bases.length]!.replace(/\}$/, `,"extra":"${'a'.repeat(8_000_000)}"}`),
  };
  const chunk = 10_000;
  for (let done = 0; done < n; done += chunk) {
    const specs = fc.sample(arb, { seed: seed + done, numRuns: Math.min(chunk, n - done) });
    const text: string[] = [];
    specs.forEach((s, k) => {
      const giant = GIANTS[done + k];
      let l = giant ? giant() : buildLine(bases, s);
      // A blank line is not a line to the reader (it is skipped, not counted): keep every line non-blank.
      if (l.trim() === '') l = '{';
      text.push(l);
    });
    const parts: (string | Buffer)[] = [];
    let run: string[] = [];
    text.forEach((l, k) => {
      if ((done + k) % 997 !== 996) return void run.push(l);
      parts.push(`${run.join('\n')}${run.length ? '\n' : ''}`, invalidUtf8(l), '\n');
      run = [];
    });
    parts.push(`${run.join('\n')}${run.length ? '\n' : ''}`);
    for (const p of parts) await write(p);
  }
  await new Promise<void>((r) => out.end(() => r()));
  return bytes;
}

function count(stderr: string, re: RegExp): number | undefined {
  const m = re.exec(stderr);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

/** Pipes `n` mutated lines into `nightjar scan -` and checks every line is counted. */
export async function cliStdinRun(
  bases: readonly string[],
  n: number,
  seed: number,
  log: (s: string) => void,
  /** Deepest nesting in the input (a 20,000-deep line is spliced in at that depth). */
  maxDepth = 20_000,
): Promise<CliRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nightjar-fuzz-cli-'));
  const file = join(dir, 'lines.jsonl');
  try {
    const bytes = await writeInput(file, bases, n, seed, maxDepth);
    log(
      `  ${n.toLocaleString('en-US')} lines (${(bytes / 1048576).toFixed(0)} MB) written; scanning with nightjar scan -`,
    );
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'packages/cli/dist/bin.js'), 'scan', '-', '-f', 'jsonl', '--max-problems', '0'],
      {
        stdio: [openSync(file, 'r'), 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    // Keep the summary, not millions of malformed-line reports.
    child.stderr!.on('data', (d: string) => {
      stderr = (stderr + d).slice(-20_000);
    });
    const exitCode = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const seconds = (performance.now() - t0) / 1000;
    const events = count(stderr, /Summary\s+([\d,]+) events/) ?? -1;
    const malformed = count(stderr, /malformed lines\s+([\d,]+)/) ?? -1;
    const v: Violation[] = [];
    if (exitCode !== 0 && exitCode !== 1)
      v.push({ oracle: 'crash', message: `nightjar scan - exited ${exitCode}: ${stderr.slice(-600)}` });
    if (events + malformed !== n) {
      // Say why the scan stopped, so a known cause is recognised as that finding.
      const stop = /cannot read input: (.*)/.exec(stderr)?.[1];
      v.push({
        oracle: 'uncounted',
        message: `${n} lines piped into nightjar scan -, summary counts ${events} events + ${malformed} malformed = ${events + malformed}${stop ? ` (the scan stopped: ${stop})` : ''}`,
      });
    }
    return { lines: n, bytes, events, malformed, exitCode, seconds, violations: v };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The splitter's cost on one long line fed in 64 KB chunks, in CPU time: linear means four times
 * the line costs about four times as much; quadratic buffering costs about sixteen times.
 */
export function lineSplitterCost(mb: number): {
  ratio: number;
  violations: Violation[];
  msSmall: number;
  msLarge: number;
} {
  const chunk = Buffer.alloc(65536, 0x61);
  const feed = (bytes: number): number =>
    cpuMs(() => {
      const s = new LineSplitter(() => undefined);
      for (let done = 0; done < bytes; done += chunk.length) s.push(chunk);
      s.push(Buffer.from('\n'));
      s.end();
    });
  const msSmall = feed(mb * 1048576);
  const msLarge = feed(4 * mb * 1048576);
  const ratio = msLarge / Math.max(1, msSmall);
  const message = `line splitter: one ${4 * mb} MB line took ${msLarge.toFixed(0)} ms, ${ratio.toFixed(1)}× the ${mb} MB line (linear is ~4×)`;
  return { ratio, violations: ratio > 8 && msLarge > 500 ? [{ oracle: 'cost', message }] : [], msSmall, msLarge };
}
