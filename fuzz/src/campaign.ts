/**
 * One fuzz campaign: runs a target's property in chunks (chunk k uses seed + k) until its input
 * budget is spent. A violation that matches a known finding is tallied and, the first time, saved
 * as a regression case; any other violation fails the property, fast-check shrinks the input, the
 * shrunk case is saved, and the campaign goes on with the next chunk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { clip, knownFinding, Tally, type Violation } from './findings.js';
import { checkPrototypes, snapshotPrototypes } from './prototypes.js';
import type { RegressionCase, Target } from './targets.js';

export interface CampaignOptions {
  readonly seed: number;
  /** Inputs (lines, rule documents, pairs) to try. */
  readonly budget: number;
  /** fast-check runs per chunk. */
  readonly chunk: number;
  /** Where failing cases are saved (undefined: not saved). */
  readonly saveDir?: string | undefined;
  /** Stop after this many new failures. */
  readonly maxFailures: number;
  readonly timing: boolean;
  readonly log: (line: string) => void;
  /** Checked between chunks (a chunk runs synchronously, so no event can stop it). */
  readonly stop?: () => boolean;
  /** Called after each chunk (progress lines for long runs). */
  readonly progress?: (t: Tally) => void;
}

/** The message with its numbers blanked: two findings with the same shape are one finding. */
function shape(v: Violation): string {
  return `${v.oracle}:${v.message.replace(/\d+(\.\d+)?/g, '#').slice(0, 160)}`;
}

function save<I>(dir: string, t: Target<I>, c: RegressionCase): string | undefined {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(c, null, 1)}\n`;
  const hash = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const file = join(dir, `${t.name}-${c.known ?? c.found[0]?.oracle ?? 'case'}-${hash}.json`);
  if (existsSync(file)) return undefined;
  writeFileSync(file, json);
  return file;
}

/** Whether a case of this target and known finding is already saved (one example each is enough). */
function savedBefore(dir: string, prefix: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.startsWith(prefix));
  } catch {
    return false;
  }
}

export function runCampaign<I>(t: Target<I>, o: CampaignOptions): Tally {
  const tally = new Tally();
  const started = performance.now();
  const seenShapes = new Set<string>();
  const savedKnown = new Set<string>();
  let chunkSeed = o.seed;
  while (tally.inputs < o.budget && tally.totalFailures < o.maxFailures && o.stop?.() !== true) {
    tally.seeds.push(chunkSeed);
    let failure: Violation[] = [];
    const protos = snapshotPrototypes();
    const property = fc.property(t.arb, (input) => {
      let r;
      try {
        r = t.check(input, o.timing);
      } catch (err) {
        // The oracles never throw; if one does, that is a harness bug worth a case too.
        r = {
          violations: [{ oracle: 'crash' as const, message: `oracle threw: ${clip(String(err))}` }],
          inputs: 0,
          worstMs: 0,
          worstWhat: '',
        };
      }
      const violations = [...r.violations, ...checkPrototypes(protos)];
      tally.inputs += r.inputs;
      tally.cost(r.worstMs, r.worstWhat);
      const fresh: Violation[] = [];
      for (const v of violations) {
        const k = knownFinding(v);
        if (k === undefined) {
          fresh.push(v);
          continue;
        }
        tally.hitKnown(k.id);
        if (!savedKnown.has(k.id)) {
          savedKnown.add(k.id);
          o.log(`  known finding ${k.id}: ${clip(v.message, 200)}`);
          if (o.saveDir !== undefined && !savedBefore(o.saveDir, `${t.name}-${k.id}-`)) {
            const small = t.reduce?.(input, v) ?? input;
            const f = save(o.saveDir, t, {
              target: t.name,
              known: k.id,
              found: [v],
              seed: chunkSeed,
              input: t.toCase(small),
            });
            if (f) tally.saved.push(f);
          }
        }
      }
      if (fresh.length > 0) {
        failure = fresh;
        return false;
      }
      return true;
    });
    const res = fc.check(property, { seed: chunkSeed, numRuns: o.chunk, endOnFailure: false });
    tally.runs += res.numRuns;
    if (res.failed && res.counterexample !== null) {
      const [input] = res.counterexample;
      // `failure` holds the violations of the last failing call: the shrunk counterexample.
      const fresh = failure.filter((v) => !seenShapes.has(shape(v)));
      for (const v of failure) seenShapes.add(shape(v));
      if (fresh.length > 0) {
        for (const v of fresh) tally.fail(v.oracle);
        o.log(
          `  FAILURE (seed ${chunkSeed}, ${res.numShrinks} shrinks): ${fresh.map((v) => `[${v.oracle}] ${clip(v.message, 300)}`).join('\n    ')}`,
        );
        if (o.saveDir !== undefined) {
          const f = save(o.saveDir, t, { target: t.name, found: fresh, seed: chunkSeed, input: t.toCase(input) });
          if (f) {
            tally.saved.push(f);
            o.log(`  saved ${f}`);
          }
        }
      }
    } else if (res.failed) {
      tally.fail('crash');
      o.log(
        `  FAILURE (seed ${chunkSeed}): fast-check failed without a counterexample: ${clip(String(res.errorInstance))}`,
      );
    }
    chunkSeed = (chunkSeed + 1) | 0;
    tally.elapsedMs = performance.now() - started;
    o.progress?.(tally);
  }
  tally.elapsedMs = performance.now() - started;
  return tally;
}
