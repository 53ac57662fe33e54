import { describe, expect, it } from 'vitest';
import { World } from '../src/world.js';
import { parseShell, ShellSyntaxError } from '../src/index.js';
import { runScript, type Machine } from '../src/atomics/interp.js';

/** Runs `script` as `sh -c` and returns the execs (path and args) and file events it causes. */
function trace(script: string, bash = false): { execs: string[]; files: string[] } {
  const w = new World({ seed: 1, start: '2026-01-01T00:00:00Z' });
  const m: Machine = { w, files: new Map(), deleted: new Set(), payloads: new Map() };
  const zsh = w.existing('/bin/zsh', { cwd: '/Users/alice' });
  const sh = w.spawn(zsh, bash ? '/bin/bash' : '/bin/sh', ['sh', '-c', script], { cwd: '/Users/alice' });
  runScript(m, sh, script, { bash, cwd: '/Users/alice' });
  const execs: string[] = [];
  const files: string[] = [];
  for (const line of w.text().split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as { event: Record<string, Record<string, unknown>> };
    const [name, p] = Object.entries(e.event)[0];
    if (name === 'exec')
      execs.push(`${(p.target as { executable: { path: string } }).executable.path} ${(p.args as string[]).join(' ')}`);
    else if (name === 'create')
      files.push(`create ${(p.destination as { existing_file: { path: string } }).existing_file.path}`);
    else if (name === 'rename') files.push(`rename ${(p.source as { path: string }).path}`);
    else if (name === 'unlink') files.push(`unlink ${(p.target as { path: string }).path}`);
  }
  return { execs: execs.slice(1), files };
}

describe('the shell reader', () => {
  it('execs each command of a pipeline and a list by its absolute macOS path', () => {
    expect(trace('arp -a | grep -v x; security find-generic-password -wa Chrome && launchctl list').execs).toEqual([
      '/usr/sbin/arp arp -a',
      '/usr/bin/grep grep -v x',
      '/usr/bin/security security find-generic-password -wa Chrome',
      '/bin/launchctl launchctl list',
    ]);
  });
  it('runs builtins without an exec, skips Linux-only tools, and follows if/else', () => {
    expect(
      trace('echo hi; ss -ant; if [ -f /etc/lsb-release ]; then cat /etc/lsb-release; else uname -a; fi').execs,
    ).toEqual(['/usr/bin/uname uname -a']);
  });
  it('expands quotes, variables and command substitution (the subshell execs the inner command)', () => {
    expect(trace('U=$(whoami); dscl . -read "/Users/$U" \'RealName\'').execs).toEqual([
      '/usr/bin/whoami whoami',
      '/usr/bin/dscl dscl . -read /Users/alice RealName',
    ]);
  });
  it('execs a single-command script in place, as sh -c does', () => {
    expect(trace('csrutil status').execs).toEqual(['/usr/bin/csrutil csrutil status']);
  });
  it('runs sudo as a separate exec, then the command as its child', () => {
    expect(trace('sudo tmutil disable; true').execs).toEqual([
      '/usr/bin/sudo sudo tmutil disable',
      '/usr/bin/tmutil tmutil disable',
    ]);
  });
  it('creates redirection targets at their real path, and caps loops at ten iterations', () => {
    const t = trace('for i in $(seq 1 254); do ping -c 1 10.0.0.$i; done > /tmp/sweep.txt');
    expect(t.execs.filter((e) => e.startsWith('/sbin/ping'))).toHaveLength(10);
    expect(t.files).toContain('create /private/tmp/sweep.txt');
  });
  it('does bash brace expansion (and negation with !)', () => {
    expect(trace('bash -c "{echo,aGk=}|{base64,-d}"; ! false', true).execs.slice(1)).toEqual([
      '/usr/bin/base64 base64 -d',
    ]);
  });
  it('reports a syntax error with its offset', () => {
    expect(() => parseShell("echo 'unterminated")).toThrow(ShellSyntaxError);
  });
});
