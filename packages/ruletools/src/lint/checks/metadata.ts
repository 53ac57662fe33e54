/** Checks of a document's metadata: keys, id, dates, references, tags, recommended fields; and titles across documents. */
import { dirname, relative } from 'node:path';
import type { RuleDocument } from '@nightjar/rules';
import { isObj } from '../data.js';
import type { Reporter } from '../findings.js';

const RULE_KEYS = [
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'tests',
  'nightjar',
  'correlation',
  'filter',
  'generate',
  'action',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function lintMeta(c: Reporter, doc: RuleDocument, data: Record<string, unknown>, correlation: boolean): void {
  for (const k of Object.keys(data)) {
    if (RULE_KEYS.includes(k)) continue;
    const near = RULE_KEYS.find((s) => levenshtein(k.toLowerCase(), s) <= (s.length > 5 ? 2 : 1));
    if (near)
      c.report(doc, 'nj/misspelt-key', `unknown key '${k}' looks like '${near}' (it is ignored as written)`, [k]);
  }
  if (data.id === undefined) c.report(doc, 'nj/missing-id', 'the rule has no id (add a UUIDv4)', []);
  else if (typeof data.id !== 'string' || !UUID.test(data.id))
    c.report(doc, 'nj/invalid-id', `id ${JSON.stringify(data.id)} is not a UUID`, ['id']);
  const missing = (
    correlation ? ['description', 'level'] : ['description', 'author', 'date', 'level', 'status']
  ).filter((k) => data[k] === undefined);
  if (missing.length) c.report(doc, 'nj/missing-metadata', `missing recommended metadata: ${missing.join(', ')}`, []);
  for (const k of ['date', 'modified']) {
    const v = data[k];
    if (v !== undefined && (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v))))
      c.report(doc, 'nj/date-format', `${k} ${JSON.stringify(v)} is not a YYYY-MM-DD date`, [k]);
  }
  if (
    typeof data.date === 'string' &&
    typeof data.modified === 'string' &&
    DATE.test(data.date) &&
    DATE.test(data.modified) &&
    data.modified < data.date
  )
    c.report(doc, 'nj/date-format', `modified (${data.modified}) is before date (${data.date})`, ['modified']);
  if (Array.isArray(data.references)) {
    const seen = new Set<unknown>();
    data.references.forEach((r, i) => {
      if (seen.has(r))
        c.report(doc, 'nj/duplicate-references', `reference '${String(r)}' is listed twice`, ['references', i]);
      seen.add(r);
    });
  }
  // level, status and tags being a list are the loader's JSON Schema's to report (nj/schema).
  if (Array.isArray(data.tags)) {
    const seen = new Set<string>();
    data.tags.forEach((t, i) => {
      const p = ['tags', i];
      if (typeof t !== 'string') return c.report(doc, 'nj/tag-format', `tag ${JSON.stringify(t)} is not a string`, p);
      if (seen.has(t)) c.report(doc, 'nj/duplicate-tag', `tag '${t}' is listed twice`, p);
      seen.add(t);
      if (!/^[a-z0-9_-]+\.[a-z0-9._-]+$/.test(t))
        return c.report(
          doc,
          'nj/tag-format',
          `tag '${t}' is not namespace.value in lower case ([a-z0-9_-] . [a-z0-9._-])`,
          p,
        );
      const [ns, ...rest] = t.split('.');
      const v = rest.join('.');
      if (ns === 'attack') {
        if (!/^(t\d{4}(\.\d{3})?|[gsmac]\d{4}|ds\d{4}|[a-z]+(-[a-z]+)*)$/.test(v))
          c.report(
            doc,
            'nj/attack-tag',
            `attack tag '${t}' is neither an ATT&CK id (t1059, t1059.004, g0007, s0154, m1042, ds0009) nor a tactic slug (lower-case words joined by '-')`,
            p,
          );
      } else if (ns === 'cve' && !/^\d{4}-\d{4,}$/.test(v))
        c.report(doc, 'nj/tag-format', `cve tag '${t}' should be cve.YYYY-NNNN`, p);
      else if (ns === 'car' && !/^\d{4}-\d{2}-\d{3}$/.test(v))
        c.report(doc, 'nj/tag-format', `car tag '${t}' should be car.YYYY-MM-NNN`, p);
      else if (ns === 'tlp' && !['red', 'amber', 'amber-strict', 'green', 'clear', 'white'].includes(v))
        c.report(
          doc,
          'nj/tag-format',
          `tlp tag '${t}' should be one of tlp.red, tlp.amber, tlp.amber-strict, tlp.green, tlp.clear`,
          p,
        );
      else if (ns === 'detection' && !['dfir', 'emerging-threats', 'threat-hunting'].includes(v))
        c.report(
          doc,
          'nj/tag-format',
          `detection tag '${t}' should be detection.dfir, detection.emerging-threats or detection.threat-hunting`,
          p,
        );
      else if (ns === 'stp' && !/^[1-5][auk]?$/.test(v))
        c.report(doc, 'nj/tag-format', `stp tag '${t}' should be stp.1 … stp.5 (optionally with a, u or k)`, p);
    });
  }
}

/** Where another document is, as seen from `from`: its document number in the same file, else a relative path. */
function where(other: RuleDocument, from: RuleDocument): string {
  if (other.file === from.file) return `document ${other.index + 1} of this file`;
  return relative(dirname(from.file), other.file) || other.file;
}

/**
 * Across documents: a title used twice (the first use is not reported, the others point at it). An id
 * or name used twice is the loader's to report (NJ_DUPLICATE_ID / NJ_DUPLICATE_NAME → nj/duplicate-id).
 */
export function lintDuplicates(c: Reporter, documents: readonly RuleDocument[]): void {
  const byTitle = new Map<string, RuleDocument[]>();
  for (const d of documents) {
    if (!isObj(d.data) || d.kind === 'filter' || typeof d.data.title !== 'string') continue;
    const key = d.data.title.trim().toLowerCase();
    byTitle.set(key, [...(byTitle.get(key) ?? []), d]);
  }
  for (const [, docs] of byTitle) {
    if (docs.length < 2) continue;
    for (const d of docs.slice(1))
      c.report(
        d,
        'nj/duplicate-title',
        `title '${String((d.data as Record<string, unknown>).title)}' is also used by ${where(docs[0]!, d)}`,
        ['title'],
      );
  }
}
