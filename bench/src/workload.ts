import { processAs, type ProcessObject } from './real-processes.js';

/**
 * Deterministic synthetic captures in eslogger's JSON shape, with the event-type mix of a busy Mac
 * (open/close/stat heavy, few execs), acted by a live process world of real process objects.
 */

/** Small seeded PRNG (mulberry32) so every run sees the same bytes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A busy Mac's mix (weights): the heavy types dominate, process events are rare. */
export const BUSY_MAC_MIX: ReadonlyArray<readonly [string, number]> = [
  ['open', 30],
  ['close', 28],
  ['stat', 14],
  ['lookup', 6],
  ['write', 7],
  ['mmap', 3],
  ['readdir', 2],
  ['fcntl', 2],
  ['create', 1.5],
  ['rename', 0.6],
  ['unlink', 0.6],
  ['fork', 1.2],
  ['exec', 1.2],
  ['exit', 1.2],
  ['mprotect', 0.8],
  ['iokit_open', 0.2],
];

const TYPE_NUMBERS: Record<string, number> = {
  exec: 9,
  open: 10,
  fork: 11,
  close: 12,
  create: 13,
  exit: 15,
  mmap: 20,
  mprotect: 21,
  iokit_open: 24,
  rename: 25,
  unlink: 32,
  write: 33,
  lookup: 43,
  stat: 54,
  fcntl: 62,
  readdir: 68,
};

function stat(r: () => number): Record<string, unknown> {
  return {
    st_dev: 16777232,
    st_ino: Math.floor(r() * 1e7),
    st_mode: 33188,
    st_nlink: 1,
    st_uid: 501,
    st_gid: 20,
    st_rdev: 0,
    st_size: Math.floor(r() * 1e6),
    st_blocks: 8,
    st_blksize: 4096,
    st_flags: 0,
    st_gen: 0,
    st_atimespec: '2024-05-01T10:00:00.000000000Z',
    st_mtimespec: '2024-05-01T10:00:00.000000000Z',
    st_ctimespec: '2024-05-01T10:00:00.000000000Z',
    st_birthtimespec: '2024-05-01T10:00:00.000000000Z',
  };
}

function file(path: string, r: () => number): Record<string, unknown> {
  return { path, path_truncated: false, stat: stat(r) };
}

/** Options of a capture: the live process world it is drawn from. */
export interface CaptureOptions {
  /** Event-type mix (weights). */
  mix?: ReadonlyArray<readonly [string, number]>;
  /** Live processes the world holds (forks and exits keep it near this). Default 2,000. */
  liveProcesses?: number;
  /** Real process objects to dress processes in (bench/src/real-processes.ts). */
  templates: readonly ProcessObject[];
}

interface Proc {
  pid: number;
  pv: number;
  ppid: number;
  ppv: number;
  tmpl: number;
  start: string;
  /** Index in World.live (swap-removal). */
  at: number;
  /** Live children. */
  kids: number;
}

/**
 * A live process world: launchd at the root, a tree grown by picking a random existing parent for
 * each new process (so depths spread as on a real Mac: most processes a few levels down, some
 * chains a dozen deep), forks that add children of the acting process, execs that give it a new
 * pidversion and image, exits that free its pid. Pids are allocated upwards and wrap, skipping
 * live ones, so freed pids are reused by later processes (with higher pidversions), as xnu does.
 */
export class ProcessWorld {
  readonly live: Proc[] = [];
  private readonly byPid = new Map<number, Proc>();
  private nextPid = 100;
  private nextPv = 1000;
  private readonly pidMax: number;
  /** Exits since the start (their pids return to the pool). */
  exits = 0;
  /** New processes that got a pid an earlier process of this world had. */
  reused = 0;
  private readonly everUsed = new Set<number>();

  constructor(
    readonly target: number,
    private readonly r: () => number,
    private readonly templates: readonly ProcessObject[],
    private readonly t0: string,
  ) {
    // A pid space twice the live set, pids scattered and the counter at a random point: a machine
    // that has been up a while, where new pids soon land on ones freed by earlier exits.
    this.pidMax = 100 + Math.max(1_000, target * 2);
    const launchd: Proc = { pid: 1, pv: 1, ppid: 0, ppv: 0, tmpl: 0, start: t0, at: 0, kids: 0 };
    this.live.push(launchd);
    this.byPid.set(1, launchd);
    while (this.live.length < target) {
      this.nextPid = 100 + Math.floor(r() * (this.pidMax - 100));
      // Two in five are launchd's own (daemons, agents, apps); the rest hang under a random process.
      this.spawn(r() < 0.4 ? launchd : this.live[Math.floor(r() * this.live.length)]!, t0);
    }
    this.nextPid = 100 + Math.floor(r() * (this.pidMax - 100));
  }

  /** A new child of `parent`, started at `start`. */
  spawn(parent: Proc, start: string): Proc {
    let pid = this.nextPid;
    while (this.byPid.has(pid)) pid = pid >= this.pidMax ? 100 : pid + 1;
    this.nextPid = pid >= this.pidMax ? 100 : pid + 1;
    if (this.everUsed.has(pid)) this.reused++;
    else this.everUsed.add(pid);
    const p: Proc = {
      pid,
      pv: this.nextPv++,
      ppid: parent.pid,
      ppv: parent.pv,
      tmpl: parent.tmpl,
      start,
      at: this.live.length,
      kids: 0,
    };
    parent.kids++;
    this.live.push(p);
    this.byPid.set(pid, p);
    return p;
  }

  /** exec: the same pid, a new pidversion and (usually) a new image. */
  exec(p: Proc): void {
    p.pv = this.nextPv++;
    p.tmpl = Math.floor(this.r() * this.templates.length);
  }

  exit(p: Proc): void {
    if (p.pid === 1) return;
    const parent = this.byPid.get(p.ppid);
    if (parent !== undefined && parent.pv === p.ppv) parent.kids--;
    const last = this.live.pop()!;
    if (last !== p) {
      this.live[p.at] = last;
      last.at = p.at;
    }
    this.byPid.delete(p.pid);
    this.exits++;
  }

  /** The acting process of the next event: half the events come from a busy few, the rest from anyone. */
  actor(): Proc {
    const n = this.live.length;
    const busy = Math.min(n, 64);
    return this.live[this.r() < 0.5 ? Math.floor(this.r() * busy) : Math.floor(this.r() * n)]!;
  }

  /**
   * The process of the next exit: short-lived leaves go first, as on a Mac (a command exits, its
   * shell stays): the newest of a few recent processes without live children, else the actor.
   */
  exiting(): Proc {
    const n = this.live.length;
    for (let k = 0; k < 8 && k < n - 1; k++) {
      const p = this.live[n - 1 - Math.floor(this.r() * Math.min(n - 1, 256))]!;
      if (p.kids === 0 && p.pid !== 1) return p;
    }
    return this.actor();
  }

  object(p: Proc): ProcessObject {
    return processAs(this.templates[p.tmpl]!, p.pid, p.pv, p.ppid, p.ppv, p.start);
  }

  /** Depth of a live process (launchd = 0), following ppid through live processes (an exec keeps the pid). */
  depth(p: Proc): number {
    let d = 0;
    for (let q: Proc | undefined = p; q !== undefined && q.pid !== 1 && d < 1000; d++) q = this.byPid.get(q.ppid);
    return d;
  }
}

function isoAt(tUs: number): string {
  const secs = Math.floor(tUs / 1e6);
  return new Date(secs * 1000).toISOString().slice(0, 19) + '.' + String(tUs % 1e6).padStart(6, '0') + '000Z';
}

/**
 * A capture generator: `next()` is the next eslogger line of a busy Mac's mix, with its actor from
 * the live process world; fork/exec/exit events change the world. Deterministic for a seed.
 */
export class CaptureStream {
  readonly world: ProcessWorld;
  private readonly r: () => number;
  private readonly mix: ReadonlyArray<readonly [string, number]>;
  private readonly total: number;
  private readonly seqs: Record<string, number> = {};
  private t = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000;
  private i = 0;

  constructor(seed: number, opts: CaptureOptions) {
    this.r = prng(seed);
    this.mix = opts.mix ?? BUSY_MAC_MIX;
    this.total = this.mix.reduce((s, [, w]) => s + w, 0);
    this.world = new ProcessWorld(opts.liveProcesses ?? 2_000, this.r, opts.templates, isoAt(this.t - 5_000_000));
  }

  next(): string {
    const r = this.r;
    const world = this.world;
    let x = r() * this.total;
    let type = this.mix[0]![0];
    for (const [name, w] of this.mix) {
      if ((x -= w) < 0) {
        type = name;
        break;
      }
    }
    // Forks and exits keep the world near its size.
    const n = world.live.length;
    if (type === 'exit' && n < world.target * 0.95) type = 'fork';
    else if (type === 'fork' && n > world.target * 1.05) type = 'exit';
    this.t += Math.floor(r() * 200);
    const i = this.i++;
    const a = type === 'exit' ? world.exiting() : world.actor();
    const actor = world.object(a);
    const dir = CACHE_DIRS[Math.floor(r() * CACHE_DIRS.length)]!;
    const path = `/Users/alice/Library/Caches/${dir}/f${Math.floor(r() * 5000)}.db`;
    let payload: Record<string, unknown>;
    switch (type) {
      case 'exec': {
        world.exec(a);
        payload = {
          target: world.object(a),
          args: ['/usr/bin/git', 'status', '--porcelain', `--work-tree=/Users/alice/src/p${i % 50}`],
          env: Array.from({ length: 20 }, (_, k) => `VAR_${k}=/Users/alice/value/${k}`),
          fds: [
            { fd: 0, fdtype: 1 },
            { fd: 1, fdtype: 1 },
            { fd: 2, fdtype: 1 },
          ],
          cwd: file('/Users/alice/src', r),
          script: null,
          last_fd: 2,
          image_cputype: 16777228,
          image_cpusubtype: 2,
          dyld_exec_path: '/usr/bin/git',
        };
        break;
      }
      case 'fork': {
        const child = world.spawn(a, isoAt(this.t));
        payload = { child: world.object(child) };
        break;
      }
      case 'exit':
        world.exit(a);
        payload = { stat: 0 };
        break;
      default:
        payload = payloadOf(type, path, r);
    }
    this.seqs[type] = (this.seqs[type] ?? -1) + 1;
    return JSON.stringify({
      schema_version: 1,
      version: 7,
      time: isoAt(this.t),
      mach_time: this.t * 24,
      event_type: TYPE_NUMBERS[type],
      action_type: 1,
      action: { result: { result_type: 0, result: { auth: 0 } } },
      seq_num: this.seqs[type],
      global_seq_num: i,
      thread: { thread_id: 1000 + a.pid },
      process: actor,
      event: { [type]: payload },
    });
  }
}

/** Cache directories of file paths (com.apple.Safari's is what a generated rule template looks for). */
const CACHE_DIRS = [
  'com.apple.Safari',
  'com.apple.xpc.proxy',
  'com.apple.mdworker_shared',
  'com.apple.git',
  'com.microsoft.VSCode',
  'com.apple.zsh',
  'com.apple.cfprefsd.xpc.daemon',
  'node',
];

function payloadOf(type: string, path: string, r: () => number): Record<string, unknown> {
  switch (type) {
    case 'open':
      return { fflag: 1, file: file(path, r) };
    case 'close':
      return { modified: r() < 0.2, target: file(path, r), was_mapped_writable: false };
    case 'write':
    case 'stat':
    case 'readdir':
      return { target: file(path, r) };
    case 'fcntl':
      return { target: file(path, r), cmd: 48 };
    case 'lookup':
      return { source_dir: file('/Users/alice/Library', r), relative_target: 'Caches' };
    case 'mmap':
      return { protection: 1, max_protection: 7, flags: 1, file_pos: 0, source: file(path, r) };
    case 'mprotect':
      return { protection: 5, address: 4345298944, size: 16384 };
    case 'create':
      return { destination_type: 0, destination: { existing_file: file(path, r) } };
    case 'rename':
      return { source: file(path, r), destination_type: 0, destination: { existing_file: file(`${path}.new`, r) } };
    case 'unlink':
      return { target: file(path, r), parent_dir: file('/Users/alice/Library/Caches', r) };
    case 'iokit_open':
      return { user_client_type: 0, user_client_class: 'IOSurfaceRootUserClient' };
    default:
      return {};
  }
}

/** `count` eslogger lines from a fresh CaptureStream; deterministic for a seed. */
export function generateCapture(count: number, seed: number, opts: CaptureOptions): string[] {
  const s = new CaptureStream(seed, opts);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(s.next());
  return lines;
}
