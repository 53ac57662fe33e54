/**
 * Types for Apple's eslogger JSON (one object per line). Every interface is open (`[key: string]:
 * unknown`): vendors add keys (Jamf's `host`, `uuid`, `sha256`) and rules may read them.
 * See reference/esf.md §2–3. Audit tokens are objects up to message version 9 and 8-element arrays
 * (`val[]` order: auid, euid, egid, ruid, rgid, pid, asid, pidversion) from version 10.
 */
export interface AuditTokenObject {
  auid: number;
  euid: number;
  egid: number;
  ruid: number;
  rgid: number;
  pid: number;
  asid: number;
  pidversion: number;
  [key: string]: unknown;
}
export type AuditToken = AuditTokenObject | readonly number[];

export interface EsStat {
  st_dev?: number;
  st_ino?: number;
  st_mode?: number;
  st_nlink?: number;
  st_uid?: number;
  st_gid?: number;
  st_rdev?: number;
  st_size?: number;
  st_blocks?: number;
  st_blksize?: number;
  st_flags?: number;
  st_gen?: number;
  st_atimespec?: string;
  st_mtimespec?: string;
  st_ctimespec?: string;
  st_birthtimespec?: string;
  [key: string]: unknown;
}

export interface EsFile {
  path: string;
  path_truncated?: boolean;
  stat?: EsStat;
  [key: string]: unknown;
}

export interface EsProcess {
  audit_token: AuditToken;
  parent_audit_token?: AuditToken;
  responsible_audit_token?: AuditToken;
  ppid: number;
  original_ppid?: number;
  group_id?: number;
  session_id?: number;
  codesigning_flags?: number;
  is_platform_binary?: boolean;
  is_es_client?: boolean;
  cdhash?: string;
  signing_id?: string | null;
  team_id?: string | null;
  executable: EsFile;
  tty?: EsFile | null;
  start_time?: string;
  cs_validation_category?: number;
  /** `"<pid>:<pidversion>"`; computed by Nightjar, never required in input. */
  entity_id?: string;
  [key: string]: unknown;
}

/** The top-level eslogger object. `event` holds exactly one key: the event name. */
export interface EsMessage {
  schema_version?: number;
  version?: number;
  time: string;
  mach_time?: number;
  deadline?: number;
  event_type: number;
  action_type?: number;
  action?: unknown;
  seq_num?: number;
  global_seq_num?: number;
  /** Jamf Protect's spelling of global_seq_num. */
  glob_seq_num?: number;
  thread?: { thread_id: number } | null;
  /**
   * The actor. Absent in vendor records (Jamf's 900x) and in some vendor ES records (Jamf's
   * btm_launch_item_* samples): the event's pid/pidversion are then 0 and entityId is "0:0".
   */
  process?: EsProcess;
  event: Record<string, unknown>;
  [key: string]: unknown;
}
