import { describe, expect, it, vi } from 'vitest';

// Counts the text yaml is asked to parse. A position for a diagnostic in a fast-parsed file is found
// by parsing only the top-level entry it is in, not the whole document: a rule with a bad `level`
// beside a 5,000-key map must not pay yaml's full parse of the map (about 1 ms per KB).
const parsed: number[] = [];
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return {
    ...yaml,
    parseAllDocuments: (text: string, ...rest: unknown[]) => {
      parsed.push(text.length);
      return (yaml.parseAllDocuments as (t: string, ...r: unknown[]) => unknown)(text, ...rest);
    },
  };
});

const { parseRuleText } = await import('../../src/index.js');

function ruleWithHugeMap(keys: number): string {
  const lines = [
    'title: big map',
    'id: 7d0c2a4e-8f1b-4c55-9d2e-3a6b5c4d1e0f',
    'status: test',
    'level: nope',
    'logsource: {"product":"macos","category":"open"}',
    'detection:',
    '  sel: {"event.open.file.path|endswith":"/x"}',
    '  condition: sel',
    'x-huge:',
  ];
  for (let i = 0; i < keys; i++) lines.push(`  k${i}: ${i}`);
  return `${lines.join('\n')}\n`;
}

describe('diagnostic positions in a fast-parsed rule file (work counted, no timing)', () => {
  it('a bad level beside a 5,000-key map is located by parsing its own entry, not the map', () => {
    const text = ruleWithHugeMap(5_000);
    // Loading reads its own YAML (the field mapping) once: not this file's cost.
    parseRuleText(ruleWithHugeMap(1), 'small.yml');
    parsed.length = 0;
    const r = parseRuleText(text, 'big.yml');
    const level = r.diagnostics.find((d) => /level/.test(d.message));
    expect(level).toMatchObject({ file: 'big.yml', line: 4 });
    const total = parsed.reduce((a, b) => a + b, 0);
    expect(text.length).toBeGreaterThan(50_000);
    expect(total).toBeLessThan(1_000);
  });
});
