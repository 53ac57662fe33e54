/**
 * Checks of a Sigma filter document. Its shape (title, logsource, the filter block, the rules it
 * names) is the loader's to report (nj/schema, nj/correlation-unknown-rule); the linter checks the
 * filter's search identifiers and condition as it does a rule's detection. Not the condition's
 * meaning: a filter's condition is usually negated (`not selection`) by design.
 */
import type { RuleDocument } from '@nightjar/rules';
import { isObj, str } from '../data.js';
import type { Reporter } from '../findings.js';
import { removeEntry } from '../fixes.js';
import { docTypes, lintSearches } from './detection.js';

export function lintFilter(c: Reporter, doc: RuleDocument, data: Record<string, unknown>): void {
  const src = c.sources.get(doc.file);
  for (const k of ['level', 'status'])
    if (data[k] !== undefined)
      c.report(
        doc,
        'nj/filter-level-status',
        `a filter has no ${k} (it only removes matches from other rules); drop it`,
        [k],
        {
          key: true,
          fix: src ? removeEntry(doc, src, [k]) : undefined,
        },
      );
  const block = isObj(data.filter) ? data.filter : undefined;
  if (!block || block.condition === undefined) return;
  const ls = isObj(data.logsource) ? data.logsource : undefined;
  const types = ls ? docTypes(doc, ls) : null;
  const native = ls !== undefined && str(ls.service) === 'endpointsecurity';
  lintSearches(c, doc, block, 'filter', types && types.length === 0 ? null : types, native, undefined, ['rules']);
}
