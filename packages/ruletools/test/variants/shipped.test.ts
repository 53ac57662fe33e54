import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { runVariants } from '../../src/variants/run.js';

const rules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../rules');
const has = existsSync(rules);

// `nightjar test --variants rules/` in CI: no shipped rule loses a match it does not accept.
describe.skipIf(!has)(`the shipped ruleset under variants${has ? '' : ' (skipped: rules/ is absent)'}`, () => {
  it('loses no match to any variant, and every accepted exception is still needed', async () => {
    const r = await runVariants(await loadRuleFiles([rules], {}));
    const lost = r.rules.flatMap((x) =>
      x.losses
        .filter((l) => l.accepted === undefined)
        .map(
          (l) =>
            `${path.relative(rules, x.file)} / ${l.test}: ${l.variant} (${l.changes.map((c) => c.field).join(', ')})`,
        ),
    );
    expect(lost).toEqual([]);
    expect(r.rules.flatMap((x) => x.broken.map((b) => `${x.title} / ${b.test}: ${b.message}`))).toEqual([]);
    expect(r.rules.flatMap((x) => x.unusedAccepts.map((u) => `${x.title}: ${u}`))).toEqual([]);
    expect(r.summary.runs).toBeGreaterThan(r.summary.cases);
  }, 120_000);
});
