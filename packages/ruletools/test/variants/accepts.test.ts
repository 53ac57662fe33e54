import { describe, expect, it } from 'vitest';
import { parseRuleText } from '@nightjar/rules';
import { lintDocuments } from '../../src/lint/run.js';

const rule = (accept: string) => `title: Accepts
id: 55555555-5555-4555-8555-555555555555
status: test
description: d
author: a
date: 2024-01-01
level: high
logsource: {product: macos, category: process_creation}
detection:
  selection: {Image|endswith: /curl}
  condition: selection
nightjar:
  variants:
    accept:
${accept}
tests:
  - name: fires
    expect: {match: true}
    events:
      - {type: exec, exec: {target: {executable: {path: /usr/bin/curl}}, args: [curl]}}
`;

describe('nightjar.variants.accept', () => {
  it('the linter reports an unknown variant id at its location', () => {
    const r = lintDocuments(parseRuleText(rule('      - {variant: path-cases, reason: typo}'), 'r.yml'));
    const f = r.findings.filter((x) => /variants\.accept/.test(x.message));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ checkId: 'nj/tests-invalid', severity: 'error', file: 'r.yml', line: 15, col: 19 });
    expect(f[0]!.message).toMatch(/unknown variant 'path-cases' \(known: flag-bundle, .*message-version\)/);
  });

  it('the rule schema rejects an accept without a reason or with an unknown key', () => {
    for (const bad of ['      - {variant: path-case}', '      - {variant: path-case, reason: r, why: x}']) {
      const loaded = parseRuleText(rule(bad), 'r.yml');
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length, bad).toBeGreaterThan(0);
      expect(errors[0]!.line).toBeGreaterThanOrEqual(12);
    }
  });

  it('a valid accept is clean for both', () => {
    const loaded = parseRuleText(rule('      - {variant: path-case, reason: the path is matched with |re on purpose}'), 'r.yml');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(lintDocuments(loaded).findings.filter((x) => /variants/.test(x.message))).toEqual([]);
  });
});
