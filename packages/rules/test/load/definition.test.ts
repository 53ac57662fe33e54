import { describe, expect, it } from 'vitest';
import { Engine } from '@nightjar/core';
import { parseRuleText } from '../../src/index.js';

const doc = (title: string, path: string, extra = ''): string => `title: ${title}
id: 6f0c1c7e-0000-4000-8000-000000000001
level: high
logsource: { product: macos, category: process_creation }
detection:
  sel: { Image: '${path}' }
  condition: sel
${extra}`;

const corrDoc = (count: number): string => `---
title: burst
id: 6f0c1c7e-0000-4000-8000-000000000002
correlation:
  type: event_count
  rules: [6f0c1c7e-0000-4000-8000-000000000001]
  group-by: [process.entity_id]
  timespan: 5m
  condition: { gte: ${count} }
`;

const load = (text: string) => {
  const r = parseRuleText(text, 'r.yml');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ruleset;
};

describe('RuleMeta.definition (what snapshot restore and reload compare)', () => {
  it('is the same when only documentation changes, and differs when the detection changes', () => {
    const a = load(doc('one', '/usr/bin/curl'));
    const b = load(doc('renamed, with tags', '/usr/bin/curl', 'tags: [attack.t1059]\ndescription: more words'));
    const c = load(doc('one', '/usr/bin/wget'));
    // The rule's own test cases document it too: new or edited tests leave the definition as it was.
    const withTests = parseRuleText(
      doc(
        'one',
        '/usr/bin/curl',
        'tests:\n  - name: curl\n    expect: { match: true }\n    events:\n      - type: exec\n        exec: { target: { executable: { path: /usr/bin/curl } } }\n',
      ),
      'r.yml',
    );
    expect(withTests.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(withTests.documents[0].tests).toHaveLength(1);
    const tested = withTests.ruleset;
    expect(a.rules[0].definition).toBeDefined();
    expect(b.rules[0].definition).toBe(a.rules[0].definition);
    expect(tested.rules[0].definition).toBe(a.rules[0].definition);
    expect(c.rules[0].definition).not.toBe(a.rules[0].definition);
  });

  it('lets an engine restore a snapshot across a documentation edit, and reload tell changed correlations', () => {
    const before = load(doc('one', '/usr/bin/curl') + corrDoc(3));
    const retitled = load(doc('two', '/usr/bin/curl') + corrDoc(3));
    const engine = new Engine(before);
    expect(() => new Engine(retitled).restore(engine.snapshot())).not.toThrow();
    expect(engine.reload(load(doc('one', '/usr/bin/curl') + corrDoc(4))).reset).toEqual([
      '6f0c1c7e-0000-4000-8000-000000000002',
    ]);
  });
});
