import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinMappingFile } from '@nightjar/rules';
import { EVENTS, cli } from '../options/fake-io.js';

const ECS = path.resolve(path.dirname(builtinMappingFile('sigmahq-macos')), 'examples/ecs-macos.yaml');

// The CLI fixture's curl rule, as a taxonomy rule in ECS names.
const ECS_RULE = `title: Curl Downloads A Script (ECS)
id: 7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2aec
status: test
description: Test rule for --mapping.
author: Nightjar CLI tests
date: 2025-08-07
logsource: {product: macos, category: process_creation}
detection:
  selection:
    process.executable|endswith: /curl
    process.command_line|endswith: .sh
  condition: selection
level: high
`;

function repo(config?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-mapping-'));
  writeFileSync(path.join(dir, 'rule.yml'), ECS_RULE);
  writeFileSync(
    path.join(dir, 'bad-mapping.yaml'),
    'nightjar_field_mapping: 1\nname: x\ncategories:\n  process_creation:\n    exce: {}\n',
  );
  if (config !== undefined) writeFileSync(path.join(dir, 'nightjar.config.yaml'), config);
  return dir;
}

describe('--mapping and the config file’s mapping:', () => {
  it('scan --mapping FILE runs rules written in the mapping’s names', async () => {
    const dir = repo();
    const r = await cli(
      ['scan', '-r', 'rule.yml', '--mapping', ECS, path.join(EVENTS, 'alerts.jsonl'), '-f', 'jsonl', '-q'],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(/invalid field mapping|rule\.yml:/);
    expect(r.code).toBe(1);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { rule: { id: string } }).rule.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(['7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2aec']));
  });

  it('without the mapping, ECS names are ES paths that do not exist: no alert, and lint says so', async () => {
    const dir = repo();
    const r = await cli(['scan', '-r', 'rule.yml', path.join(EVENTS, 'alerts.jsonl'), '-f', 'jsonl', '-q'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lint = await cli(['lint', 'rule.yml'], { cwd: dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/11:\d+(-\d+)? +error +field 'process\.command_line'.*nj\/unknown-field/);
  });

  it('mapping: in nightjar.config.yaml (relative to the config) is used by scan, lint and events', async () => {
    const dir = repo();
    // Relative to the config file's folder.
    writeFileSync(path.join(dir, 'ecs.yaml'), readFileSync(ECS, 'utf8'));
    writeFileSync(path.join(dir, 'nightjar.config.yaml'), 'mapping: ecs.yaml\n');
    const scan = await cli(['scan', '-r', 'rule.yml', path.join(EVENTS, 'alerts.jsonl'), '-f', 'jsonl', '-q'], {
      cwd: dir,
    });
    expect(scan.code).toBe(1);
    const lint = await cli(['lint', 'rule.yml', '-f', 'json'], { cwd: dir });
    const findings = (JSON.parse(lint.stdout) as { findings: { check: string }[] }).findings;
    expect(findings.filter((f) => /unknown-field|unmapped/.test(f.check))).toEqual([]);
    const events = await cli(['events', 'rule.yml'], { cwd: dir });
    expect(events.stdout).toContain('exec\n');
  });

  it('lint checks rules against the mapping in use: a typo of a mapped name is reported', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'rule.yml'), ECS_RULE.replace('process.executable|', 'process.executabel|'));
    const r = await cli(['lint', 'rule.yml', '--mapping', ECS], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/10:\d+(-\d+)? +error +field 'process\.executabel'/);
    // The mapped name next to it is not reported.
    expect(r.stdout).not.toContain("'process.command_line'");
  });

  it('a config file starting with a BOM: read, and its errors give line 1 columns without the BOM', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'ecs.yaml'), readFileSync(ECS, 'utf8'));
    writeFileSync(path.join(dir, 'nightjar.config.yaml'), '\uFEFFmapping: ecs.yaml\n');
    expect((await cli(['rules', 'list', 'rule.yml', '-f', 'json'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'nightjar.config.yaml'), '\uFEFFmapping: x: y\n');
    const r = await cli(['rules', 'list', 'rule.yml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nested mappings are not allowed in compact mappings at line 1, column 10');
  });

  it('a broken mapping file is a usage error listing file:line:col problems', async () => {
    const dir = repo();
    for (const cmd of ['scan', 'test', 'lint']) {
      const args = cmd === 'scan' ? ['scan', '-r', 'rule.yml', path.join(EVENTS, 'alerts.jsonl')] : [cmd, 'rule.yml'];
      const r = await cli([...args, '--mapping', 'bad-mapping.yaml'], { cwd: dir });
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toContain(`invalid field mapping bad-mapping.yaml (1 problem)`);
      expect(r.stderr).toContain(
        `${path.join(dir, 'bad-mapping.yaml')}:5:5: 'exce' is not an Endpoint Security event name`,
      );
    }
  });
  it('test explains a failing case with the values the mapping reads (ECS name → joined exec args)', async () => {
    const dir = repo();
    const rule =
      ECS_RULE.replace('process.command_line|endswith: .sh', 'process.command_line|contains: https') +
      `tests:
  - name: fires
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, 'http://x'] }
`;
    writeFileSync(path.join(dir, 'rule.yml'), rule);
    const r = await cli(['test', 'rule.yml', '--mapping', ECS], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('process.command_line|contains (event has "curl http://x")');
  });
});
