/** Formatters for the variants report: pure, report in, string out (like the tester's). */
import { count } from '../text.js';
import path from 'node:path';
import { type Style, safe, xml } from '../text.js';
import type { VariantChange, VariantsReport } from './types.js';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;
const short = (v: unknown) => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

/** `field: from → to`, one per change (the first few). */
export function describeChanges(changes: readonly VariantChange[], max = 3): string[] {
  const out = changes.slice(0, max).map((c) => `${c.field}: ${short(c.from)} → ${short(c.to)}`);
  if (changes.length > max) out.push(`(${changes.length - max} more change(s))`);
  return out;
}

export function formatVariantsPretty(
  report: VariantsReport,
  p: Style,
  opts: { verbose?: boolean; cwd?: string } = {},
): string {
  const out: string[] = [];
  const rel = (f: string) => (opts.cwd ? path.relative(opts.cwd, f) || f : f);
  for (const r of report.rules) {
    const lost = r.losses.filter((l) => l.accepted === undefined);
    const bad = lost.length > 0 || r.broken.length > 0;
    if (!bad && !opts.verbose && r.losses.length === 0 && r.unusedAccepts.length === 0) continue;
    const mark = bad ? p.red('FAIL ') : p.green('PASS ');
    out.push(
      `${mark} ${p.bold(safe(r.title))} ${p.dim(safe(`(${r.id}) ${rel(r.file)}:${r.line}`))} ${p.dim(`${r.runs} variant run(s) of ${r.cases} case(s)`)}`,
    );
    for (const b of r.broken)
      out.push(`  ${p.red('!')} ${safe(b.test)}: fails without a variant (${safe(b.message)}); run 'nightjar test'`);
    for (const l of r.losses) {
      const loc = l.location ? p.dim(` ${rel(l.location.file)}:${l.location.line}:${l.location.col}`) : '';
      if (l.accepted !== undefined)
        out.push(
          `  ${p.yellow('~')} ${p.bold(l.variant)} loses '${safe(l.test)}' (accepted: ${safe(l.accepted)})${loc}`,
        );
      else out.push(`  ${p.red('✗')} ${p.bold(l.variant)} loses '${safe(l.test)}'${loc}`);
      if (l.accepted === undefined || opts.verbose) {
        out.push(`      ${safe(l.message)}`);
        for (const c of describeChanges(l.changes)) out.push(`      ${p.dim('│')} ${safe(c)}`);
      }
    }
    for (const u of r.unusedAccepts)
      out.push(`  ${p.yellow('!')} accepted variant '${u}' is never lost: remove the exception`);
  }
  out.push('', variantsSummaryLine(report, p));
  return `${out.join('\n')}\n`;
}

export function variantsSummaryLine(report: VariantsReport, p: Style): string {
  const s = report.summary;
  const parts = [
    s.losses ? p.red(`${s.losses} lost match(es)`) : p.green('0 lost matches'),
    s.accepted ? p.yellow(`${s.accepted} accepted`) : undefined,
    s.broken ? p.red(`${s.broken} positive case(s) failing unchanged`) : undefined,
  ].filter(Boolean);
  return `Variants: ${parts.join(', ')} (${count(s.runs, 'variant run')} of ${count(s.cases, 'positive case')} in ${count(s.rules, 'rule')}) in ${ms(s.durationMs)}`;
}

export function formatVariantsJson(report: VariantsReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** JUnit XML: one testsuite per rule, one testcase per lost or broken case (accepted losses are skipped cases). */
export function formatVariantsJunit(report: VariantsReport): string {
  const s = report.summary;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="nightjar test --variants" tests="${s.runs + s.broken}" failures="${s.losses}" errors="${s.broken}" skipped="${s.accepted}" time="${(s.durationMs / 1000).toFixed(3)}">`,
  );
  for (const r of report.rules) {
    const failures = r.losses.filter((l) => l.accepted === undefined).length;
    out.push(
      `  <testsuite name="${xml(r.title)}" id="${xml(r.id)}" file="${xml(r.file)}" tests="${r.runs + r.broken.length}" failures="${failures}" errors="${r.broken.length}" skipped="${r.losses.length - failures}">`,
    );
    for (const b of r.broken) {
      out.push(`    <testcase classname="${xml(r.id)}" name="${xml(b.test)}" file="${xml(r.file)}">`);
      out.push(`      <error message="positive case fails without a variant" type="broken">${xml(b.message)}</error>`);
      out.push('    </testcase>');
    }
    for (const l of r.losses) {
      out.push(
        `    <testcase classname="${xml(r.id)}" name="${xml(`${l.test} [${l.variant}]`)}" file="${xml(l.location?.file ?? r.file)}"${l.location ? ` line="${l.location.line}"` : ''}>`,
      );
      if (l.accepted !== undefined) out.push(`      <skipped message="${xml(`accepted: ${l.accepted}`)}"/>`);
      else
        out.push(
          `      <failure message="${xml(`${l.variant}: ${l.message}`)}" type="variant">${xml(describeChanges(l.changes, 20).join('\n'))}</failure>`,
        );
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
