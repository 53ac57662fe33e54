import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/techniques.js';
import { main } from '../../src/main.js';
import { captureIO, tempRepo } from '../helpers/cli-io.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(readFileSync(path.join(here, 'navigator-layer-4.5.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const shipped = path.join(here, '../../../../rules');

const rule = (id: string, title: string, tags: string[]) => `title: ${title}
id: ${id}
status: test
description: techniques test rule
author: t
date: 2024-01-01
level: high
tags:
${tags.map((t) => `  - ${t}`).join('\n')}
logsource:
  product: macos
  category: process_creation
detection:
  selection:
    Image|endswith: /${title.replace(/\W/g, '').toLowerCase()}
  condition: selection
`;

const RULES = {
  'a.yml': rule('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Keychain dump', ['attack.credential-access', 'attack.t1555.001']),
  'b.yml': rule('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Keychain via security', ['attack.credential_access', 'attack.t1555.001']),
  'c.yml': rule('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'Launch agent', ['attack.persistence', 'attack.privilege-escalation', 'attack.t1543.001']),
  'd.yml': rule('dddddddd-dddd-4ddd-8ddd-dddddddddddd', 'Untagged', ['detection.threat-hunting']),
  'e.yml': rule('eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', 'Technique only', ['attack.t1059']),
};

async function techniques(args: string[], opts: { tty?: boolean } = {}) {
  const io = captureIO(here, opts);
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('nightjar techniques', () => {
  it('groups techniques by tactic (both tactic spellings), counts rules, lists untagged rules (json)', async () => {
    const dir = tempRepo(RULES, 'njtech-');
    const { code, out, err } = await techniques(['--format', 'json', dir]);
    expect(code).toBe(0);
    const m = JSON.parse(out);
    expect(m.rules).toBe(5);
    expect(m.techniques.map((t: any) => [t.technique, t.rules.length, t.tactics])).toEqual([
      ['T1059', 1, []],
      ['T1543.001', 1, ['persistence', 'privilege-escalation']],
      ['T1555.001', 2, ['credential-access']],
    ]);
    expect(m.tactics.map((t: any) => t.tactic)).toEqual(['persistence', 'privilege-escalation', 'credential-access', 'no-tactic']);
    expect(m.untagged.map((r: any) => r.title)).toEqual(['Untagged']);
    expect(err).toMatch(/Techniques: 3 covered by 4\/5 rules across 3 tactics/);
  });

  it('prints a table on a terminal by default', async () => {
    const { code, out } = await techniques([tempRepo(RULES, 'njtech-')], { tty: true });
    expect(code).toBe(0);
    expect(out).toMatch(/^credential-access \(1 technique\)\n {2}T1555\.001 {2}Keychain dump\n {13}Keychain via security$/m);
    expect(out).toMatch(/no ATT&CK technique tag \(1\)\n {2}Untagged/);
  });

  it('writes a Navigator 4.5 layer that validates against the layer schema: score = rules, comment = titles', async () => {
    const { code, out } = await techniques(['-f', 'navigator', tempRepo(RULES, 'njtech-')]);
    expect(code).toBe(0);
    const layer = JSON.parse(out);
    expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
    expect(layer).toMatchObject({ versions: { layer: '4.5' }, domain: 'enterprise-attack', filters: { platforms: ['macOS'] } });
    const t = layer.techniques.find((x: any) => x.techniqueID === 'T1555.001');
    expect(t).toMatchObject({ score: 2, comment: 'Keychain dump\nKeychain via security' });
    // One entry per technique.
    expect(new Set(layer.techniques.map((x: any) => x.techniqueID)).size).toBe(layer.techniques.length);
    // The schema cannot say maxValue > minValue; the format requires it.
    expect(layer.gradient.maxValue).toBeGreaterThan(layer.gradient.minValue);
  });

  it('the schema rejects what the format forbids', () => {
    const ok = { name: 'x', domain: 'enterprise-attack', versions: { navigator: '4.9.0', layer: '4.5' } };
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, versions: { navigator: '4.9.0', layer: '4.4' } })).toBe(false);
    expect(validate({ ...ok, versions: { navigator: '4.8.2', layer: '4.5' } })).toBe(false);
    expect(validate({ ...ok, domain: 'enterprise' })).toBe(false);
    expect(validate({ ...ok, techniques: [{ techniqueID: 'T1555.1' }] })).toBe(false);
    expect(validate({ ...ok, gradient: { colors: ['#ffffff'], minValue: 0, maxValue: 1 } })).toBe(false);
    expect(validate({ ...ok, techniques: [{ techniqueID: 'T1059', tactic: 'defense_evasion' }] })).toBe(false);
    expect(validate({ name: 'x' })).toBe(false);
  });

  it('the shipped ruleset yields a valid layer, and --output writes it to a file', async () => {
    const out = path.join(tempRepo({}, 'njtech-out-'), 'layer.json');
    const { code } = await techniques(['--format', 'navigator', '--output', out, shipped]);
    expect(code).toBe(0);
    const layer = JSON.parse(readFileSync(out, 'utf8'));
    expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
    expect(layer.techniques.length).toBeGreaterThan(5);
  });

  it('exits 2 on a bad format, a missing path, or rules that do not load; main knows the command', async () => {
    const fmt = captureIO(here);
    expect(await main(['techniques', '--format', 'svg'], fmt)).toBe(2);
    expect(fmt.err()).toMatch(/unknown --format 'svg'/);
    const bad = tempRepo({ 'bad.yml': 'title: x\ndetection: [\n' }, 'njtech-');
    const io = captureIO(here);
    expect(await main(['techniques', bad], io)).toBe(2);
    expect(io.err()).toMatch(/bad\.yml:\d+:\d+/);
    const missing = captureIO(here);
    expect(await main(['techniques', path.join(bad, 'nope')], missing)).toBe(2);
    const help = captureIO(here);
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toMatch(/techniques \[rules…\]/);
  });
});
