import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { CHECKS } from '../../src/lint/checks.js';
import { DEFAULT_CONFIG, parseLintConfig, readLintConfig } from '../../src/lint/config.js';
import { lintDocuments, type LintInput } from '../../src/lint/run.js';
import { run } from '../../src/commands/lint.js';
import { main } from '../../src/main.js';
import type { CliIO } from '../../src/io.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bad = path.join(here, 'bad-rules');
const good = path.join(here, 'good-rules');
const badCfg = readLintConfig(path.join(bad, 'nightjar.config.yaml'));

async function lint(paths: string[], cfg = DEFAULT_CONFIG) {
  const loaded = (await loadRuleFiles(paths, {})) as unknown as LintInput;
  return lintDocuments(loaded, cfg);
}

function io(cwd = here): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: new PassThrough(), stdout, stderr, cwd, env: { NO_COLOR: '1' }, out: () => o, err: () => e };
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
  it('expect.group keys must be group-by fields of the correlation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const text = readFileSync(path.join(good, 'correlation-repeated-curl.yml'), 'utf8').replace('group: { process.entity_id: "501:7" }', 'group: { process.pid: "501" }');
    writeFileSync(path.join(dir, 'c.yml'), text);
    const r = await lint([path.join(dir, 'c.yml')]);
    expect(r.findings.map((f) => f.message)).toEqual(["test 'fires on three curls from one parent': expect.group names 'process.pid', not in the correlation's group-by (process.entity_id)"]);
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
    const perRule = await lint([file], parseLintConfig('lint:\n  checks: { nj/missing-tests: error }\n  rules:\n    7b1e5c2a-0000-4000-8000-000000000039:\n      nj/missing-tests: off\n', 'cfg'));
    expect(perRule.findings.some((f) => f.checkId === 'nj/missing-tests')).toBe(false);
  });
  it('rejects unknown checks and bad levels with the file name', () => {
    expect(() => parseLintConfig('checks:\n  nj/nope: off\n', 'x.yaml')).toThrow(/x\.yaml.*unknown check 'nj\/nope'/);
    expect(() => parseLintConfig('checks:\n  nj/schema: fatal\n', 'x.yaml')).toThrow(/level must be one of/);
    expect(() => parseLintConfig('limits: { maxTimespan: soon }\n', 'x.yaml')).toThrow(/maxTimespan/);
  });
  it('nj/event-type-macos-version runs only with a target, and the target moves it', async () => {
    const file = path.join(bad, 'event-type-macos-version.yml');
    const has = async (cfg = DEFAULT_CONFIG) => (await lint([file], cfg)).findings.some((f) => f.checkId === 'nj/event-type-macos-version');
    expect(await has()).toBe(false);
    expect(await has(parseLintConfig('target: { macos: "15.0" }', 'cfg'))).toBe(true);
    expect(await has(parseLintConfig('target: { macos: "15.4" }', 'cfg'))).toBe(false);
  });
  it('a correlation with tests covers its base rules (no nj/missing-tests for them)', async () => {
    const r = await lint([path.join(good, 'correlation-repeated-curl.yml')]);
    expect(r.findings).toEqual([]);
    // The base rule there has its own tests too; without them it is still not reported.
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const text = readFileSync(path.join(good, 'correlation-repeated-curl.yml'), 'utf8').replace(/tests:\n  - name: fires on curl\n(?:    .*\n|      .*\n|        .*\n)*?---/, '---');
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

describe('nightjar lint: command, formats and exit codes', () => {
  it('exit 1 on errors (default --fail-on error), stylish output with check ids', async () => {
    const t = io();
    const code = await run([path.join(bad, 'unknown-modifier.yml')], t);
    expect(code).toBe(1);
    expect(t.out()).toMatch(/\d+:\d+\s+error\s+unknown modifier 'endwith'.*nj\/unknown-modifier/);
    expect(t.out()).toMatch(/problem\(s\)/);
  });
  it('exit 0 when findings are below --fail-on, 1 when at or above', async () => {
    const f = path.join(bad, 'missing-tests.yml');
    expect(await run([f], io())).toBe(0);
    expect(await run([f, '--fail-on', 'info'], io())).toBe(1);
    expect(await run([path.join(good, 'curl-pipe-shell.yml'), '--fail-on', 'info'], io())).toBe(0);
  });
  it('exit 2 on usage errors and bad config', async () => {
    const t = io();
    expect(await main(['lint', '--fail-on', 'fatal', bad], t)).toBe(2);
    expect(t.err()).toMatch(/--fail-on must be/);
    expect(await main(['lint', '--format', 'xml', bad], io())).toBe(2);
    expect(await main(['lint', '/no/such/rules'], io())).toBe(2);
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const cfg = path.join(dir, 'nightjar.config.yaml');
    writeFileSync(cfg, 'checks:\n  nj/bogus: off\n');
    const t2 = io();
    expect(await run([path.join(good, 'curl-pipe-shell.yml'), '--config', cfg], t2)).toBe(2);
    expect(t2.err()).toMatch(/unknown check 'nj\/bogus'/);
  });
  it('finds nightjar.config.yaml at the rule repository root', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    writeFileSync(path.join(dir, 'nightjar.config.yaml'), 'lint:\n  checks:\n    nj/unknown-modifier: off\n');
    writeFileSync(path.join(dir, 'r.yml'), readFileSync(path.join(bad, 'unknown-modifier.yml')));
    const t = io(dir);
    // The loader may still reject the modifier itself; with the check off, that finding is gone.
    await run([path.join(dir, 'r.yml'), '--format', 'json'], t);
    const json = JSON.parse(t.out()) as { findings: { checkId: string }[] };
    expect(json.findings.some((f) => f.checkId === 'nj/unknown-modifier')).toBe(false);
  });
  it('json format is parseable and carries findings; summary on stderr', async () => {
    const t = io();
    await run([path.join(bad, 'group-by-pid.yml'), '--format', 'json'], t);
    const json = JSON.parse(t.out()) as { findings: { checkId: string; line: number }[] };
    expect(json.findings.some((f) => f.checkId === 'nj/group-by-pid')).toBe(true);
    expect(t.err()).toMatch(/problem\(s\)/);
  });
  it('github format emits workflow annotations', async () => {
    const t = io(here);
    await run([path.join(bad, 'timespan-long.yml'), '--format', 'github'], t);
    expect(t.out()).toMatch(/^::warning file=bad-rules\/timespan-long\.yml,line=\d+,col=\d+,title=nj\/timespan-long::timespan 10m/m);
  });
  it('--output writes to a file and keeps stdout empty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const t = io();
    await run([path.join(bad, 'attack-tag.yml'), '--format', 'json', '--output', path.join(dir, 'o.json')], t);
    expect(t.out()).toBe('');
    expect(existsSync(path.join(dir, 'o.json'))).toBe(true);
  });
});

describe('docs/lint.md', () => {
  const doc = readFileSync(path.join(here, '../../docs/lint.md'), 'utf8');
  it('documents every check with a bad and a good example', () => {
    for (const c of CHECKS) {
      const start = doc.indexOf(`### \`${c.id}\``);
      expect(start, c.id).toBeGreaterThan(0);
      const section = doc.slice(start, doc.indexOf('\n### ', start + 5) >>> 0 || undefined);
      if (c.id !== 'nj/internal') expect(section, c.id).toMatch(/Bad:[\s\S]*```yaml[\s\S]*Good:[\s\S]*```yaml/);
      // The documented severity and description are the code's (docs regenerated when a check changes).
      expect(section, c.id).toContain(`**${c.severity}** — ${c.description}`);
    }
  });
  it('has a GitHub Actions workflow using lint and test', () => {
    expect(doc).toMatch(/nightjar lint rules\/ --format github/);
    expect(doc).toMatch(/nightjar test rules\/ --format junit/);
  });
});
