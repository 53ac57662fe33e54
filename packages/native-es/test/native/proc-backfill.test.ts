import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventFromMessage, LineageCache, type EsMessage, type EsProcess, type NightjarEvent } from '@nightjar/core';
import { BACKFILL_DIAGNOSTIC_CODES, fromNativeBackfill, type NativeBackfillResult } from '@nightjar/sources';
import { addonAvailable, loadAddon } from '../../src/native.js';

// The macOS process backfill (macos/proc_backfill_apple.cc, unmodified) compiled on Linux against
// Nightjar's fake libproc (macos/fake_libproc: proc_listpids / proc_pidinfo / proc_pidpath /
// task_name_for_pid / task_info / sysctl with Apple's signatures over a scripted process table)
// and run under ASan + UBSan by native/testing/proc_backfill_main.cc; its JSON output is then checked
// here and fed to @nightjar/core's LineageCache. Needs clang++ with ASan (CI: apt-get install clang).
const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));
const clang = process.env.NJ_CXX ?? 'clang++';

function probeAsan(): boolean {
  if (process.platform !== 'linux') return false;
  const dir = mkdtempSync(join(tmpdir(), 'nj-asan-probe-'));
  try {
    const src = join(dir, 'p.cc');
    writeFileSync(src, '#include <vector>\nint main(){ std::vector<int> v(3); return v[1]; }\n');
    const r = spawnSync(clang, ['-fsanitize=address,undefined', src, '-o', join(dir, 'p')], { encoding: 'utf8' });
    return r.status === 0 && spawnSync(join(dir, 'p')).status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const hasTool = probeAsan();

type Obj = Record<string, unknown>;
let dir = '';
let run: { status: number | null; stdout: string; stderr: string; build: string } | undefined;
let full: NativeBackfillResult;
let grown: NativeBackfillResult;
let capped: NativeBackfillResult;
let empty: NativeBackfillResult;

const byPid = (r: NativeBackfillResult, pid: number) => r.processes.find((p) => (p.audit_token as Obj).pid === pid);
const token = (pid: number, pidversion: number, uid: number, asid = 100000 + pid) => ({
  auid: uid === 0 ? 4294967295 : uid,
  euid: uid,
  egid: uid === 0 ? 0 : 20,
  ruid: uid,
  rgid: uid === 0 ? 0 : 20,
  pid,
  asid,
  pidversion,
});

describe.skipIf(!hasTool)(
  `macOS process backfill (proc_backfill_apple.cc) over the fake libproc${hasTool ? '' : ' (skipped: clang++ with ASan not found)'}`,
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'nj-fakeproc-'));
      const exe = join(dir, 'proc_backfill');
      const build = spawnSync(
        clang,
        [
          '-std=c++17',
          '-g',
          '-O1',
          '-Wall',
          '-fsanitize=address,undefined',
          '-fno-omit-frame-pointer',
          '-fno-sanitize-recover=undefined',
          `-I${join(NATIVE, 'testing/fake_libproc/include')}`,
          `-I${join(NATIVE, 'src/common/json')}`,
          join(NATIVE, 'testing/proc_backfill_main.cc'),
          join(NATIVE, 'src/macos/proc_backfill_apple.cc'),
          join(NATIVE, 'testing/fake_libproc/fake_libproc.cc'),
          join(NATIVE, 'src/common/translate.cc'),
          '-o',
          exe,
        ],
        { encoding: 'utf8' },
      );
      if (build.status !== 0) {
        run = { status: build.status, stdout: '', stderr: '', build: build.stderr };
        return;
      }
      const r = spawnSync(exe, [], {
        encoding: 'utf8',
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
      });
      run = { status: r.status, stdout: r.stdout, stderr: r.stderr, build: build.stderr };
      const lines = r.stdout.trim().split('\n');
      [full, grown, capped, empty] = lines.slice(0, 4).map((l) => JSON.parse(l) as NativeBackfillResult);
    }, 300_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('builds without warnings and runs clean under ASan + UBSan, every task name port deallocated', () => {
      expect(run!.build).toBe('');
      expect(run!.stderr).toBe('');
      expect(run!.stdout.trim().split('\n').at(-1)).toBe('ok');
      expect(run!.status).toBe(0);
    });

    it('counts what it could not read: a vanished pid, a reused pid, a zombie, a refused task port, an over-long path, refused and capped argv', () => {
      const { processes, ...counts } = full;
      expect(counts).toStrictEqual({
        listed: 12,
        returned: 10,
        vanished: 1,
        reused: 1,
        exited: 1,
        capped: 0,
        noPidversion: 1,
        pathTooLong: 1,
        noPath: 0,
        noArgs: 1,
        argsTruncated: 1,
        maxProcesses: 32768,
        maxArgBytes: 8192,
      });
      expect(processes.map((p) => (p.audit_token as Obj).pid)).toEqual([
        1, 300, 400, 500, 600, 700, 800, 950, 960, 970,
      ]);
      // Gone between the listing and proc_pidinfo (ESRCH), and the zombie: not returned.
      expect(byPid(full, 450)).toBeUndefined();
      expect(byPid(full, 900)).toBeUndefined();
    });

    it('renders ES process objects with the fields macOS gives and no others (no code signing, stat, tty, original_ppid, responsible token)', () => {
      expect(byPid(full, 400)).toStrictEqual({
        audit_token: token(400, 4000, 501),
        ppid: 300,
        group_id: 400,
        session_id: 300,
        executable: { path: '/bin/zsh', path_truncated: false },
        start_time: '2023-11-14T22:16:40.250000Z',
        parent_audit_token: token(300, 3000, 0),
        args: ['-zsh'],
      });
      // launchd: its parent (kernel_task, pid 0) is not listed, so no parent token.
      expect(byPid(full, 1)).toStrictEqual({
        audit_token: token(1, 1, 0),
        ppid: 0,
        group_id: 1,
        session_id: 1,
        executable: { path: '/sbin/launchd', path_truncated: false },
        start_time: '2023-11-14T22:13:20.250000Z',
        args: ['/sbin/launchd'],
      });
      for (const p of full.processes) {
        for (const k of [
          'original_ppid',
          'tty',
          'responsible_audit_token',
          'cdhash',
          'signing_id',
          'team_id',
          'codesigning_flags',
        ])
          expect(p).not.toHaveProperty(k);
        expect(p.executable).not.toHaveProperty('stat');
        // KERN_PROCARGS2 also holds the environment: it never leaks into args.
        expect(JSON.stringify(p.args ?? [])).not.toContain('SECRET');
      }
    });

    it('leaves the pidversion (and auid, asid) out when the task port is refused, and marks it for the TS side', () => {
      expect(byPid(full, 500)).toStrictEqual({
        audit_token: { euid: 0, egid: 0, ruid: 0, rgid: 0, pid: 500 },
        ppid: 1,
        group_id: 500,
        session_id: 500,
        executable: { path: '/usr/libexec/protected', path_truncated: false },
        start_time: '2023-11-14T22:17:00.250000Z',
        parent_audit_token: token(1, 1, 0),
        nj_no_pidversion: true,
      });
      // Its child gets no parent token: there is no pidversion to put in it.
      expect(byPid(full, 950)).not.toHaveProperty('parent_audit_token');
      expect((byPid(full, 950)!.audit_token as Obj).pidversion).toBe(9500);
    });

    it('keeps one process per read: a pid reused mid-read is read again, never mixed', () => {
      const p = byPid(full, 700)!;
      expect(p.executable).toStrictEqual({ path: '/usr/bin/new', path_truncated: false });
      expect((p.audit_token as Obj).pidversion).toBe(7100);
      expect(p.start_time).toBe('2023-11-14T22:28:20.250000Z');
      expect(p.args).toEqual(['new', '--fresh']);
    });

    it('flags an over-long path, caps argv per process, and gives no parent token for a parent that started later', () => {
      expect(byPid(full, 600)!.executable).toStrictEqual({ path: '', path_truncated: true });
      const py = byPid(full, 800)!.args as string[];
      // 40 args of 500 bytes, cap 8192 bytes with NULs: the first 16.
      expect(py).toHaveLength(16);
      expect(py.every((a) => a.length === 500)).toBe(true);
      expect(byPid(full, 960)).not.toHaveProperty('parent_audit_token');
      expect(byPid(full, 970)!.parent_audit_token).toStrictEqual(token(1, 1, 0));
    });

    it('lists processes that started after the size estimate, caps the count keeping the lowest pids, and handles an empty table', () => {
      expect(grown.listed).toBe(301);
      expect(grown.returned).toBe(301);
      expect(grown.processes).toHaveLength(301);
      expect(capped.processes.map((p) => (p.audit_token as Obj).pid)).toEqual([1, 300, 400]);
      expect(capped.capped).toBe(9);
      // maxArgBytes 0: argv is not read at all.
      expect(capped.noArgs).toBe(3);
      expect(capped.processes.some((p) => 'args' in p)).toBe(false);
      expect(empty.processes).toEqual([]);
      expect(empty.listed).toBe(0);
    });

    it.skipIf(!addonAvailable() || process.platform !== 'linux')(
      'has the Linux backfill’s shape: every key it prints is one the Linux backfill prints, with the same types',
      () => {
        const addon = loadAddon('linux');
        const linux = new addon.LinuxBackend!([], () => {}).backfill();
        const self = linux.find((p) => (p.audit_token as Obj).pid === process.pid)!;
        expect(self).toBeDefined();
        for (const p of full.processes) {
          for (const [k, v] of Object.entries(p)) {
            if (k === 'nj_no_pidversion') continue;
            expect(self, k).toHaveProperty(k);
            expect(typeof v, k).toBe(typeof self[k]);
          }
          for (const k of Object.keys(p.audit_token as Obj)) expect(self.audit_token).toHaveProperty(k);
        }
      },
    );

    it('feeds LineageCache.backfill(): a later event’s parent and ancestors resolve through backfilled processes', () => {
      const out = fromNativeBackfill('eslogger', structuredClone(full));
      expect(out.processes).toHaveLength(10);
      expect(out.noPidversion).toBe(1);
      expect(out.processes.some((p) => 'nj_no_pidversion' in p)).toBe(false);
      const warn = out.diagnostics.find((d) => d.code === BACKFILL_DIAGNOSTIC_CODES.partial);
      expect(warn?.severity).toBe('warning');
      expect(warn?.message).toMatch(/1 of 10 running processes have no pidversion.*run as root/);
      expect(out.diagnostics.find((d) => d.code === BACKFILL_DIAGNOSTIC_CODES.summary)?.data).toMatchObject({
        listed: 12,
        vanished: 1,
        reused: 1,
        exited: 1,
      });

      const cache = new LineageCache();
      cache.backfill(out.processes);
      // A process started after the backfill, under the backfilled zsh (pid 400, pidversion 4000).
      const actor: EsProcess = {
        audit_token: token(1234, 12340, 501),
        parent_audit_token: token(400, 4000, 501),
        ppid: 400,
        original_ppid: 400,
        executable: { path: '/usr/bin/curl', path_truncated: false },
        start_time: '2026-01-01T00:00:00.000000Z',
      };
      const msg: EsMessage = {
        version: 7,
        time: '2026-01-01T00:00:01.000000000Z',
        event_type: 10,
        process: actor,
        event: { open: { fflag: 1, file: { path: '/etc/hosts', path_truncated: false } } },
      };
      const ev = eventFromMessage(msg, { source: 'eslogger', line: 1, offset: 0 }) as NightjarEvent;
      cache.observe(ev);
      expect(cache.parent(ev)?.executable.path).toBe('/bin/zsh');
      expect(cache.ancestors(ev).map((p) => p.executable.path)).toEqual([
        '/bin/zsh',
        '/usr/sbin/sshd',
        '/sbin/launchd',
      ]);
      // The process without a pidversion is cached as 500:0; its child links to it by ppid and start time.
      expect(cache.get('500:0')?.executable.path).toBe('/usr/libexec/protected');
      const helper = structuredClone(byPid(full, 950)) as EsProcess;
      const ev2 = eventFromMessage(
        { ...msg, process: helper },
        { source: 'eslogger', line: 2, offset: 0 },
      ) as NightjarEvent;
      expect(cache.parent(ev2)?.executable.path).toBe('/usr/libexec/protected');
    });
  },
);
