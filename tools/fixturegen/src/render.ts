import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Scenario } from './scenario.js';
import { World } from './world.js';

/** The trace text of a scenario (JSON lines). Pure: same scenario, same bytes. */
export function renderScenario(s: Scenario): string {
  const w = new World({ seed: s.seed, start: s.start, version: s.version });
  s.build(w);
  return w.text();
}

export interface RuleRef {
  readonly id: string;
  readonly title: string;
  readonly file: string;
}

/** Every rule and correlation document under `dir`, by title (titles are unique in the shipped set). */
export function indexRules(dir: string): Map<string, RuleRef> {
  const out = new Map<string, RuleRef>();
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.ya?ml$/.test(e.name) ? [join(d, e.name)] : []));
  for (const file of walk(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o = doc.toJS() as { id?: string; title?: string } | null;
      if (!o?.id || !o.title) continue;
      if (out.has(o.title)) throw new Error(`duplicate rule title ${JSON.stringify(o.title)} in ${file}`);
      out.set(o.title, { id: o.id, title: o.title, file: relative(dir, file) });
    }
  }
  return out;
}

export interface ExpectedAlerts {
  trace: string;
  description: string;
  /** Total alerts the shipped ruleset raises on the trace. */
  total: number;
  /** One entry per rule that fires, sorted by title; rules not listed raise nothing. */
  alerts: Array<{ rule_id: string; title: string; file: string; count: number }>;
}

/** The sidecar `<name>.expected.json`: the scenario's expectations with rule titles resolved to ids. */
export function expectedFor(s: Scenario, rules: Map<string, RuleRef>): ExpectedAlerts {
  const alerts = Object.entries(s.expect)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, count]) => {
      const r = rules.get(title);
      if (!r) throw new Error(`scenario ${s.name} expects an alert from unknown rule ${JSON.stringify(title)}`);
      return { rule_id: r.id, title, file: r.file, count };
    });
  return {
    trace: `${s.name}.jsonl${s.gzip ? '.gz' : ''}`,
    description: s.description,
    total: alerts.reduce((n, a) => n + a.count, 0),
    alerts,
  };
}
