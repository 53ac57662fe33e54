/** Formatters for `nightjar techniques` (pure: matrix in, string out). */
import path from 'node:path';
import { type Style, safe } from '../text.js';
import type { CoverageMatrix } from './coverage.js';
import { navigatorLayer } from './navigator.js';

/** Tactic by tactic: each technique with the titles of the rules that cover it. */
export function formatTable(matrix: CoverageMatrix, p: Style, opts: { cwd?: string } = {}): string {
  const rel = (f: string) => (opts.cwd ? path.relative(opts.cwd, f) || f : f);
  const out: string[] = [];
  const width = Math.max(9, ...matrix.techniques.map((t) => t.technique.length));
  for (const row of matrix.tactics) {
    out.push(p.bold(`${row.tactic} (${row.techniques.length} technique${row.techniques.length === 1 ? '' : 's'})`));
    for (const t of row.techniques) {
      const [first, ...rest] = t.rules;
      out.push(`  ${t.technique.padEnd(width)}  ${safe(first!.title)}`);
      for (const r of rest) out.push(`  ${''.padEnd(width)}  ${safe(r.title)}`);
    }
    out.push('');
  }
  if (matrix.untagged.length) {
    out.push(p.yellow(`no ATT&CK technique tag (${matrix.untagged.length})`));
    for (const r of matrix.untagged) out.push(`  ${safe(r.title)} ${p.dim(safe(rel(r.file)))}`);
    out.push('');
  }
  out.push(summaryLine(matrix));
  return `${out.join('\n')}\n`;
}

export function summaryLine(matrix: CoverageMatrix): string {
  const tactics = matrix.tactics.filter((t) => t.tactic !== 'no-tactic').length;
  return `Techniques: ${matrix.techniques.length} covered by ${matrix.rules - matrix.untagged.length}/${matrix.rules} rules across ${tactics} tactics`;
}

export function formatJson(matrix: CoverageMatrix): string {
  return `${JSON.stringify(matrix, null, 2)}\n`;
}

export function formatNavigator(matrix: CoverageMatrix): string {
  return `${JSON.stringify(navigatorLayer(matrix), null, 2)}\n`;
}
