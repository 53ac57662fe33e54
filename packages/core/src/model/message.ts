/**
 * Types for Apple's eslogger JSON (one object per line). Every interface is open (`[key: string]:
 * unknown`): vendors add keys (Jamf's `host`, `uuid`, `sha256`) and rules may read them.
 * Over 400 lines because it mirrors Apple's message schema, one open interface per payload.
 * Audit tokens are objects up to message version 9 and 8-element arrays
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

// ---- Event payloads (`event.<name>`), as eslogger writes them (Apple's ESMessage.h). Fields added by a later message
// version or macOS release are optional; every payload stays open to vendor and future keys. ----

/** An `es_fd_t` in `exec.fds`. */
export interface EsFd {
  fd: number;
  fdtype: number;
  pipe?: { pipe_id: number };
  [key: string]: unknown;
}

export interface EsEventExec {
  target: EsProcess;
  args?: string[];
  env?: string[];
  fds?: EsFd[];
  /** v2, null unless a script was executed directly. */
  script?: EsFile | null;
  /** v3 */
  cwd?: EsFile;
  /** v4 */
  last_fd?: number;
  /** v6 */
  image_cputype?: number;
  image_cpusubtype?: number;
  /** v7 */
  dyld_exec_path?: string;
  [key: string]: unknown;
}

export interface EsEventFork {
  child: EsProcess;
  [key: string]: unknown;
}

export interface EsEventExit {
  /** wait(2) status. */
  stat: number;
  [key: string]: unknown;
}

export interface EsEventOpen {
  /** Kernel FFLAG mask (FREAD, FWRITE, …), not open(2)'s O_* flags. */
  fflag: number;
  file: EsFile;
  [key: string]: unknown;
}

export interface EsEventClose {
  modified: boolean;
  target: EsFile;
  /** v6 */
  was_mapped_writable?: boolean;
  [key: string]: unknown;
}

/** create and rename destinations: `existing_file` or `new_path`, by `destination_type` (0 / 1). */
export interface EsNewPath {
  dir: EsFile;
  filename: string;
  mode?: number;
  [key: string]: unknown;
}

export interface EsEventCreate {
  destination_type: number;
  destination?: { existing_file?: EsFile; new_path?: EsNewPath; [key: string]: unknown };
  /** Some renderers put the union members at the top level. */
  existing_file?: EsFile;
  new_path?: EsNewPath;
  acl?: unknown;
  [key: string]: unknown;
}

export interface EsEventWrite {
  target: EsFile;
  [key: string]: unknown;
}

export interface EsEventRename {
  source: EsFile;
  destination_type: number;
  destination?: { existing_file?: EsFile; new_path?: EsNewPath; [key: string]: unknown };
  existing_file?: EsFile;
  new_path?: EsNewPath;
  [key: string]: unknown;
}

export interface EsEventUnlink {
  target: EsFile;
  parent_dir?: EsFile;
  [key: string]: unknown;
}

export interface EsEventFcntl {
  target: EsFile;
  cmd: number;
  [key: string]: unknown;
}

export interface EsEventMprotect {
  protection: number;
  address: number;
  size: number;
  [key: string]: unknown;
}

export interface EsEventMmap {
  protection: number;
  max_protection: number;
  flags: number;
  file_pos: number;
  source: EsFile;
  [key: string]: unknown;
}

export interface EsEventIokitOpen {
  user_client_type: number;
  user_client_class: string;
  /** Message version 10 (macOS 26): the registry entry and IORegistry path of the device behind the user client. */
  parent_registry_id?: number;
  parent_path?: string | null;
  [key: string]: unknown;
}

export interface EsEventReaddir {
  target: EsFile;
  [key: string]: unknown;
}

export interface EsEventSignal {
  sig: number;
  target: EsProcess;
  /** v9: the process that asked for a delegated signal (e.g. launchd acting for another). */
  instigator?: EsProcess | null;
  [key: string]: unknown;
}

export interface EsEventKextload {
  identifier: string;
  [key: string]: unknown;
}

export interface EsEventSetowner {
  uid: number;
  gid: number;
  target: EsFile;
  [key: string]: unknown;
}

export interface EsEventSetmode {
  mode: number;
  target: EsFile;
  [key: string]: unknown;
}

export interface EsBtmLaunchItem {
  item_type: number;
  legacy: boolean;
  managed: boolean;
  uid: number;
  item_url: string;
  app_url?: string | null;
  [key: string]: unknown;
}

export interface EsEventBtmLaunchItemAdd {
  instigator?: EsProcess | null;
  app?: EsProcess | null;
  item: EsBtmLaunchItem;
  executable_path?: string | null;
  /** v8 */
  instigator_token?: AuditToken | null;
  app_token?: AuditToken | null;
  [key: string]: unknown;
}

export interface EsEventXpMalwareDetected {
  signature_version: string;
  malware_identifier: string;
  incident_identifier: string;
  detected_path: string;
  /** Message version 10 (macOS 26). */
  detected_executable?: string | null;
  [key: string]: unknown;
}

export interface EsEventXpMalwareRemediated {
  signature_version: string;
  malware_identifier: string;
  incident_identifier: string;
  action_type: string;
  success: boolean;
  result_description: string;
  remediated_path?: string | null;
  remediated_process_audit_token?: AuditToken | null;
  [key: string]: unknown;
}

export interface EsEventAuthentication {
  success: boolean;
  /** es_authentication_type_t; eslogger and Jamf may write it as a number or omit it. */
  type?: number | string;
  /** One key by type: `od`, `touchid`, `token` or `auto_unlock`. */
  data?: {
    od?: {
      instigator?: EsProcess | null;
      record_type?: string;
      record_name?: string;
      node_name?: string;
      db_path?: string | null;
      [key: string]: unknown;
    };
    touchid?: {
      instigator?: EsProcess | null;
      touchid_mode?: number;
      has_uid?: boolean;
      uid?: number;
      [key: string]: unknown;
    };
    token?: {
      instigator?: EsProcess | null;
      pubkey_hash?: string;
      token_id?: string;
      kerberos_principal?: string | null;
      [key: string]: unknown;
    };
    auto_unlock?: { username?: string; type?: number; [key: string]: unknown };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface EsEventTccModify {
  service: string;
  identity: string;
  identity_type: number;
  update_type: number;
  right: number;
  reason: number;
  instigator_token?: AuditToken;
  instigator?: EsProcess | null;
  responsible_token?: AuditToken | null;
  responsible?: EsProcess | null;
  [key: string]: unknown;
}

export interface EsEventSudo {
  success: boolean;
  reject_info?: { plugin_name: string; plugin_type: number; failure_message: string; [key: string]: unknown } | null;
  from_uid?: number;
  from_username?: string | null;
  to_uid?: number;
  to_username?: string | null;
  command?: string | null;
  [key: string]: unknown;
}

export interface EsEventSu {
  success: boolean;
  failure_message?: string | null;
  from_uid?: number;
  from_username?: string | null;
  to_uid?: number;
  to_username?: string | null;
  shell?: string | null;
  argc?: number;
  argv?: string[];
  env_count?: number;
  env?: string[];
  [key: string]: unknown;
}

/** login_login and login_logout. */
export interface EsEventLogin {
  success?: boolean;
  failure_message?: string | null;
  username: string;
  has_uid?: boolean;
  uid?: number;
  [key: string]: unknown;
}

/** lw_session_login/logout/lock/unlock. */
export interface EsEventLwSession {
  username: string;
  graphical_session_id: number;
  [key: string]: unknown;
}

/** The od_* events (group add/remove/set, password, user enable/disable, attributes, create/delete). */
export interface EsEventOd {
  instigator?: EsProcess | null;
  error_code: number;
  user_name?: string;
  group_name?: string;
  account_name?: string;
  account_type?: number;
  member?: unknown;
  attribute_name?: string;
  attribute_value?: string;
  attribute_values?: string[];
  attribute_value_count?: number;
  node_name?: string;
  db_path?: string | null;
  /** v8 */
  instigator_token?: AuditToken | null;
  [key: string]: unknown;
}

/** Payload type by event name; names not listed are `Record<string, unknown>`. */
export interface EsEventPayloads {
  exec: EsEventExec;
  fork: EsEventFork;
  exit: EsEventExit;
  open: EsEventOpen;
  close: EsEventClose;
  create: EsEventCreate;
  write: EsEventWrite;
  rename: EsEventRename;
  unlink: EsEventUnlink;
  fcntl: EsEventFcntl;
  mprotect: EsEventMprotect;
  mmap: EsEventMmap;
  iokit_open: EsEventIokitOpen;
  readdir: EsEventReaddir;
  signal: EsEventSignal;
  kextload: EsEventKextload;
  kextunload: EsEventKextload;
  setowner: EsEventSetowner;
  setmode: EsEventSetmode;
  btm_launch_item_add: EsEventBtmLaunchItemAdd;
  btm_launch_item_remove: EsEventBtmLaunchItemAdd;
  xp_malware_detected: EsEventXpMalwareDetected;
  xp_malware_remediated: EsEventXpMalwareRemediated;
  authentication: EsEventAuthentication;
  tcc_modify: EsEventTccModify;
  sudo: EsEventSudo;
  su: EsEventSu;
  login_login: EsEventLogin;
  login_logout: EsEventLogin;
  lw_session_login: EsEventLwSession;
  lw_session_logout: EsEventLwSession;
  lw_session_lock: EsEventLwSession;
  lw_session_unlock: EsEventLwSession;
  od_group_add: EsEventOd;
  od_group_remove: EsEventOd;
  od_group_set: EsEventOd;
  od_modify_password: EsEventOd;
  od_disable_user: EsEventOd;
  od_enable_user: EsEventOd;
  od_attribute_value_add: EsEventOd;
  od_attribute_value_remove: EsEventOd;
  od_attribute_set: EsEventOd;
  od_create_user: EsEventOd;
  od_create_group: EsEventOd;
  od_delete_user: EsEventOd;
  od_delete_group: EsEventOd;
}

/**
 * The typed payload of a message, when its event is `name` (undefined otherwise):
 * `payloadOf(ev.msg, 'exec')?.target.executable.path`.
 */
export type EsPayload<N extends string> = N extends keyof EsEventPayloads
  ? EsEventPayloads[N]
  : Record<string, unknown>;
