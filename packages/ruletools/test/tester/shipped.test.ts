import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { runRuleTests } from '../../src/tester/run.js';
import { lintDocuments } from '../../src/lint/run.js';

const rules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../rules');
const has = existsSync(rules);

// The shipped rules' tests pass and lint finds nothing in them, in the repository and as packed.
describe.skipIf(!has)(`the shipped ruleset${has ? '' : ' (skipped: rules/ is absent)'}`, () => {
  it('nightjar test rules/: every case passes, every rule loads', async () => {
    const r = await runRuleTests(await loadRuleFiles([rules], {}));
    const bad = r.rules.flatMap((x) => [
      ...(x.loadError ? [`${x.title}: ${x.loadError}`] : []),
      ...x.cases.filter((c) => c.status !== 'pass').map((c) => `${x.title} / ${c.name}: ${c.message}`),
    ]);
    expect(bad).toEqual([]);
    expect(r.summary.cases).toBeGreaterThan(0);
  });
  it('nightjar lint rules/: no finding at all', async () => {
    const r = lintDocuments(await loadRuleFiles([rules], {}));
    expect(r.findings.map((f) => `${path.relative(rules, f.file)}:${f.line} ${f.checkId} ${f.message}`)).toEqual([]);
  });
  it('as the rules package ships them (ruleset/ + the fixture traces their tests name): every case passes', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'nightjar-packed-'));
    try {
      execFileSync(process.execPath, [path.resolve(rules, '../packages/rules/scripts/pack-ruleset.cjs'), out]);
      const r = await runRuleTests(await loadRuleFiles([path.join(out, 'ruleset')], {}));
      const bad = r.rules.flatMap((x) => [
        ...(x.loadError ? [`${x.title}: ${x.loadError}`] : []),
        ...x.cases.filter((c) => c.status !== 'pass').map((c) => `${x.title} / ${c.name}: ${c.message}`),
      ]);
      expect(bad).toEqual([]);
      expect(r.summary.cases).toBeGreaterThan(500);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
