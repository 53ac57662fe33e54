import { describe, expect, it } from 'vitest';
import { compileRuleText, filterApplies, logsourceContains, parseFilter, parseRuleText } from '@nightjar/rules';
import { ctx, execEvent, openEvent, where } from '../load/helpers.js';

const EXEC = `title: shell exec
id: bbbbbbbb-0000-4000-8000-000000000001
name: shell_exec
logsource:
  product: macos
  service: endpointsecurity
  category: exec
detection:
  sel:
    event.exec.target.executable.path|endswith: /sh
  condition: sel
`;
const OPEN = `title: etc open
id: bbbbbbbb-0000-4000-8000-000000000002
name: etc_open
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
  sel:
    event.open.file.path|startswith: /etc/
  condition: sel
`;
const BASE = `${EXEC}---\n${OPEN}---\n`;
const EXEC_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const OPEN_ID = 'bbbbbbbb-0000-4000-8000-000000000002';

function filter(
  rules: string,
  logsource = '{product: macos, service: endpointsecurity}',
  body = '  sel:\n    process.executable.path: /usr/bin/sudo\n  condition: not sel\n',
): string {
  return `title: f\nid: filter-1\nlogsource: ${logsource}\nfilter:\n  rules: ${rules}\n${body}`;
}

const byAdmin = { actor: '/usr/bin/sudo' };
const byUser = { actor: '/bin/zsh' };

describe('filters applied as pySigma applies them', () => {
  it('by rule id: (rule) and (filter) — an exclusion written `not sel`', () => {
    const rs = compileRuleText(BASE + filter(`[${EXEC_ID}]`));
    const [exec, open] = rs.rules;
    expect(exec.match(execEvent('/bin/sh', ['sh'], byUser), ctx)).toBe(true);
    expect(exec.match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(false);
    expect(exec.match(execEvent('/bin/ls', ['ls'], byUser), ctx)).toBe(false);
    // Not named: unchanged.
    expect(open.match(openEvent('/etc/sudoers', byAdmin), ctx)).toBe(true);
    const docs = parseRuleText(BASE + filter(`[${EXEC_ID}]`)).documents;
    expect(docs.map((d) => d.filters)).toEqual([['filter-1'], undefined, [EXEC_ID]]);
  });

  it('by rule name, and as a single string', () => {
    for (const rules of ['[etc_open]', 'etc_open']) {
      const rs = compileRuleText(BASE + filter(rules));
      expect(rs.byId(OPEN_ID)!.kind).toBe('detection');
      const open = rs.rules[1];
      expect(open.match(openEvent('/etc/sudoers', byAdmin), ctx)).toBe(false);
      expect(open.match(openEvent('/etc/sudoers', byUser), ctx)).toBe(true);
      expect(rs.rules[0].match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(true);
    }
  });

  it('a filter written `condition: sel` (the spec’s misleading example) narrows instead of excluding', () => {
    const rs = compileRuleText(
      BASE +
        filter('[shell_exec]', undefined, '  sel:\n    process.executable.path: /usr/bin/sudo\n  condition: sel\n'),
    );
    const exec = rs.rules[0];
    expect(exec.match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(true);
    expect(exec.match(execEvent('/bin/sh', ['sh'], byUser), ctx)).toBe(false);
  });

  it.each(['any', 'all', '[]', 'null'])(
    'rules: %s applies to every rule whose logsource the filter contains',
    (rules) => {
      const rs = compileRuleText(BASE + filter(rules, '{product: macos, service: endpointsecurity, category: exec}'));
      const [exec, open] = rs.rules;
      expect(exec.match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(false);
      expect(open.match(openEvent('/etc/hosts', byAdmin), ctx)).toBe(true);
    },
  );

  it('logsource containment is checked even for rules named explicitly', () => {
    const rs = compileRuleText(BASE + filter(`[${EXEC_ID}]`, '{product: macos, category: open}'));
    expect(rs.rules[0].match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(true);
  });

  it('identifiers of the filter never clash with the rule’s, and `1 of sel*` in the rule ignores them', () => {
    const rule = EXEC.replace('  condition: sel', '  sel2:\n    event.exec.args|contains: -c\n  condition: 1 of sel*');
    const rs = compileRuleText(`${rule}---\n${filter('[shell_exec]')}`);
    const exec = rs.rules[0];
    expect(exec.match(execEvent('/usr/bin/env', ['env', '-c'], byUser), ctx)).toBe(true);
    expect(exec.match(execEvent('/usr/bin/env', ['env', '-c'], byAdmin), ctx)).toBe(false);
  });

  it('several filters all apply, in order', () => {
    const second = `---\ntitle: g\nid: filter-2\nlogsource: {product: macos}\nfilter:\n  rules: any\n  tmp:\n    event.exec.target.executable.path|startswith: /tmp/\n  condition: not tmp\n`;
    const r = parseRuleText(BASE + filter('[shell_exec]') + second);
    const exec = r.ruleset.rules[0];
    expect(r.documents[0].filters).toEqual(['filter-1', 'filter-2']);
    expect(exec.match(execEvent('/bin/sh', ['sh'], byUser), ctx)).toBe(true);
    expect(exec.match(execEvent('/tmp/sh', ['sh'], byUser), ctx)).toBe(false);
    expect(exec.match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(false);
  });

  it('never applies to correlations; naming one is a warning (NJ_FILTER_CORRELATION)', () => {
    const corr = `title: c\nid: corr-1\ncorrelation: {type: event_count, rules: [shell_exec], timespan: 1m, condition: {gte: 2}}\n---\n`;
    const r = parseRuleText(BASE + corr + filter('[corr-1]'));
    expect(r.diagnostics.map(where)).toEqual(['NJ_FILTER_CORRELATION@33:11']);
    expect(r.diagnostics[0].severity).toBe('warning');
    expect(r.ruleset.correlations).toHaveLength(1);
    expect(r.ruleset.rules[0].match(execEvent('/bin/sh', ['sh'], byAdmin), ctx)).toBe(true);
  });

  it('NJ_FILTER_UNKNOWN_RULE is a warning at the reference', () => {
    const r = parseRuleText(BASE + filter('\n    - shell_exec\n    - nosuch'));
    expect(r.diagnostics.map(where)).toEqual(['NJ_FILTER_UNKNOWN_RULE@31:7']);
    expect(r.diagnostics[0].severity).toBe('warning');
  });

  it('a filter that does not compile is an error at the filter’s own key path', () => {
    const r = parseRuleText(
      BASE + filter('any', undefined, '  sel:\n    process.executable.path|nosuchmod: x\n  condition: not sel\n'),
    );
    // Line 31 is '    process.executable.path|nosuchmod: x' inside the filter.
    expect(r.diagnostics.map(where)).toEqual(['NJ_UNKNOWN_MODIFIER@31:5']);
    // Not applied anywhere, rather than to some rules and not others.
    expect(r.documents[0].filters).toBeUndefined();
    expect(r.documents[2].filters).toEqual([]);
  });

  it('schema: rules and condition are required; condition must be a string', () => {
    expect(
      parseRuleText(`title: f\nlogsource: {product: macos}\nfilter:\n  sel: {a: 1}\n`).diagnostics.map(where),
    ).toEqual(['NJ_SCHEMA_MISSING@4:3', 'NJ_SCHEMA_MISSING@4:3']);
    expect(
      parseRuleText(
        `title: f\nlogsource: {product: macos}\nfilter:\n  rules: any\n  sel: {a: 1}\n  condition: [sel]\n`,
      ).diagnostics.map(where),
    ).toEqual(['NJ_SCHEMA_INVALID@6:14']);
  });

  it('a lineage field in a filter makes the rule use lineage', () => {
    const rs = compileRuleText(
      BASE +
        filter('[shell_exec]', undefined, '  sel:\n    parent.executable.path: /usr/bin/sudo\n  condition: not sel\n'),
    );
    expect(rs.rules[0].usesLineage).toBe(true);
    expect(rs.rules[1].usesLineage).toBe(false);
    expect(rs.requiredEventTypes()).toEqual(['exec', 'exit', 'fork', 'open']);
  });
});

describe('filter helpers', () => {
  it('logsourceContains: unset attributes are wildcards', () => {
    expect(logsourceContains({ product: 'macos' }, { product: 'macos', category: 'exec' })).toBe(true);
    expect(logsourceContains({}, { product: 'macos' })).toBe(true);
    expect(logsourceContains({ category: 'exec' }, { product: 'macos' })).toBe(false);
    expect(logsourceContains({ product: 'macos', definition: 'x' }, { product: 'macos' })).toBe(true);
  });

  it('parseFilter / filterApplies', () => {
    const spec = parseFilter({
      logsource: { product: 'macos' },
      filter: { rules: ['a', 'b'], sel: { x: 1 }, condition: 'not sel' },
    });
    expect(spec.any).toBe(false);
    expect(spec.detection).toEqual({ sel: { x: 1 }, condition: 'not sel' });
    expect(filterApplies(spec, { id: 'a', logsource: { product: 'macos' } })).toBe(true);
    expect(filterApplies(spec, { id: 'z', name: 'b', logsource: { product: 'macos' } })).toBe(true);
    expect(filterApplies(spec, { id: 'c', logsource: { product: 'macos' } })).toBe(false);
    expect(filterApplies(spec, { id: 'a', logsource: { product: 'linux' } })).toBe(false);
  });
});
