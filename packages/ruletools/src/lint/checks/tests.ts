/**
 * Checks of a rule's `tests:` key (Nightjar's own, run by `nightjar test`): well-formed cases,
 * events the brief-event expander accepts, fixtures that exist, expect.group on group-by fields.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RuleDocument } from '@nightjar/rules';
import { BriefEventError, expandBriefEvents } from '../../tester/brief.js';
import { parseTestSpecs, rawTests } from '../../tester/specs.js';
import { isObj } from '../data.js';
import type { Reporter } from '../findings.js';

export function lintTests(
  c: Reporter,
  doc: RuleDocument,
  data: Record<string, unknown>,
  testedViaCorrelation: ReadonlySet<string>,
): void {
  const raw = doc.tests ?? rawTests(data);
  // A correlation's base rules are tested through the correlation's document (see docs/test.md).
  const referenced = [data.id, data.name].some((k) => typeof k === 'string' && testedViaCorrelation.has(k));
  if (raw === undefined && referenced) return;
  if (raw === undefined) {
    c.report(
      doc,
      'nj/missing-tests',
      'no tests: declare cases under `tests:` so `nightjar test` can show the rule fires and stays quiet',
      [],
    );
    return;
  }
  const { specs, problems } = parseTestSpecs(raw);
  for (const p of problems) c.report(doc, 'nj/tests-invalid', p.message, [...p.path]);
  const corr = isObj(data.correlation) ? data.correlation : undefined;
  const gb = corr ? corr['group-by'] : undefined;
  const groupBy = Array.isArray(gb)
    ? gb.filter((g): g is string => typeof g === 'string')
    : typeof gb === 'string'
      ? [gb]
      : [];
  for (const s of specs) {
    const want = s.expect.group;
    if (want) {
      const bad = Object.keys(want).filter((k) => !groupBy.includes(k));
      if (!corr)
        c.report(
          doc,
          'nj/tests-invalid',
          `test '${s.name}': expect.group only applies to correlations (a detection rule's alerts have no group)`,
          ['tests', s.index, 'expect', 'group'],
        );
      else if (bad.length)
        c.report(
          doc,
          'nj/tests-invalid',
          `test '${s.name}': expect.group names ${bad.map((b) => `'${b}'`).join(', ')}, not in the correlation's group-by (${groupBy.join(', ') || 'none'})`,
          ['tests', s.index, 'expect', 'group', bad[0]!],
        );
    }
    if (s.events) {
      try {
        expandBriefEvents(s.events);
      } catch (err) {
        if (!(err instanceof BriefEventError)) throw err;
        // One finding per problem, each at its own key.
        for (const p of err.problems)
          c.report(doc, 'nj/tests-invalid', `test '${s.name}': ${p.message}`, [
            'tests',
            s.index,
            'events',
            p.index,
            ...p.path,
          ]);
      }
    } else if (s.fixture && !existsSync(resolve(dirname(doc.file), s.fixture))) {
      c.report(
        doc,
        'nj/tests-invalid',
        `test '${s.name}': fixture '${s.fixture}' does not exist (paths are relative to the rule file)`,
        ['tests', s.index, 'fixture'],
      );
    }
  }
}
