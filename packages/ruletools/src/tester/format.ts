/** Test report formatters. Like eslint's, they are pure: report in, string out; no I/O. */
import path from 'node:path';
import { type Style, safe, xml } from '../text.js';
import type { TestReport } from './types.js';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;

export function formatPretty(report: TestReport, p: Style, opts: { verbose?: boolean; cwd?: string } = {}): string {
  const out: string[] = [];
  const rel = (f: string) => (opts.cwd ? path.relative(opts.cwd, f) || f : f);
  for (const r of report.rules) {
    const bad = r.loadError !== undefined || r.cases.some((c) => c.status !== 'pass');
    const mark = r.loadError ? p.red('ERROR') : bad ? p.red('FAIL ') : p.green('PASS ');
    out.push(`${mark} ${p.bold(safe(r.title))} ${p.dim(safe(`(${r.id}) ${rel(r.file)}:${r.line}`))}`);
    if (r.loadError)
      for (const l of r.loadError.split('\n'))
        out.push(`      ${p.red(safe(opts.cwd ? l.replace(opts.cwd + path.sep, '') : l))}`);
    for (const c of r.cases) {
      if (c.status === 'pass') {
        if (opts.verbose || bad) out.push(`  ${p.green('✓')} ${safe(c.name)} ${p.dim(ms(c.durationMs))}`);
        continue;
      }
      const loc = c.location ? p.dim(` ${rel(c.location.file)}:${c.location.line}:${c.location.col}`) : '';
      out.push(
        `  ${c.status === 'fail' ? p.red('✗') : p.red('!')} ${safe(c.name)}${c.status === 'error' ? p.red(' (error)') : ''}${loc}`,
      );
      // Messages may name files (a brief event's file:line:col), shown relative like the location.
      if (c.message) out.push(`      ${safe(opts.cwd ? c.message.replaceAll(opts.cwd + path.sep, '') : c.message)}`);
      for (const l of c.explanation ?? []) out.push(`      ${p.dim('│')} ${safe(l)}`);
    }
  }
  if (report.coverage) {
    const cov = report.coverage;
    out.push('', p.bold(`Coverage: ${cov.tested}/${cov.rules} rules have tests`));
    for (const u of cov.untested)
      out.push(`  ${p.yellow('no tests')}  ${safe(u.title)} ${p.dim(`(${u.id}) ${rel(u.file)}:${u.line}`)}`);
    for (const u of cov.unexercised)
      out.push(
        `  ${p.yellow('selection not exercised by a passing case')}  ${safe(u.selection)} in ${safe(u.title)} ${p.dim(rel(u.file))}`,
      );
  }
  out.push('', summaryLine(report, p));
  return `${out.join('\n')}\n`;
}

export function summaryLine(report: TestReport, p: Style): string {
  const s = report.summary;
  const parts = [
    s.failed ? p.red(`${s.failed} failed`) : undefined,
    s.errors ? p.red(`${s.errors} error(s)`) : undefined,
    p.green(`${s.passed} passed`),
  ].filter(Boolean);
  const untested = s.rulesWithoutTests ? `, ${s.rulesWithoutTests} without tests` : '';
  return `Tests: ${parts.join(', ')} (${s.cases} cases in ${s.rules} rules${untested}) in ${ms(s.durationMs)}`;
}

export function formatJson(report: TestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** JUnit XML (the common Jenkins/GitHub schema): one testsuite per rule, one testcase per case. */
export function formatJunit(report: TestReport): string {
  const s = report.summary;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="nightjar test" tests="${s.cases + report.rules.filter((r) => r.loadError).length}" failures="${s.failed}" errors="${s.errors}" time="${(s.durationMs / 1000).toFixed(3)}">`,
  );
  for (const r of report.rules) {
    const failures = r.cases.filter((c) => c.status === 'fail').length;
    const errors = r.cases.filter((c) => c.status === 'error').length + (r.loadError ? 1 : 0);
    const time = r.cases.reduce((a, c) => a + c.durationMs, 0) / 1000;
    out.push(
      `  <testsuite name="${xml(r.title)}" id="${xml(r.id)}" file="${xml(r.file)}" tests="${r.cases.length + (r.loadError ? 1 : 0)}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`,
    );
    if (r.loadError) {
      out.push(`    <testcase classname="${xml(r.id)}" name="load" file="${xml(r.file)}" time="0">`);
      out.push(`      <error message="rule does not load" type="load">${xml(r.loadError)}</error>`);
      out.push('    </testcase>');
    }
    for (const c of r.cases) {
      const head = `    <testcase classname="${xml(r.id)}" name="${xml(c.name)}" file="${xml(c.location?.file ?? r.file)}"${c.location ? ` line="${c.location.line}"` : ''} time="${(c.durationMs / 1000).toFixed(3)}"`;
      if (c.status === 'pass') {
        out.push(`${head}/>`);
        continue;
      }
      const tag = c.status === 'fail' ? 'failure' : 'error';
      const body = [c.message ?? '', ...(c.explanation ?? [])].join('\n');
      out.push(`${head}>`);
      out.push(`      <${tag} message="${xml(c.message ?? c.status)}" type="${tag}">${xml(body)}</${tag}>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
