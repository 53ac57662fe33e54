import { describe, expect, it } from 'vitest';
import { CORRELATION_ERROR_CODES, Engine } from '@nightjar/core';
import { RULE_DIAGNOSTIC_CODES, RuleLoadError, compileRuleText } from '@nightjar/rules';

// The engine re-checks a compiled ruleset's correlations; a rule file with the same mistake is reported
// by the loader first. Both must use one code for one problem.
describe('correlation problems have one code in the loader and the engine', () => {
  it('every code the engine throws for a correlation is a code the loader reports', () => {
    for (const code of Object.values(CORRELATION_ERROR_CODES)) expect(RULE_DIAGNOSTIC_CODES).toContain(code);
  });

  it('a dangling reference: the loader and a hand-altered ruleset give the same code', () => {
    const base = `title: base
id: 9b1f1c6e-0000-4000-8000-000000000001
logsource: { product: macos, category: process_creation }
detection: { sel: { Image|endswith: /curl }, condition: sel }
---
title: corr
id: 9b1f1c6e-0000-4000-8000-000000000002
correlation: { type: event_count, rules: [REF], timespan: 5m, group-by: [User], condition: { gte: 3 } }
`;
    const loaded = compileRuleText(base.replace('REF', '9b1f1c6e-0000-4000-8000-000000000001'));
    let loaderCode: string | undefined;
    try {
      compileRuleText(base.replace('REF', 'no-such-rule'));
    } catch (err) {
      loaderCode = (err as RuleLoadError).diagnostics[0]?.code;
    }
    const altered = {
      rules: loaded.rules,
      requiredEventTypes: () => loaded.requiredEventTypes(),
      correlations: loaded.correlations.map((c) => ({ ...c, rules: ['no-such-rule'] })),
    };
    let engineCode: string | undefined;
    try {
      new Engine(altered);
    } catch (err) {
      engineCode = (err as { code?: string }).code;
    }
    expect(loaderCode).toBe('NJ_CORR_UNKNOWN_RULE');
    expect(engineCode).toBe(loaderCode);
  });
});
