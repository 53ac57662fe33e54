/**
 * Reads and validates a rule's `tests:` list (the format is documented in the CLI's docs/test.md). Used by
 * the tester (to run) and the linter (nj/tests-invalid), so both agree on what a valid test is.
 */
import type { Expectation, TestCaseSpec } from './types.js';

export interface SpecProblem {
  readonly message: string;
  /** Key path inside the rule document (starting with 'tests'). */
  readonly path: readonly (string | number)[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The raw `tests:` value of a document, or undefined when it has none. */
export function rawTests(data: unknown): unknown {
  return isObj(data) ? data.tests : undefined;
}

export function parseTestSpecs(raw: unknown): { specs: TestCaseSpec[]; problems: SpecProblem[] } {
  const specs: TestCaseSpec[] = [];
  const problems: SpecProblem[] = [];
  if (raw === undefined || raw === null) return { specs, problems };
  if (!Array.isArray(raw)) {
    problems.push({ message: "'tests' must be a list of test cases", path: ['tests'] });
    return { specs, problems };
  }
  const names = new Set<string>();
  raw.forEach((t, i) => {
    const at = (...p: (string | number)[]) => ['tests', i, ...p];
    if (!isObj(t)) {
      problems.push({ message: `test ${i + 1} must be a mapping with name, expect and events or fixture`, path: at() });
      return;
    }
    const label = typeof t.name === 'string' && t.name !== '' ? `test '${t.name}'` : `test ${i + 1}`;
    let ok = true;
    if (typeof t.name !== 'string' || t.name.trim() === '') {
      problems.push({ message: `${label}: 'name' is required (a non-empty string)`, path: at('name') });
      ok = false;
    } else if (names.has(t.name)) {
      problems.push({
        message: `${label}: duplicate test name (names must be unique within a rule)`,
        path: at('name'),
      });
      ok = false;
    } else names.add(t.name);
    for (const k of Object.keys(t)) {
      if (!['name', 'expect', 'events', 'fixture', 'description'].includes(k)) {
        problems.push({
          message: `${label}: unknown key '${k}' (allowed: name, expect, events, fixture, description)`,
          path: at(k),
        });
        ok = false;
      }
    }
    let expect: Expectation | undefined;
    const e = t.expect;
    if (!isObj(e)) {
      problems.push({
        message: `${label}: 'expect' is required: { match: true|false } or { alerts: N }`,
        path: at('expect'),
      });
      ok = false;
    } else {
      const group = e.group;
      if (group !== undefined && !isObj(group)) {
        problems.push({
          message: `${label}: expect.group must be a mapping of group-by field to value`,
          path: at('expect', 'group'),
        });
        ok = false;
      }
      const extra = Object.keys(e).filter((k) => !['match', 'alerts', 'group'].includes(k));
      if (extra.length) {
        problems.push({
          message: `${label}: unknown key(s) in expect: ${extra.join(', ')} (allowed: match, alerts, group)`,
          path: at('expect', extra[0]!),
        });
        ok = false;
      }
      const g = isObj(group) ? group : undefined;
      if ('match' in e && 'alerts' in e) {
        problems.push({ message: `${label}: expect has both 'match' and 'alerts'; give one`, path: at('expect') });
        ok = false;
      } else if (typeof e.match === 'boolean') {
        if (g && !e.match) {
          problems.push({
            message: `${label}: expect.group makes no sense with match: false`,
            path: at('expect', 'group'),
          });
          ok = false;
        }
        expect = { kind: 'match', match: e.match, ...(g ? { group: g } : {}) };
      } else if (typeof e.alerts === 'number' && Number.isInteger(e.alerts) && e.alerts >= 0) {
        expect = { kind: 'alerts', alerts: e.alerts, ...(g ? { group: g } : {}) };
      } else {
        problems.push({
          message: `${label}: expect needs match: true|false or alerts: <non-negative integer>`,
          path: at('expect'),
        });
        ok = false;
      }
    }
    const hasEvents = t.events !== undefined;
    const hasFixture = t.fixture !== undefined;
    if (hasEvents === hasFixture) {
      problems.push({
        message: `${label}: give exactly one of 'events' (inline brief events) or 'fixture' (a JSON-lines file)`,
        path: at(),
      });
      ok = false;
    } else if (hasEvents && !Array.isArray(t.events)) {
      problems.push({ message: `${label}: 'events' must be a list of brief events`, path: at('events') });
      ok = false;
    } else if (hasFixture && (typeof t.fixture !== 'string' || t.fixture === '')) {
      problems.push({ message: `${label}: 'fixture' must be a path relative to the rule file`, path: at('fixture') });
      ok = false;
    }
    if (ok && expect) {
      specs.push({
        name: t.name as string,
        expect,
        index: i,
        ...(hasEvents ? { events: t.events as unknown[] } : { fixture: t.fixture as string }),
      });
    }
  });
  return { specs, problems };
}
