import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EsMessage } from '@nightjar/core';
import { GENERATORS } from '../../src/variants/generators.js';
import { VARIANT_NAMES, type VariantName } from '../../src/variants/types.js';
import { expandBriefEvents } from '../../src/tester/brief.js';

const gen = (name: VariantName) => GENERATORS.find((g) => g.name === name)!;
const exec = (args: string[], target = '/usr/bin/security'): EsMessage[] =>
  expandBriefEvents([{ type: 'exec', exec: { target: { executable: { path: target } }, args } }]);
const argsOf = (m: EsMessage[] | undefined) => ((m?.[0] as any)?.event.exec.args as string[]) ?? null;
const applyArgs = (name: VariantName, args: string[], target?: string) =>
  argsOf(gen(name).apply(exec(args, target))?.messages);

describe('variant generators', () => {
  it('every name has exactly one generator, and the rules schema lists exactly these names', () => {
    expect(GENERATORS.map((g) => g.name)).toEqual([...VARIANT_NAMES]);
    const schema = JSON.parse(
      readFileSync(
        path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules/schema/nightjar-common.schema.json'),
        'utf8',
      ),
    );
    expect(schema.definitions.nightjar.properties.variants.properties.accept.items.properties.variant.enum).toEqual([
      ...VARIANT_NAMES,
    ]);
  });

  it('never mutates its input', () => {
    const msgs = exec(['security', 'find-generic-password', '-w', '-g', '-a', 'alice', '/tmp/x']);
    const before = JSON.stringify(msgs);
    for (const g of GENERATORS) g.apply(msgs);
    expect(JSON.stringify(msgs)).toBe(before);
  });

  it('flags-bundled joins a run of short options (a value-taking last option keeps its value next to it)', () => {
    expect(applyArgs('flags-bundled', ['security', 'find-generic-password', '-w', '-a', 'alice'])).toEqual([
      'security',
      'find-generic-password',
      '-wa',
      'alice',
    ]);
    // single options, digit options and anything after -- stay
    expect(applyArgs('flags-bundled', ['kill', '-9', '-1'], '/bin/kill')).toBeNull();
    expect(applyArgs('flags-bundled', ['rm', '--', '-r', '-f'], '/bin/rm')).toBeNull();
    expect(applyArgs('flags-bundled', ['security', 'find-generic-password', '-s', 'Chrome', '-w'])).toBeNull();
    // for a tool not known to use getopt, an option followed by a value stays out of the bundle
    expect(applyArgs('flags-bundled', ['tool', '-x', '-y', '-s', 'Chrome'], '/usr/local/bin/tool')).toEqual([
      'tool',
      '-xy',
      '-s',
      'Chrome',
    ]);
    expect(applyArgs('flags-bundled', ['tool', '-y', '-s', 'Chrome'], '/usr/local/bin/tool')).toBeNull();
  });

  it('flags-split splits bundles only for getopt tools', () => {
    expect(applyArgs('flags-split', ['security', 'find-generic-password', '-wa', 'Chrome'])).toEqual([
      'security',
      'find-generic-password',
      '-w',
      '-a',
      'Chrome',
    ]);
    expect(applyArgs('flags-split', ['find', '/tmp', '-name', 'x'], '/usr/bin/find')).toBeNull();
    expect(applyArgs('flags-split', ['defaults', '-currentHost', 'read'], '/usr/bin/defaults')).toBeNull();
    expect(applyArgs('flags-split', ['sudo', '-uroot', 'id'], '/usr/bin/sudo')).toBeNull();
  });

  it('flags-reordered reverses flag-only options and leaves an option followed by a value in place', () => {
    expect(applyArgs('flags-reordered', ['security', 'find-generic-password', '-w', '-g', '-s', 'Chrome'])).toEqual([
      'security',
      'find-generic-password',
      '-g',
      '-w',
      '-s',
      'Chrome',
    ]);
    expect(applyArgs('flags-reordered', ['security', 'find-generic-password', '-w', '-s', 'Chrome'])).toBeNull();
    expect(applyArgs('flags-reordered', ['ls', '-l', '-a'], '/bin/ls')).toEqual(['ls', '-a', '-l']);
  });

  it('long options: = joins only known value options; = splits always', () => {
    expect(
      applyArgs('long-option-equals', ['curl', '--output', '/tmp/x', '--silent', 'https://e.x'], '/usr/bin/curl'),
    ).toEqual(['curl', '--output=/tmp/x', '--silent', 'https://e.x']);
    expect(applyArgs('long-option-equals', ['tool', '--silent', 'x'], '/usr/local/bin/tool')).toBeNull();
    expect(applyArgs('long-option-space', ['curl', '--user-agent=Mozilla/5.0 x'], '/usr/bin/curl')).toEqual([
      'curl',
      '--user-agent',
      'Mozilla/5.0 x',
    ]);
  });

  it('private prefixes: added and removed on file paths and path arguments, never inside other words', () => {
    const m = expandBriefEvents([{ type: 'open', open: { file: '/tmp/a' } }]);
    const v = gen('private-prefix-added').apply(m)!;
    expect((v.messages[0] as any).event.open.file.path).toBe('/private/tmp/a');
    expect(v.changes.map((c) => c.field)).toContain('event.open.file.path');
    expect(
      applyArgs('private-prefix-added', ['cp', '/etc/hosts', '/var/x', 'sh -c "cat /tmp/y"', '/opt/tmp/z'], '/bin/cp'),
    ).toEqual(['cp', '/private/etc/hosts', '/private/var/x', 'sh -c "cat /private/tmp/y"', '/opt/tmp/z']);
    expect(applyArgs('private-prefix-removed', ['cp', '/private/var/db/x', '/private/tmp'], '/bin/cp')).toEqual([
      'cp',
      '/var/db/x',
      '/tmp',
    ]);
    expect(applyArgs('private-prefix-removed', ['cp', '/Users/a/private/tmp'], '/bin/cp')).toBeNull();
  });

  it('path-case changes paths only: file paths and absolute-path arguments, not options or words', () => {
    const args = applyArgs('path-case', ['grep', '-i', 'pass', '/Users/alice/.zsh_history'], '/usr/bin/grep');
    expect(args).toEqual(['grep', '-i', 'pass', '/USERS/ALICE/.ZSH_HISTORY']);
    const v = gen('path-case').apply(exec(['grep', 'x'], '/usr/bin/grep'))!;
    expect((v.messages[0] as any).event.exec.target.executable.path).toBe('/USR/BIN/GREP');
    expect((v.messages[0] as any).event.exec.args).toEqual(['grep', 'x']);
  });

  it('argv0-bare and argv0-absolute', () => {
    expect(applyArgs('argv0-bare', ['/usr/bin/curl', '-s'], '/usr/bin/curl')).toEqual(['curl', '-s']);
    expect(applyArgs('argv0-bare', ['curl', '-s'], '/usr/bin/curl')).toBeNull();
    expect(applyArgs('argv0-absolute', ['curl', '-s'], '/usr/bin/curl')).toEqual(['/usr/bin/curl', '-s']);
    // argv[0] that is not the executable's name (a login shell's '-zsh') is left alone
    expect(applyArgs('argv0-absolute', ['-zsh'], '/bin/zsh')).toBeNull();
  });

  it('command spacing and quoting touch only a script given with -c/-e, not paths with spaces', () => {
    expect(applyArgs('command-spacing', ['sh', '-c', 'curl -s x | sh'], '/bin/sh')).toEqual([
      'sh',
      '-c',
      'curl  -s  x  |  sh',
    ]);
    expect(applyArgs('command-quoting', ['bash', '-lc', 'curl -s x'], '/bin/bash')).toEqual([
      'bash',
      '-lc',
      '"curl" -s x',
    ]);
    expect(
      applyArgs('command-spacing', ['cp', '/Users/a/Library/Application Support/x', '/tmp'], '/bin/cp'),
    ).toBeNull();
  });

  it('rename destinations: existing_file ↔ new_path {dir, filename}', () => {
    const m = expandBriefEvents([
      { type: 'rename', rename: { destination: { existing_file: { path: '/Users/a/Library/LaunchAgents/x.plist' } } } },
    ]);
    const v = gen('destination-new-path').apply(m)!;
    const r = (v.messages[0] as any).event.rename;
    expect(r.destination_type).toBe(1);
    expect(r.destination.new_path.dir.path).toBe('/Users/a/Library/LaunchAgents');
    expect(r.destination.new_path.filename).toBe('x.plist');
    const back = gen('destination-existing-file').apply(v.messages)!;
    expect((back.messages[0] as any).event.rename.destination).toMatchObject({
      existing_file: { path: '/Users/a/Library/LaunchAgents/x.plist' },
    });
    expect(gen('destination-existing-file').apply(m)).toBeUndefined();
  });

  it('audit tokens: object → 8-integer array in val[] order with version 10, and back', () => {
    const m = exec(['ls'], '/bin/ls');
    const v = gen('audit-token-array').apply(m)!;
    const msg = v.messages[0] as any;
    const tok = (m[0] as any).process.audit_token;
    expect(msg.version).toBe(10);
    expect(msg.process.audit_token).toEqual([
      tok.auid,
      tok.euid,
      tok.egid,
      tok.ruid,
      tok.rgid,
      tok.pid,
      tok.asid,
      tok.pidversion,
    ]);
    expect(Array.isArray(msg.event.exec.target.parent_audit_token)).toBe(true);
    const back = gen('audit-token-object').apply(v.messages)!;
    expect((back.messages[0] as any).process.audit_token).toEqual(tok);
    expect((back.messages[0] as any).version).toBe(9);
    expect(gen('audit-token-object').apply(m)).toBeUndefined();
  });

  it('message-version-older drops fields newer versions added and lowers the version', () => {
    const m = expandBriefEvents([
      { type: 'exec', exec: { target: { executable: { path: '/bin/ls' } }, args: ['ls'], dyld_exec_path: '/bin/ls' } },
    ]);
    const v = gen('message-version-older').apply(m)!;
    expect((v.messages[0] as any).version).toBe(6);
    expect('dyld_exec_path' in (v.messages[0] as any).event.exec).toBe(false);
    expect(gen('message-version-older').apply(v.messages)).toBeUndefined();
  });
});
