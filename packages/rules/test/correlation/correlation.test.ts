import { describe, expect, it } from 'vitest';
import type { CompiledCorrelation, CompiledRule } from '@nightjar/core';
import { RuleLoadError, compileRuleText, compileSources, parseRuleText, parseTimespan } from '@nightjar/rules';
import { ctx, execEvent, openEvent, where } from '../load/helpers.js';

const OPEN = `title: open
id: aaaaaaaa-0000-4000-8000-000000000001
name: sensitive_open
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
  sel:
    event.open.file.path|startswith: /etc/
  condition: sel
`;
const EXEC = `title: exec
id: aaaaaaaa-0000-4000-8000-000000000002
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
const BASE = `${OPEN}---\n${EXEC}---\n`;
const OPEN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const EXEC_ID = 'aaaaaaaa-0000-4000-8000-000000000002';

function corr(body: string, head = 'title: c\nid: corr-1\n'): string {
  return `${BASE}${head}correlation:\n${body}`;
}
function compile(text: string, opts = {}): { rules: readonly CompiledRule[]; c: CompiledCorrelation } {
  const rs = compileRuleText(text, 'c.yml', opts);
  return { rules: rs.rules, c: rs.correlations[0] };
}
function errors(text: string, opts = {}): string[] {
  return parseRuleText(text, 'c.yml', opts).diagnostics.map(where);
}
// BASE is 24 lines; a correlation document built by corr() starts on line 25, `correlation:` is line 27.
const L = 27;

describe('correlation types and conditions', () => {
  it('event_count: ids resolved by name, group-by, timespan, condition', () => {
    const { c } = compile(
      corr(
        '  type: event_count\n  rules:\n    - sensitive_open\n  group-by:\n    - process.entity_id\n  timespan: 5m\n  condition:\n    gte: 10\n',
      ),
    );
    expect(c).toMatchObject({
      kind: 'correlation',
      id: 'corr-1',
      type: 'event_count',
      rules: [OPEN_ID],
      timespanUs: 300_000_000,
      condition: [{ op: 'gte', value: 10 }],
      generate: true,
    });
    expect(c.source).toEqual({ file: 'c.yml', line: 25, col: 1 });
    expect(c.groupBy.map((g) => g.name)).toEqual(['process.entity_id']);
    const g = c.groupBy[0];
    const ev = openEvent('/etc/passwd', { pid: 4242 });
    expect(g.byRule.get(OPEN_ID)!(ev, ctx)).toBe('4242:1');
    expect(g.default(ev, ctx)).toBe('4242:1');
  });

  it('a range is two ANDed terms, kept in a fixed operator order', () => {
    const { c } = compile(
      corr('  type: event_count\n  rules: sensitive_open\n  timespan: 1m\n  condition:\n    lte: 200\n    gt: 100\n'),
    );
    expect(c.condition).toEqual([
      { op: 'gt', value: 100 },
      { op: 'lte', value: 200 },
    ]);
    expect(c.groupBy).toEqual([]);
  });

  it('value_count reads condition.field per referenced rule', () => {
    const { c } = compile(
      corr(
        '  type: value_count\n  rules: [sensitive_open]\n  group-by: [process.entity_id]\n  timespan: 1m\n  condition:\n    field: event.open.file.path\n    gt: 3\n',
      ),
    );
    expect(c.type).toBe('value_count');
    expect(c.valueField!.name).toBe('event.open.file.path');
    expect(c.valueField!.byRule.get(OPEN_ID)!(openEvent('/etc/hosts'), ctx)).toBe('/etc/hosts');
    expect(c.percentile).toBeUndefined();
  });

  it('value_count over several fields counts distinct combinations', () => {
    const { c } = compile(
      corr(
        '  type: value_count\n  rules: [sensitive_open]\n  timespan: 1m\n  condition:\n    field: [event.open.file.path, process.executable.path]\n    gt: 3\n',
      ),
    );
    expect(c.valueField!.name).toBe('event.open.file.path,process.executable.path');
    const v = c.valueField!.byRule.get(OPEN_ID)!(openEvent('/etc/a', { actor: '/bin/cat' }), ctx);
    expect(v).toBe('/etc/a\u0000/bin/cat');
  });

  it.each([
    ['value_sum', undefined],
    ['value_avg', undefined],
    ['value_median', 50],
  ])('%s compiles with its field', (type, percentile) => {
    const { c } = compile(
      corr(
        `  type: ${type}\n  rules: [sensitive_open]\n  timespan: 1m\n  condition:\n    field: event.open.fflag\n    gt: 1.5\n`,
      ),
    );
    expect(c.type).toBe(type);
    expect(c.valueField!.name).toBe('event.open.fflag');
    expect(c.condition).toEqual([{ op: 'gt', value: 1.5 }]);
    expect(c.percentile).toBe(percentile);
  });

  it('value_percentile needs percentile; others refuse it', () => {
    const { c } = compile(
      corr(
        '  type: value_percentile\n  rules: [sensitive_open]\n  timespan: 1m\n  condition:\n    field: event.open.fflag\n    percentile: 95\n    gte: 100\n',
      ),
    );
    expect(c.percentile).toBe(95);
    expect(
      errors(
        corr(
          '  type: value_percentile\n  rules: [sensitive_open]\n  timespan: 1m\n  condition:\n    field: event.open.fflag\n    gte: 100\n',
        ),
      ),
    ).toEqual([`NJ_CORR_CONDITION@${L + 5}:5`]);
    expect(
      errors(
        corr(
          '  type: value_sum\n  rules: [sensitive_open]\n  timespan: 1m\n  condition:\n    field: x\n    percentile: 5\n    gte: 100\n',
        ),
      ),
    ).toEqual([`NJ_CORR_CONDITION@${L + 6}:17`]);
  });

  it('temporal defaults to gte <number of rules>; temporal_ordered keeps the written order', () => {
    const t = compile(
      corr(
        '  type: temporal\n  rules: [shell_exec, sensitive_open]\n  group-by: [process.entity_id]\n  timespan: 30s\n',
      ),
    ).c;
    expect(t.condition).toEqual([{ op: 'gte', value: 2 }]);
    expect(t.rules).toEqual([EXEC_ID, OPEN_ID]);
    expect(t.temporalExpr).toBeUndefined();
    const o = compile(corr(`  type: temporal_ordered\n  rules: [${OPEN_ID}, shell_exec]\n  timespan: 30s\n`)).c;
    expect(o.type).toBe('temporal_ordered');
    expect(o.rules).toEqual([OPEN_ID, EXEC_ID]);
  });

  it('string temporal conditions compile to temporalExpr over rule ids; rules may be omitted', () => {
    const { c } = compile(
      corr(
        '  type: temporal\n  group-by: [process.entity_id]\n  timespan: 1m\n  condition: shell_exec and not (sensitive_open)\n',
      ),
    );
    expect(c.rules).toEqual([EXEC_ID, OPEN_ID]);
    expect(c.condition).toEqual([]);
    const f = c.temporalExpr!;
    expect(f(new Set([EXEC_ID]))).toBe(true);
    expect(f(new Set([EXEC_ID, OPEN_ID]))).toBe(false);
    expect(f(new Set([OPEN_ID]))).toBe(false);
    expect(f(new Set())).toBe(false);
    const or = compile(
      corr(
        '  type: temporal\n  rules: [shell_exec, sensitive_open]\n  timespan: 1m\n  condition: shell_exec or sensitive_open and not shell_exec\n',
      ),
    ).c;
    // not > and > or: shell_exec or (sensitive_open and (not shell_exec))
    expect(or.temporalExpr!(new Set([OPEN_ID]))).toBe(true);
    expect(or.temporalExpr!(new Set([EXEC_ID, OPEN_ID]))).toBe(true);
    expect(or.temporalExpr!(new Set())).toBe(false);
  });

  it('string temporal conditions: errors', () => {
    const cond = (type: string, rules: string, condition: string) =>
      errors(corr(`  type: ${type}\n${rules}  timespan: 1m\n  condition: ${condition}\n`));
    expect(cond('event_count', '  rules: [shell_exec]\n', 'shell_exec')).toEqual([`NJ_CORR_CONDITION@${L + 4}:14`]);
    expect(cond('temporal', '', 'shell_exec and')).toEqual([`NJ_CORR_CONDITION@${L + 3}:14`]);
    expect(cond('temporal', '', 'shell_exec AND sensitive_open')).toEqual([`NJ_CORR_CONDITION@${L + 3}:14`]);
    expect(cond('temporal', '', 'shell_exec and nosuch')).toEqual([`NJ_CORR_UNKNOWN_RULE@${L + 3}:14`]);
    expect(cond('temporal', '  rules: [shell_exec, sensitive_open]\n', 'shell_exec')).toEqual([
      `NJ_CORR_CONDITION@${L + 4}:14`,
    ]);
  });

  it('structural errors with positions', () => {
    expect(errors(corr('  type: event_count\n  timespan: 1m\n  condition: {gt: 1}\n'))).toEqual([
      `NJ_CORR_RULES@${L + 1}:3`,
    ]);
    expect(errors(corr('  type: value_count\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {gt: 1}\n'))).toEqual([
      `NJ_CORR_FIELD@${L + 4}:14`,
    ]);
    expect(
      errors(corr('  type: event_count\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {gt: 1, field: x}\n')),
    ).toEqual([`NJ_CORR_FIELD@${L + 4}:29`]);
    expect(
      errors(corr('  type: value_sum\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {gt: 1, field: [a, b]}\n')),
    ).toEqual([`NJ_CORR_FIELD@${L + 4}:29`]);
    expect(
      errors(corr('  type: event_count\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {field: x}\n')),
    ).toEqual([`NJ_CORR_CONDITION@${L + 4}:14`, `NJ_CORR_FIELD@${L + 4}:22`]);
    expect(errors(corr('  type: event_count\n  rules: [shell_exec]\n  timespan: 1m\n'))).toEqual([
      `NJ_CORR_CONDITION@${L + 1}:3`,
    ]);
    expect(
      errors(
        corr('  type: event_count\n  rules: [shell_exec]\n  group-by: [a, a]\n  timespan: 1m\n  condition: {gt: 1}\n'),
      ),
    ).toEqual([`NJ_CORR_GROUP_BY@${L + 3}:17`]);
    // Schema-level: unknown type, misspelt key, bad condition operator.
    expect(errors(corr('  type: event_sum\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {gt: 1}\n'))).toEqual([
      `NJ_SCHEMA_INVALID@${L + 1}:9`,
    ]);
    expect(
      errors(
        corr('  type: event_count\n  rules: [shell_exec]\n  group_by: [a]\n  timespan: 1m\n  condition: {gt: 1}\n'),
      ),
    ).toEqual([`NJ_SCHEMA_UNKNOWN_KEY@${L + 3}:3`]);
    expect(
      errors(corr('  type: event_count\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {greater: 1}\n')),
    ).toEqual([`NJ_SCHEMA_UNKNOWN_KEY@${L + 4}:15`]);
  });
});

describe('timespans', () => {
  it.each([
    ['1s', 1],
    ['90m', 5400],
    ['1h', 3600],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1M', 2_629_746],
    ['1y', 31_556_952],
  ])('%s = %d s', (t, s) => {
    expect(parseTimespan(t)).toEqual({ us: s * 1e6 });
  });

  it.each(['1h30m', '0s', '1.5h', '-1m', '5 m', '5', 'm', '5S', '5ms'])('%s is refused', (t) => {
    expect(parseTimespan(t)).toHaveProperty('error');
  });

  it('NJ_TIMESPAN_INVALID points at the timespan value', () => {
    expect(
      errors(corr('  type: event_count\n  rules: [shell_exec]\n  timespan: 1h30m\n  condition: {gt: 1}\n')),
    ).toEqual([`NJ_TIMESPAN_INVALID@${L + 3}:13`]);
  });

  it('NJ_TIMESPAN_LIMIT above the configured maximum (default 1 h)', () => {
    const body = (t: string) =>
      corr(`  type: event_count\n  rules: [shell_exec]\n  timespan: ${t}\n  condition: {gt: 1}\n`);
    expect(errors(body('1h'))).toEqual([]);
    expect(errors(body('61m'))).toEqual([`NJ_TIMESPAN_LIMIT@${L + 3}:13`]);
    expect(errors(body('1w'))).toEqual([`NJ_TIMESPAN_LIMIT@${L + 3}:13`]);
    expect(errors(body('1w'), { maxTimespanUs: 7 * 86_400e6 })).toEqual([]);
    expect(errors(body('2m'), { maxTimespanUs: 60e6 })).toEqual([`NJ_TIMESPAN_LIMIT@${L + 3}:13`]);
    const err = (() => {
      try {
        compileRuleText(body('2h'), 'c.yml');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RuleLoadError);
    expect((err as RuleLoadError).diagnostics[0].message).toContain('3600');
  });
});

describe('references, chains, cycles, generate', () => {
  it('resolves an id before a name', () => {
    // A rule *named* like the other rule's id: the id wins.
    const text = `${BASE}title: trap\nname: ${EXEC_ID}\nlogsource: {product: macos, service: endpointsecurity, category: exec}\ndetection: {sel: {event.exec.args: x}, condition: sel}\n---\ntitle: c\ncorrelation: {type: event_count, rules: [${EXEC_ID}], timespan: 1m, condition: {gt: 1}}\n`;
    const rs = compileRuleText(text);
    expect(rs.correlations[0].rules).toEqual([EXEC_ID]);
  });

  it('resolves regardless of document order and across files', () => {
    const c = `title: c\nid: corr-1\ncorrelation: {type: temporal, rules: [shell_exec, sensitive_open], timespan: 1m}\n`;
    expect(compileRuleText(`${c}---\n${BASE}`).correlations[0].rules).toEqual([EXEC_ID, OPEN_ID]);
    const r = compileSources([
      { file: 'corr.yml', text: c },
      { file: 'open.yml', text: OPEN },
      { file: 'exec.yml', text: EXEC },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.ruleset.correlations[0].rules).toEqual([EXEC_ID, OPEN_ID]);
  });

  it('names such as constructor or __proto__ are plain names', () => {
    expect(errors(corr('  type: temporal\n  rules: [constructor, __proto__]\n  timespan: 1m\n'))).toEqual([
      `NJ_CORR_UNKNOWN_RULE@${L + 2}:11`,
      `NJ_CORR_UNKNOWN_RULE@${L + 2}:24`,
    ]);
    const named = OPEN.replace('name: sensitive_open', 'name: __proto__');
    const rs = compileRuleText(
      `${named}---\ntitle: c\ncorrelation: {type: event_count, rules: [__proto__], timespan: 1m, condition: {gt: 1}}\n`,
    );
    expect(rs.correlations[0].rules).toEqual([OPEN_ID]);
  });

  it('NJ_CORR_UNKNOWN_RULE and NJ_CORR_BROKEN_REF point at the reference', () => {
    expect(
      errors(
        corr('  type: event_count\n  rules:\n    - shell_exec\n    - nosuch\n  timespan: 1m\n  condition: {gt: 1}\n'),
      ),
    ).toEqual([`NJ_CORR_UNKNOWN_RULE@${L + 4}:7`]);
    const broken = `title: bad\nname: bad\nlogsource: {product: macos, service: endpointsecurity, category: nosuchtype}\ndetection: {sel: {a: 1}, condition: sel}\n---\ntitle: c\ncorrelation:\n  type: event_count\n  rules: [bad]\n  timespan: 1m\n  condition: {gt: 1}\n`;
    expect(parseRuleText(broken).diagnostics.map((d) => d.code)).toEqual([
      'NJ_UNKNOWN_EVENT_TYPE',
      'NJ_CORR_BROKEN_REF',
    ]);
    expect(parseRuleText(broken).diagnostics.map(where)[1]).toBe('NJ_CORR_BROKEN_REF@9:11');
  });

  it('correlations of correlations: chained ids, and generate flags', () => {
    const text = `${BASE}title: inner\nname: inner\ncorrelation:\n  type: event_count\n  rules: [sensitive_open]\n  group-by: [process.entity_id]\n  timespan: 1m\n  condition: {gte: 3}\n---\ntitle: outer\nname: outer\ncorrelation:\n  type: temporal\n  rules: [inner, shell_exec]\n  group-by: [process.entity_id]\n  timespan: 5m\n`;
    const rs = compileRuleText(text);
    const inner = rs.byId('inner') as CompiledCorrelation;
    const outer = rs.byId('outer') as CompiledCorrelation;
    expect(outer.rules).toEqual(['inner', EXEC_ID]);
    // The outer group-by can read the leaf rules under the inner correlation too.
    expect([...outer.groupBy[0].byRule.keys()].sort()).toEqual([EXEC_ID, OPEN_ID, 'inner'].sort());
    expect(inner.generate).toBe(false);
    expect(outer.generate).toBe(true);
    expect(rs.rules.map((r) => r.generate)).toEqual([false, false]);
  });

  it('generate: true keeps the referenced rules alerting; an unreferenced rule always alerts', () => {
    const text = `${BASE}title: c\ncorrelation:\n  type: event_count\n  rules: [shell_exec]\n  timespan: 1m\n  condition: {gt: 1}\n  generate: true\n`;
    const rs = compileRuleText(text);
    expect(rs.rules.map((r) => [r.name, r.generate])).toEqual([
      ['sensitive_open', true],
      ['shell_exec', true],
    ]);
    const off = compileRuleText(text.replace('  generate: true\n', ''));
    expect(off.rules.map((r) => [r.name, r.generate])).toEqual([
      ['sensitive_open', true],
      ['shell_exec', false],
    ]);
    // Referenced by two correlations, one with generate: true → alerts.
    const two = compileRuleText(
      `${text}---\ntitle: d\ncorrelation: {type: event_count, rules: [shell_exec], timespan: 1m, condition: {gt: 5}}\n`,
    );
    expect(two.rules.find((r) => r.name === 'shell_exec')!.generate).toBe(true);
  });

  it('generate: true at the top level (older placement) counts too; a rule listed twice is an error', () => {
    const text = `${BASE}title: c\ngenerate: true\ncorrelation: {type: event_count, rules: [shell_exec], timespan: 1m, condition: {gt: 1}}\n`;
    expect(compileRuleText(text).rules.map((r) => r.generate)).toEqual([true, true]);
    expect(errors(corr('  type: temporal\n  rules: [shell_exec, shell_exec]\n  timespan: 1m\n'))).toEqual([
      `NJ_CORR_RULES@${L + 2}:23`,
    ]);
    expect(errors(corr(`  type: temporal\n  rules: [shell_exec, ${EXEC_ID}]\n  timespan: 1m\n`))).toEqual([
      `NJ_CORR_RULES@${L + 2}:23`,
    ]);
  });

  it('NJ_CORR_CYCLE for a cycle and for self-reference', () => {
    const cyc = `title: a\nname: a\ncorrelation:\n  type: temporal\n  rules: [b]\n  timespan: 1m\n---\ntitle: b\nname: b\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: 1m\n`;
    expect(parseRuleText(cyc).diagnostics.map(where)).toEqual(['NJ_CORR_CYCLE@5:11', 'NJ_CORR_CYCLE@12:11']);
    const self = `title: a\nname: a\ncorrelation:\n  type: temporal\n  rules: [a]\n  timespan: 1m\n`;
    expect(parseRuleText(self).diagnostics.map(where)).toEqual(['NJ_CORR_CYCLE@5:11']);
  });

  it('NJ_CORR_DEPTH for chains of correlations deeper than 32', () => {
    const chain = (n: number) =>
      BASE +
      Array.from(
        { length: n },
        (_, k) =>
          `title: c${k + 1}\nname: c${k + 1}\ncorrelation: {type: event_count, rules: [${k === 0 ? 'shell_exec' : `c${k}`}], timespan: 1m, condition: {gt: 1}}\n`,
      ).join('---\n');
    const ok = parseRuleText(chain(32));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.ruleset.correlations).toHaveLength(32);
    const deep = parseRuleText(chain(34));
    expect(deep.diagnostics.map((d) => `${d.code}:${d.rule}`)).toEqual(['NJ_CORR_DEPTH:c33', 'NJ_CORR_DEPTH:c34']);
  });

  it('a correlation over a failed correlation fails with NJ_CORR_BROKEN_REF', () => {
    const text = `${BASE}title: inner\nname: inner\ncorrelation: {type: event_count, rules: [shell_exec], timespan: 3h, condition: {gt: 1}}\n---\ntitle: outer\ncorrelation:\n  type: temporal\n  rules: [inner, shell_exec]\n  timespan: 1m\n`;
    const r = parseRuleText(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NJ_TIMESPAN_LIMIT', 'NJ_CORR_BROKEN_REF']);
    expect(r.ruleset.correlations).toEqual([]);
  });
});

describe('group-by fields and aliases', () => {
  it('aliases map one group-by name to a field per rule', () => {
    const { c } = compile(
      corr(
        '  type: temporal\n  rules: [sensitive_open, shell_exec]\n  group-by: [who]\n  timespan: 1m\n  aliases:\n    who:\n      sensitive_open: process.executable.path\n      shell_exec: event.exec.target.executable.path\n',
      ),
    );
    const g = c.groupBy[0];
    expect(g.name).toBe('who');
    expect(g.byRule.get(OPEN_ID)!(openEvent('/etc/x', { actor: '/bin/cat' }), ctx)).toBe('/bin/cat');
    expect(g.byRule.get(EXEC_ID)!(execEvent('/bin/sh', ['sh'], { actor: '/bin/zsh' }), ctx)).toBe('/bin/sh');
    expect(g.default(openEvent('/etc/x'), ctx)).toBeUndefined();
  });

  it('condition.field may be an alias too', () => {
    const { c } = compile(
      corr(
        '  type: value_count\n  rules: [sensitive_open, shell_exec]\n  timespan: 1m\n  condition: {gte: 2, field: path}\n  aliases:\n    path:\n      sensitive_open: event.open.file.path\n      shell_exec: event.exec.target.executable.path\n',
      ),
    );
    expect(c.valueField!.name).toBe('path');
    expect(c.valueField!.byRule.get(OPEN_ID)!(openEvent('/etc/a'), ctx)).toBe('/etc/a');
    expect(c.valueField!.byRule.get(EXEC_ID)!(execEvent('/bin/sh', ['sh']), ctx)).toBe('/bin/sh');
  });

  it('NJ_CORR_ALIAS: unreferenced rule, unknown rule, unused alias', () => {
    const a = (aliases: string) =>
      errors(
        corr(`  type: temporal\n  rules: [shell_exec]\n  group-by: [who]\n  timespan: 1m\n  aliases:\n${aliases}`),
      );
    expect(a('    who:\n      sensitive_open: process.pid\n')).toEqual([`NJ_CORR_ALIAS@${L + 7}:7`]);
    expect(a('    who:\n      nosuch: process.pid\n')).toEqual([`NJ_CORR_ALIAS@${L + 7}:7`]);
    expect(a('    who:\n      shell_exec: process.pid\n    other:\n      shell_exec: process.pid\n')).toEqual([
      `NJ_CORR_ALIAS@${L + 8}:5`,
    ]);
  });

  it('SigmaHQ taxonomy fields resolve through each rule’s logsource', () => {
    const proc = `title: p\nname: p\nlogsource: {product: macos, category: process_creation}\ndetection: {sel: {Image|endswith: /sh}, condition: sel}\n---\n`;
    const rs = compileRuleText(
      `${proc}title: c\ncorrelation: {type: event_count, rules: [p], group-by: [Image], timespan: 1m, condition: {gt: 1}}\n`,
    );
    const g = rs.correlations[0].groupBy[0];
    expect(g.byRule.get('p')!(execEvent('/bin/sh', ['sh']), ctx)).toBe('/bin/sh');
  });

  it('a group-by field a referenced taxonomy rule cannot map is an error at the group-by entry', () => {
    const proc = `title: p\nname: p\nlogsource: {product: macos, category: process_creation}\ndetection: {sel: {Image|endswith: /sh}, condition: sel}\n---\n`;
    const r = parseRuleText(
      `${proc}title: c\ncorrelation:\n  type: event_count\n  rules: [p]\n  group-by: [NoSuchField]\n  timespan: 1m\n  condition: {gt: 1}\n`,
    );
    expect(r.diagnostics.map(where)).toEqual(['NJ_UNMAPPED_FIELD@10:14']);
    expect(r.diagnostics[0].message).toContain("for rule 'p'");
  });

  it('a lineage group-by puts fork, exec and exit in requiredEventTypes', () => {
    const rs = compileRuleText(
      corr(
        '  type: event_count\n  rules: [sensitive_open]\n  group-by: [parent.entity_id]\n  timespan: 1m\n  condition: {gt: 1}\n',
      ),
    );
    expect(rs.rules.some((r) => r.usesLineage)).toBe(false);
    expect(rs.requiredEventTypes()).toEqual(['exec', 'exit', 'fork', 'open']);
  });
});

describe('nightjar.scope', () => {
  const SPREAD = `correlation:
  type: value_count
  rules: [shell_exec]
  group-by: [event.exec.target.executable.path]
  timespan: 1h
  condition: {gte: 5, field: nightjar.host}
`;
  it('scope: fleet compiles onto the correlation; the default and scope: host leave it per host', () => {
    const fleet = compile(`${BASE}title: spread\nid: corr-1\n${SPREAD}nightjar:\n  scope: fleet\n`).c;
    expect(fleet.scope).toBe('fleet');
    expect(compile(`${BASE}title: spread\nid: corr-1\n${SPREAD}`).c.scope).toBeUndefined();
    expect(compile(`${BASE}title: spread\nid: corr-1\n${SPREAD}nightjar:\n  scope: host\n`).c.scope).toBeUndefined();
  });
  it('scope on a detection rule is an error at the value; an unknown scope is a schema error', () => {
    const onRule = `${EXEC.replace('condition: sel\n', 'condition: sel\nnightjar:\n  scope: fleet\n')}`;
    expect(errors(onRule)).toEqual(['NJ_SCOPE_NOT_CORRELATION@13:10']);
    const bad = `${BASE}title: spread\nid: corr-1\n${SPREAD}nightjar:\n  scope: galaxy\n`;
    expect(parseRuleText(bad, 'c.yml').diagnostics.map((d) => d.code)).toContain('NJ_SCHEMA_INVALID');
  });
});
