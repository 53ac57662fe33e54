import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine, decodeLine } from '@nightjar/core';
import { loadRules } from '@nightjar/rules';

// A shipped rule that reads a native path through an audit token (remote_thread_created reads
// `event.remote_thread_create.target.audit_token.pid`) must fire on macOS 26 output, where eslogger
// writes every audit token as the 8-integer val[] array (message version 10), as on older output.

const RULE = fileURLToPath(new URL('../../../../rules/defense-evasion/remote_thread_created.yml', import.meta.url));

/** val[] order: auid, euid, egid, ruid, rgid, pid, asid, pidversion. */
function token(version: number, pid: number, pidversion: number): unknown {
  return version >= 10
    ? [501, 501, 20, 501, 20, pid, 100012, pidversion]
    : { auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, pid, asid: 100012, pidversion };
}

function proc(
  version: number,
  pid: number,
  path: string,
  signingId: string | null,
  teamId: string | null = null,
): Record<string, unknown> {
  return {
    audit_token: token(version, pid, 3),
    parent_audit_token: token(version, 1, 1),
    responsible_audit_token: token(version, pid, 3),
    ppid: 1,
    original_ppid: 1,
    group_id: pid,
    session_id: pid,
    codesigning_flags: signingId === null ? 0 : 570522385,
    is_platform_binary: false,
    is_es_client: false,
    signing_id: signingId,
    team_id: teamId,
    executable: { path, path_truncated: false },
    tty: null,
    start_time: '2026-01-01T00:00:00.000000Z',
  };
}

function line(version: number, injector: string, signingId: string | null, teamId: string | null = null): string {
  return JSON.stringify({
    schema_version: 1,
    version,
    time: '2026-01-01T00:00:01.000000000Z',
    mach_time: 1,
    event_type: 97, // ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE
    action_type: 1,
    seq_num: 0,
    global_seq_num: 1,
    thread: { thread_id: 7 },
    process: proc(version, 666, injector, signingId, teamId),
    event: {
      remote_thread_create: {
        target: proc(version, 700, '/Applications/Slack.app/Contents/MacOS/Slack', 'com.tinyspeck.slackmacgap'),
        thread_state: null,
      },
    },
  });
}

describe.each([9, 10])('remote_thread_created on message version %i', (version) => {
  it('fires on injection by an unsigned tool, quiet for debugserver', async () => {
    const rules = await loadRules([RULE]);
    const engine = new Engine(rules, { lineage: false });
    const push = (l: string) => {
      const ev = decodeLine(l, 1);
      if (ev instanceof Error) throw ev;
      expect(ev.name).toBe('remote_thread_create');
      return engine.push(ev);
    };
    const hit = push(line(version, '/tmp/inject', null));
    expect(hit.map((a) => a.rule.id)).toEqual(['1eebb227-a0f8-4869-a931-09b173b9aae7']);
    // Xcode's debugserver, signed by Apple's Xcode team; the same signing id without that signer still alerts.
    const debugserver =
      '/Applications/Xcode.app/Contents/SharedFrameworks/LLDB.framework/Versions/A/Resources/debugserver';
    expect(push(line(version, debugserver, 'com.apple.debugserver', '59GAB85EFG'))).toEqual([]);
    expect(push(line(version, debugserver, 'com.apple.debugserver')).length).toBe(1);
  });
});
