/**
 * ATT&CK coverage of a ruleset (`nightjar techniques`): which rules cover which technique, by tactic,
 * read from the rules' tags in SigmaHQ's form — `attack.t1059.004` (technique or sub-technique) and
 * `attack.<tactic>` (`attack.credential-access`; the older `attack.credential_access` too).
 */
import type { RuleDocument } from '@nightjar/rules';

/** ATT&CK enterprise tactics in matrix order, by their Navigator short names. */
export const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type Tactic = (typeof TACTICS)[number];

/** The tactic row for rules that name a technique but no tactic. */
export const NO_TACTIC = 'no-tactic';

export interface RuleRef {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly level?: string;
}

export interface TechniqueCoverage {
  /** `T1059` or `T1059.004`. */
  readonly technique: string;
  /** Tactics the covering rules name (empty when none does). */
  readonly tactics: readonly Tactic[];
  readonly rules: readonly RuleRef[];
}

export interface CoverageMatrix {
  /** Techniques sorted by id. */
  readonly techniques: readonly TechniqueCoverage[];
  /** Per tactic (matrix order, then `no-tactic`): the techniques under it and their rules. */
  readonly tactics: readonly { tactic: Tactic | typeof NO_TACTIC; techniques: readonly { technique: string; rules: readonly RuleRef[] }[] }[];
  /** Rules with no ATT&CK technique tag. */
  readonly untagged: readonly RuleRef[];
  readonly rules: number;
}

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tag's tactic, if it names one (`attack.defense-evasion`, `attack.defense_evasion`). */
export function tacticOf(tag: string): Tactic | undefined {
  const m = /^attack\.([a-z_-]+)$/i.exec(tag);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase().replace(/_/g, '-');
  return (TACTICS as readonly string[]).includes(name) ? (name as Tactic) : undefined;
}

/** A tag's technique id (`T1059.004`), if it names one. */
export function techniqueOf(tag: string): string | undefined {
  const m = TECHNIQUE_TAG.exec(tag);
  return m ? m[1]!.toUpperCase() : undefined;
}

export function coverageMatrix(documents: readonly RuleDocument[]): CoverageMatrix {
  const byTechnique = new Map<string, { tactics: Set<Tactic>; rules: RuleRef[]; byTactic: Map<string, RuleRef[]> }>();
  const untagged: RuleRef[] = [];
  let rules = 0;
  for (const doc of documents) {
    if (doc.kind !== 'rule' && doc.kind !== 'correlation') continue;
    rules++;
    const data = isObj(doc.data) ? doc.data : {};
    const title = doc.title ?? (typeof data.title === 'string' ? data.title : `${doc.file}#${doc.index}`);
    const ref: RuleRef = { id: doc.id ?? (typeof data.id === 'string' ? data.id : title), title, file: doc.file, ...(typeof data.level === 'string' ? { level: data.level } : {}) };
    const tags = Array.isArray(data.tags) ? data.tags.filter((t): t is string => typeof t === 'string') : [];
    const techniques = [...new Set(tags.map(techniqueOf).filter((t): t is string => t !== undefined))];
    const tactics = [...new Set(tags.map(tacticOf).filter((t): t is Tactic => t !== undefined))];
    if (techniques.length === 0) {
      untagged.push(ref);
      continue;
    }
    for (const t of techniques) {
      const entry = byTechnique.get(t) ?? { tactics: new Set<Tactic>(), rules: [], byTactic: new Map<string, RuleRef[]>() };
      byTechnique.set(t, entry);
      entry.rules.push(ref);
      // A rule's tags do not pair techniques with tactics: the technique is listed under each tactic the rule names.
      for (const tac of tactics.length ? tactics : [NO_TACTIC]) {
        if (tac !== NO_TACTIC) entry.tactics.add(tac as Tactic);
        const list = entry.byTactic.get(tac) ?? [];
        list.push(ref);
        entry.byTactic.set(tac, list);
      }
    }
  }
  const ids = [...byTechnique.keys()].sort();
  const techniques = ids.map((t) => {
    const e = byTechnique.get(t)!;
    return { technique: t, tactics: TACTICS.filter((x) => e.tactics.has(x)), rules: e.rules };
  });
  const tactics = [...TACTICS, NO_TACTIC as typeof NO_TACTIC]
    .map((tactic) => ({ tactic, techniques: ids.filter((t) => byTechnique.get(t)!.byTactic.has(tactic)).map((t) => ({ technique: t, rules: byTechnique.get(t)!.byTactic.get(tactic)! })) }))
    .filter((x) => x.techniques.length > 0);
  return { techniques, tactics, untagged, rules };
}
