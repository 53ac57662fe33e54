// One file on purpose (~550 lines): the simulated Mac (process table, pids, signing, event rendering) is one stateful object.
import { EVENT_TYPES, FDTYPE, signingFor, type Signing } from './es.js';
import { Rng, hash32 } from './prng.js';

/** A process as the generator tracks it: one execution, identified by (pid, pidversion). */
export interface Proc {
  readonly pid: number;
  readonly pidversion: number;
  readonly ppid: number;
  readonly original_ppid: number;
  /** The process whose audit token is `parent_audit_token` (undefined: not known, token omitted). */
  readonly parent: Proc | undefined;
  /** The responsible process (undefined: the process is its own responsible process). */
  readonly responsible: Proc | undefined;
  readonly auid: number;
  readonly euid: number;
  readonly ruid: number;
  readonly egid: number;
  readonly rgid: number;
  readonly asid: number;
  readonly exe: string;
  readonly signing: Signing;
  readonly startNs: bigint;
  readonly group_id: number;
  readonly session_id: number;
  readonly tty: string | null;
  readonly threadId: number;
  readonly cwd: string;
  readonly is_es_client: boolean;
}

export interface ProcOptions {
  signing?: Partial<Signing>;
  euid?: number | undefined;
  ruid?: number | undefined;
  egid?: number | undefined;
  rgid?: number | undefined;
  auid?: number | undefined;
  asid?: number | undefined;
  tty?: string | null | undefined;
  cwd?: string | undefined;
  responsible?: Proc | null | undefined;
  is_es_client?: boolean | undefined;
  group_id?: number | undefined;
  session_id?: number | undefined;
  /** Force a pid (pid reuse scenarios). */
  pid?: number | undefined;
}

export interface ExecOptions extends ProcOptions {
  /** exec fds; default: stdin/stdout/stderr on the tty (vnodes) or /dev/null. */
  fds?: Array<{ fd: number; fdtype: number }> | undefined;
  env?: string[] | undefined;
  script?: string | null | undefined;
}

export interface WorldOptions {
  seed: number;
  /** RFC 3339 start time of the trace. */
  start: string;
  /** ES message version: 7 (macOS 13.3–14) or 8 (macOS 15.0–15.3); 9 for 15.4 events (tcc_modify). */
  version?: number | undefined;
  /** Seconds since boot at `start`; mach_time derives from it. */
  uptimeSeconds?: number | undefined;
  /** Username of uid 501. */
  user?: string | undefined;
}

export const ROOT = 0;
export const USER = 501;
const AU_DEFAUDITID = 4294967295;
const STAFF = 20;
const WHEEL = 0;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function parseIsoNs(iso: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) throw new RangeError(`not an RFC 3339 UTC time: ${iso}`);
  const secs = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  const frac = BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  return secs * 1_000_000_000n + frac;
}

/** RFC 3339 with nanoseconds, as eslogger prints message times. */
export function isoNs(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

/** RFC 3339 with microseconds, as eslogger prints process start times. */
function isoUs(ns: bigint): string {
  return isoNs(ns).slice(0, 26) + 'Z';
}

/**
 * A simulated Mac that writes eslogger JSON lines. Every method that does something a process
 * would do emits the ES messages it causes (fork then exec, open then close, …) with monotonic
 * `seq_num` per event type and `global_seq_num`, and advances the clock a little so timing looks
 * like a real capture. All randomness comes from the seeded Rng.
 */
export class World {
  readonly rng: Rng;
  readonly version: number;
  readonly user: string;
  private nowNs: bigint;
  private readonly bootNs: bigint;
  private readonly seqByType = new Map<string, number>();
  private globalSeq = 0;
  private nextPid = 300;
  private nextPidversion = 3000;
  private nextThread = 9000;
  private readonly out: string[] = [];
  private readonly fileSizes = new Map<string, number>();
  readonly launchd: Proc;
  readonly kernel: Proc;

  constructor(opts: WorldOptions) {
    this.rng = new Rng(opts.seed);
    this.version = opts.version ?? 7;
    this.user = opts.user ?? 'alice';
    this.nowNs = parseIsoNs(opts.start);
    this.bootNs = this.nowNs - BigInt(opts.uptimeSeconds ?? 3 * 3600) * 1_000_000_000n;
    this.kernel = this.existing('/System/Library/Kernels/kernel', { pid: 0, auid: AU_DEFAUDITID, asid: 0 }, undefined);
    this.launchd = this.existing('/sbin/launchd', { pid: 1, auid: AU_DEFAUDITID, asid: 100000 }, undefined);
  }

  /** Current time in µs since the epoch (what Nightjar's engine uses). */
  get nowUs(): number {
    return Number(this.nowNs / 1000n);
  }
  get now(): string {
    return isoNs(this.nowNs);
  }
  get home(): string {
    return `/Users/${this.user}`;
  }

  // ---- clock ---------------------------------------------------------------------------------

  /** Advance the clock by `ms` milliseconds (fractions allowed). */
  sleep(ms: number): void {
    if (ms < 0) throw new RangeError('time only moves forward');
    this.nowNs += BigInt(Math.round(ms * 1_000_000));
  }
  /** A short random pause between two syscalls of one process (20 µs – `maxMs`). */
  tick(maxMs = 0.4): void {
    this.sleep(0.02 + this.rng.next() * maxMs);
  }
  /** A human or scheduler pause: uniform in [lo, hi] milliseconds. */
  pause(loMs: number, hiMs: number): void {
    this.sleep(loMs + this.rng.next() * (hiMs - loMs));
  }

  // ---- processes -----------------------------------------------------------------------------

  private allocPid(): number {
    // Other processes we do not see take pids in between.
    this.nextPid += this.rng.int(1, 4);
    if (this.nextPid > 99_998) this.nextPid = 300;
    return this.nextPid;
  }
  private allocPidversion(): number {
    this.nextPidversion += this.rng.int(1, 6);
    return this.nextPidversion;
  }

  private make(exe: string, o: ProcOptions, parent: Proc | undefined, pid: number, base?: Proc): Proc {
    const euid = o.euid ?? base?.euid ?? parent?.euid ?? USER;
    const ruid = o.ruid ?? base?.ruid ?? parent?.ruid ?? euid;
    const responsible = o.responsible === null ? undefined : (o.responsible ?? base?.responsible);
    return {
      pid,
      pidversion: this.allocPidversion(),
      ppid: parent?.pid ?? base?.ppid ?? 1,
      original_ppid: base?.original_ppid ?? parent?.pid ?? 1,
      parent: parent ?? base?.parent,
      responsible,
      auid: o.auid ?? base?.auid ?? parent?.auid ?? USER,
      euid,
      ruid,
      egid: o.egid ?? base?.egid ?? parent?.egid ?? (euid === ROOT ? WHEEL : STAFF),
      rgid: o.rgid ?? base?.rgid ?? parent?.rgid ?? (ruid === ROOT ? WHEEL : STAFF),
      asid: o.asid ?? base?.asid ?? parent?.asid ?? 100008,
      exe,
      signing: signingFor(exe, o.signing),
      startNs: base?.startNs ?? this.nowNs,
      group_id: o.group_id ?? base?.group_id ?? (parent && parent.pid > 1 ? parent.group_id : pid),
      session_id: o.session_id ?? base?.session_id ?? (parent && parent.pid > 1 ? parent.session_id : pid),
      tty: o.tty !== undefined ? o.tty : (base?.tty ?? parent?.tty ?? null),
      threadId: base?.threadId ?? (this.nextThread += this.rng.int(3, 40)),
      cwd: o.cwd ?? base?.cwd ?? parent?.cwd ?? '/',
      is_es_client: o.is_es_client ?? false,
    };
  }

  /**
   * A process already running when the capture starts: no event is emitted, but its process object
   * appears whenever it acts (this is what a real capture looks like — lineage starts incomplete).
   */
  existing(exe: string, o: ProcOptions = {}, parent: Proc | undefined = this.launchd): Proc {
    const pid = o.pid ?? this.allocPid();
    const p = this.make(exe, { ...o }, parent, pid);
    return { ...p, startNs: this.bootNs + BigInt(this.rng.int(1, 3000)) * 1_000_000n };
  }

  /** fork(2): the child is a copy of the parent (same image, new pid and pidversion). */
  fork(parent: Proc, o: ProcOptions = {}): Proc {
    const pid = o.pid ?? this.allocPid();
    const child: Proc = {
      ...this.make(parent.exe, { signing: parent.signing, ...o }, parent, pid),
      // A child inherits its parent's responsible process; launchd's children are their own.
      responsible:
        o.responsible === null
          ? undefined
          : (o.responsible ?? (parent.pid === 1 ? undefined : (parent.responsible ?? parent))),
      signing: parent.signing,
      original_ppid: parent.pid,
      startNs: this.nowNs,
      threadId: (this.nextThread += this.rng.int(3, 40)),
    };
    this.emit('fork', parent, { child: this.procJson(child) });
    this.tick(0.3);
    return child;
  }

  /** execve(2): same pid, new pidversion and image; `process` is the image before, `target` after. */
  exec(proc: Proc, exe: string, args: string[], o: ExecOptions = {}): Proc {
    const target = this.make(exe, o, proc.parent, proc.pid, proc);
    const fds = o.fds ?? this.defaultFds(target);
    const payload: Record<string, Json> = {
      target: this.procJson(target),
      args,
      fds: fds.map((f) => ({ fd: f.fd, fdtype: f.fdtype })),
      cwd: this.file(target.cwd, 'dir'),
      script: o.script ? this.file(o.script) : null,
      last_fd: fds.reduce((m, f) => Math.max(m, f.fd), 0),
      image_cputype: 16777228,
      image_cpusubtype: 2,
      dyld_exec_path: exe,
    };
    if (o.env) payload.env = o.env;
    this.emit('exec', proc, payload);
    this.tick(0.8);
    return target;
  }

  /** fork then exec, the way posix_spawn and shells start a program. */
  spawn(parent: Proc, exe: string, args: string[], o: ExecOptions = {}): Proc {
    const child = this.fork(parent, { pid: o.pid });
    return this.exec(child, exe, args, { ...o, pid: undefined });
  }

  /**
   * A launchd job: launchd forks, the child becomes xpcproxy, which execs the service. The
   * service's parent is launchd; `responsible` says who asked for it (an app for its XPC service).
   */
  launch(exe: string, args: string[] = [exe], o: ExecOptions = {}): Proc {
    const uid = o.euid ?? USER;
    const child = this.fork(this.launchd, {
      pid: o.pid,
      euid: uid,
      ruid: uid,
      auid: o.auid ?? (uid === ROOT ? AU_DEFAUDITID : USER),
      asid: o.asid ?? (uid === ROOT ? 100000 : 100008),
    });
    const proxy = this.exec(child, '/usr/libexec/xpcproxy', ['xpcproxy', 'application.' + exe.split('/').pop()], {
      fds: [],
      responsible: null,
    });
    return this.exec(proxy, exe, args, {
      ...o,
      fds: o.fds ?? [
        { fd: 0, fdtype: FDTYPE.VNODE },
        { fd: 1, fdtype: FDTYPE.VNODE },
        { fd: 2, fdtype: FDTYPE.VNODE },
      ],
      pid: undefined,
      tty: null,
    });
  }

  exit(proc: Proc, stat = 0): void {
    this.emit('exit', proc, { stat });
    this.tick(0.2);
  }

  private defaultFds(p: Proc): Array<{ fd: number; fdtype: number }> {
    return [0, 1, 2].map((fd) => ({ fd, fdtype: FDTYPE.VNODE })).concat(p.tty ? [] : []);
  }

  // ---- file and other events ---------------------------------------------------------------

  open(p: Proc, path: string, fflag = 0x1): void {
    this.emit('open', p, { fflag, file: this.file(path) });
    this.tick(0.1);
  }
  close(p: Proc, path: string, modified = false): void {
    this.emit('close', p, { modified, target: this.file(path), was_mapped_writable: false });
    this.tick(0.1);
  }
  write(p: Proc, path: string, bytes = 4096): void {
    this.fileSizes.set(path, (this.fileSizes.get(path) ?? 0) + bytes);
    this.emit('write', p, { target: this.file(path) });
    this.tick(0.05);
  }
  create(p: Proc, path: string, kind: 'file' | 'exe' | 'dir' = 'file'): void {
    this.fileSizes.set(path, 0);
    this.emit('create', p, { destination_type: 0, destination: { existing_file: this.file(path, kind) } });
    this.tick(0.1);
  }
  rename(p: Proc, from: string, to: string): void {
    const i = to.lastIndexOf('/');
    this.emit('rename', p, {
      source: this.file(from),
      destination_type: 1,
      destination: { new_path: { dir: this.file(to.slice(0, i) || '/', 'dir'), filename: to.slice(i + 1) } },
    });
    this.fileSizes.set(to, this.fileSizes.get(from) ?? 0);
    this.tick(0.1);
  }
  unlink(p: Proc, path: string): void {
    this.emit('unlink', p, {
      target: this.file(path),
      parent_dir: this.file(path.slice(0, path.lastIndexOf('/')) || '/', 'dir'),
    });
    this.fileSizes.delete(path);
    this.tick(0.1);
  }
  truncate(p: Proc, path: string): void {
    this.fileSizes.set(path, 0);
    this.emit('truncate', p, { target: this.file(path) });
    this.tick(0.05);
  }
  utimes(p: Proc, path: string, atime = '1970-01-01T00:00:00.000000000Z', mtime = atime): void {
    this.emit('utimes', p, { target: this.file(path), atime, mtime });
    this.tick(0.05);
  }
  fcntl(p: Proc, path: string, cmd: number): void {
    this.emit('fcntl', p, { target: this.file(path), cmd });
    this.tick(0.05);
  }
  readdir(p: Proc, dir: string): void {
    this.emit('readdir', p, { target: this.file(dir, 'dir') });
    this.tick(0.05);
  }
  mmap(p: Proc, path: string, protection: number, max_protection = 7, flags = 0x2, file_pos = 0): void {
    this.emit('mmap', p, { protection, max_protection, flags, file_pos, source: this.file(path) });
    this.tick(0.05);
  }
  mprotect(p: Proc, protection: number, address: number, size: number): void {
    this.emit('mprotect', p, { protection, address, size });
    this.tick(0.03);
  }
  iokitOpen(p: Proc, user_client_class: string, user_client_type = 0): void {
    this.emit('iokit_open', p, { user_client_type, user_client_class });
    this.tick(0.2);
  }
  signal(p: Proc, target: Proc, sig: number): void {
    this.emit('signal', p, { sig, target: this.procJson(target) });
    this.tick(0.1);
  }
  setextattr(p: Proc, path: string, extattr: string): void {
    this.emit('setextattr', p, { target: this.file(path), extattr });
    this.tick(0.1);
  }
  deleteextattr(p: Proc, path: string, extattr: string): void {
    this.emit('deleteextattr', p, { target: this.file(path), extattr });
    this.tick(0.1);
  }
  setowner(p: Proc, path: string, uid: number, gid: number): void {
    this.emit('setowner', p, { uid, gid, target: this.file(path) });
    this.tick(0.1);
  }
  setmode(p: Proc, path: string, mode: number): void {
    this.emit('setmode', p, { mode, target: this.file(path) });
    this.tick(0.1);
  }
  setflags(p: Proc, path: string, flags: number): void {
    this.emit('setflags', p, { flags, target: this.file(path) });
    this.tick(0.1);
  }
  kextload(p: Proc, identifier: string): void {
    this.emit('kextload', p, { identifier });
    this.tick(1);
  }
  procCheck(p: Proc, target: Proc | null, type: number, flavor = 0): void {
    this.emit('proc_check', p, { target: target ? this.procJson(target) : null, type, flavor });
    this.tick(0.02);
  }
  getTask(p: Proc, target: Proc): void {
    this.emit('get_task', p, { target: this.procJson(target), type: 0 });
    this.tick(0.2);
  }
  remoteThreadCreate(p: Proc, target: Proc): void {
    this.emit('remote_thread_create', p, { target: this.procJson(target), thread_state: null });
    this.tick(0.2);
  }
  csInvalidated(p: Proc): void {
    this.emit('cs_invalidated', p, {});
    this.tick(0.1);
  }
  uipcConnect(p: Proc, path: string): void {
    this.emit('uipc_connect', p, { file: this.file(path), domain: 1, type: 1, protocol: 0 });
    this.tick(0.1);
  }
  /** A launch item registered with Background Task Management (login item, agent, daemon). */
  btmLaunchItemAdd(
    p: Proc,
    item: {
      itemType: number;
      url: string;
      executable: string;
      uid?: number;
      app?: Proc | null;
      legacy?: boolean;
      instigator?: Proc;
    },
  ): void {
    this.emit('btm_launch_item_add', p, {
      instigator: this.procJson(item.instigator ?? p),
      app: item.app ? this.procJson(item.app) : null,
      item: {
        item_type: item.itemType,
        legacy: item.legacy ?? true,
        managed: false,
        uid: item.uid ?? USER,
        item_url: item.url,
        app_url: null,
      },
      executable_path: item.executable,
    });
    this.tick(1);
  }
  tccModify(
    p: Proc,
    t: {
      service: string;
      identity: string;
      identityType: number;
      updateType: number;
      right: number;
      reason: number;
      responsible?: Proc;
    },
  ): void {
    this.emit('tcc_modify', p, {
      service: t.service,
      identity: t.identity,
      identity_type: t.identityType,
      update_type: t.updateType,
      instigator_token: this.token(p),
      instigator: this.procJson(p),
      responsible_token: t.responsible ? this.token(t.responsible) : null,
      responsible: t.responsible ? this.procJson(t.responsible) : null,
      right: t.right,
      reason: t.reason,
    });
    this.tick(1);
  }
  sudo(p: Proc, s: { success: boolean; command: string; toUid?: number }): void {
    const toUid = s.toUid ?? ROOT;
    this.emit('sudo', p, {
      success: s.success,
      reject_info: s.success
        ? null
        : { plugin_name: 'sudoers', plugin_type: 1, failure_message: 'incorrect password attempt' },
      has_from_uid: true,
      from_uid: USER,
      from_username: this.user,
      has_to_uid: true,
      to_uid: toUid,
      to_username: toUid === ROOT ? 'root' : this.user,
      command: s.command,
    });
    this.tick(1);
  }
  su(p: Proc, s: { success: boolean; toUid?: number; argv?: string[] }): void {
    const toUid = s.toUid ?? ROOT;
    const argv = s.argv ?? ['su', '-'];
    this.emit('su', p, {
      success: s.success,
      failure_message: s.success ? null : 'Sorry',
      from_uid: USER,
      from_username: this.user,
      has_to_uid: true,
      to_uid: toUid,
      to_username: toUid === ROOT ? 'root' : this.user,
      shell: '/bin/sh',
      argc: argv.length,
      argv,
      env_count: 0,
      env: [],
    });
    this.tick(1);
  }
  odGroupAdd(p: Proc, group: string, member: string): void {
    this.emit('od_group_add', p, {
      instigator: this.procJson(p),
      error_code: 0,
      group_name: group,
      member: { member_type: 0, member_value: { name: member } },
      node_name: '/Local/Default',
      db_path: null,
      instigator_token: this.token(p),
    });
    this.tick(1);
  }

  // ---- rendering -----------------------------------------------------------------------------

  private token(p: Proc): Json {
    return {
      auid: p.auid,
      euid: p.euid,
      egid: p.egid,
      ruid: p.ruid,
      rgid: p.rgid,
      pid: p.pid,
      asid: p.asid,
      pidversion: p.pidversion,
    };
  }

  procJson(p: Proc): { [k: string]: Json } {
    const o: { [k: string]: Json } = {
      audit_token: this.token(p),
      parent_audit_token: p.parent ? this.token(p.parent) : this.token(this.launchd),
      responsible_audit_token: this.token(p.responsible ?? p),
      ppid: p.ppid,
      original_ppid: p.original_ppid,
      group_id: p.group_id,
      session_id: p.session_id,
      codesigning_flags: p.signing.codesigning_flags,
      is_platform_binary: p.signing.is_platform_binary,
      is_es_client: p.is_es_client,
      cdhash: p.signing.cdhash,
      signing_id: p.signing.signing_id,
      team_id: p.signing.team_id,
      executable: this.file(p.exe, 'exe'),
      tty: p.tty ? this.file(p.tty, 'tty') : null,
      start_time: isoUs(p.startNs),
    };
    if (p.pid === 0) o.parent_audit_token = this.token(p);
    return o;
  }

  /** An es_file_t with a stat that is a pure function of the path (same file, same inode). */
  file(path: string, kind: 'file' | 'exe' | 'dir' | 'tty' = 'file'): { [k: string]: Json } {
    const h = hash32(path);
    const isExe = kind === 'exe' || /\/(s?bin|MacOS|libexec)\//.test(path);
    const mode = kind === 'dir' ? 16877 : kind === 'tty' ? 8592 : isExe ? 33261 : 33188;
    const size = kind === 'dir' ? 64 + (h % 40) * 32 : (this.fileSizes.get(path) ?? 512 + (h % 200_000));
    const mtime = this.bootNs - BigInt(h % 9_000_000) * 1_000_000_000n;
    const system =
      path.startsWith('/System/') || path.startsWith('/usr/') || path.startsWith('/bin/') || path.startsWith('/sbin/');
    const uid = path.startsWith(this.home) || path.startsWith('/dev/ttys') ? USER : ROOT;
    return {
      path,
      path_truncated: false,
      stat: {
        st_dev: system ? 16777233 : kind === 'tty' ? 268435456 : 16777234,
        st_ino: kind === 'tty' ? 1000 + (h % 500) : 100000 + (h % 90_000_000),
        st_mode: mode,
        st_nlink: kind === 'dir' ? 2 + (h % 30) : 1,
        st_uid: uid,
        st_gid: uid === USER ? STAFF : WHEEL,
        st_rdev: kind === 'tty' ? 268435456 + (h % 20) : 0,
        st_size: size,
        st_blocks: Math.ceil(size / 512),
        st_blksize: 4096,
        st_flags: system ? 0x80000 : 0,
        st_gen: 0,
        st_atimespec: isoNs(mtime),
        st_mtimespec: isoNs(mtime),
        st_ctimespec: isoNs(mtime),
        st_birthtimespec: isoNs(mtime - 86_400_000_000_000n),
      },
    };
  }

  /** Emit one ES message of event `name` by `proc`; the payload goes under `event.<name>`. */
  emit(name: string, proc: Proc, payload: { [k: string]: Json }): void {
    const type = EVENT_TYPES[name];
    if (type === undefined) throw new RangeError(`unknown event type ${name}`);
    const seq = this.seqByType.get(name) ?? 0;
    this.seqByType.set(name, seq + 1);
    const msg = {
      schema_version: 1,
      mach_time: Number(((this.nowNs - this.bootNs) * 3n) / 125n),
      event_type: type,
      thread: { thread_id: proc.threadId },
      version: name === 'tcc_modify' ? Math.max(this.version, 9) : this.version,
      seq_num: seq,
      global_seq_num: this.globalSeq++,
      time: isoNs(this.nowNs),
      action_type: 1,
      action: { result: { result_type: 0, result: { auth: 0 } } },
      process: this.procJson(proc),
      event: { [name]: payload },
    };
    // eslogger escapes forward slashes; keep that so readers are tested against the real thing.
    this.out.push(JSON.stringify(msg).replace(/\//g, '\\/'));
  }

  /** Number of messages written so far. */
  get count(): number {
    return this.out.length;
  }

  /** The trace as JSON lines (each ending in a newline). */
  text(): string {
    return this.out.length ? this.out.join('\n') + '\n' : '';
  }
}
