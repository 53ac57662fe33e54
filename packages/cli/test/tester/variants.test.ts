import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../options/fake-io.js';

const rule = (id: string, title: string, detection: string, extra = '') => `title: ${title}
id: ${id}
status: test
description: variants test rule
author: t
date: 2024-01-01
level: high
logsource: {product: macos, category: process_creation}
detection:
${detection}
  condition: selection
${extra}tests:
  - name: dumps a keychain secret
    expect: {match: true}
    events:
      - type: exec
        exec: {target: {executable: {path: /usr/bin/security}}, args: [security, find-generic-password, -w, -a, alice, -s, Chrome]}
  - name: copies the dump to /tmp
    expect: {match: true}
    events:
      - type: exec
        exec: {target: {executable: {path: /usr/bin/security}}, args: [security, find-generic-password, -g, -o, /tmp/out]}
  - name: quiet on find-certificate
    expect: {match: false}
    events:
      - type: exec
        exec: {target: {executable: {path: /usr/bin/security}}, args: [security, find-certificate, -a]}
`;

// Written for the exact shape of its tests: '-w' and '-g' alone, '/tmp' only, a case-sensitive regex.
const BRITTLE = rule(
  '2b1c3d4e-0000-4000-8000-000000000001',
  'Brittle Keychain Dump',
  `  selection:
    Image: /usr/bin/security
    CommandLine|re: ' -w | /tmp/'`,
);
// Written for the technique: -w/-g in any bundle, any case, either /tmp form.
const ROBUST = rule(
  '2b1c3d4e-0000-4000-8000-000000000002',
  'Robust Keychain Dump',
  `  selection:
    Image|endswith: /security
    CommandLine|contains: find-generic-password
    CommandLine|re|i: '\\s-[a-z]*[wg][a-z]*(\\s|$)'`,
);

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'njvariants-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(path.join(dir, n), t);
  return dir;
}

describe('nightjar test --variants', () => {
  it('flags the brittle rule with the variant and the field, passes the robust one, exits 1', async () => {
    const dir = repo({ 'brittle.yml': BRITTLE, 'robust.yml': ROBUST });
    const o = await cli(['test', '--variants', '--format', 'json', '.'], { cwd: dir });
    expect(o.code).toBe(1);
    const report = JSON.parse(o.stdout);
    const brittle = report.rules.find((r: any) => r.title === 'Brittle Keychain Dump');
    const robust = report.rules.find((r: any) => r.title === 'Robust Keychain Dump');
    expect(robust.losses).toEqual([]);
    expect(robust.runs).toBeGreaterThan(0);
    const lost = brittle.losses.map((l: any) => `${l.variant} ${l.test}`);
    expect(lost).toContain('flags-bundled dumps a keychain secret');
    expect(lost).toContain('private-prefix-added copies the dump to /tmp');
    const bundled = brittle.losses.find((l: any) => l.variant === 'flags-bundled');
    expect(bundled.changes[0].field).toBe('event.exec.args');
    expect(bundled.changes[0].to).toContain('-wa');
    expect(bundled.location.file).toBe(path.join(dir, 'brittle.yml'));
    expect(report.summary.losses).toBe(brittle.losses.length);
  });

  it('-t limits the check to the matching rules, or to the matching cases of the others; no match exits 1', async () => {
    const dir = repo({ 'brittle.yml': BRITTLE, 'robust.yml': ROBUST });
    const json = async (t: string) => {
      const o = await cli(['test', '--variants', '--format', 'json', '-t', t, '.'], { cwd: dir });
      return { code: o.code, stderr: o.stderr, report: JSON.parse(o.stdout) };
    };
    const robust = await json('robust keychain');
    expect(robust.report.rules.map((r: any) => r.title)).toEqual(['Robust Keychain Dump']);
    expect(robust.code).toBe(0);
    // By case name: both rules, only their "copies the dump" case (so only the /tmp loss is left).
    const byCase = await json('/^copies/');
    expect(byCase.report.rules.map((r: any) => r.cases)).toEqual([1, 1]);
    const brittle = byCase.report.rules.find((r: any) => r.title === 'Brittle Keychain Dump');
    expect(new Set(brittle.losses.map((l: any) => l.test))).toEqual(new Set(['copies the dump to /tmp']));
    const none = await json('nothing like it');
    expect(none.report.rules).toEqual([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('matches -t nothing like it');
  });

  it('pretty names rule, variant, test and field; robust alone exits 0', async () => {
    const dir = repo({ 'brittle.yml': BRITTLE });
    const o = await cli(['test', '--variants', 'brittle.yml'], { cwd: dir });
    expect(o.code).toBe(1);
    expect(o.stdout).toMatch(/FAIL +Brittle Keychain Dump/);
    expect(o.stdout).toMatch(/✗ flags-bundled loses 'dumps a keychain secret' brittle\.yml:\d+:\d+/);
    expect(o.stdout).toContain('event.exec.args');
    const ok = await cli(['test', '--variants', '.'], { cwd: repo({ 'robust.yml': ROBUST }) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Variants: 0 lost matches/);
  });

  it('accepted variants do not fail the run; an accept no case needs is reported', async () => {
    const accepted = BRITTLE.replace(
      'tests:',
      `nightjar:
  variants:
    accept:
      - {variant: flags-bundled, reason: test}
      - {variant: private-prefix-added, reason: test}
      - {variant: path-case, reason: test}
      - {variant: audit-token-array, reason: nothing loses it}
tests:`,
    );
    const o = await cli(['test', '--variants', '--format', 'json', '.'], { cwd: repo({ 'brittle.yml': accepted }) });
    const r = JSON.parse(o.stdout).rules[0];
    expect(r.losses.filter((l: any) => l.accepted === undefined).map((l: any) => l.variant)).toEqual([]);
    expect(o.code).toBe(0);
    expect(r.unusedAccepts).toEqual(['audit-token-array']);
  });

  it('junit: one failure per lost variant', async () => {
    const o = await cli(['test', '--variants', '--format', 'junit', '.'], { cwd: repo({ 'brittle.yml': BRITTLE }) });
    expect(o.code).toBe(1);
    expect(o.stdout).toMatch(/<testcase [^>]*name="dumps a keychain secret \[flags-bundled\]"/);
    expect(o.stdout).toMatch(/<failure message="flags-bundled: expected a match, got 0 alert\(s\)"/);
    expect(o.stderr).toMatch(/Variants: \d+ lost match/);
  });

  it('a positive case that fails without a variant fails the run; --coverage with --variants is a usage error', async () => {
    const broken = ROBUST.replace(
      'args: [security, find-generic-password, -g, -o, /tmp/out]',
      'args: [security, find-generic-password, -o, /tmp/out]',
    );
    const o = await cli(['test', '--variants', '.'], { cwd: repo({ 'broken.yml': broken }) });
    expect(o.code).toBe(1);
    expect(o.stdout).toMatch(
      /! copies the dump to \/tmp: fails without a variant \(expected a match, got 0 alert\(s\)\)/,
    );
    const both = await cli(['test', '--variants', '--coverage', '.'], { cwd: repo({ 'robust.yml': ROBUST }) });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--variants and --coverage');
  });

  it('an invalid accept entry is a located load error', async () => {
    const bad = BRITTLE.replace(
      'tests:',
      'nightjar:\n  variants:\n    accept:\n      - {variant: no-such-variant, reason: x}\ntests:',
    );
    const o = await cli(['test', '--variants', '.'], { cwd: repo({ 'bad.yml': bad }) });
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/bad\.yml:\d+:\d+: nightjar\.variants\.accept\[0\]\.variant: must be one of/);
  });
});
