import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, beforeAll } from 'vitest';
import { Engine, type Alert } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';
import { openReplay } from '@nightjar/sources';
import { spawnSync } from 'node:child_process';
import { SCENARIOS, expectedFor, indexRules, renderScenario, rulesTable, type ExpectedAlerts } from '../src/index.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixtures = join(root, 'fixtures');
const rulesDir = join(root, 'rules');

function committedText(name: string, gz: boolean): string {
  const buf = readFileSync(join(fixtures, `${name}.jsonl${gz ? '.gz' : ''}`));
  // Compare decompressed text: gzip bytes depend on the zlib build, the content does not.
  return (gz ? gunzipSync(buf) : buf).toString('utf8');
}

describe('committed fixtures are up to date with the generator', () => {
  const rules = indexRules(rulesDir);
  for (const s of SCENARIOS) {
    it(`${s.name}: trace and expected alerts match a fresh render`, () => {
      const text = renderScenario(s);
      expect(
        committedText(s.name, !!s.gzip) === text,
        `fixtures/${s.name} is stale: run node tools/fixturegen/dist/cli.js`,
      ).toBe(true);
      const sidecar = JSON.parse(readFileSync(join(fixtures, `${s.name}.expected.json`), 'utf8')) as ExpectedAlerts;
      expect(sidecar).toEqual(expectedFor(s, rules));
    });
  }
});

/** Scans one trace with the bundled ruleset through the public APIs, the way `nightjar scan` does. */
async function scan(file: string): Promise<{ alerts: Alert[]; events: number; errors: number; gaps: number }> {
  const ruleset = await loadRules([rulesDir]);
  const engine = new Engine(ruleset);
  const alerts: Alert[] = [];
  let events = 0;
  let errors = 0;
  let gaps = 0;
  for await (const batch of openReplay([file], { eventTypes: ruleset.requiredEventTypes() })) {
    errors += batch.errors.length;
    gaps += (batch.diagnostics ?? []).filter((d) => /gap/i.test(String((d as { code?: string }).code ?? ''))).length;
    for (const ev of batch.events) {
      events++;
      for (const a of engine.push(ev)) alerts.push(a);
    }
  }
  alerts.push(...engine.flush());
  return { alerts, events, errors, gaps };
}

function countByRule(alerts: readonly Alert[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of alerts) out[a.rule.id] = (out[a.rule.id] ?? 0) + 1;
  return out;
}

describe('the shipped ruleset raises exactly the expected alerts on every trace', () => {
  for (const s of SCENARIOS) {
    const file = join(fixtures, `${s.name}.jsonl${s.gzip ? '.gz' : ''}`);
    const sidecarPath = join(fixtures, `${s.name}.expected.json`);
    it(`${s.name}`, async () => {
      expect(existsSync(file) && existsSync(sidecarPath)).toBe(true);
      const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as ExpectedAlerts;
      const { alerts, events, errors, gaps } = await scan(file);
      const lines = committedText(s.name, !!s.gzip).split('\n').length - 1;
      expect(errors).toBe(0);
      expect(gaps).toBe(0);
      expect(events).toBe(lines);
      const want = Object.fromEntries(sidecar.alerts.map((a) => [a.rule_id, a.count]));
      const got = countByRule(alerts);
      const titles = new Map(alerts.map((a) => [a.rule.id, a.rule.title]));
      const explain = Object.keys({ ...want, ...got })
        .filter((id) => (want[id] ?? 0) !== (got[id] ?? 0))
        .map(
          (id) =>
            `${titles.get(id) ?? sidecar.alerts.find((a) => a.rule_id === id)?.title ?? id}: expected ${want[id] ?? 0}, got ${got[id] ?? 0}`,
        );
      expect(explain).toEqual([]);
      expect(alerts.length).toBe(sidecar.total);
    });
  }

  it('Meterpreter session alerts carry the agent lineage back to the Terminal shell', async () => {
    const { alerts } = await scan(join(fixtures, 'meterpreter-session.jsonl'));
    const cam = alerts.find((a) => a.rule.title.startsWith('Camera User Client'));
    expect(cam?.process.path).toBe('/tmp/.updater');
    const chain = (cam?.lineage ?? []).map((p) => p.path);
    // forked agent → stager (/tmp/.updater, exited) → -zsh → login → Terminal (the new tab)
    expect(chain.slice(0, 4)).toEqual([
      '/tmp/.updater',
      '/bin/zsh',
      '/usr/bin/login',
      '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal',
    ]);
    expect(cam?.process.entity_id).not.toBe(cam?.lineage[0]?.entity_id);
  });
});

describe('the benign traces stay quiet', () => {
  let rules: ReturnType<typeof indexRules>;
  beforeAll(() => {
    rules = indexRules(rulesDir);
  });
  for (const name of ['correlation-benign', 'benign-baseline', 'benign-managed-mac']) {
    it(`${name} expects no alert at all`, () => {
      const s = SCENARIOS.find((x) => x.name === name);
      expect(s, `scenario ${name} exists`).toBeDefined();
      expect(expectedFor(s!, rules).total).toBe(0);
    });
  }
});

describe('rules/README.md', () => {
  it('has the generated rule table for the current rules', () => {
    const readme = readFileSync(join(rulesDir, 'README.md'), 'utf8');
    const m = /<!-- BEGIN RULE TABLE[^>]*-->\n([\s\S]*?)<!-- END RULE TABLE -->/.exec(readme);
    expect(m, 'README has the table markers').not.toBeNull();
    expect(
      m![1] === rulesTable(rulesDir, SCENARIOS),
      'rules/README.md table is stale: run node tools/fixturegen/dist/cli.js',
    ).toBe(true);
  });
});

const bin = join(root, 'packages/cli/dist/bin.js');
describe.skipIf(!existsSync(bin))('nightjar test rules/ (needs the built CLI: npx tsc -b)', () => {
  it('passes every rule test of the shipped ruleset', () => {
    const r = spawnSync(process.execPath, [bin, 'test', rulesDir, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(r.status, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
  });
});
