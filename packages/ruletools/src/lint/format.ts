/** Lint formatters (eslint's contract: results in, string out, no I/O). */
import path from 'node:path';
import { type Style, safe, shortPath } from '../text.js';
import { CHECKS } from './catalog.js';
import type { Finding, LintResult } from './findings.js';

export const DOCS_URL = 'https://github.com/nightjar/nightjar/blob/main/packages/cli/docs/lint.md';
export const docAnchor = (id: string) => `${DOCS_URL}#${id.replace('/', '')}`;

function counts(findings: readonly Finding[]) {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  return n;
}

export function summaryText(result: LintResult): string {
  const n = counts(result.findings);
  const total = result.findings.length;
  return total === 0
    ? `No problems in ${result.documents} document(s) in ${result.files.length} file(s).`
    : `${total} problem(s) (${n.error} error(s), ${n.warning} warning(s), ${n.info} info) in ${result.documents} document(s) in ${result.files.length} file(s).`;
}

/** eslint's stylish: grouped by file, aligned columns, a summary. */
export function formatStylish(result: LintResult, p: Style, cwd: string): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, list] of byFile) {
    out.push(p.bold(safe(shortPath(file, cwd))));
    const rows = list.map((f) => [`${f.line}:${f.col}`, f.severity, safe(f.message), f.checkId] as const);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const [loc, sev, msg, id] of rows) {
      const s =
        sev === 'error' ? p.red(sev.padEnd(w1)) : sev === 'warning' ? p.yellow(sev.padEnd(w1)) : p.cyan(sev.padEnd(w1));
      out.push(`  ${p.dim(loc.padEnd(w0))}  ${s}  ${msg}  ${p.dim(id)}`);
    }
    out.push('');
  }
  const n = counts(result.findings);
  const text = summaryText(result);
  out.push(n.error ? p.red(p.bold(`✖ ${text}`)) : n.warning ? p.yellow(p.bold(`⚠ ${text}`)) : p.green(text));
  return `${out.join('\n')}\n`;
}

export function formatJson(result: LintResult): string {
  return `${JSON.stringify({ findings: result.findings, files: result.files, documents: result.documents, summary: counts(result.findings) }, null, 2)}\n`;
}

/** GitHub Actions workflow commands: one annotation per finding (info → notice). */
export function formatGithub(result: LintResult, cwd: string): string {
  const esc = (s: string) => safe(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = result.findings.map((f) => {
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const file = shortPath(f.file, cwd);
    return `::${cmd} file=${prop(file)},line=${f.line},col=${f.col},title=${prop(f.checkId)}::${esc(f.message)}`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** SARIF 2.1.0: one run, every check as a reportingDescriptor, results always present (§3.14.23). */
export function formatSarif(result: LintResult, cwd: string, version = '0.1.0'): string {
  const level = (s: string) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const uri = (file: string) => {
    const rel = path.relative(cwd, file);
    return rel.startsWith('..') || path.isAbsolute(rel)
      ? `file://${path.resolve(file)}`
      : rel.split(path.sep).join('/');
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nightjar-lint',
            informationUri: DOCS_URL,
            version,
            rules: CHECKS.map((c) => ({
              id: c.id,
              name: c.id.replace('nj/', '').replace(/-(\w)/g, (_m, x: string) => x.toUpperCase()),
              shortDescription: { text: c.description },
              helpUri: docAnchor(c.id),
              defaultConfiguration: { level: level(c.severity) },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${path.resolve(cwd)}/` } },
        results: result.findings.map((f) => ({
          ruleId: f.checkId,
          ruleIndex: ruleIndex.get(f.checkId) ?? 0,
          level: level(f.severity),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: uri(f.file).startsWith('file://')
                  ? { uri: uri(f.file) }
                  : { uri: uri(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.col) },
              },
            },
          ],
          ...(f.ruleId || f.loaderCode
            ? {
                properties: {
                  ...(f.ruleId ? { sigmaRuleId: f.ruleId } : {}),
                  ...(f.ruleTitle ? { sigmaRuleTitle: f.ruleTitle } : {}),
                  ...(f.loaderCode ? { loaderCode: f.loaderCode } : {}),
                },
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
