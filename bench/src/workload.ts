/**
 * Deterministic synthetic captures in eslogger's JSON shape, with the event-type mix of a busy Mac
 * (open/close/stat heavy, few execs). Sizes match real lines: ~1.8 KB for open, ~3.4 KB for exec.
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

const IMAGES = [
  ['/usr/libexec/xpcproxy', 'com.apple.xpc.proxy', true],
  [
    '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared',
    'com.apple.mdworker_shared',
    true,
  ],
  ['/Applications/Safari.app/Contents/MacOS/Safari', 'com.apple.Safari', true],
  ['/usr/bin/git', 'com.apple.git', true],
  ['/Applications/Visual Studio Code.app/Contents/MacOS/Electron', 'com.microsoft.VSCode', false],
  ['/bin/zsh', 'com.apple.zsh', true],
  ['/usr/sbin/cfprefsd', 'com.apple.cfprefsd.xpc.daemon', true],
  ['/opt/homebrew/bin/node', 'node', false],
] as const;

function token(pid: number, pidversion: number, uid: number): Record<string, number> {
  return { auid: uid, euid: uid, egid: 20, ruid: uid, rgid: 20, pid, asid: 100012, pidversion };
}

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

function proc(pid: number, pidversion: number, img: (typeof IMAGES)[number], r: () => number): Record<string, unknown> {
  return {
    audit_token: token(pid, pidversion, 501),
    parent_audit_token: token(1, 1, 0),
    responsible_audit_token: token(pid, pidversion, 501),
    ppid: 1,
    original_ppid: 1,
    group_id: pid,
    session_id: 100012,
    codesigning_flags: 570522385,
    is_platform_binary: img[2],
    is_es_client: false,
    cdhash: '5DCE46942A1ECFCAED58BDCAFE5159393F767F74',
    signing_id: img[1],
    team_id: img[2] ? null : 'UBF8T346G9',
    executable: file(img[0], r),
    tty: null,
    start_time: '2024-05-01T09:59:58.123456Z',
  };
}

/** Produce `count` eslogger lines with the given mix; deterministic for a seed. */
export function generateCapture(count: number, seed = 7, mix = BUSY_MAC_MIX): string[] {
  const r = prng(seed);
  const total = mix.reduce((s, [, w]) => s + w, 0);
  const seqs: Record<string, number> = {};
  const lines: string[] = [];
  let t = Date.UTC(2024, 4, 1, 10, 0, 0) * 1000;
  for (let i = 0; i < count; i++) {
    let x = r() * total;
    let type = mix[0]![0];
    for (const [name, w] of mix) {
      if ((x -= w) < 0) {
        type = name;
        break;
      }
    }
    t += Math.floor(r() * 200);
    const img = IMAGES[Math.floor(r() * IMAGES.length)]!;
    const pid = 300 + Math.floor(r() * 400);
    const actor = proc(pid, pid * 3 + 1, img, r);
    const path = `/Users/alice/Library/Caches/${img[1]}/f${Math.floor(r() * 5000)}.db`;
    let payload: Record<string, unknown>;
    switch (type) {
      case 'exec':
        payload = {
          target: proc(pid, pid * 3 + 2, IMAGES[Math.floor(r() * IMAGES.length)]!, r),
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
      case 'fork':
        payload = { child: proc(pid + 1000, pid * 3 + 5, img, r) };
        break;
      case 'exit':
        payload = { stat: 0 };
        break;
      case 'open':
        payload = { fflag: 1, file: file(path, r) };
        break;
      case 'close':
        payload = { modified: r() < 0.2, target: file(path, r), was_mapped_writable: false };
        break;
      case 'write':
      case 'stat':
      case 'readdir':
        payload = { target: file(path, r) };
        break;
      case 'fcntl':
        payload = { target: file(path, r), cmd: 48 };
        break;
      case 'lookup':
        payload = { source_dir: file('/Users/alice/Library', r), relative_target: 'Caches' };
        break;
      case 'mmap':
        payload = { protection: 1, max_protection: 7, flags: 1, file_pos: 0, source: file(path, r) };
        break;
      case 'mprotect':
        payload = { protection: 5, address: 4345298944, size: 16384 };
        break;
      case 'create':
        payload = { destination_type: 0, destination: { existing_file: file(path, r) } };
        break;
      case 'rename':
        payload = {
          source: file(path, r),
          destination_type: 0,
          destination: { existing_file: file(`${path}.new`, r) },
        };
        break;
      case 'unlink':
        payload = { target: file(path, r), parent_dir: file('/Users/alice/Library/Caches', r) };
        break;
      case 'iokit_open':
        payload = { user_client_type: 0, user_client_class: 'IOSurfaceRootUserClient' };
        break;
      default:
        payload = {};
    }
    seqs[type] = (seqs[type] ?? -1) + 1;
    const secs = Math.floor(t / 1e6);
    const iso = new Date(secs * 1000).toISOString().slice(0, 19) + '.' + String(t % 1e6).padStart(6, '0') + '000Z';
    lines.push(
      JSON.stringify({
        schema_version: 1,
        version: 7,
        time: iso,
        mach_time: t * 24,
        event_type: TYPE_NUMBERS[type],
        action_type: 1,
        action: { result: { result_type: 0, result: { auth: 0 } } },
        seq_num: seqs[type],
        global_seq_num: i,
        thread: { thread_id: 1000 + pid },
        process: actor,
        event: { [type]: payload },
      }),
    );
  }
  return lines;
}
