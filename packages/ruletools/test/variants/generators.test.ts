import { describe, expect, it } from 'vitest';
import { expandBriefEvents } from '../../src/tester/brief.js';
import {
  argv0Form,
  auditTokenForm,
  destinationForm,
  flagBundle,
  flagOrder,
  flagUnbundle,
  longOptionForm,
  messageVersion,
  pathCase,
  privatePath,
  shellQuoting,
  type Msg,
} from '../../src/variants/generators.js';

const exec = (args: string[], path = '/usr/bin/security'): Msg[] =>
  expandBriefEvents([{ type: 'exec', exec: { target: { executable: { path } }, args } }]) as unknown as Msg[];
const argsOf = (m: readonly Msg[]): string[] => ((m[0]!.event as Msg).exec as Msg).args as string[];
const allArgs = (gen: { generate: (m: Msg[]) => { messages: readonly Msg[] }[] }, m: Msg[]) => gen.generate(m).map((v) => argsOf(v.messages));

describe('flag-bundle', () => {
  it('bundles consecutive short options; the last one keeps its value', () => {
    const m = exec(['security', 'find-generic-password', '-w', '-a', 'alice', '-s', 'Chrome']);
    const vs = flagBundle.generate(m);
    expect(vs.map((v) => argsOf(v.messages))).toEqual([['security', 'find-generic-password', '-wa', 'alice', '-s', 'Chrome']]);
    expect(vs[0]!.fields).toEqual(['event.exec.args[2]']);
    expect(vs[0]!.description).toBe('-w -a → -wa');
  });
  it('never bundles an option with what may be its value, nor after --', () => {
    expect(allArgs(flagBundle, exec(['security', 'find-generic-password', '-s', 'Chrome', '-w']))).toEqual([]);
    expect(allArgs(flagBundle, exec(['rm', '--', '-a', '-b'], '/bin/rm'))).toEqual([]);
    // Multi-letter single-dash options (find -name) are not short options.
    expect(allArgs(flagBundle, exec(['find', '/', '-name', '-x'], '/usr/bin/find'))).toEqual([]);
  });
  it('does not mutate its input', () => {
    const m = exec(['ls', '-l', '-a'], '/bin/ls');
    flagBundle.generate(m);
    expect(argsOf(m)).toEqual(['ls', '-l', '-a']);
  });
});

describe('flag-unbundle', () => {
  it('splits a bundle for a getopt tool, keeping what follows', () => {
    expect(allArgs(flagUnbundle, exec(['xattr', '-dr', 'com.apple.quarantine', '/tmp/a'], '/usr/bin/xattr'))).toEqual([['xattr', '-d', '-r', 'com.apple.quarantine', '/tmp/a']]);
  });
  it('never splits single-dash long options of other tools, repeated letters, or digits', () => {
    expect(allArgs(flagUnbundle, exec(['find', '/', '-name', 'x'], '/usr/bin/find'))).toEqual([]);
    expect(allArgs(flagUnbundle, exec(['dscl', '.', '-read', '/Users/a'], '/usr/bin/dscl'))).toEqual([]);
    expect(allArgs(flagUnbundle, exec(['ssh', '-vv', 'h'], '/usr/bin/ssh'))).toEqual([]);
    expect(allArgs(flagUnbundle, exec(['kill', '-9', '1'], '/bin/kill'))).toEqual([]);
  });
});

describe('flag-order', () => {
  it('swaps value-less short options only', () => {
    expect(allArgs(flagOrder, exec(['security', 'x', '-w', '-g', '-a', 'alice']))).toEqual([['security', 'x', '-g', '-w', '-a', 'alice']]);
    // -a may own "alice", so -w is the only option known to take no value: nothing to swap.
    expect(allArgs(flagOrder, exec(['security', 'x', '-w', '-a', 'alice']))).toEqual([]);
  });
});

describe('long-option-form', () => {
  it('splits --opt=value and joins --opt value when a value clearly follows', () => {
    expect(allArgs(longOptionForm, exec(['curl', '--output=/tmp/x', 'http://a'], '/usr/bin/curl'))).toEqual([['curl', '--output', '/tmp/x', 'http://a']]);
    expect(allArgs(longOptionForm, exec(['curl', '--output', '/tmp/x', 'http://a'], '/usr/bin/curl'))).toEqual([['curl', '--output=/tmp/x', 'http://a']]);
  });
  it('does not join a trailing operand or another option', () => {
    expect(allArgs(longOptionForm, exec(['curl', '--silent', 'http://a'], '/usr/bin/curl'))).toEqual([]);
    expect(allArgs(longOptionForm, exec(['curl', '--silent', '--fail', 'http://a'], '/usr/bin/curl'))).toEqual([]);
  });
});

describe('private-path', () => {
  it('adds and strips /private on tmp, var and etc, in paths and inside arguments', () => {
    const m = exec(['cp', '/tmp/a', 'x=/private/etc/hosts'], '/bin/cp');
    const vs = privatePath.generate(m);
    expect(vs.map((v) => argsOf(v.messages))).toEqual([
      ['cp', '/tmp/a', 'x=/etc/hosts'],
      ['cp', '/private/tmp/a', 'x=/private/etc/hosts'],
    ]);
    expect(vs[1]!.fields).toContain('event.exec.args[1]');
  });
  it('leaves look-alikes alone (/tmpfoo, /variable, relative tmp/)', () => {
    expect(allArgs(privatePath, exec(['x', '/tmpfoo', '/variable', 'tmp/a'], '/bin/x')).every((a) => a.join(' ') === 'x /tmpfoo /variable tmp/a')).toBe(true);
    const vs = privatePath.generate(exec(['x', '/tmpfoo', '/variable', 'tmp/a'], '/usr/bin/x'));
    expect(vs.every((v) => !v.fields.some((f) => f.startsWith('event.exec.args')))).toBe(true);
  });
});

describe('path-case', () => {
  it('swaps case in file paths and absolute-path arguments', () => {
    const [v] = pathCase.generate(exec(['launchctl', 'load', '/Library/LaunchAgents/x.plist'], '/bin/launchctl'));
    expect(argsOf(v!.messages)[2]).toBe('/lIBRARY/lAUNCHaGENTS/X.PLIST');
    expect(v!.fields).toContain('event.exec.target.executable.path');
  });
  it('never changes env, non-path arguments, or scripts', () => {
    const m = expandBriefEvents([{ type: 'exec', exec: { target: { executable: { path: '/bin/sh' } }, args: ['sh', '-c', 'echo $HOME /tmp'], env: ['HOME=/Users/a'] } }]) as unknown as Msg[];
    const [v] = pathCase.generate(m);
    const e = (v!.messages[0]!.event as Msg).exec as Msg;
    expect(e.args).toEqual(['sh', '-c', 'echo $HOME /tmp']);
    expect(e.env).toEqual(['HOME=/Users/a']);
  });
});

describe('argv0-form', () => {
  it('bare name ↔ absolute path of the executable', () => {
    expect(allArgs(argv0Form, exec(['curl', 'x'], '/usr/bin/curl'))).toEqual([['/usr/bin/curl', 'x']]);
    expect(allArgs(argv0Form, exec(['/usr/bin/curl', 'x'], '/usr/bin/curl'))).toEqual([['curl', 'x']]);
  });
  it('does not invent a path for an argv[0] that is not the executable (a renamed process)', () => {
    expect(allArgs(argv0Form, exec(['kworker', 'x'], '/tmp/implant'))).toEqual([]);
  });
});

describe('shell-quoting', () => {
  it("adds spaces and quotes to a plain -c script; never quotes assignments", () => {
    const got = allArgs(shellQuoting, exec(['sh', '-c', 'X=1 security find-generic-password -w'], '/bin/sh'));
    expect(got).toEqual([
      ['sh', '-c', 'X=1  security  find-generic-password  -w'],
      ['sh', '-c', "X=1 'security' 'find-generic-password' '-w'"],
    ]);
  });
  it('leaves scripts with quotes, expansions or operators, and non-shells, alone', () => {
    expect(allArgs(shellQuoting, exec(['sh', '-c', 'echo "$x" | nc h 1'], '/bin/sh'))).toEqual([]);
    expect(allArgs(shellQuoting, exec(['python3', '-c', 'import os  x'], '/usr/bin/python3'))).toEqual([]);
  });
});

describe('destination-form', () => {
  it('rename existing_file ↔ new_path {dir, filename}', () => {
    const m: Msg[] = [{ version: 7, event_type: 25, event: { rename: { source: { path: '/tmp/a' }, destination_type: 0, destination: { existing_file: { path: '/Users/a/Library/LaunchAgents/x.plist' } } } } }];
    const [v] = destinationForm.generate(m);
    const r = (v!.messages[0]!.event as Msg).rename as Msg;
    expect(r.destination_type).toBe(1);
    expect(r.destination).toEqual({ new_path: { dir: { path: '/Users/a/Library/LaunchAgents' }, filename: 'x.plist' } });
    const [back] = destinationForm.generate(v!.messages as Msg[]);
    expect((back!.messages[0]!.event as Msg).rename).toEqual((m[0]!.event as Msg).rename);
  });
  it('create new_path → existing_file', () => {
    const m: Msg[] = [{ version: 7, event_type: 13, event: { create: { destination_type: 1, destination: { new_path: { dir: { path: '/etc/' }, filename: 'x', mode: 420 } } } } }];
    const [v] = destinationForm.generate(m);
    expect((v!.messages[0]!.event as Msg).create).toEqual({ destination_type: 0, destination: { existing_file: { path: '/etc/x' } } });
    expect(v!.fields).toEqual(['event.create.destination.existing_file', 'event.create.destination_type']);
  });
  it('leaves events without a destination alone', () => {
    expect(destinationForm.generate([{ version: 7, event_type: 13, event: { create: { destination_type: 0 } } }])).toEqual([]);
  });
});

describe('audit-token-form', () => {
  it('objects → 8-integer arrays in val[] order, with version 10', () => {
    const m = exec(['x'], '/bin/x');
    const vs = auditTokenForm.generate(m);
    expect(vs).toHaveLength(1);
    const p = vs[0]!.messages[0]!.process as Msg;
    const t = (m[0]!.process as Msg).audit_token as Record<string, number>;
    expect(p.audit_token).toEqual([t.auid, t.euid, t.egid, t.ruid, t.rgid, t.pid, t.asid, t.pidversion]);
    expect(vs[0]!.messages[0]!.version).toBe(10);
    // And back: the array form yields the object form.
    const [back] = auditTokenForm.generate(vs[0]!.messages as Msg[]).filter((v) => v.description.includes('objects'));
    expect((back!.messages[0]!.process as Msg).audit_token).toEqual(t);
  });
});

describe('message-version', () => {
  it('drops the fields newer versions added', () => {
    const m = exec(['x'], '/bin/x');
    const vs = messageVersion.generate(m);
    expect(vs.map((v) => v.messages[0]!.version)).toEqual([7, 3]);
    const v3 = vs[1]!.messages[0]!;
    expect((v3.process as Msg).parent_audit_token).toBeUndefined();
    expect(((v3.event as Msg).exec as Msg).dyld_exec_path).toBeUndefined();
    expect(((vs[0]!.messages[0]!.event as Msg).exec as Msg).dyld_exec_path).toBeDefined();
  });
  it('skips event types an older macOS does not have', () => {
    const m: Msg[] = [{ version: 8, event_type: 146, event: { gatekeeper_user_override: {} } }];
    expect(messageVersion.generate(m)).toEqual([]);
  });
});
