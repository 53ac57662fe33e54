import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, decodeLine } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';

// The README's flow: rule files on disk → loadRules → Engine → alerts.
const RULES = `title: Shell history file opened
id: cccccccc-0000-4000-8000-000000000001
name: history_open
logsource: {product: macos, service: endpointsecurity, category: open}
detection:
  sel:
    event.open.file.path|endswith: /.zsh_history
  condition: sel
level: medium
---
title: Filter - the shell itself
logsource: {product: macos, service: endpointsecurity}
filter:
  rules: [history_open]
  shell:
    process.executable.path: /bin/zsh
  condition: not shell
---
title: Repeated history reads by one process
id: cccccccc-0000-4000-8000-000000000002
correlation:
  type: event_count
  rules: [history_open]
  group-by: [process.entity_id]
  timespan: 10s
  condition: {gte: 3}
level: high
`;

function line(path: string, actor: string, pid: number, sec: number, seq: number): string {
  const token = { pid, pidversion: 7, euid: 501, ruid: 501, egid: 20, rgid: 20, asid: 1, auid: 501 };
  return JSON.stringify({
    version: 7,
    schema_version: 1,
    time: `2024-05-01T10:00:${String(sec).padStart(2, '0')}.000000Z`,
    mach_time: seq,
    event_type: 10,
    action_type: 1,
    seq_num: seq,
    global_seq_num: seq,
    thread: { thread_id: 1 },
    process: {
      audit_token: token,
      parent_audit_token: { ...token, pid: 1, pidversion: 1 },
      responsible_audit_token: token,
      ppid: 1,
      original_ppid: 1,
      group_id: pid,
      session_id: pid,
      is_platform_binary: false,
      is_es_client: false,
      signing_id: 'x',
      team_id: null,
      cdhash: '00',
      codesigning_flags: 0,
      executable: { path: actor, path_truncated: false },
      tty: null,
      start_time: '2024-05-01T09:00:00.000000Z',
    },
    event: { open: { fflag: 1, file: { path, path_truncated: false } } },
  });
}

describe('loadRules + Engine (README example)', () => {
  async function run(text: string) {
    const dir = mkdtempSync(join(tmpdir(), 'nj-e2e-'));
    writeFileSync(join(dir, 'history.yml'), text);
    const ruleset = await loadRules([dir]);
    expect(ruleset.requiredEventTypes()).toEqual(['open']);
    const engine = new Engine(ruleset, { lineage: false });
    const lines = [
      line('/Users/a/.zsh_history', '/bin/zsh', 10, 1, 1), // filtered out: the shell itself
      line('/Users/a/.zsh_history', '/tmp/stealer', 20, 2, 2),
      line('/Users/a/.zsh_history', '/tmp/stealer', 20, 3, 3),
      line('/Users/a/notes.txt', '/tmp/stealer', 20, 4, 4),
      line('/Users/a/.zsh_history', '/tmp/stealer', 20, 5, 5),
    ];
    const alerts = lines.flatMap((l, i) => {
      const ev = decodeLine(l, i + 1);
      if (ev instanceof Error) throw ev;
      return engine.push(ev);
    });
    return alerts;
  }

  it('fires the correlation; the referenced rule stays silent without generate: true', async () => {
    const alerts = await run(RULES);
    // history_open is referenced by the correlation without generate: true → no alerts of its own.
    expect(alerts.map((a) => [a.rule.id, a.rule.kind])).toEqual([
      ['cccccccc-0000-4000-8000-000000000002', 'correlation'],
    ]);
    expect(alerts[0].group).toEqual({ 'process.entity_id': '20:7' });
  });

  it('with generate: true the rule alerts too, and the filter drops the shell’s own read', async () => {
    const alerts = await run(RULES.replace('  condition: {gte: 3}', '  condition: {gte: 3}\n  generate: true'));
    expect(alerts.map((a) => `${a.rule.kind}:${a.process.pid}`)).toEqual([
      'detection:20',
      'detection:20',
      'detection:20',
      'correlation:20',
    ]);
  });
});

describe('correlation contracts as the Engine reads them', () => {
  const EXEC_THEN_OPEN = `title: curl exec
name: curl_exec
logsource: {product: macos, service: endpointsecurity, category: exec}
detection:
  sel: {event.exec.target.executable.path|endswith: /curl}
  condition: sel
---
title: keychain open
name: keychain_open
logsource: {product: macos, service: endpointsecurity, category: open}
detection:
  sel: {event.open.file.path|contains: /Keychains/}
  condition: sel
---
title: curl then keychain, same process
name: seq
correlation:
  type: temporal
  group-by: [process.entity_id]
  timespan: 1m
  condition: curl_exec and keychain_open
level: high
`;

  function exec(path: string, pid: number, sec: number, seq: number): string {
    const token = { pid, pidversion: 7, euid: 501, ruid: 501, egid: 20, rgid: 20, asid: 1, auid: 501 };
    const proc = (p: string) => ({
      audit_token: token,
      parent_audit_token: { ...token, pid: 1 },
      responsible_audit_token: token,
      ppid: 1,
      original_ppid: 1,
      group_id: pid,
      session_id: pid,
      is_platform_binary: false,
      is_es_client: false,
      signing_id: 'x',
      team_id: null,
      cdhash: '00',
      codesigning_flags: 0,
      executable: { path: p, path_truncated: false },
      tty: null,
      start_time: '2024-05-01T09:00:00.000000Z',
    });
    return JSON.stringify({
      version: 7,
      time: `2024-05-01T10:00:${String(sec).padStart(2, '0')}.000000Z`,
      mach_time: seq,
      event_type: 9,
      action_type: 1,
      seq_num: seq,
      global_seq_num: seq,
      thread: { thread_id: 1 },
      process: proc('/bin/zsh'),
      event: {
        exec: {
          target: proc(path),
          args: [path],
          env: [],
          cwd: { path: '/', path_truncated: false },
          script: null,
          fds: [],
        },
      },
    });
  }

  it('a string temporal condition fires once both rules are seen for the same entity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nj-e2e-'));
    writeFileSync(join(dir, 'seq.yml'), EXEC_THEN_OPEN);
    const ruleset = await loadRules([dir]);
    expect(ruleset.requiredEventTypes()).toEqual(['exec', 'open']);
    const engine = new Engine(ruleset, { lineage: false });
    const push = (l: string, i: number) => {
      const ev = decodeLine(l, i + 1);
      if (ev instanceof Error) throw ev;
      return engine.push(ev);
    };
    const alerts = [
      exec('/usr/bin/curl', 30, 1, 1),
      line('/Users/a/Library/Keychains/login.keychain-db', '/usr/bin/curl', 31, 2, 2), // other process
      line('/Users/a/Library/Keychains/login.keychain-db', '/usr/bin/curl', 30, 3, 3),
    ].flatMap(push);
    expect(alerts.map((a) => [a.rule.id, a.group])).toEqual([['seq', { 'process.entity_id': '30:7' }]]);
  });
});
