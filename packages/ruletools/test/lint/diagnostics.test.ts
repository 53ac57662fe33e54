import { describe, expect, it } from 'vitest';
import { RULE_DIAGNOSTIC_CODES, parseRuleText } from '@nightjar/rules';
import { CHECKS_BY_ID, LOADER_CHECKS } from '../../src/lint/catalog.js';
import { lintDocuments } from '../../src/lint/run.js';

const HEAD = (id: string, extra = '') => `title: T ${id}
id: 7b1e5c2a-0000-4000-8000-00000000${id}
status: test
description: A rule for the diagnostics tests.
author: a
date: 2024-01-01
level: high
${extra}`;
const CURL = `logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: /curl
  condition: selection
tests:
  - name: fires
    expect: { match: true }
    events: [{ type: exec, exec: { path: /usr/bin/curl } }]
`;

describe('one code space for checks and loader diagnostics', () => {
  it('maps every loader code to a check, and nothing else', () => {
    expect(Object.keys(LOADER_CHECKS).sort()).toEqual([...RULE_DIAGNOSTIC_CODES].sort());
    for (const check of Object.values(LOADER_CHECKS)) expect(CHECKS_BY_ID.has(check), check).toBe(true);
  });

  it('a loader warning that used to be dropped (a filter naming a correlation) is a finding', () => {
    const text = `${HEAD('0001', 'name: base_curl\n')}${CURL}---
${HEAD('0002', 'name: curl_burst\n')}correlation:
  type: event_count
  rules: [base_curl]
  group-by: [process.entity_id]
  timespan: 1m
  condition: { gte: 2 }
---
title: Quiet curl
filter:
  rules: [curl_burst]
  selection:
    Image|endswith: /bin/curl
  condition: not selection
logsource: { product: macos, category: process_creation }
`;
    const loaded = parseRuleText(text, '/virtual/f.yml');
    expect(loaded.diagnostics.map((d) => d.code)).toContain('NJ_FILTER_CORRELATION');
    const f = lintDocuments(loaded).findings.find((x) => x.loaderCode === 'NJ_FILTER_CORRELATION');
    expect(f).toMatchObject({ checkId: 'nj/correlation-unknown-rule', severity: 'warning' });
  });

  it('reports two problems on adjacent lines of one correlation (no merging by line proximity)', () => {
    // 'base_bad' exists but does not compile (NJ_CORR_BROKEN_REF from the loader); 'no_such_rule'
    // exists nowhere (the check's own finding), one line below it.
    const text = `${HEAD('0001', 'name: base_bad\n')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endwith: /curl
  condition: selection
---
${HEAD('0002')}correlation:
  type: temporal
  rules:
    - base_bad
    - no_such_rule
  group-by: [process.entity_id]
  timespan: 1m
`;
    const r = lintDocuments(parseRuleText(text, '/virtual/c.yml'));
    const refs = r.findings.filter((f) => f.checkId === 'nj/correlation-unknown-rule');
    expect(refs.map((f) => [f.line, f.loaderCode ?? 'check'])).toEqual([
      [25, 'NJ_CORR_BROKEN_REF'],
      [26, 'check'],
    ]);
  });

  it('says a problem once when a check and the loader both see it on the same node', () => {
    const text = `${HEAD('0001')}${CURL.replace('Image|endswith', 'Image|endwith')}`;
    const loaded = parseRuleText(text, '/virtual/m.yml');
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['NJ_UNKNOWN_MODIFIER']);
    const mods = lintDocuments(loaded).findings.filter((f) => f.checkId === 'nj/unknown-modifier');
    expect(mods).toHaveLength(1);
    expect(mods[0].loaderCode).toBeUndefined();
    expect(mods[0].message).toContain("did you mean 'endswith'");
  });
});

describe("nj/modifier-combination uses the compiler's rules", () => {
  it('reports every bad combination of a rule, where the compiler stops at the first', () => {
    const text = `${HEAD('0001')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    CommandLine|i: curl
    ProcessId|gt|lt: 5
  condition: selection
`;
    const loaded = parseRuleText(text, '/virtual/mods.yml');
    expect(loaded.diagnostics.filter((d) => d.code === 'NJ_MODIFIER_COMBINATION')).toHaveLength(1);
    const msgs = lintDocuments(loaded)
      .findings.filter((f) => f.checkId === 'nj/modifier-combination')
      .map((f) => f.message);
    expect(msgs).toEqual([
      "'i' is a regex flag and needs 're' before it in 'CommandLine|i'",
      "only one of lt/lte/gt/gte may be used (got gt, lt) in 'ProcessId|gt|lt'",
    ]);
  });
});

describe('filter documents', () => {
  const RULE = `${HEAD('0001', 'name: base_curl\n')}${CURL}`;
  const filter = (body: string) => `${RULE}---
title: Quiet curl
id: 7b1e5c2a-0000-4000-8000-000000000099
logsource: { product: macos, category: process_creation }
filter:
  rules: [base_curl]
${body}`;
  it("a filter's selections and condition are checked like a detection's", () => {
    const text = filter(`  selection:
    Image|endwith: /curl
  unused:
    Image: /bin/sh
  condition: not selection and not nope
`);
    const r = lintDocuments(parseRuleText(text, '/virtual/filter.yml'));
    const got = r.findings.filter((f) => f.line > 16).map((f) => [f.checkId, f.message]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['nj/unknown-modifier', "unknown modifier 'endwith' in 'Image|endwith' (did you mean 'endswith'?)"],
        [
          'nj/dangling-condition',
          "condition names 'nope', which the filter does not define (defined: selection, unused)",
        ],
        ['nj/dangling-detection', "search identifier 'unused' is not used by the condition"],
      ]),
    );
  });
  it('a negated filter condition is normal: no negation-only or rule-level findings', () => {
    const r = lintDocuments(
      parseRuleText(
        filter(`  selection:
    Image|endswith: /bin/curl
  condition: not selection
`),
        '/virtual/filter.yml',
      ),
    );
    expect(r.findings).toEqual([]);
  });
});
