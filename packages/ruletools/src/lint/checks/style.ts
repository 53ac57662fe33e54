/**
 * SigmaHQ's conventions for a document's metadata (what its validators and review ask for): title and
 * description style, reference links, the modified date, tag namespaces, technique tags with their
 * tactic, related ids. They never change what a rule matches; the fixable ones are fixed by `--fix`.
 */
import type { RuleDocument } from '@nightjar/rules';
import { tacticOf } from '../../techniques/collect.js';
import { isObj, str } from '../data.js';
import { dropLastChar, removeEntry, replaceInNode } from '../fixes.js';
import type { Reporter } from '../findings.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMESPACES = new Set(['attack', 'car', 'cve', 'detection', 'stp', 'tlp']);
const TECHNIQUE_TAG = /^attack\.t\d{4}(\.\d{3})?$/;
const TITLE_MAX = 110;
const DESCRIPTION_MIN = 16;

export function lintStyle(c: Reporter, doc: RuleDocument, data: Record<string, unknown>): void {
  const src = c.sources.get(doc.file);
  const title = str(data.title);
  if (title !== undefined) {
    const t = title.trim();
    if (t.length > TITLE_MAX)
      c.report(doc, 'nj/title-style', `the title is ${t.length} characters long (SigmaHQ's limit is ${TITLE_MAX})`, [
        'title',
      ]);
    if (t.endsWith('.') && !t.endsWith('..'))
      c.report(doc, 'nj/title-style', 'the title ends with a period (titles are names, not sentences)', ['title'], {
        fix: src ? dropLastChar(doc, src, ['title'], '.') : undefined,
      });
    if (/^detects?\b/i.test(t))
      c.report(
        doc,
        'nj/title-style',
        "the title starts with 'Detect(s)': name what is detected ('Curl Piped To Shell'); the description says 'Detects …'",
        ['title'],
      );
    else if (/^[a-z]/.test(t))
      c.report(doc, 'nj/title-style', 'the title starts in lower case (SigmaHQ titles are in title case)', ['title']);
  }
  const description = str(data.description);
  if (description !== undefined) {
    const d = description.trim();
    if (d.length < DESCRIPTION_MIN)
      c.report(
        doc,
        'nj/description-style',
        `the description is ${d.length} characters long: say what the rule detects and why it matters`,
        ['description'],
      );
    else if (title !== undefined && d.toLowerCase() === title.trim().toLowerCase())
      c.report(doc, 'nj/description-style', 'the description repeats the title: say what the rule detects and why', [
        'description',
      ]);
  }
  if (typeof data.date === 'string' && data.modified === data.date)
    c.report(
      doc,
      'nj/modified-equals-date',
      `modified is the same day as date (${data.date}); drop modified`,
      ['modified'],
      {
        fix: src ? removeEntry(doc, src, ['modified']) : undefined,
      },
    );
  const tags = Array.isArray(data.tags) ? data.tags.filter((t): t is string => typeof t === 'string') : [];
  if (Array.isArray(data.tags))
    data.tags.forEach((t, i) => {
      if (typeof t !== 'string' || !/^[a-z0-9_-]+\./.test(t)) return; // nj/tag-format's
      const ns = t.slice(0, t.indexOf('.'));
      if (!NAMESPACES.has(ns))
        c.report(
          doc,
          'nj/unknown-tag-namespace',
          `tag '${t}': '${ns}' is not a Sigma tag namespace (${[...NAMESPACES].join(', ')})`,
          ['tags', i],
        );
    });
  const techniques = tags.filter((t) => TECHNIQUE_TAG.test(t));
  if (techniques.length && !tags.some((t) => tacticOf(t) !== undefined && !TECHNIQUE_TAG.test(t)))
    c.report(
      doc,
      'nj/technique-without-tactic',
      `technique tag(s) ${techniques.join(', ')} without a tactic tag (attack.execution, attack.persistence, …)`,
      ['tags', data.tags === undefined ? 0 : (data.tags as unknown[]).indexOf(techniques[0])],
    );
  if (Array.isArray(data.related))
    data.related.forEach((r, i) => {
      if (isObj(r) && r.id !== undefined && (typeof r.id !== 'string' || !UUID.test(r.id)))
        c.report(doc, 'nj/related-id', `related[${i}].id ${JSON.stringify(r.id)} is not a UUID (a rule's id)`, [
          'related',
          i,
          'id',
        ]);
    });
  if (Array.isArray(data.references))
    data.references.forEach((ref, i) => {
      if (typeof ref === 'string') lintLink(c, doc, src, ref, i, tags);
    });
}

function lintLink(
  c: Reporter,
  doc: RuleDocument,
  src: string | undefined,
  ref: string,
  i: number,
  tags: readonly string[],
): void {
  const path = ['references', i];
  const blob = /^https?:\/\/github\.com\/[^/]+\/[^/]+\/(blob|tree)\/(master|main|develop|dev)\//.exec(ref);
  if (blob)
    c.report(
      doc,
      'nj/link-style',
      `reference '${ref}' points at the ${blob[2]} branch, which moves: link a commit (press 'y' on GitHub for the permalink)`,
      path,
    );
  const mitre = /^(https?):\/\/attack\.mitre\.org\/techniques\/(T\d{4})(?:[/.](\d{3}))?\/?$/i.exec(ref);
  if (/^https?:\/\/attack\.mitre\.org\//i.test(ref) && mitre === null && /\/techniques\//i.test(ref))
    c.report(
      doc,
      'nj/link-style',
      `reference '${ref}' is not an ATT&CK technique URL (https://attack.mitre.org/techniques/T1059/004/)`,
      path,
    );
  if (!mitre) return;
  if (mitre[1] === 'http')
    c.report(doc, 'nj/link-style', `reference '${ref}' uses http; ATT&CK is served over https`, path, {
      fix: src ? replaceInNode(doc, src, path, 'http://', 'https://') : undefined,
    });
  const tech = `attack.${mitre[2]!.toLowerCase()}${mitre[3] ? `.${mitre[3]}` : ''}`;
  if (!tags.includes(tech))
    c.report(
      doc,
      'nj/link-style',
      `reference '${ref}' names ATT&CK technique ${tech.slice(7).toUpperCase()}, but the rule is not tagged ${tech}: tag it (coverage tools read tags, not links)`,
      path,
    );
}
