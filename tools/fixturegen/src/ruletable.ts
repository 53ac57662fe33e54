import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Scenario } from './scenario.js';

interface Doc {
  id?: string;
  name?: string;
  title?: string;
  level?: string;
  tags?: string[];
  logsource?: { category?: string; service?: string };
  correlation?: { type?: string; rules?: string[]; timespan?: string; 'group-by'?: string[] };
  tests?: Array<{ name: string; expect: { match?: boolean; alerts?: number }; fixture?: string }>;
}

/** Taxonomy categories and the ES events they are read from (see @nightjar/rules' mapping). */
const TAXONOMY_EVENTS: Record<string, string[]> = {
  process_creation: ['exec'],
  file_event: ['create', 'rename', 'close', 'write'],
};

function eventTypes(d: Doc, byRef: Map<string, Doc>): string[] {
  if (d.correlation) {
    const set = new Set<string>();
    for (const r of d.correlation.rules ?? []) for (const t of eventTypes(byRef.get(r) ?? {}, byRef)) set.add(t);
    return [...set];
  }
  const c = d.logsource?.category ?? '';
  return d.logsource?.service === 'endpointsecurity' ? [c] : (TAXONOMY_EVENTS[c] ?? [c]);
}

/**
 * The Markdown table of rules/README.md: one row per alerting rule (correlation base rules that
 * only feed a correlation are listed under it), with technique, ES event types and what it is
 * tested against (inline cases and the fixture traces that must raise it).
 */
export function rulesTable(rulesDir: string, scenarios: readonly Scenario[]): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.yml')) files.push(join(dir, e.name));
    }
  };
  walk(rulesDir);
  const rows: string[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((x) => x.toJS() as Doc);
    const byRef = new Map<string, Doc>();
    for (const d of docs) {
      if (d.id) byRef.set(d.id, d);
      if (d.name) byRef.set(d.name, d);
    }
    const referenced = new Set(docs.flatMap((d) => d.correlation?.rules ?? []));
    for (const d of docs) {
      if (!d.title || (d.name && referenced.has(d.name))) continue;
      const techniques = (d.tags ?? []).filter((t) => /^attack\.t\d/.test(t)).map((t) => t.slice(7).toUpperCase());
      const tactics = (d.tags ?? []).filter((t) => /^attack\.[a-z-]+$/.test(t)).map((t) => t.slice(7));
      const tests = d.tests ?? [];
      const pos = tests.filter((t) => t.expect.match === true || (t.expect.alerts ?? 0) > 0).length;
      const neg = tests.length - pos;
      const fixtures = [...new Set(tests.filter((t) => t.fixture).map((t) => basename(t.fixture!)))];
      const traces = scenarios
        .filter((s) => (s.expect[d.title!] ?? 0) > 0)
        .map((s) => `${s.name} (${s.expect[d.title!]})`);
      const kind = d.correlation
        ? `${d.correlation.type} over ${(d.correlation.rules ?? []).length} rule(s), ${d.correlation.timespan}, by ${(d.correlation['group-by'] ?? []).join(', ')}`
        : 'detection';
      const tested = [
        `${pos}+/${neg}- cases`,
        fixtures.length ? `fixtures: ${fixtures.join(', ')}` : '',
        traces.length ? `raised on: ${traces.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      rows.push(
        `| [${d.title}](${relative(rulesDir, file)}) | ${d.level} | ${tactics.join(', ')} ${techniques.join(', ')} | ${eventTypes(d, byRef).join(', ')} | ${kind} | ${tested} |`,
      );
    }
  }
  return (
    [
      '| Rule | Level | Tactic / technique | ES events | Kind | Tested against |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n') + '\n'
  );
}
