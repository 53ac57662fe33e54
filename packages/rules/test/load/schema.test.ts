import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILES, parseRuleText, readSchema, schemaDir, validateDocument } from '@nightjar/rules';
import { where } from './helpers.js';

const FULL_RULE = {
  title: 'Full rule',
  id: '5d0c2b62-3c39-4c8f-9b4c-7d1c6b0a9e11',
  name: 'full_rule',
  related: [{ id: '1d0c2b62-3c39-4c8f-9b4c-7d1c6b0a9e11', type: 'derived' }],
  taxonomy: 'sigma',
  status: 'experimental',
  description: 'd',
  license: 'DRL-1.1',
  author: 'a, b',
  references: ['https://example.com'],
  date: '2024-01-31',
  modified: '2024-02-29',
  logsource: { product: 'macos', category: 'process_creation', definition: 'free text' },
  detection: {
    sel: { Image: ['/a', '/b'] },
    filter: [{ a: 1 }, { b: null }],
    kw: ['x'],
    condition: ['sel and not filter', 'kw'],
  },
  fields: ['Image'],
  falsepositives: ['Unknown'],
  level: 'high',
  tags: ['attack.execution', 'attack.t1059.004', 'detection.threat-hunting'],
  scope: ['server'],
  tests: [{ name: 't', expect: { match: true }, events: [] }],
  nightjar: { suppress: '5m' },
  'x-custom': { anything: true },
};

const FULL_CORRELATION = {
  title: 'c',
  id: 'c1',
  name: 'c1',
  status: 'test',
  level: 'critical',
  generate: false,
  correlation: {
    type: 'value_percentile',
    rules: ['a', 'b'],
    'group-by': ['User', 'host'],
    timespan: '15m',
    condition: { gte: 10, lt: 100, field: 'bytes', percentile: 95 },
    aliases: { host: { a: 'hostname', b: 'Computer' } },
    generate: true,
  },
  nightjar: { suppress: '1h' },
};

describe('shipped JSON Schemas', () => {
  it('are in schema/, carry an $id, and compile (ajv strict mode) on first use', () => {
    for (const kind of ['rule', 'correlation', 'filter'] as const) {
      const file = schemaDir() + SCHEMA_FILES[kind];
      expect(existsSync(file)).toBe(true);
      expect(readSchema(kind).$id).toBe(JSON.parse(readFileSync(file, 'utf8')).$id);
    }
    expect(readSchema('common').$id).toMatch(/nightjar-common/);
  });

  it('accept a rule using every Sigma v2.1 top-level field plus tests, nightjar and a custom key', () => {
    expect(validateDocument('rule', FULL_RULE)).toEqual([]);
  });

  it('accept a correlation using every option', () => {
    expect(validateDocument('correlation', FULL_CORRELATION)).toEqual([]);
    expect(
      validateDocument('correlation', {
        title: 't',
        correlation: { type: 'temporal', timespan: '1m', condition: 'a and not b' },
      }),
    ).toEqual([]);
  });

  it('accept a filter with rules any, a list, or a single name', () => {
    for (const rules of ['any', ['a', 'b'], 'a', [], null]) {
      expect(
        validateDocument('filter', {
          title: 'f',
          logsource: { product: 'macos' },
          filter: { rules, sel: { a: 1 }, condition: 'not sel' },
        }),
      ).toEqual([]);
    }
  });

  it('report each problem with its key path', () => {
    expect(validateDocument('rule', { ...FULL_RULE, level: 'severe', nightjar: { suppress: 5, other: 1 } })).toEqual([
      expect.objectContaining({ code: 'NJ_SCHEMA_INVALID', path: ['level'], key: false }),
      expect.objectContaining({ code: 'NJ_SCHEMA_UNKNOWN_KEY', path: ['nightjar', 'other'], key: true }),
      expect.objectContaining({ code: 'NJ_SCHEMA_INVALID', path: ['nightjar', 'suppress'] }),
    ]);
    const issues = validateDocument('correlation', {
      title: 't',
      correlation: { type: 'x', rules: [1], timespan: '1m' },
    });
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['NJ_SCHEMA_INVALID', 'correlation.type'],
      ['NJ_SCHEMA_INVALID', 'correlation.rules.0'],
    ]);
  });
});

describe('positions survive a BOM and CRLF line ends', () => {
  const rule =
    'title: a\nid: x\nlogsource: {product: macos, service: endpointsecurity, category: open}\ndetection:\n  sel: {event.open.file.path: x}\n  condition: sel\nlevel: bad\n';
  it.each([
    ['BOM', '\uFEFF' + rule],
    ['CRLF', rule.replace(/\n/g, '\r\n')],
    ['BOM + CRLF', '\uFEFF' + rule.replace(/\n/g, '\r\n')],
  ])('%s', (_name, text) => {
    expect(parseRuleText(text, 'r.yml').diagnostics.map(where)).toEqual(['NJ_SCHEMA_INVALID@7:8']);
  });
});
