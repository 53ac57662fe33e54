/** Text formats of a techniques report (pure: report in, string out). */
import { count } from '../text.js';
import path from 'node:path';
import { type Style, safe } from '../text.js';
import type { TechniquesReport } from './collect.js';

/** Tactic by tactic: each technique, its rule count and the rules' titles. */
export function formatTechniquesTable(report: TechniquesReport, p: Style, opts: { cwd?: string } = {}): string {
  const out: string[] = [];
  let tactic: string | null = null;
  for (const t of report.techniques) {
    const name = t.tactic ?? '(no tactic tag)';
    if (name !== tactic) {
      if (tactic !== null) out.push('');
      out.push(p.bold(name));
      tactic = name;
    }
    out.push(
      `  ${t.technique.padEnd(10)} ${String(t.rules.length).padStart(3)}  ${safe(t.rules.map((r) => r.title).join('; '))}`,
    );
  }
  if (report.untagged.length) {
    const rel = (f: string) => (opts.cwd ? path.relative(opts.cwd, f) || f : f);
    out.push('', p.yellow(`Rules without a technique tag (${report.untagged.length}):`));
    for (const r of report.untagged) out.push(`  ${safe(r.title)} ${p.dim(rel(r.file))}`);
  }
  const s = report.summary;
  out.push(
    '',
    `Techniques: ${count(s.techniques, 'technique')} in ${count(s.tactics, 'tactic')} from ${count(s.rules, 'rule')}`,
  );
  return `${out.join('\n')}\n`;
}

export function formatTechniquesJson(report: TechniquesReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
