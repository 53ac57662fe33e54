/**
 * Inline suppression comments, as eslint's:
 *
 *   # nightjar-lint-disable-next-line nj/star-only-value, nj/field-type -- why
 *   Image: '*'
 *   CommandLine: 'x'   # nightjar-lint-disable-line nj/wildcard-instead-of-modifier
 *   # nightjar-lint-disable nj/missing-tests          (anywhere: the whole file)
 *
 * Ids may omit the `nj/` prefix; no id means every check. Text after `--` is the reason.
 */
import { CHECKS_BY_ID } from './catalog.js';
import type { Finding } from './findings.js';

const DIRECTIVE = /#\s*nightjar-lint-(disable-next-line|disable-line|disable)(?![\w-])([^\n]*)/;

interface Directives {
  /** Checks off in the whole file ('*' for all). */
  readonly file: Set<string>;
  /** Per 1-based line, the checks off there. */
  readonly lines: Map<number, Set<string>>;
  /** Ids named in a directive that are not checks: `line id`. */
  readonly unknown: { line: number; id: string }[];
}

export function parseDirectives(text: string): Directives {
  const d: Directives = { file: new Set(), lines: new Map(), unknown: [] };
  if (!text.includes('nightjar-lint-')) return d;
  text.split('\n').forEach((lineText, i) => {
    const m = DIRECTIVE.exec(lineText);
    if (!m) return;
    const line = i + 1;
    const list = m[2]!
      .split('--')[0]!
      .split(/[\s,]+/)
      .filter(Boolean);
    const ids = new Set<string>();
    for (const raw of list) {
      const id = raw.startsWith('nj/') ? raw : `nj/${raw}`;
      if (CHECKS_BY_ID.has(id)) ids.add(id);
      else d.unknown.push({ line, id: raw });
    }
    if (list.length === 0) ids.add('*');
    const target = m[1] === 'disable' ? d.file : undefined;
    if (target) for (const id of ids) target.add(id);
    else {
      const at = m[1] === 'disable-line' ? line : line + 1;
      const set = d.lines.get(at) ?? new Set<string>();
      for (const id of ids) set.add(id);
      d.lines.set(at, set);
    }
  });
  return d;
}

/** Whether a finding is switched off by a directive of its file. */
export function suppressed(f: Finding, d: Directives): boolean {
  if (d.file.has('*') || d.file.has(f.checkId)) return true;
  const on = d.lines.get(f.line);
  return on !== undefined && (on.has('*') || on.has(f.checkId));
}
