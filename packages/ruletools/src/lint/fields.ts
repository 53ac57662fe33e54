/**
 * Which native ES field paths exist, per event type (Apple's ESMessage.h structs as eslogger
 * renders them). Used by nj/unknown-field for rules that name eslogger paths (`event.open.file.path`,
 * `process.signing_id`, `parent.executable.path`). Deliberately a shape catalogue, not a full
 * schema: an unknown key under a known object is flagged; anything below a key of unknown shape
 * (`any`) is accepted, and top-level vendor keys (Jamf's `host`) are accepted.
 */
export type Shape = 'process' | 'file' | 'token' | 'stat' | 'any' | 'scalar' | 'list' | { readonly [k: string]: Shape };

const TOKEN: Shape = 'token';
const TOKEN_KEYS = new Set(['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion', 'uuid']);
const FILE_KEYS: Record<string, Shape> = { path: 'scalar', path_truncated: 'scalar', stat: 'stat' };
const STAT_KEYS = new Set([
  'st_dev',
  'st_ino',
  'st_mode',
  'st_nlink',
  'st_uid',
  'st_gid',
  'st_rdev',
  'st_size',
  'st_blocks',
  'st_blksize',
  'st_flags',
  'st_gen',
  'st_atimespec',
  'st_mtimespec',
  'st_ctimespec',
  'st_birthtimespec',
]);
export const PROCESS_KEYS: Readonly<Record<string, Shape>> = {
  audit_token: TOKEN,
  parent_audit_token: TOKEN,
  responsible_audit_token: TOKEN,
  ppid: 'scalar',
  original_ppid: 'scalar',
  group_id: 'scalar',
  session_id: 'scalar',
  codesigning_flags: 'scalar',
  is_platform_binary: 'scalar',
  is_es_client: 'scalar',
  cdhash: 'scalar',
  signing_id: 'scalar',
  team_id: 'scalar',
  executable: 'file',
  tty: 'file',
  start_time: 'scalar',
  cs_validation_category: 'scalar',
  entity_id: 'scalar',
  // Extra keys vendors add and rules may read.
  sha256: 'any',
  sha1: 'any',
  entitlements: 'any',
  uuid: 'any',
  pid: 'scalar',
  pidversion: 'scalar',
};
const P = 'process' as const;
const F = 'file' as const;
const S = 'scalar' as const;
const A = 'any' as const;

/** Payload keys per event name (from the es_events_t members of ESMessage.h). Types not listed accept any path. */
export const PAYLOADS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  exec: {
    target: P,
    args: 'list',
    env: 'list',
    fds: 'any',
    cwd: F,
    script: F,
    dyld_exec_path: S,
    last_fd: S,
    image_cputype: S,
    image_cpusubtype: S,
    entitlements: A,
  },
  open: { fflag: S, file: F },
  write: { target: F },
  truncate: { target: F },
  close: { modified: S, target: F, was_mapped_writable: S },
  create: {
    destination_type: S,
    destination: { existing_file: F, new_path: { dir: F, filename: S, mode: S } },
    acl: A,
  },
  rename: { source: F, destination_type: S, destination: { existing_file: F, new_path: { dir: F, filename: S } } },
  unlink: { target: F, parent_dir: F },
  link: { source: F, target_dir: F, target_filename: S },
  clone: { source: F, target_dir: F, target_name: S },
  copyfile: { source: F, target_file: F, target_dir: F, target_name: S, mode: S, flags: S },
  fcntl: { target: F, cmd: S },
  readdir: { target: F },
  readlink: { source: F },
  lookup: { source_dir: F, relative_target: S },
  access: { mode: S, target: F },
  stat: { target: F },
  chdir: { target: F },
  chroot: { target: F },
  listextattr: { target: F },
  fsgetpath: { target: F },
  dup: { target: F },
  mmap: { protection: S, max_protection: S, flags: S, file_pos: S, source: F },
  mprotect: { protection: S, address: S, size: S },
  iokit_open: { user_client_type: S, user_client_class: S, parent_registry_id: S, parent_path: S },
  signal: { sig: S, target: P, instigator: P },
  fork: { child: P },
  exit: { stat: S },
  cs_invalidated: {},
  kextload: { identifier: S },
  kextunload: { identifier: S },
  setowner: { uid: S, gid: S, target: F },
  setmode: { mode: S, target: F },
  setflags: { flags: S, target: F },
  setextattr: { target: F, extattr: S },
  getextattr: { target: F, extattr: S },
  deleteextattr: { target: F, extattr: S },
  setacl: { target: F, set_or_clear: S, acl: A },
  setattrlist: { attrlist: A, target: F },
  getattrlist: { attrlist: A, target: F },
  utimes: { target: F, atime: S, mtime: S },
  exchangedata: { file1: F, file2: F },
  get_task: { target: P, type: S },
  get_task_read: { target: P, type: S },
  get_task_inspect: { target: P, type: S },
  get_task_name: { target: P, type: S },
  trace: { target: P },
  remote_thread_create: { target: P, thread_state: A },
  proc_check: { target: P, type: S, flavor: S },
  proc_suspend_resume: { target: P, type: S },
  uipc_bind: { dir: F, filename: S, mode: S },
  uipc_connect: { file: F, domain: S, type: S, protocol: S },
  setuid: { uid: S },
  setgid: { gid: S },
  seteuid: { euid: S },
  setegid: { egid: S },
  setreuid: { ruid: S, euid: S },
  setregid: { rgid: S, egid: S },
};

export const LINEAGE_PREFIXES = ['parent', 'real_parent', 'responsible', 'ancestors'];

function walk(shape: Shape, parts: readonly string[], at: string): string | undefined {
  let cur: Shape = shape;
  let here = at;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (/^\d+$/.test(p) || p === '*') continue; // list index or wildcard
    if (cur === 'any' || cur === 'list') return undefined;
    if (cur === 'scalar') return `'${here}' is a value, it has no '${p}'`;
    if (cur === 'token') {
      if (TOKEN_KEYS.has(p)) return i === parts.length - 1 ? undefined : `'${here}.${p}' is a value`;
      return `'${p}' is not an audit token field (${[...TOKEN_KEYS].join(', ')})`;
    }
    if (cur === 'stat') {
      if (STAT_KEYS.has(p)) return i === parts.length - 1 ? undefined : `'${here}.${p}' is a value`;
      return `'${p}' is not a stat field (st_mode, st_size, st_uid, …)`;
    }
    const table: Record<string, Shape> = cur === 'process' ? PROCESS_KEYS : cur === 'file' ? FILE_KEYS : cur;
    const next = table[p];
    if (next === undefined) {
      const kind = cur === 'process' ? 'a process object' : cur === 'file' ? 'a file object' : `'${here}'`;
      return `'${p}' does not exist in ${kind} (known: ${Object.keys(table).join(', ')})`;
    }
    cur = next;
    here = `${here}.${p}`;
  }
  return undefined;
}

/**
 * Checks a native dotted path for a rule whose event types are `types` (null: any). Returns a
 * reason when the path cannot exist, else undefined. Paths that are not native (no dot, `$` JSONPath,
 * vendor top-level keys) are not judged here.
 */
export function checkNativePath(path: string, types: readonly string[] | null): string | undefined {
  if (path.startsWith('$') || !path.includes('.')) return undefined;
  const parts = path.replace(/\[(\d+|\*)\]/g, '.$1').split('.');
  const head = parts[0]!;
  if (head === 'process') return walk('process', parts.slice(1), 'process');
  if (LINEAGE_PREFIXES.includes(head)) return walk('process', parts.slice(1), head);
  if (head !== 'event') return undefined;
  const name = parts[1];
  if (name === undefined || name === '') return `'${path}' names no event type`;
  if (types !== null && !types.includes(name)) {
    return `the rule sees only ${types.join(', ')} events, so event.${name}.* never exists in them`;
  }
  const payload = PAYLOADS[name];
  if (payload === undefined) return undefined;
  if (parts.length === 2) return undefined;
  return walk(payload, parts.slice(2), `event.${name}`);
}
