import { eventFromMessage, type EvalContext, type NightjarEvent } from '@nightjar/core';
import type { RuleDiagnostic } from '@nightjar/rules';

/** An EvalContext whose lineage knows nothing (rules under test here read no lineage unless stated). */
export const ctx: EvalContext = {
  lineage: {
    parent: () => undefined,
    realParent: () => undefined,
    responsible: () => undefined,
    ancestors: () => [],
  },
};

let seq = 0;
function proc(pid: number, path: string): Record<string, unknown> {
  return {
    audit_token: { pid, pidversion: 1, euid: 501, ruid: 501, egid: 20, rgid: 20, asid: 100000, auid: 501 },
    ppid: 1,
    original_ppid: 1,
    group_id: pid,
    session_id: pid,
    is_platform_binary: false,
    is_es_client: false,
    signing_id: 'com.example',
    team_id: null,
    cdhash: '00',
    codesigning_flags: 0,
    executable: { path, path_truncated: false },
    tty: null,
    start_time: '2024-01-01T00:00:00.000000Z',
    responsible_audit_token: { pid, pidversion: 1, euid: 501, ruid: 501, egid: 20, rgid: 20, asid: 100000, auid: 501 },
    parent_audit_token: { pid: 1, pidversion: 1, euid: 0, ruid: 0, egid: 0, rgid: 0, asid: 0, auid: 0 },
  };
}

function finish(msg: Record<string, unknown>): NightjarEvent {
  const ev = eventFromMessage(msg as never);
  if (ev instanceof Error) throw ev;
  return ev;
}

const T0 = Date.UTC(2024, 0, 1) * 1000;
function iso(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);
}

/** An eslogger-shaped exec event: `pid` (running `actor`) execs `path` with `args`. */
export function execEvent(
  path: string,
  args: string[],
  opts: { pid?: number; actor?: string; timeUs?: number } = {},
): NightjarEvent {
  const pid = opts.pid ?? 100;
  return finish({
    version: 7,
    schema_version: 1,
    time: iso(opts.timeUs ?? T0),
    mach_time: 1,
    event_type: 9,
    action_type: 1,
    seq_num: ++seq,
    global_seq_num: seq,
    thread: { thread_id: 1 },
    process: proc(pid, opts.actor ?? '/bin/zsh'),
    event: {
      exec: {
        target: proc(pid, path),
        args,
        env: [],
        cwd: { path: '/', path_truncated: false },
        script: null,
        fds: [],
      },
    },
  });
}

/** An eslogger-shaped open event of `file` by `pid` running `actor`. */
export function openEvent(file: string, opts: { pid?: number; actor?: string; timeUs?: number } = {}): NightjarEvent {
  return finish({
    version: 7,
    schema_version: 1,
    time: iso(opts.timeUs ?? T0),
    mach_time: 1,
    event_type: 10,
    action_type: 1,
    seq_num: ++seq,
    global_seq_num: seq,
    thread: { thread_id: 1 },
    process: proc(opts.pid ?? 100, opts.actor ?? '/bin/zsh'),
    event: { open: { fflag: 1, file: { path: file, path_truncated: false } } },
  });
}

/** `code@line:col` for compact assertions. */
export function where(d: RuleDiagnostic): string {
  return `${d.code}@${d.line}:${d.col}`;
}
