import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli } from '../options/fake-io.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(path.join(here, '../../../ruletools/schema/navigator-layer-4.5.json'), 'utf8'));

const rule = (n: number, title: string, tags: string[]) => `title: ${title}
id: 3c2d1e0f-0000-4000-8000-00000000000${n}
logsource: {product: macos, category: process_creation}
detection:
  selection: {Image|endswith: /x${n}}
  condition: selection
tags:
${tags.map((t) => `  - ${t}`).join('\n')}
`;

function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'njtech-'));
  writeFileSync(path.join(dir, 'a.yml'), rule(1, 'Keychain Dump', ['attack.credential-access', 'attack.t1555.001']));
  writeFileSync(
    path.join(dir, 'b.yml'),
    rule(2, 'Keychain Copy', ['attack.credential_access', 'attack.t1555.001', 'attack.t1555']),
  );
  writeFileSync(path.join(dir, 'c.yml'), rule(3, 'AppleScript Shell', ['attack.execution', 'attack.t1059.002']));
  writeFileSync(path.join(dir, 'd.yml'), rule(4, 'Untagged', ['detection.emerging-threats']));
  writeFileSync(
    path.join(dir, 'f.yml'),
    rule(5, 'Quarantine Removed', ['attack.stealth', 'attack.defense-impairment', 'attack.t1553.001']),
  );
  return dir;
}

const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

describe('nightjar techniques', () => {
  it('table: techniques by tactic with rule counts and titles, both tactic tag forms, untagged rules listed', async () => {
    const o = await cli(['techniques', '.'], { cwd: repo() });
    expect(o.code).toBe(0);
    const out = o.stdout;
    expect(out).toMatch(/^execution\n {2}T1059\.002 +1 {2}AppleScript Shell$/m);
    expect(out).toMatch(
      /^credential-access\n {2}T1555 +1 {2}Keychain Copy\n {2}T1555\.001 +2 {2}Keychain Dump; Keychain Copy$/m,
    );
    expect(out.indexOf('execution')).toBeLessThan(out.indexOf('credential-access'));
    // ATT&CK v19 tactics, in matrix order between privilege escalation and credential access
    expect(out).toMatch(
      /^stealth\n {2}T1553\.001 +1 {2}Quarantine Removed\n\ndefense-impairment\n {2}T1553\.001 +1 {2}Quarantine Removed\n\ncredential-access/m,
    );
    expect(out).toMatch(/without a technique tag \(1\):\n {2}Untagged/);
    expect(out).toContain('Techniques: 4 techniques in 4 tactics from 5 rules');
  });

  it('navigator: a valid layer 4.5 (score = rules, comment = titles) written with -o', async () => {
    const dir = repo();
    const o = await cli(['techniques', '-f', 'navigator', '-o', 'layer.json', '.'], { cwd: dir });
    expect(o.code).toBe(0);
    const layer = JSON.parse(readFileSync(path.join(dir, 'layer.json'), 'utf8'));
    expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.filters.platforms).toEqual(['macOS']);
    const t = layer.techniques.find((x: any) => x.techniqueID === 'T1555.001');
    expect(t).toMatchObject({
      tactic: 'credential-access',
      score: 2,
      comment: 'Keychain Dump; Keychain Copy',
      enabled: true,
    });
    expect(layer.techniques.find((x: any) => x.techniqueID === 'T1555').showSubtechniques).toBe(true);
    expect(layer.gradient.maxValue).toBe(2);
    expect(o.stdout).toBe('');
  });

  it('the bundled ruleset gives a valid layer', async () => {
    const o = await cli(['techniques', '--format', 'navigator']);
    expect(o.code).toBe(0);
    const layer = JSON.parse(o.stdout);
    expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
    expect(layer.techniques.length).toBeGreaterThan(20);
  });

  it('the schema rejects what the format forbids', () => {
    const ok = {
      name: 'x',
      domain: 'enterprise-attack',
      versions: { navigator: '5.1.0', layer: '4.5' },
      techniques: [{ techniqueID: 'T1059.002', score: 1 }],
    };
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, domain: 'macos' })).toBe(false);
    expect(validate({ ...ok, versions: { navigator: '5.1.0', layer: '4.4' } })).toBe(false);
    expect(validate({ ...ok, versions: { navigator: '4.8.0', layer: '4.5' } })).toBe(false);
    expect(validate({ ...ok, techniques: [{ techniqueID: 'T59' }] })).toBe(false);
    expect(validate({ ...ok, gradient: { colors: ['#ffffff'], minValue: 0, maxValue: 1 } })).toBe(false);
    expect(validate({ ...ok, sorting: 7 })).toBe(false);
    const { name: _n, ...noName } = ok;
    expect(validate(noName)).toBe(false);
  });

  it('json carries rule ids and files; bad rules and bad usage exit 2', async () => {
    const dir = repo();
    const o = await cli(['techniques', '--format', 'json', '.'], { cwd: dir });
    expect(o.code).toBe(0);
    const r = JSON.parse(o.stdout);
    expect(r.techniques[0].rules[0]).toMatchObject({
      id: '3c2d1e0f-0000-4000-8000-000000000003',
      file: path.join(dir, 'c.yml'),
    });
    writeFileSync(
      path.join(dir, 'e.yml'),
      'title: broken\nlogsource: {product: macos}\ndetection: {condition: nope}\n',
    );
    const bad = await cli(['techniques', '.'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/e\.yml:\d+:\d+/);
    expect((await cli(['techniques', '--format', 'heatmap'], { cwd: dir })).code).toBe(2);
  });
});
