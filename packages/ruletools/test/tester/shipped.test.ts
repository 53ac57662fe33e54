import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { runRuleTests } from '../../src/tester/run.js';
import { lintDocuments } from '../../src/lint/run.js';

const rules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../rules');
const has = existsSync(rules);

// The issue's "done when": the shipped rules' tests pass and lint finds nothing in them.
describe.skipIf(!has)(`the shipped ruleset${has ? '' : ' (skipped: rules/ is absent)'}`, () => {
  it('nightjar test rules/: every case passes, every rule loads', async () => {
    const r = await runRuleTests(await loadRuleFiles([rules], {}));
    const bad = r.rules.flatMap((x) => [...(x.loadError ? [`${x.title}: ${x.loadError}`] : []), ...x.cases.filter((c) => c.status !== 'pass').map((c) => `${x.title} / ${c.name}: ${c.message}`)]);
    expect(bad).toEqual([]);
    expect(r.summary.cases).toBeGreaterThan(0);
  });
  it('nightjar lint rules/: no finding at all', async () => {
    const r = lintDocuments(await loadRuleFiles([rules], {}));
    expect(r.findings.map((f) => `${path.relative(rules, f.file)}:${f.line} ${f.checkId} ${f.message}`)).toEqual([]);
  });
});
