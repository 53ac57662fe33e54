/** Lint formatters (eslint's contract: results in, string out, no I/O). */
import path from 'node:path';
import type * as Sarif from 'sarif';
import { type Style, safe, shortPath } from '../text.js';
import { CHECKS, type CheckMeta } from './catalog.js';
import type { Finding, LintResult } from './findings.js';

// The repository every package.json names (a test keeps the two in step).
export const DOCS_URL = 'https://github.com/nightjar-security/nightjar/blob/main/packages/cli/docs/lint.md';
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
    const rows = list.map((f) => [span(f), f.severity, safe(f.message), f.checkId] as const);
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

/** `line:col`, with the end when known: `3:5-12` on one line, `3:5-4:2` across lines. */
export function span(f: Finding): string {
  if (f.endLine === undefined || f.endCol === undefined) return `${f.line}:${f.col}`;
  return f.endLine === f.line ? `${f.line}:${f.col}-${f.endCol}` : `${f.line}:${f.col}-${f.endLine}:${f.endCol}`;
}

/** The fixable findings, for the summary line (`n fixable with --fix`). */
export function fixableCount(result: LintResult): number {
  return result.findings.filter((f) => f.fix !== undefined).length;
}

export function formatJson(result: LintResult): string {
  return `${JSON.stringify({ findings: result.findings, files: result.files, documents: result.documents, summary: counts(result.findings) }, null, 2)}\n`;
}

/** One finding per line (JSON Lines), for streaming into other tools; no summary line. */
export function formatJsonl(result: LintResult): string {
  return result.findings.map((f) => `${JSON.stringify(f)}\n`).join('');
}

/** GitHub Actions workflow commands: one annotation per finding (info → notice). */
export function formatGithub(result: LintResult, cwd: string): string {
  const esc = (s: string) => safe(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = result.findings.map((f) => {
    const cmd = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
    const file = shortPath(f.file, cwd);
    const end =
      f.endLine !== undefined
        ? `,endLine=${f.endLine}${f.endCol !== undefined && f.endLine === f.line ? `,endColumn=${f.endCol}` : ''}`
        : '';
    return `::${cmd} file=${prop(file)},line=${f.line},col=${f.col}${end},title=${prop(f.checkId)}::${esc(f.message)}`;
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The first sentence of a description (SARIF's shortDescription). */
function firstSentence(text: string): string {
  const m = /^(.+?[.:])(\s|$)/.exec(text);
  return m ? m[1]!.replace(/:$/, '.') : text;
}

/** A check as a SARIF reportingDescriptor: short and full description, help (text and Markdown), default level. */
function descriptor(c: CheckMeta): Sarif.ReportingDescriptor {
  const url = docAnchor(c.id);
  const fix = c.fixable ? ' nightjar lint --fix rewrites it.' : '';
  return {
    id: c.id,
    name: c.id.replace('nj/', '').replace(/-(\w)/g, (_m, x: string) => x.toUpperCase()),
    shortDescription: { text: firstSentence(c.description) },
    fullDescription: { text: c.description },
    help: {
      text: `${c.description}${fix} Examples (a rule that triggers it, and its fix): ${url}`,
      markdown: `**${c.id}** (default: ${c.severity})\n\n${c.description}${fix}\n\n[Examples and how to fix it](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: level(c.severity) },
    ...(c.pysigma ? { properties: { pysigma: c.pysigma } } : {}),
  };
}

const level = (s: string): Sarif.ReportingConfiguration.level =>
  s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';

/** SARIF 2.1.0: one run, every check as a reportingDescriptor, results always present (§3.14.23). */
export function formatSarif(result: LintResult, cwd: string, version = '0.1.0'): string {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const uri = (file: string) => {
    const rel = path.relative(cwd, file);
    return rel.startsWith('..') || path.isAbsolute(rel)
      ? `file://${path.resolve(file)}`
      : rel.split(path.sep).join('/');
  };
  const region = (f: Finding): Sarif.Region => ({
    startLine: Math.max(1, f.line),
    startColumn: Math.max(1, f.col),
    ...(f.endLine !== undefined && f.endCol !== undefined && f.endLine >= f.line
      ? { endLine: f.endLine, endColumn: Math.max(1, f.endCol) }
      : {}),
  });
  const results: Sarif.Result[] = result.findings.map((f) => ({
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
          region: region(f),
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
  }));
  const sarif: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'nightjar-lint', informationUri: DOCS_URL, version, rules: CHECKS.map(descriptor) } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${path.resolve(cwd)}/` } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
