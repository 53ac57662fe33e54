import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/test.js';
import { captureIO, tempRepo } from '../helpers/cli-io.js';

const HEAD = (id: string, title: string) => `title: ${title}
id: ${id}
status: test
description: variants test rule
author: t
date: 2024-01-01
level: high
logsource:
  product: macos
  category: process_creation
`;

const KEYCHAIN_TEST = `tests:
  - name: fires on security -w -a
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/security } }, args: [security, find-generic-password, -w, -g, -a, alice] }
`;

/** Brittle: wants the joined command line to contain ' -w ' (a bundled -wg has no such text). */
const BRITTLE = `${HEAD('22222222-2222-4222-8222-222222222222', 'Brittle keychain read')}detection:
  selection:
    Image: /usr/bin/security
    CommandLine|contains: ' -w '
  condition: selection
${KEYCHAIN_TEST}`;

/** Robust: reads the args as a list, and accepts the flag in a bundle. */
const ROBUST = `${HEAD('33333333-3333-4333-8333-333333333333', 'Robust keychain read')}detection:
  selection:
    Image|endswith: /security
    CommandLine|contains: find-generic-password
  selection_w:
    - event.exec.args: -w
    - event.exec.args|re: '^-[A-Za-z]*w[A-Za-z]*$'
  condition: selection and selection_w
${KEYCHAIN_TEST}`;

/** Brittle on a path: /tmp exactly, while ES reports /private/tmp. */
const TMP = `${HEAD('44444444-4444-4444-8444-444444444444', 'Brittle tmp path')}detection:
  selection:
    Image: /tmp/x
  condition: selection
tests:
  - name: fires on /tmp/x
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /tmp/x } }, args: [/tmp/x] }
`;

const repo = (files: Record<string, string>): string => tempRepo(files, 'njvariants-');
const io = captureIO;

async function json(dir: string): Promise<{ code: number; report: any }> {
  const t = io(dir);
  const code = await run(['--variants', '--format', 'json', dir], t);
  return { code, report: JSON.parse(t.out()) };
}

describe('nightjar test --variants', () => {
  it('flags a brittle rule with the variant and the field, and exits 1', async () => {
    const dir = repo({ 'brittle.yml': BRITTLE, 'tmp.yml': TMP });
    const { code, report } = await json(dir);
    expect(code).toBe(1);
    // The plain tests pass: only the variants fail.
    expect(report.summary).toMatchObject({ failed: 0, errors: 0 });
    const losses = report.variants.rules.flatMap((r: any) => r.losses.map((l: any) => ({ rule: r.title, variant: l.variant, fields: l.fields })));
    expect(losses).toContainEqual({ rule: 'Brittle keychain read', variant: 'flag-bundle', fields: ['event.exec.args[2]'] });
    expect(losses).toContainEqual(expect.objectContaining({ rule: 'Brittle tmp path', variant: 'private-path', fields: expect.arrayContaining(['event.exec.target.executable.path']) }));
    // Sigma matching is case-insensitive: a path-case variant does not lose this match.
    expect(losses.filter((l: any) => l.variant === 'path-case')).toEqual([]);
    const t = io(dir);
    expect(await run(['--variants', dir], t)).toBe(1);
    expect(t.out()).toMatch(/✗ flag-bundle: fires on security -w -a — -w -g -a → -wga/);
    expect(t.out()).toMatch(/fields: event\.exec\.args\[2\]/);
  });

  it('passes a robust rule (exit 0), and without --variants a brittle one passes too', async () => {
    const robust = repo({ 'robust.yml': ROBUST });
    const { code, report } = await json(robust);
    expect(report.variants.summary.losses).toBe(0);
    expect(report.variants.summary.variants).toBeGreaterThan(3);
    expect(code).toBe(0);
    expect(await run([repo({ 'brittle.yml': BRITTLE })], io(robust))).toBe(0);
  });

  it('accepts a listed variant with its reason, and reports an unknown or stale one at its location', async () => {
    const accepted = BRITTLE.replace('tests:', `nightjar:\n  variants:\n    accept:\n      - { variant: flag-bundle, reason: demo of an accepted loss }\ntests:`);
    const a = await json(repo({ 'brittle.yml': accepted }));
    expect(a.code).toBe(0);
    expect(a.report.variants.summary).toMatchObject({ losses: 0, problems: 0 });
    expect(a.report.variants.rules[0].losses[0]).toMatchObject({ variant: 'flag-bundle', accepted: 'demo of an accepted loss' });

    const unknown = ROBUST.replace('tests:', `nightjar:\n  variants:\n    accept:\n      - { variant: flag-bundles, reason: typo }\ntests:`);
    const u = await json(repo({ 'robust.yml': unknown }));
    expect(u.code).toBe(1);
    const problem = u.report.variants.rules[0].problems[0];
    expect(problem.message).toMatch(/unknown variant 'flag-bundles'/);
    expect(problem.location).toMatchObject({ line: 22, col: 20 });

    const stale = ROBUST.replace('tests:', `nightjar:\n  variants:\n    accept:\n      - { variant: path-case, reason: not needed }\ntests:`);
    const s = await json(repo({ 'robust.yml': stale }));
    expect(s.code).toBe(1);
    expect(s.report.variants.rules[0].problems[0].message).toMatch(/no longer loses a match on 'path-case'/);
  });

  it('rejects a malformed accept block through the rule schema (reason is required)', async () => {
    const bad = ROBUST.replace('tests:', `nightjar:\n  variants:\n    accept:\n      - { variant: flag-bundle }\ntests:`);
    const t = io(tmpdir());
    const code = await run(['--variants', repo({ 'robust.yml': bad })], t);
    expect(code).toBe(1);
    expect(t.out()).toMatch(/reason/);
  });

  it('names the field a multi-field variant lost the match on', async () => {
    const native = `title: Needs dyld_exec_path
id: 66666666-6666-4666-8666-666666666666
status: test
description: d
author: a
date: 2024-01-01
level: high
logsource: {product: macos, service: endpointsecurity, category: exec}
detection:
  selection: {event.exec.dyld_exec_path|endswith: /implant}
  condition: selection
tests:
  - name: fires
    expect: {match: true}
    events:
      - {type: exec, exec: {target: {executable: {path: /tmp/implant}}, args: [implant]}}
`;
    const { code, report } = await json(repo({ 'n.yml': native }));
    expect(code).toBe(1);
    const loss = report.variants.rules[0].losses.find((l: any) => l.variant === 'message-version');
    expect(loss.description).toBe('message version 3');
    expect(loss.fields.length).toBeGreaterThan(3);
    expect(loss.causes).toEqual(['event.exec.dyld_exec_path']);
  });

  it('writes the variants into JUnit output', async () => {
    const dir = repo({ 'brittle.yml': BRITTLE });
    const t = io(dir);
    expect(await run(['--variants', '--format', 'junit', dir], t)).toBe(1);
    expect(t.out()).toMatch(/<testcase classname="22222222-2222-4222-8222-222222222222" name="fires on security -w -a ~ flag-bundle"/);
    expect(t.out()).toMatch(/<testsuites name="nightjar test" tests="2" failures="1" errors="0"/);
    expect(t.out()).toMatch(/<failure message="flag-bundle: -w -g -a → -wga" type="variant">fields: event.exec.args\[2\]/);
  });
});
