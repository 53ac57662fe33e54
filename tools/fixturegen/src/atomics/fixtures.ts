/**
 * The checked-in form of the atomics: `fixtures/atomics/<slug>.jsonl` (the trace) and
 * `<slug>.expected.json` (the atomic's metadata, the alerts the shipped rules must raise, or why
 * none), plus `sigmahq-macos.json` (SigmaHQ's macOS rules by technique, and what they raise on each
 * trace). Everything the coverage table needs is in these files, so it can be regenerated without
 * the corpus.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleRef } from '../render.js';
import { atomicSlug, renderAtomic, type Atomic } from './atomic.js';
import { ATOMIC_EXPECT } from './classification.js';

export interface AtomicExpected {
  trace: string;
  /** Where the procedure comes from (Atomic Red Team, MIT). */
  atomic: {
    technique: string;
    technique_name: string;
    test: string;
    guid: string;
    executor: string;
    elevation_required: boolean;
    command: string;
  };
  total: number;
  alerts: Array<{ rule_id: string; title: string; file: string; count: number }>;
  /** Set when the shipped rules must stay quiet: why, and what catches the behaviour in context. */
  quiet?: string;
  context?: string;
}

export function readCorpus(path: string): Atomic[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as Atomic;
      } catch (e) {
        throw new Error(`${path}:${i + 1}: not a JSON object: ${(e as Error).message}`, { cause: e });
      }
    });
}

export function expectedForAtomic(a: Atomic, rules: Map<string, RuleRef>): AtomicExpected {
  const e = ATOMIC_EXPECT[a.guid];
  if (!e) throw new Error(`atomic ${a.guid} (${a.technique} ${a.test}) is not classified in classification.ts`);
  const alerts =
    'alerts' in e
      ? Object.entries(e.alerts)
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([title, count]) => {
            const r = rules.get(title);
            if (!r) throw new Error(`atomic ${a.guid} expects an alert from unknown rule ${JSON.stringify(title)}`);
            return { rule_id: r.id, title, file: r.file, count };
          })
      : [];
  const { technique, technique_name, test, guid, executor, elevation_required, command } = a;
  return {
    trace: `${atomicSlug(a)}.jsonl`,
    atomic: { technique, technique_name, test, guid, executor, elevation_required, command },
    total: alerts.reduce((n, x) => n + x.count, 0),
    alerts,
    ...('quiet' in e ? { quiet: e.quiet, context: e.context } : {}),
  };
}

export function renderAtomicFiles(a: Atomic, rules: Map<string, RuleRef>): { trace: string; expected: string } {
  return { trace: renderAtomic(a), expected: JSON.stringify(expectedForAtomic(a, rules), null, 2) + '\n' };
}

export function readExpected(dir: string): AtomicExpected[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as AtomicExpected);
}

export interface SigmaRef {
  id: string;
  title: string;
  level: string;
  file: string;
}

export interface SigmaData {
  source: string;
  /** SigmaHQ macOS rules by the ATT&CK technique ids they are tagged with (upper case, T1234.001). */
  byTechnique: Record<string, SigmaRef[]>;
  /** What the SigmaHQ macOS rules raise on each atomics trace (trace base name → rule title → count). */
  alertsByTrace: Record<string, Record<string, number>>;
}
