/**
 * Which native ES field paths exist, per event type (Apple's ESMessage.h structs as eslogger
 * renders them). Used by nj/unknown-field for rules that name eslogger paths (`event.open.file.path`,
 * `process.signing_id`, `parent.executable.path`). Deliberately a shape catalogue, not a full
 * schema: an unknown key under a known object is flagged; anything below a key of unknown shape
 * (`any`) is accepted, and top-level vendor keys (Jamf's `host`) are accepted.
 */
/**
 * A path's shape: an ES object (process, file, audit token, stat, or a nested payload object), a
 * scalar of a known JSON type (`string`, `number`, `boolean`: what nj/field-type compares values
 * with), a scalar of unstated type (`scalar`), a list, or anything (`any`, not judged).
 */
export type Shape =
  | 'process'
  | 'file'
  | 'token'
  | 'stat'
  | 'any'
  | 'scalar'
  | 'string'
  | 'number'
  | 'boolean'
  | 'list'
  | { readonly [k: string]: Shape };

const TOKEN: Shape = 'token';
const TOKEN_KEYS = new Set(['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion', 'uuid']);
const FILE_KEYS: Record<string, Shape> = { path: 'string', path_truncated: 'boolean', stat: 'stat' };
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
  ppid: 'number',
  original_ppid: 'number',
  group_id: 'number',
  session_id: 'number',
  codesigning_flags: 'number',
  is_platform_binary: 'boolean',
  is_es_client: 'boolean',
  cdhash: 'string',
  signing_id: 'string',
  team_id: 'string',
  executable: 'file',
  tty: 'file',
  start_time: 'string',
  cs_validation_category: 'number',
  entity_id: 'string',
  // Extra keys vendors add and rules may read.
  sha256: 'any',
  sha1: 'any',
  entitlements: 'any',
  uuid: 'any',
  pid: 'number',
  pidversion: 'number',
};
const P = 'process' as const;
const F = 'file' as const;
const S = 'scalar' as const;
const A = 'any' as const;
const N = 'number' as const;
const B = 'boolean' as const;
const T = 'string' as const;

/** Payload keys per event name (from the es_events_t members of ESMessage.h). Types not listed accept any path. */
export const PAYLOADS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  exec: {
    target: P,
    args: 'list',
    env: 'list',
    fds: 'any',
    cwd: F,
    script: F,
    dyld_exec_path: T,
    last_fd: N,
    image_cputype: S,
    image_cpusubtype: S,
    entitlements: A,
  },
  open: { fflag: N, file: F },
  write: { target: F },
  truncate: { target: F },
  close: { modified: B, target: F, was_mapped_writable: B },
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
  signal: { sig: N, target: P, instigator: P },
  fork: { child: P },
  exit: { stat: N },
  cs_invalidated: {},
  kextload: { identifier: T },
  kextunload: { identifier: T },
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
  setuid: { uid: N },
  setgid: { gid: N },
  seteuid: { euid: N },
  setegid: { egid: N },
  setreuid: { ruid: S, euid: S },
  setregid: { rgid: S, egid: S },
};

export const LINEAGE_PREFIXES = ['parent', 'real_parent', 'responsible', 'ancestors'];

/** Follows `parts` from `shape`: the shape reached, or why the path cannot exist. */
function walk(shape: Shape, parts: readonly string[], at: string): { error: string } | { shape: Shape } {
  let cur: Shape = shape;
  let here = at;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (/^\d+$/.test(p) || p === '*') continue; // list index or wildcard
    if (cur === 'any' || cur === 'list') return { shape: 'any' };
    if (cur === 'scalar' || cur === 'string' || cur === 'number' || cur === 'boolean')
      return { error: `'${here}' is a value, it has no '${p}'` };
    if (cur === 'token') {
      if (TOKEN_KEYS.has(p))
        return i === parts.length - 1 ? { shape: 'number' } : { error: `'${here}.${p}' is a value` };
      return { error: `'${p}' is not an audit token field (${[...TOKEN_KEYS].join(', ')})` };
    }
    if (cur === 'stat') {
      if (STAT_KEYS.has(p))
        return i === parts.length - 1
          ? { shape: p.endsWith('timespec') ? 'string' : 'number' }
          : { error: `'${here}.${p}' is a value` };
      return { error: `'${p}' is not a stat field (st_mode, st_size, st_uid, …)` };
    }
    const table: Record<string, Shape> = cur === 'process' ? PROCESS_KEYS : cur === 'file' ? FILE_KEYS : cur;
    const next = table[p];
    if (next === undefined) {
      const kind = cur === 'process' ? 'a process object' : cur === 'file' ? 'a file object' : `'${here}'`;
      return { error: `'${p}' does not exist in ${kind} (known: ${Object.keys(table).join(', ')})` };
    }
    cur = next;
    here = `${here}.${p}`;
  }
  return { shape: cur };
}

/** The shape at a native dotted path, or why it cannot exist; `any` when the path is not judged. */
function resolvePath(path: string, types: readonly string[] | null): { error: string } | { shape: Shape } {
  const any = { shape: 'any' as Shape };
  if (path.startsWith('$') || !path.includes('.')) return any;
  const parts = path.replace(/\[(\d+|\*)\]/g, '.$1').split('.');
  const head = parts[0]!;
  if (head === 'process') return walk('process', parts.slice(1), 'process');
  if (LINEAGE_PREFIXES.includes(head)) return walk('process', parts.slice(1), head);
  if (head !== 'event') return any;
  const name = parts[1];
  if (name === undefined || name === '') return { error: `'${path}' names no event type` };
  if (types !== null && !types.includes(name))
    return { error: `the rule sees only ${types.join(', ')} events, so event.${name}.* never exists in them` };
  const payload = PAYLOADS[name];
  if (payload === undefined || parts.length === 2) return any;
  return walk(payload, parts.slice(2), `event.${name}`);
}

/** What a value read at a path is, for nj/object-field and nj/field-type; undefined when unknown. */
export type ValueKind = 'object' | 'string' | 'number' | 'boolean';

export function valueKindAt(path: string, types: readonly string[] | null): ValueKind | undefined {
  const r = resolvePath(path, types);
  if ('error' in r) return undefined;
  const s = r.shape;
  if (s === 'string' || s === 'number' || s === 'boolean') return s;
  if (s === 'process' || s === 'file' || s === 'token' || s === 'stat' || typeof s === 'object') return 'object';
  return undefined;
}

/**
 * Checks a native dotted path for a rule whose event types are `types` (null: any). Returns a
 * reason when the path cannot exist, else undefined. Paths that are not native (no dot, `$` JSONPath,
 * vendor top-level keys) are not judged here.
 */
export function checkNativePath(path: string, types: readonly string[] | null): string | undefined {
  const r = resolvePath(path, types);
  return 'error' in r ? r.error : undefined;
}
