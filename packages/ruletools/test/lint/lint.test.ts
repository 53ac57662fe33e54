import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { CHECKS } from '../../src/lint/catalog.js';
import { DEFAULT_CONFIG, LintConfigError, parseLintConfig, readLintConfig } from '../../src/lint/config.js';
import { lintDocuments, type LintInput } from '../../src/lint/run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bad = path.join(here, 'bad-rules');
const good = path.join(here, 'good-rules');
const badCfg = readLintConfig(path.join(bad, 'nightjar.config.yaml'));

async function lint(paths: string[], cfg = DEFAULT_CONFIG) {
  const loaded = (await loadRuleFiles(paths, {})) as unknown as LintInput;
  return lintDocuments(loaded, cfg);
}

describe('nightjar lint: seeded bad rules (one file per check)', () => {
  const files = readdirSync(bad).filter((f) => f.endsWith('.yml'));
  it('has a seeded file for every check except nj/internal', () => {
    const ids = CHECKS.map((c) => c.id).filter((id) => id !== 'nj/internal');
    expect(files.map((f) => `nj/${f.replace(/\.yml$/, '')}`).sort()).toEqual(ids.sort());
  });
  for (const f of files) {
    const id = `nj/${f.replace(/\.yml$/, '')}`;
    it(`${f} yields ${id} with a location`, async () => {
      const r = await lint([path.join(bad, f)], badCfg);
      const hits = r.findings.filter((x) => x.checkId === id);
      expect(hits.length, JSON.stringify(r.findings, null, 1)).toBeGreaterThan(0);
      for (const h of hits) {
        expect(h.file).toBe(path.join(bad, f));
        expect(h.line).toBeGreaterThan(0);
        expect(h.message.length).toBeGreaterThan(10);
      }
    });
  }
  it('points findings at the offending line', async () => {
    const r = await lint([path.join(bad, 'unknown-modifier.yml')]);
    const f = r.findings.find((x) => x.checkId === 'nj/unknown-modifier')!;
    const lines = readFileSync(path.join(bad, 'unknown-modifier.yml'), 'utf8').split('\n');
    expect(lines[f.line - 1]).toContain('Image|endwith');
    expect(f.message).toContain("did you mean 'endswith'");
  });
});

describe('nightjar lint: good rules', () => {
  for (const f of readdirSync(good).filter((x) => x.endsWith('.yml'))) {
    it(`${f} yields no finding at all`, async () => {
      const r = await lint([path.join(good, f)]);
      expect(r.findings).toEqual([]);
    });
  }
});

describe('nj/tests-invalid details', () => {
  it('checks events, fixtures and expect.group against the rule', async () => {
    const r = await lint([path.join(bad, 'tests-invalid.yml')]);
    const msgs = r.findings.filter((f) => f.checkId === 'nj/tests-invalid').map((f) => f.message);
    expect(msgs).toEqual([
      "test 'fires on curl': event 1: unknown ES event type 'exek'",
      "test 'quiet on a missing fixture': fixture '../fixtures/does-not-exist.jsonl' does not exist (paths are relative to the rule file)",
      "test 'group on a detection rule': expect.group only applies to correlations (a detection rule's alerts have no group)",
    ]);
  });
  it("reports every problem of a case's brief events, each at its own key", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const text = readFileSync(path.join(bad, 'tests-invalid.yml'), 'utf8').replace(
      '      - type: exek\n',
      '      - type: exek\n        time: "+2x"\n      - type: exec\n        process: { pid: abc }\n',
    );
    writeFileSync(path.join(dir, 't.yml'), text);
    const r = await lint([path.join(dir, 't.yml')]);
    const hits = r.findings.filter((f) => f.checkId === 'nj/tests-invalid' && f.message.includes('event '));
    expect(hits.map((f) => [f.line, f.col, f.message])).toEqual([
      [19, 15, "test 'fires on curl': event 1: unknown ES event type 'exek'"],
      [20, 15, "test 'fires on curl': event 1: bad time offset '+2x' (use +500ms, +2s, +1m)"],
      [22, 25, `test 'fires on curl': event 2: process.pid must be a non-negative integer, got "abc"`],
    ]);
  });
  it('expect.group keys must be group-by fields of the correlation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const text = readFileSync(path.join(good, 'correlation-repeated-curl.yml'), 'utf8').replace(
      'group: { process.entity_id: "501:7" }',
      'group: { process.pid: "501" }',
    );
    writeFileSync(path.join(dir, 'c.yml'), text);
    const r = await lint([path.join(dir, 'c.yml')]);
    expect(r.findings.map((f) => f.message)).toEqual([
      "test 'fires on three curls from one parent': expect.group names 'process.pid', not in the correlation's group-by (process.entity_id)",
    ]);
  });
});

describe('nightjar lint: config', () => {
  it('turns a check off globally, re-levels it, and per rule id', async () => {
    const file = path.join(bad, 'missing-tests.yml');
    const base = await lint([file]);
    expect(base.findings.find((f) => f.checkId === 'nj/missing-tests')?.severity).toBe('info');
    const up = await lint([file], parseLintConfig('lint:\n  checks:\n    nj/missing-tests: error\n', 'cfg'));
    expect(up.findings.find((f) => f.checkId === 'nj/missing-tests')?.severity).toBe('error');
    const off = await lint([file], parseLintConfig('checks:\n  missing-tests: off\n', 'cfg'));
    expect(off.findings.some((f) => f.checkId === 'nj/missing-tests')).toBe(false);
    const perRule = await lint(
      [file],
      parseLintConfig(
        'lint:\n  checks: { nj/missing-tests: error }\n  rules:\n    7b1e5c2a-0000-4000-8000-000000000039:\n      nj/missing-tests: off\n',
        'cfg',
      ),
    );
    expect(perRule.findings.some((f) => f.checkId === 'nj/missing-tests')).toBe(false);
  });
  it('rejects unknown checks and bad levels with the file name', () => {
    expect(() => parseLintConfig('checks:\n  nj/nope: off\n', 'x.yaml')).toThrow(/x\.yaml.*unknown check 'nj\/nope'/);
    expect(() => parseLintConfig('checks:\n  nj/schema: fatal\n', 'x.yaml')).toThrow(/level must be one of/);
    expect(() => parseLintConfig('limits: { maxTimespan: soon }\n', 'x.yaml')).toThrow(/maxTimespan/);
  });
  it('a YAML error in the config says where: file:line:col, like the rule loader', () => {
    const err = (text: string) => {
      try {
        parseLintConfig(text, 'c.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(LintConfigError);
        expect((e as LintConfigError).code).toBe('NJ_LINT_CONFIG');
        return (e as Error).message;
      }
      return expect.unreachable('should throw');
    };
    expect(err('lint:\n  checks: [')).toMatch(/^c\.yaml:2:12: Flow sequence .* end with a \]$/);
    expect(err('lint: {}\nlint: {}\n')).toBe('c.yaml:2:1: Map keys must be unique');
    expect(err('checks:\n  nj/schema: "off\n')).toMatch(/^c\.yaml:3:1: Missing closing "quote/);
    // A UTF-8 BOM is not a column.
    expect(err('\uFEFFlint: {}\nlint: {}\n')).toBe('c.yaml:2:1: Map keys must be unique');
    expect(err('\uFEFFa: b: c\n')).toBe(err('a: b: c\n'));
  });
  it('nj/event-type-macos-version runs only with a target, and the target moves it', async () => {
    const file = path.join(bad, 'event-type-macos-version.yml');
    const has = async (cfg = DEFAULT_CONFIG) =>
      (await lint([file], cfg)).findings.some((f) => f.checkId === 'nj/event-type-macos-version');
    expect(await has()).toBe(false);
    expect(await has(parseLintConfig('target: { macos: "15.0" }', 'cfg'))).toBe(true);
    expect(await has(parseLintConfig('target: { macos: "15.4" }', 'cfg'))).toBe(false);
  });
  it('a correlation with tests covers its base rules (no nj/missing-tests for them)', async () => {
    const r = await lint([path.join(good, 'correlation-repeated-curl.yml')]);
    expect(r.findings).toEqual([]);
    // The base rule there has its own tests too; without them it is still not reported.
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const text = readFileSync(path.join(good, 'correlation-repeated-curl.yml'), 'utf8').replace(
      /tests:\n {2}- name: fires on curl\n(?: {4}.*\n| {6}.*\n| {8}.*\n)*?---/,
      '---',
    );
    writeFileSync(path.join(dir, 'c.yml'), text);
    const r2 = await lint([path.join(dir, 'c.yml')]);
    expect(text).not.toContain('fires on curl\n');
    expect(r2.findings.filter((f) => f.checkId === 'nj/missing-tests')).toEqual([]);
  });
  it('limits.maxTimespan moves the timespan-limit threshold', async () => {
    const file = path.join(bad, 'timespan-long.yml');
    const r = await lint([file], parseLintConfig('limits: { maxTimespan: 5m }\n', 'cfg'));
    expect(r.findings.some((f) => f.checkId === 'nj/timespan-limit')).toBe(true);
  });
});

describe('lint config that overflows the YAML parser', () => {
  it('is a LintConfigError naming the file, not a RangeError', () => {
    const lines = ['lint: {}', 'x-notes:'];
    for (let i = 0; i < 20_000; i++) lines.push(i === 100 ? ` {k${i}: ${i}` : `  k${i}: ${i}`);
    expect(() => parseLintConfig(`${lines.join('\n')}\n`, 'nightjar.config.yaml')).toThrow(/^nightjar\.config\.yaml: /);
  });
});
