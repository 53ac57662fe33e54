import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { lint } from '@nightjar/ruletools';
import { run } from '../../src/commands/lint.js';
import type { CliIO } from '../../src/io.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { CHECKS, formatSarif, lintDocuments } = lint;
type LintInput = lint.LintInput;
// The linter's own seeded rules (one bad file per check) live with the linter.
const badRules = path.join(here, '../../../ruletools/test/lint/bad-rules');
const schema = JSON.parse(readFileSync(path.join(here, 'sarif-2.1.0.trimmed.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function io(cwd = path.dirname(badRules)): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  let o = '';
  stdout.on('data', (d) => (o += d));
  return { stdin: new PassThrough(), stdout, stderr: new PassThrough(), cwd, env: { NO_COLOR: '1' }, out: () => o };
}

describe('nightjar lint --format sarif', () => {
  it('validates against the SARIF 2.1.0 schema (every seeded bad rule at once)', async () => {
    const t = io();
    const code = await run([badRules, '--format', 'sarif'], t);
    expect(code).toBe(1);
    const sarif = JSON.parse(t.out()) as {
      runs: {
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
        tool: { driver: { rules: { id: string }[] } };
      }[];
    };
    const ok = validate(sarif);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5))).toEqual([]);
    expect(ok).toBe(true);
    const r0 = sarif.runs[0];
    expect(r0.tool.driver.rules.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    // ruleIndex points at the reportingDescriptor of the same id; uris are relative to the SRCROOT.
    for (const res of r0.results) {
      expect(r0.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^bad-rules\/[a-z-]+\.yml$/);
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    expect(new Set(r0.results.map((r) => r.level))).toEqual(new Set(['error', 'warning', 'note']));
  });
  it('the schema test can fail: a wrong level or a missing message is rejected', () => {
    const good = JSON.parse(
      formatSarif(
        {
          findings: [
            { checkId: 'nj/schema', severity: 'error', message: 'm', file: path.join(here, 'x.yml'), line: 1, col: 1 },
          ],
          files: [],
          documents: 1,
        },
        here,
      ),
    );
    expect(validate(good)).toBe(true);
    const bad1 = structuredClone(good);
    bad1.runs[0].results[0].level = 'fatal';
    expect(validate(bad1)).toBe(false);
    const bad2 = structuredClone(good);
    delete bad2.runs[0].results[0].message;
    expect(validate(bad2)).toBe(false);
  });
  it('emits results: [] (not absent) when there are no findings', () => {
    const s = JSON.parse(formatSarif({ findings: [], files: [], documents: 0 }, here));
    expect(s.runs[0].results).toEqual([]);
    expect(validate(s)).toBe(true);
  });
});

const corpus = path.resolve(here, '../../../../../shared/corpus/sigmahq-macos');
const hasCorpus = existsSync(corpus);

describe.skipIf(!hasCorpus)(
  `nightjar lint on the 75 SigmaHQ macOS rules${hasCorpus ? '' : ' (skipped: ../shared/corpus/sigmahq-macos is absent)'}`,
  () => {
    it('runs without crashing and reports only defensible findings', async () => {
      const loaded = (await loadRuleFiles([corpus], {})) as unknown as LintInput;
      const r = lintDocuments(loaded);
      expect(r.documents).toBe(75);
      expect(r.findings.filter((f) => f.checkId === 'nj/internal')).toEqual([]);
      // SigmaHQ's CI runs `sigma check`, so these rules are clean by pySigma's validators; what is
      // left is that none of them declares Nightjar tests (info), and nothing at error level.
      expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      const byCheck = new Set(r.findings.map((f) => f.checkId));
      expect(
        [...byCheck].every((id) =>
          [
            'nj/missing-tests',
            'nj/wildcard-instead-of-modifier',
            'nj/regex-backtracking',
            'nj/misspelt-key',
            'nj/missing-metadata',
          ].includes(id),
        ),
      ).toBe(true);
      expect(r.findings.filter((f) => f.checkId === 'nj/missing-tests')).toHaveLength(75);
    });
    it('exit code 0 at the default --fail-on error, 1 at --fail-on info; SARIF validates', async () => {
      expect(await run([corpus, '--format', 'json'], io())).toBe(0);
      expect(await run([corpus, '--format', 'json', '--fail-on', 'info'], io())).toBe(1);
      const t = io();
      await run([corpus, '--format', 'sarif'], t);
      expect(validate(JSON.parse(t.out()))).toBe(true);
    });
  },
);
