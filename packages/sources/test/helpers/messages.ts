/** Minimal eslogger-shaped lines for source tests (v9 object tokens unless v >= 10). */
export const TYPES = { exec: 9, open: 10, fork: 11, close: 12, exit: 15, write: 33 } as const;

let seqs: Record<number, number> = {};
let gseq = 0;

export function resetSeq(): void {
  seqs = {};
  gseq = 0;
}

export function esLine(
  name: keyof typeof TYPES,
  opts: {
    pid?: number;
    pidversion?: number;
    path?: string;
    time?: string;
    seq?: number;
    gseq?: number;
    extra?: string;
  } = {},
): string {
  const type = TYPES[name];
  const seq = opts.seq ?? (seqs[type] = (seqs[type] ?? -1) + 1);
  const g = opts.gseq ?? gseq++;
  const pid = opts.pid ?? 100;
  const pv = opts.pidversion ?? 1;
  const proc = {
    audit_token: { auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, pid, asid: 1, pidversion: pv },
    ppid: 1,
    original_ppid: 1,
    signing_id: 'com.example.tool',
    team_id: null,
    executable: { path: opts.path ?? '/usr/bin/true', path_truncated: false },
  };
  const payload =
    name === 'exec'
      ? { target: proc, args: ['true', opts.extra ?? ''] }
      : name === 'fork'
        ? { child: proc }
        : name === 'exit'
          ? { stat: 0 }
          : name === 'open'
            ? { fflag: 1, file: { path: opts.extra ?? '/tmp/x', path_truncated: false } }
            : { target: { path: opts.extra ?? '/tmp/x', path_truncated: false }, modified: true };
  return JSON.stringify({
    schema_version: 1,
    version: 9,
    time: opts.time ?? '2025-08-07T15:13:09.811587Z',
    mach_time: 1,
    event_type: type,
    action_type: 1,
    seq_num: seq,
    global_seq_num: g,
    process: proc,
    event: { [name]: payload },
  });
}
