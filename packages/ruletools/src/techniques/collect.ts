/**
 * ATT&CK coverage of a ruleset from its tags: `attack.t1059.002` names a technique, `attack.execution`
 * (or the older `attack.credential_access` form) a tactic. A rule counts for each of its techniques under
 * each of its tactics; a technique tagged without any tactic tag is listed under no tactic.
 */
import type { LoadedRules } from '../tester/types.js';
import { withoutConfigFiles } from '../rule-input.js';

/**
 * Enterprise ATT&CK tactics in matrix order (Navigator short names). ATT&CK v19 split Defense Evasion into
 * Stealth and Defense Impairment; `defense-evasion` stays readable for rules tagged before the split.
 */
export const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'stealth',
  'defense-impairment',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;

export interface CoverageRule {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly level?: string;
}

export interface TechniqueCoverage {
  /** `T1059` or `T1059.002`. */
  readonly technique: string;
  /** Navigator short name, or undefined when the rules name no tactic. */
  readonly tactic: string | undefined;
  readonly rules: readonly CoverageRule[];
}

export interface TechniquesReport {
  /** Sorted by tactic (matrix order, untagged last), then technique id. */
  readonly techniques: readonly TechniqueCoverage[];
  /** Rules with no technique tag. */
  readonly untagged: readonly CoverageRule[];
  readonly summary: { readonly rules: number; readonly techniques: number; readonly tactics: number };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const TECHNIQUE = /^attack\.t(\d{4})(?:\.(\d{3}))?$/i;

/** `attack.credential_access` / `attack.credential-access` → `credential-access`, or undefined. */
export function tacticOf(tag: string): string | undefined {
  const m = /^attack\.([a-z_-]+)$/i.exec(tag);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase().replace(/_/g, '-');
  return (TACTICS as readonly string[]).includes(name) ? name : undefined;
}

export function techniqueOf(tag: string): string | undefined {
  const m = TECHNIQUE.exec(tag);
  return m ? `T${m[1]}${m[2] ? `.${m[2]}` : ''}` : undefined;
}

export function collectTechniques(raw: LoadedRules): TechniquesReport {
  const loaded = withoutConfigFiles(raw);
  const cells = new Map<string, { technique: string; tactic: string | undefined; rules: CoverageRule[] }>();
  const untagged: CoverageRule[] = [];
  let rules = 0;
  for (const doc of loaded.documents) {
    if (doc.kind !== 'rule' && doc.kind !== 'correlation') continue;
    const data = isObj(doc.data) ? doc.data : {};
    const tags = Array.isArray(data.tags) ? data.tags.filter((t): t is string => typeof t === 'string') : [];
    const title = doc.title ?? (typeof data.title === 'string' ? data.title : `${doc.file}#${doc.index}`);
    const rule: CoverageRule = {
      id: doc.id ?? (typeof data.id === 'string' ? data.id : title),
      title,
      file: doc.file,
      ...(typeof data.level === 'string' ? { level: data.level } : {}),
    };
    rules++;
    const techniques = [...new Set(tags.map(techniqueOf).filter((t): t is string => t !== undefined))];
    const tactics = [...new Set(tags.map(tacticOf).filter((t): t is string => t !== undefined))];
    if (techniques.length === 0) {
      untagged.push(rule);
      continue;
    }
    for (const technique of techniques) {
      for (const tactic of tactics.length ? tactics : [undefined]) {
        const k = `${tactic ?? ''}\u0000${technique}`;
        const cell = cells.get(k) ?? { technique, tactic, rules: [] };
        if (!cell.rules.some((r) => r.id === rule.id)) cell.rules.push(rule);
        cells.set(k, cell);
      }
    }
  }
  const order = (t: string | undefined) =>
    t === undefined ? TACTICS.length : TACTICS.indexOf(t as (typeof TACTICS)[number]);
  const techniques = [...cells.values()].sort(
    (a, b) => order(a.tactic) - order(b.tactic) || a.technique.localeCompare(b.technique),
  );
  return {
    techniques,
    untagged,
    summary: {
      rules,
      techniques: new Set(techniques.map((t) => t.technique)).size,
      tactics: new Set(techniques.map((t) => t.tactic).filter(Boolean)).size,
    },
  };
}
