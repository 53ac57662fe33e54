/** Checks of a correlation document: its type, rules, group-by and timespan. */
import { type RuleDocument, parseTimespan } from '@nightjar/rules';
import { isObj, str } from '../data.js';
import type { Reporter } from '../findings.js';

export function lintCorrelation(
  c: Reporter,
  doc: RuleDocument,
  data: Record<string, unknown>,
  known: ReadonlySet<string>,
): void {
  // The shape (title, a correlation mapping, its type, rules and timespan keys) is the loader's JSON
  // Schema's to report (nj/schema); these checks read what is there.
  const corr = data.correlation;
  if (!isObj(corr)) return;
  const type = str(corr.type);
  const rules = corr.rules;
  const list = Array.isArray(rules) ? rules : typeof rules === 'string' ? [rules] : [];
  list.forEach((r, i) => {
    if (typeof r !== 'string' || !known.has(r))
      c.report(
        doc,
        'nj/correlation-unknown-rule',
        `correlation references '${String(r)}', which is not a loaded rule id or name`,
        ['correlation', 'rules', Array.isArray(rules) ? i : 0].slice(0, Array.isArray(rules) ? 3 : 2),
      );
  });
  if ((type === 'temporal' || type === 'temporal_ordered') && list.length < 2 && typeof corr.condition !== 'string')
    c.report(
      doc,
      'nj/correlation-min-rules',
      `a ${type} correlation needs at least two rules (it has ${list.length})`,
      ['correlation', 'rules'],
    );
  const gb = corr['group-by'];
  const groupBy = Array.isArray(gb) ? gb : typeof gb === 'string' ? [gb] : [];
  if (groupBy.length === 0)
    c.report(
      doc,
      'nj/correlation-group-by-missing',
      'no group-by: every matching event on the host counts together; group by process.entity_id (or another identity)',
      ['correlation'],
    );
  groupBy.forEach((g, i) => {
    if (typeof g === 'string' && /(^|\.)(pid|ppid|original_ppid)$|^(ProcessId|ParentProcessId)$/i.test(g)) {
      const suggestion = g
        .replace(/(audit_token\.)?pid$/, 'entity_id')
        .replace(/^ProcessId$/i, 'process.entity_id')
        .replace(/^ParentProcessId$/i, 'parent.entity_id');
      c.report(
        doc,
        'nj/group-by-pid',
        `group-by '${g}': pids are reused, so unrelated processes share a group; group by '${suggestion.endsWith('entity_id') ? suggestion : 'process.entity_id'}'`,
        ['correlation', 'group-by', Array.isArray(gb) ? i : 0].slice(0, Array.isArray(gb) ? 3 : 2),
      );
    }
  });
  const ts = corr.timespan;
  if (ts !== undefined) {
    // The loader's parser, so lint and engine agree on what a timespan is (pySigma's units too).
    const parsed = parseTimespan(typeof ts === 'number' ? String(ts) : ts);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar; shown as written
    const tsText = String(ts);
    const us = 'us' in parsed ? parsed.us : undefined;
    if (us === undefined)
      c.report(
        doc,
        'nj/timespan-format',
        `timespan ${JSON.stringify(ts)}: ${'error' in parsed ? parsed.error.replace(/^invalid timespan '[^']*': /, '') : 'invalid'}`,
        ['correlation', 'timespan'],
      );
    else if (us > c.cfg.maxTimespanUs)
      c.report(
        doc,
        'nj/timespan-limit',
        `timespan ${tsText} is above the engine limit (${c.cfg.maxTimespanUs / 60e6}m); the engine refuses this correlation`,
        ['correlation', 'timespan'],
      );
    else if (us > c.cfg.warnTimespanUs)
      c.report(
        doc,
        'nj/timespan-long',
        `timespan ${tsText} is above 5 minutes: state and memory grow with the window; endpoint sequences rarely need more`,
        ['correlation', 'timespan'],
      );
  }
  if ((type === 'event_count' || type === 'value_count' || type?.startsWith('value_')) && corr.condition === undefined)
    c.report(doc, 'nj/schema', `a ${type} correlation needs a condition (e.g. gte: 5)`, ['correlation']);
  if (
    type?.startsWith('value_') &&
    (!isObj(corr.condition) || corr.condition.field === undefined) &&
    corr.field === undefined
  )
    c.report(doc, 'nj/schema', `a ${type} correlation needs condition.field`, ['correlation', 'condition']);
}

/**
 * A rule a correlation references stops alerting on its own unless the correlation says
 * `generate: true` (Sigma's default; its own tests still pass, as they force it on). Reported on the
 * silenced rule, naming the correlation, unless the correlation states `generate` either way.
 */
export function lintGenerate(c: Reporter, documents: readonly RuleDocument[]): void {
  const byRef = new Map<string, RuleDocument>();
  for (const d of documents) {
    if (!isObj(d.data) || d.kind === 'filter') continue;
    for (const k of ['id', 'name']) {
      const v = d.data[k];
      if (typeof v === 'string' && !byRef.has(v)) byRef.set(v, d);
    }
  }
  for (const d of documents) {
    const data = d.data;
    if (!isObj(data) || !isObj(data.correlation)) continue;
    const corr = data.correlation;
    if (corr.generate !== undefined || data.generate !== undefined) continue;
    const refs = Array.isArray(corr.rules) ? corr.rules : [corr.rules];
    const name = str(data.title) ?? str(data.name) ?? str(data.id) ?? 'a correlation';
    const ref = str(data.name) ?? str(data.id);
    for (const r of refs) {
      const base = typeof r === 'string' ? byRef.get(r) : undefined;
      if (!base || base === d) continue;
      c.report(
        base,
        'nj/generate-silenced',
        `this rule raises no alert of its own: correlation '${name}'${ref ? ` (${ref})` : ''} references it without generate: true (set generate: true there to keep its alerts, or generate: false to say it is intended)`,
        isObj(base.data) && base.data.id !== undefined ? ['id'] : [],
      );
    }
  }
}
