import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import type { Log as SarifLog } from 'sarif';
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
/**
 * The SARIF 2.1.0 JSON Schema (OASIS, version 2.1.0-rtm.5, as shipped in Microsoft's MIT-licensed
 * @microsoft/jest-sarif package), whole. It is draft-04: Ajv 8 reads it as draft-07 once `id`
 * becomes `$id` (the keywords it uses mean the same in both), with the three formats it names.
 */
const {
  id: schemaId,
  $schema: _draft,
  ...schemaBody
} = JSON.parse(readFileSync(path.join(here, 'sarif-schema-2.1.0.json'), 'utf8')) as {
  id: string;
  $schema: string;
} & Record<string, unknown>;
// unicodeRegExp off: the schema's language pattern has a stray ']' that only the u flag rejects.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
ajv.addFormat('uri-reference', /^\S*$/);
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile({ $id: schemaId, ...schemaBody });

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
  it('every rule descriptor has a fullDescription and help (GitHub code scanning shows them); regions have ends', async () => {
    const t = io();
    await run([badRules, '--format', 'sarif'], t);
    const run0 = (JSON.parse(t.out()) as SarifLog).runs[0];
    for (const r of run0.tool.driver.rules ?? []) {
      expect(r.fullDescription?.text.length, r.id).toBeGreaterThan(20);
      expect(r.shortDescription?.text.length, r.id).toBeGreaterThan(5);
      expect(r.help?.text, r.id).toContain(r.fullDescription!.text);
      expect(r.help?.markdown, r.id).toContain(`**${r.id}**`);
      expect(r.helpUri, r.id).toMatch(/^https:\/\//);
    }
    const regions = (run0.results ?? []).map((r) => r.locations![0].physicalLocation!.region!);
    expect(regions.filter((g) => g.endLine !== undefined).length).toBeGreaterThan(regions.length / 2);
    for (const g of regions)
      if (g.endLine !== undefined)
        expect(g.endLine > g.startLine! || g.endColumn! > g.startColumn!, JSON.stringify(g)).toBe(true);
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
            // References to atomic-red-team's master branch (a moving target): SigmaHQ's newer guideline too.
            'nj/link-style',
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
