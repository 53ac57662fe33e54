/** eslogger exec lines for the watch tests: exec number `i` (pid 400 + i) at second i, with `args`. */
function proc(pid: number, path: string) {
  return {
    audit_token: { auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, pid, asid: 1, pidversion: 10 + pid },
    ppid: 1,
    original_ppid: 1,
    signing_id: 'com.apple.curl',
    team_id: null,
    executable: { path, path_truncated: false },
  };
}

export function exec(i: number, args: string[]): string {
  return JSON.stringify({
    schema_version: 1,
    version: 9,
    time: `2025-08-07T15:13:${String(i).padStart(2, '0')}.000000Z`,
    mach_time: i,
    event_type: 9,
    action_type: 1,
    seq_num: i,
    global_seq_num: i,
    process: proc(400 + i, '/bin/zsh'),
    event: { exec: { target: proc(400 + i, '/usr/bin/curl'), args } },
  });
}
