/**
 * One file on purpose (~450 lines): the default, complete eslogger-shaped message of every event type brief tests can name.
 *
 * Brief events: the short form rule tests write events in (the `tests:` key, documented in the CLI's docs/test.md).
 * Only the fields that matter are given; everything else is filled with a benign, complete
 * eslogger-shaped default so that rules read real paths, not `undefined`.
 *
 *   - type: exec
 *     time: "+2s"                       # RFC 3339, or an offset from the previous event
 *     process: { pid: 501, ppid: 300, executable: { path: /bin/zsh } }
 *     exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, -s] }
 *
 * Process objects accept the shorthands `pid`, `pidversion`, `euid` (audit token) and `ppid`
 * (ppid, original_ppid and the parent audit token's pid). A string where a file object is expected
 * is its path (`open: { file: /etc/passwd }`).
 */
import { NightjarError, eventTypeByName, formatTimeUs, parseTimeUs } from '@nightjar/core';
import type { EsMessage, EsProcess } from '@nightjar/core';

/** One problem in a case's brief events: the message names the event (`event 2: …`). */
export interface BriefProblem {
  readonly message: string;
  /** Index of the event in its list, and the key path inside it. */
  readonly index: number;
  readonly path: readonly (string | number)[];
}

/**
 * Every problem of one list of brief events: a case is fixed in one pass, not one error per run.
 * `index` and `path` are the first problem's.
 */
export class BriefEventError extends NightjarError {
  readonly problems: readonly BriefProblem[];
  readonly index: number;
  readonly path: readonly (string | number)[];
  constructor(problems: readonly [BriefProblem, ...BriefProblem[]]) {
    super('NJ_TEST_BRIEF_EVENT', problems.map((p) => p.message).join('; '));
    this.problems = problems;
    this.index = problems[0].index;
    this.path = problems[0].path;
  }
}

export interface ExpandOptions {
  /** Time of the first event when it gives none or an offset (µs); default 2024-01-01T00:00:00Z. */
  readonly startUs?: number;
  /** ES message version written into each message (default 8, macOS 15). */
  readonly version?: number;
}

export const DEFAULT_START_US = Date.UTC(2024, 0, 1) * 1000;
const DEFAULT_STEP_US = 1000;

const OFFSET = /^\+(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/;
const UNIT_US: Record<string, number> = { us: 1, µs: 1, ms: 1000, s: 1e6, m: 60e6, h: 3600e6 };

/** `+500ms` / `+2s` / `+1m` → µs, or undefined when not an offset. */
export function parseOffsetUs(s: string): number | undefined {
  const m = OFFSET.exec(s.trim());
  return m ? Math.round(Number(m[1]) * UNIT_US[m[2]!]!) : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function file(path: string): Obj {
  return {
    path,
    path_truncated: false,
    stat: {
      st_dev: 16777232,
      st_ino: 1000,
      st_mode: 33188,
      st_nlink: 1,
      st_uid: 0,
      st_gid: 0,
      st_rdev: 0,
      st_size: 1024,
      st_blocks: 8,
      st_blksize: 4096,
      st_flags: 0,
      st_gen: 0,
      st_atimespec: '2024-01-01T00:00:00.000000000Z',
      st_mtimespec: '2024-01-01T00:00:00.000000000Z',
      st_ctimespec: '2024-01-01T00:00:00.000000000Z',
      st_birthtimespec: '2024-01-01T00:00:00.000000000Z',
    },
  };
}

function token(pid: number, pidversion: number, euid: number): Obj {
  return { auid: euid, euid, egid: 20, ruid: euid, rgid: 20, pid, asid: 100000, pidversion };
}

/** A complete es_process_t for (pid, pidversion), benign by default. */
export function defaultProcess(pid = 1000, pidversion = 1, ppid = 1, path = '/usr/local/bin/nightjar-test-actor'): Obj {
  return {
    audit_token: token(pid, pidversion, 501),
    parent_audit_token: token(ppid, 1, 501),
    responsible_audit_token: token(pid, pidversion, 501),
    ppid,
    original_ppid: ppid,
    group_id: pid,
    session_id: pid,
    codesigning_flags: 570522385,
    is_platform_binary: false,
    is_es_client: false,
    cdhash: '0000000000000000000000000000000000000000',
    signing_id: 'com.example.nightjar-test',
    team_id: null,
    executable: file(path),
    tty: null,
    start_time: '2024-01-01T00:00:00.000000Z',
  };
}

/** Deep merge: objects merge key by key, everything else (arrays included) replaces. */
function merge(base: unknown, over: unknown, index: number, path: (string | number)[]): unknown {
  if (over === undefined) return base;
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v, index, [...path, k]);
    // es_destination is a union: a brief `new_path` replaces the default `existing_file`, never joins it.
    if (path.at(-1) === 'destination' && 'new_path' in over && !('existing_file' in over)) delete out.existing_file;
    return out;
  }
  // A file object given as its path.
  if (isObj(base) && 'path' in base && 'path_truncated' in base && typeof over === 'string')
    return { ...base, path: over };
  return over;
}

const SHORTHANDS = ['pid', 'pidversion', 'euid', 'ppid'] as const;

/** Records a problem at a key path of the current event (the caller adds the event number). */
type Report = (path: readonly (string | number)[], message: string) => void;

/**
 * Applies process shorthands onto a merged process. `p` is the user's partial object (shorthands
 * removed before merging, applied after, so they win over defaults but an explicit audit_token wins
 * over them). A bad shorthand is reported and left out, so the rest of the event is still checked.
 */
function processFrom(
  base: Obj,
  partial: unknown,
  index: number,
  path: (string | number)[],
  report: Report,
  known?: ReadonlyMap<number, number>,
): Obj {
  if (partial === undefined) return base;
  if (!isObj(partial)) {
    report(path, `${path.join('.')} must be a mapping (a partial es_process_t)`);
    return base;
  }
  const rest: Obj = { ...partial };
  const sh: Partial<Record<(typeof SHORTHANDS)[number], number>> = {};
  for (const k of SHORTHANDS) {
    if (k in rest) {
      const v = rest[k];
      delete rest[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        report([...path, k], `${[...path, k].join('.')} must be a non-negative integer, got ${JSON.stringify(v)}`);
        continue;
      }
      sh[k] = v;
    }
  }
  let out = { ...base };
  const at = { ...(out.audit_token as Obj) };
  if (sh.pid !== undefined) {
    at.pid = sh.pid;
    out.group_id = sh.pid;
    out.session_id = sh.pid;
  }
  if (sh.pidversion !== undefined) at.pidversion = sh.pidversion;
  if (sh.euid !== undefined) {
    at.euid = sh.euid;
    at.ruid = sh.euid;
    at.auid = sh.euid;
  }
  out.audit_token = at;
  out.responsible_audit_token = { ...at };
  if (sh.ppid !== undefined) {
    out.ppid = sh.ppid;
    out.original_ppid = sh.ppid;
    // The parent's pidversion is the one this case last showed for that pid (after a fork and an
    // exec, the parent is the exec'd image), else 1.
    out.parent_audit_token = { ...(out.parent_audit_token as Obj), pid: sh.ppid, pidversion: known?.get(sh.ppid) ?? 1 };
  }
  out = merge(out, rest, index, path) as Obj;
  return out;
}

const auditPid = (p: Obj): number => (p.audit_token as Obj).pid as number;
const auditVer = (p: Obj): number => (p.audit_token as Obj).pidversion as number;

/** Default payload for an event type, given the (already expanded) actor. */
function defaultPayload(type: string, actor: Obj): Obj {
  const pid = auditPid(actor);
  const f = file('/private/tmp/nightjar-test-file');
  switch (type) {
    case 'exec':
      return {
        target: undefined,
        args: undefined,
        env: [],
        fds: [],
        cwd: file('/'),
        script: null,
        last_fd: 2,
        image_cputype: 16777228,
        image_cpusubtype: 2,
        dyld_exec_path: undefined,
      };
    case 'fork':
      // The child starts as a copy of the parent image; its parent token is the actor's.
      return {
        child: {
          ...defaultProcess(pid + 1, 1, pid, (actor.executable as Obj).path as string),
          parent_audit_token: { ...(actor.audit_token as Obj) },
        },
      };
    case 'exit':
      return { stat: 0 };
    case 'open':
      return { fflag: 1, file: f };
    case 'close':
      return { modified: false, target: f, was_mapped_writable: false };
    case 'write':
    case 'truncate':
    case 'stat':
    case 'chdir':
    case 'chroot':
    case 'readdir':
    case 'fsgetpath':
    case 'dup':
    case 'listextattr':
      return { target: f };
    case 'create':
      return { destination_type: 0, destination: { existing_file: f }, acl: null };
    case 'rename':
      return {
        source: f,
        destination_type: 0,
        destination: { existing_file: file('/private/tmp/nightjar-test-file-2') },
      };
    case 'unlink':
      return { target: f, parent_dir: file('/private/tmp') };
    case 'link':
      return { source: f, target_dir: file('/private/tmp'), target_filename: 'nightjar-link' };
    case 'clone':
      return { source: f, target_dir: file('/private/tmp'), target_name: 'nightjar-clone' };
    case 'copyfile':
      return {
        source: f,
        target_file: null,
        target_dir: file('/private/tmp'),
        target_name: 'nightjar-copy',
        mode: 420,
        flags: 0,
      };
    case 'setextattr':
    case 'getextattr':
    case 'deleteextattr':
      return { target: f, extattr: 'com.apple.quarantine' };
    case 'setmode':
      return { mode: 420, target: f };
    case 'setowner':
      return { uid: 0, gid: 0, target: f };
    case 'setflags':
      return { flags: 0, target: f };
    case 'mmap':
      return { protection: 1, max_protection: 7, flags: 1, file_pos: 0, source: f };
    case 'mprotect':
      return { protection: 1, address: 4294967296, size: 4096 };
    case 'fcntl':
      return { target: f, cmd: 0 };
    case 'access':
      return { mode: 0, target: f };
    case 'lookup':
      return { source_dir: file('/private/tmp'), relative_target: 'nightjar-test-file' };
    case 'readlink':
      return { source: f };
    case 'signal':
      return { sig: 15, target: defaultProcess(pid + 1, 1, 1), instigator: null };
    case 'get_task':
    case 'get_task_read':
    case 'get_task_inspect':
    case 'get_task_name':
      return { target: defaultProcess(pid + 1, 1, 1), type: 0 };
    case 'trace':
    case 'proc_suspend_resume':
      return { target: defaultProcess(pid + 1, 1, 1), type: 0 };
    case 'remote_thread_create':
      return { target: defaultProcess(pid + 1, 1, 1), thread_state: null };
    case 'proc_check':
      return { target: defaultProcess(pid + 1, 1, 1), type: 2, flavor: 0 };
    case 'iokit_open':
      return { user_client_type: 0, user_client_class: 'IOUserClient' };
    case 'kextload':
    case 'kextunload':
      return { identifier: 'com.example.kext' };
    case 'setuid':
    case 'seteuid':
      return { uid: 0 };
    case 'setgid':
    case 'setegid':
      return { gid: 0 };
    case 'uipc_connect':
      return { file: f, domain: 1, type: 1, protocol: 0 };
    case 'uipc_bind':
      return { dir: file('/private/tmp'), filename: 'nightjar.sock', mode: 420 };
    case 'btm_launch_item_add':
      return {
        instigator: null,
        app: null,
        item: {
          item_type: 2,
          legacy: false,
          managed: false,
          uid: 501,
          item_url: 'file:///Library/LaunchAgents/com.example.plist',
          app_url: null,
        },
        executable_path: '/usr/local/bin/nightjar-test-actor',
        instigator_token: null,
        app_token: null,
      };
    default:
      return {};
  }
}

/** Process-valued payload keys that accept the process shorthands. */
const PROCESS_KEYS: Record<string, string[]> = {
  exec: ['target'],
  fork: ['child'],
  signal: ['target', 'instigator'],
  get_task: ['target'],
  get_task_read: ['target'],
  get_task_inspect: ['target'],
  get_task_name: ['target'],
  trace: ['target'],
  proc_suspend_resume: ['target'],
  remote_thread_create: ['target'],
  proc_check: ['target'],
};

const ALLOWED_TOP = new Set(['type', 'time', 'process']);

/**
 * Expands a list of brief events into complete eslogger messages, in order. Sequence numbers
 * are filled per event type (`seq_num`) and globally (`global_seq_num`). Throws one BriefEventError
 * listing every problem of the list (each naming the event and the key), so a case is fixed in one
 * pass: after a problem, checking goes on with that field left at its default.
 */
export function expandBriefEvents(events: readonly unknown[], opts: ExpandOptions = {}): EsMessage[] {
  const out: EsMessage[] = [];
  const problems: BriefProblem[] = [];
  const seqByType = new Map<string, number>();
  let prevUs: number | undefined;
  let global = 0;
  // pid → the latest pidversion seen in this case (actors, exec targets, fork children).
  const known = new Map<number, number>();
  const learn = (p: unknown): void => {
    const t = isObj(p) ? p.audit_token : undefined;
    if (isObj(t) && typeof t.pid === 'number' && typeof t.pidversion === 'number') known.set(t.pid, t.pidversion);
  };
  events.forEach((raw, i) => {
    const report: Report = (path, message) => problems.push({ message: `event ${i + 1}: ${message}`, index: i, path });
    if (!isObj(raw)) {
      report([], "must be a mapping with at least 'type'");
      return;
    }
    const type = raw.type;
    let info: ReturnType<typeof eventTypeByName>;
    if (typeof type !== 'string' || type === '') report(['type'], "'type' (the ES event name, e.g. exec) is required");
    else {
      info = eventTypeByName(type);
      if (!info || info.kind === 'reserved') {
        info = undefined;
        report(['type'], `unknown ES event type '${type}'`);
      }
    }
    const name = info?.name;
    for (const k of Object.keys(raw)) {
      if (ALLOWED_TOP.has(k) || k === name || k === type) continue;
      if (name !== undefined) report([k], `unexpected key '${k}' (allowed: type, time, process, ${name})`);
      // Without a known type the payload key cannot be told; only a key naming no event type is surely wrong.
      else if (!eventTypeByName(k))
        report([k], `unexpected key '${k}' (allowed: type, time, process and a payload named like the type)`);
    }
    // Time (a bad one counts as absent, so later offsets still have a base).
    let us: number | undefined;
    const t = raw.time;
    if (typeof t === 'string' && t.trim().startsWith('+')) {
      const off = parseOffsetUs(t);
      if (off === undefined) report(['time'], `bad time offset '${t}' (use +500ms, +2s, +1m)`);
      else {
        us = (prevUs ?? opts.startUs ?? DEFAULT_START_US) + (prevUs === undefined ? 0 : off);
        if (prevUs === undefined) us += off;
      }
    } else if (typeof t === 'string') {
      us = parseTimeUs(t);
      if (us === undefined) report(['time'], `bad time '${t}' (RFC 3339, or an offset like +2s)`);
    } else if (t instanceof Date) {
      us = t.getTime() * 1000;
    } else if (t !== undefined) {
      report(['time'], "'time' must be a string (RFC 3339 or +offset)");
    }
    us ??= prevUs === undefined ? (opts.startUs ?? DEFAULT_START_US) : prevUs + DEFAULT_STEP_US;
    prevUs = us;

    const actor = processFrom(defaultProcess(), raw.process, i, ['process'], report, known);
    if (info === undefined || name === undefined) return;
    const payloadIn = raw[name] ?? raw[type as string];
    let userPayload: Obj = {};
    if (isObj(payloadIn)) userPayload = { ...payloadIn };
    else if (payloadIn !== undefined && payloadIn !== null) report([name], `'${name}' must be a mapping`);
    const payload = defaultPayload(name, actor);
    for (const pk of PROCESS_KEYS[name] ?? []) {
      let base = payload[pk] as Obj | null | undefined;
      if (name === 'exec' && pk === 'target') {
        // exec keeps the pid and bumps pidversion; the new image defaults to the actor's path.
        base = { ...actor, audit_token: { ...(actor.audit_token as Obj), pidversion: auditVer(actor) + 1 } };
        base.responsible_audit_token = { ...(base.audit_token as Obj) };
      }
      if (pk in userPayload) {
        const v = userPayload[pk];
        delete userPayload[pk];
        // An exec always has a target; elsewhere null is a real value (no instigator).
        if (v === null && !(name === 'exec' && pk === 'target')) payload[pk] = null;
        else payload[pk] = processFrom(base ?? defaultProcess(), v, i, [name, pk], report, known);
      } else if (base !== undefined) payload[pk] = base;
    }
    const merged = merge(payload, userPayload, i, [name]) as Obj;
    if (name === 'exec') {
      const exe = (merged.target as Obj).executable;
      if (!isObj(exe))
        report([name, 'target', 'executable'], 'exec.target.executable must be a file (a mapping or a path)');
      const tpath = (isObj(exe) ? exe.path : undefined) as string;
      if (merged.args === undefined) merged.args = [tpath];
      if (merged.dyld_exec_path === undefined) merged.dyld_exec_path = tpath;
      if (!Array.isArray(merged.args)) {
        report([name, 'args'], 'exec.args must be a list of strings');
        merged.args = [tpath];
      }
      // YAML reads `-bool true` or `-n 5` as a boolean and a number; argv is always strings.
      merged.args = (merged.args as unknown[]).map((a, j) => {
        if (typeof a === 'string') return a;
        if (typeof a === 'number' || typeof a === 'boolean') return String(a);
        report([name, 'args', j], `exec.args[${j}] must be a string, got ${JSON.stringify(a)}`);
        return '';
      });
    }
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    learn(actor);
    if (name === 'exec') learn(merged.target);
    if (name === 'fork') learn(merged.child);

    const seq = seqByType.get(name) ?? 0;
    seqByType.set(name, seq + 1);
    const msg: EsMessage = {
      schema_version: 1,
      version: opts.version ?? 8,
      time: formatTimeUs(us).replace(/Z$/, '000Z'),
      mach_time: us * 24,
      event_type: info.type,
      action_type: 1,
      action: { result: { result_type: 0, result: { auth: 0 } } },
      seq_num: seq,
      global_seq_num: global++,
      thread: { thread_id: 1000 + i },
      process: actor as unknown as EsProcess,
      event: { [name]: merged },
    };
    out.push(msg);
  });
  const [first, ...rest] = problems;
  if (first) throw new BriefEventError([first, ...rest]);
  return out;
}
