/** Formatters for the variants report (pure: report in, string out), used by the tester's formatters. */
import path from 'node:path';
import { type Style, safe } from '../text.js';
import type { VariantReport } from './run.js';

export function formatVariantsPretty(report: VariantReport, p: Style, opts: { verbose?: boolean; cwd?: string } = {}): string[] {
  const rel = (f: string) => (opts.cwd ? path.relative(opts.cwd, f) || f : f);
  const out: string[] = ['', p.bold('Variants (evasion robustness of positive tests)')];
  for (const r of report.rules) {
    const open = r.losses.filter((l) => l.accepted === undefined);
    const bad = open.length > 0 || r.problems.length > 0;
    if (!bad && !opts.verbose && r.losses.length === 0) continue;
    const mark = bad ? p.red('FAIL ') : p.green('PASS ');
    out.push(`${mark} ${p.bold(safe(r.title))} ${p.dim(safe(`(${r.id}) ${rel(r.file)}:${r.line}`))} ${p.dim(`${r.variants} variants of ${r.cases} case(s)`)}`);
    for (const l of r.losses) {
      const head = l.accepted === undefined ? p.red('✗') : p.yellow('~');
      out.push(`  ${head} ${safe(l.variant)}: ${safe(l.case)} — ${safe(l.description)} ${p.dim(`(${l.alerts}/${l.expected} alerts)`)}`);
      out.push(`      ${p.dim('fields:')} ${safe(l.fields.join(', '))}`);
      if (l.causes) out.push(`      ${p.dim('the match comes back with:')} ${safe(l.causes.join(', '))}`);
      if (l.accepted !== undefined) out.push(`      ${p.dim('accepted:')} ${safe(l.accepted)}`);
    }
    for (const pr of r.problems) out.push(`  ${p.red('!')} ${safe(pr.message)} ${p.dim(`${rel(pr.location.file)}:${pr.location.line}:${pr.location.col}`)}`);
  }
  return out;
}

export function variantsSummaryLine(report: VariantReport, p: Style): string {
  const s = report.summary;
  const parts = [s.losses ? p.red(`${s.losses} lost match(es)`) : p.green('0 lost matches'), s.accepted ? p.yellow(`${s.accepted} accepted`) : undefined, s.problems ? p.red(`${s.problems} problem(s)`) : undefined].filter(Boolean);
  return `Variants: ${parts.join(', ')} (${s.variants} variants of ${s.cases} positive cases in ${s.rules} rules)`;
}

/** The testcases, failures and errors `formatVariantsJunit` writes, for the `<testsuites>` totals. */
export function variantsJunitCounts(report: VariantReport): { tests: number; failures: number; errors: number } {
  const counts = { tests: 0, failures: 0, errors: 0 };
  for (const r of report.rules) {
    const failures = r.losses.filter((l) => l.accepted === undefined).length;
    counts.tests += Math.max(1, failures + r.problems.length);
    counts.failures += failures;
    counts.errors += r.problems.length;
  }
  return counts;
}

/** JUnit: one testsuite per rule with variants, one testcase per lost (case, variant) or accept problem. */
export function formatVariantsJunit(report: VariantReport, xml: (s: string) => string): string[] {
  const out: string[] = [];
  for (const r of report.rules) {
    const open = r.losses.filter((l) => l.accepted === undefined);
    out.push(`  <testsuite name="${xml(`variants: ${r.title}`)}" id="${xml(`${r.id}#variants`)}" file="${xml(r.file)}" tests="${Math.max(1, open.length + r.problems.length)}" failures="${open.length}" errors="${r.problems.length}" time="0">`);
    if (open.length === 0 && r.problems.length === 0) out.push(`    <testcase classname="${xml(r.id)}" name="variants" file="${xml(r.file)}" time="0"/>`);
    for (const l of open) {
      out.push(`    <testcase classname="${xml(r.id)}" name="${xml(`${l.case} ~ ${l.variant}`)}" file="${xml(r.file)}" time="0">`);
      out.push(`      <failure message="${xml(`${l.variant}: ${l.description}`)}" type="variant">${xml(`fields: ${l.fields.join(', ')}${l.causes ? `\nthe match comes back with: ${l.causes.join(', ')}` : ''}\n${l.alerts}/${l.expected} alerts`)}</failure>`);
      out.push('    </testcase>');
    }
    for (const pr of r.problems) {
      out.push(`    <testcase classname="${xml(r.id)}" name="variants accept" file="${xml(pr.location.file)}" line="${pr.location.line}" time="0">`);
      out.push(`      <error message="${xml(pr.message)}" type="variants"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  return out;
}
