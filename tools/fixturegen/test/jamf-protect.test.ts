import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';
import { openReplay } from '@nightjar/sources';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
// Real Jamf Protect telemetry lives outside the repository; the check skips visibly without it.
const dir = resolve(root, '../shared/corpus/jamf-protect');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => join(dir, f))
  : [];

describe.skipIf(files.length === 0)(`the shipped rules on real Jamf Protect telemetry (needs ${dir})`, () => {
  it('raise no alert: it is a managed Mac going about its day', async () => {
    const ruleset = await loadRules([join(root, 'rules')]);
    const titles: string[] = [];
    for (const f of files) {
      const engine = new Engine(ruleset);
      for await (const batch of openReplay([f], { eventTypes: ruleset.requiredEventTypes() })) {
        for (const ev of batch.events)
          for (const a of engine.push(ev)) titles.push(`${f.split('/').pop()}: ${a.rule.title}`);
      }
      for (const a of engine.flush()) titles.push(`${f.split('/').pop()}: ${a.rule.title}`);
    }
    expect(titles).toEqual([]);
  });
});
