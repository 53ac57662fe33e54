/**
 * eslogger-shaped test messages for every message version (reference/esf.md §2.2–§3): each version
 * carries exactly the fields it added, audit tokens are objects up to v9 and 8-arrays from v10, and
 * the JSON is written as eslogger writes it (escaped slashes).
 */
export interface TokenSpec {
  pid: number;
  pidversion: number;
  euid?: number;
}

export function token(v: number, t: TokenSpec): unknown {
  const euid = t.euid ?? 501;
  if (v >= 10) return [4294967295, euid, 20, euid, 20, t.pid, 100012, t.pidversion];
  return { auid: 4294967295, euid, egid: 20, ruid: euid, rgid: 20, pid: t.pid, asid: 100012, pidversion: t.pidversion };
}

export function file(path: string): Record<string, unknown> {
  return {
    path,
    path_truncated: false,
    stat: {
      st_dev: 16777230,
      st_ino: 1152921500312400000,
      st_mode: 33261,
      st_nlink: 1,
      st_uid: 0,
      st_gid: 0,
      st_size: 154352,
      st_mtimespec: '2025-08-01T07:12:33.000000000Z',
    },
  };
}

export interface ProcSpec extends TokenSpec {
  path: string;
  ppid: number;
  parent?: TokenSpec;
  responsible?: TokenSpec;
  original_ppid?: number;
  signing_id?: string | null;
  team_id?: string | null;
  start_time?: string;
}

export function proc(v: number, p: ProcSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {
    audit_token: token(v, p),
    ppid: p.ppid,
    original_ppid: p.original_ppid ?? p.ppid,
    group_id: p.pid,
    session_id: p.pid,
    codesigning_flags: 570522385,
    is_platform_binary: true,
    is_es_client: false,
    cdhash: '5DCE46942A1ECFCAED58BDCAFE5159393F767F74',
    signing_id: p.signing_id === undefined ? `com.apple.${p.path.split('/').pop()}` : p.signing_id,
    team_id: p.team_id === undefined ? null : p.team_id,
    executable: file(p.path),
  };
  if (v >= 2) o.tty = null;
  if (v >= 3) o.start_time = p.start_time ?? '2025-08-07T15:13:00.000000Z';
  if (v >= 4) {
    o.parent_audit_token = token(v, p.parent ?? { pid: p.ppid, pidversion: 1 });
    o.responsible_audit_token = token(v, p.responsible ?? p);
  }
  if (v >= 10) o.cs_validation_category = 1;
  return o;
}

export interface MsgSpec {
  v: number;
  type: number;
  name: string;
  payload: Record<string, unknown>;
  process: ProcSpec;
  time?: string;
  seq?: number;
  gseq?: number;
}

export function message(m: MsgSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {
    schema_version: 1,
    version: m.v,
    time: m.time ?? '2025-08-07T15:13:09.811587464Z',
    mach_time: 1234567890123,
    event_type: m.type,
    action_type: 1,
    action: { result: { result_type: 0, result: { auth: 0 } } },
    process: proc(m.v, m.process),
    event: { [m.name]: m.payload },
  };
  if (m.v >= 2) o.seq_num = m.seq ?? 0;
  if (m.v >= 4) {
    o.global_seq_num = m.gseq ?? 0;
    o.thread = { thread_id: 4242 };
  }
  return o;
}

/** JSON as eslogger writes it: slashes escaped. */
export function eslogger(o: unknown): string {
  return JSON.stringify(o).replace(/\//g, '\\/');
}

const SHELL: ProcSpec = { pid: 812, pidversion: 2301, path: '/bin/zsh', ppid: 700 };

/** An exec message of version v: zsh (812:2301) runs /bin/ls (812:2302). */
export function execMessage(v: number, extra: Partial<MsgSpec> = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    target: proc(v, { pid: 812, pidversion: 2302, path: '/bin/ls', ppid: 700 }),
    args: ['ls', '-la', '/tmp'],
    env: ['PATH=/usr/bin:/bin'],
  };
  if (v >= 2) payload.script = null;
  if (v >= 3) payload.cwd = file('/Users/alice');
  if (v >= 4) {
    payload.last_fd = 2;
    payload.fds = [
      { fd: 0, fdtype: 1 },
      { fd: 1, fdtype: 1 },
      { fd: 2, fdtype: 6, pipe: { pipe_id: 99 } },
    ];
  }
  if (v >= 6) {
    payload.image_cputype = 16777228;
    payload.image_cpusubtype = 2;
  }
  if (v >= 7) payload.dyld_exec_path = '/bin/ls';
  return message({ v, type: 9, name: 'exec', payload, process: SHELL, seq: 7, gseq: 70, ...extra });
}
