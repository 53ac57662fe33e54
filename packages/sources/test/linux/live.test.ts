import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, realpathSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NightjarEvent } from '@nightjar/core';
import { openLinux, SOURCE_ERROR_CODES } from '@nightjar/sources';
import { addonPath } from '@nightjar/native-es';
import { linuxLiveSkipReason, type Obj } from '../helpers/linux-live.js';

const why = linuxLiveSkipReason();
const payload = (e: NightjarEvent): Obj => (e.msg!.event as Obj)[e.name];

describe.skipIf(why !== '')(`linux backend, live${why ? ` (skipped: ${why})` : ''}`, () => {
  it('delivers fork, exec, exit, open, close-write, create, rename and unlink for commands run now, with pids, parents and paths', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nj-live-')));
    const out = join(dir, 'out.txt');
    const moved = join(dir, 'moved.txt');
    const script = `echo nightjar > ${out}; /bin/cat ${out} - > /dev/null; /bin/mv ${out} ${moved}; /bin/rm ${moved}; exit 3`;
    const src = openLinux({
      eventTypes: ['exec', 'fork', 'exit', 'open', 'close', 'create', 'rename', 'unlink', 'btm_launch_item_add'],
    });
    const events: NightjarEvent[] = [];
    let childPid = -1;
    const done = (async () => {
      for await (const b of src) {
        events.push(...b.events);
        if (childPid > 0 && events.some((e) => e.name === 'exit' && e.pid === childPid)) break;
      }
    })();
    try {
      // Give the backend's thread a moment to be listening before the commands run.
      await new Promise((r) => setTimeout(r, 300));
      // cat also reads stdin, so it lives until we close it: the proc connector gives only pids,
      // and /proc of a process that already exited has no path or args left to read.
      const child = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'] });
      childPid = child.pid!;
      setTimeout(() => child.stdin.end(), 300);
      await new Promise((r) => child.on('close', r));
      await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
    } finally {
      await src.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const mine = (e: NightjarEvent) => e.pid === childPid;
    const fork = events.find((e) => e.name === 'fork' && payload(e).child.audit_token.pid === childPid);
    expect(fork, 'fork of the shell').toBeDefined();
    expect(fork!.pid).toBe(process.pid);

    const execSh = events.find((e) => e.name === 'exec' && mine(e) && payload(e).args.includes(script));
    expect(execSh, 'exec of the shell').toBeDefined();
    const target = payload(execSh!).target;
    expect(target.audit_token.pid).toBe(childPid);
    expect(target.ppid).toBe(process.pid);
    expect(target.parent_audit_token.pid).toBe(process.pid);
    expect(target.executable.path).toBe(realpathSync('/bin/sh'));
    expect(payload(execSh!).cwd.path).toBe(realpathSync(process.cwd()));
    // pidversion = start time: unique per process, the same for the actor's entity_id and target.
    expect(target.entity_id).toBe(`${childPid}:${target.audit_token.pidversion}`);
    expect(target.audit_token.pidversion).toBeGreaterThan(0);

    const execCat = events.find(
      (e) =>
        e.name === 'exec' &&
        payload(e).target.executable.path === realpathSync('/bin/cat') &&
        payload(e).args[1] === out,
    );
    expect(execCat, 'exec of cat').toBeDefined();
    expect(payload(execCat!).target.ppid).toBe(childPid);

    const close = events.find((e) => e.name === 'close' && mine(e) && payload(e).target.path === out);
    expect(close, 'close-write of the redirected file by the shell').toBeDefined();
    expect(payload(close!).modified).toBe(true);
    expect(payload(close!).target.stat.st_size).toBe(9);

    const open = events.find(
      (e) => e.name === 'open' && e.pid === payload(execCat!).target.audit_token.pid && payload(e).file.path === out,
    );
    expect(open, 'open of the file by cat').toBeDefined();

    const exit = events.find((e) => e.name === 'exit' && mine(e));
    expect(exit, 'exit of the shell').toBeDefined();
    expect(payload(exit!).stat).toBe(3 << 8);

    // Directory-entry events (fanotify FAN_REPORT_DFID_NAME): create by the shell's redirect, rename by mv, unlink by rm.
    const create = events.find((e) => e.name === 'create' && payload(e).destination.existing_file.path === out);
    expect(create, 'create of the file').toBeDefined();
    expect(create!.pid).toBe(childPid);
    const rename = events.find((e) => e.name === 'rename' && payload(e).source.path === out);
    expect(rename, 'rename by mv').toBeDefined();
    expect(payload(rename!).destination.new_path).toMatchObject({ dir: { path: dir }, filename: 'moved.txt' });
    const unlink = events.find((e) => e.name === 'unlink' && payload(e).target.path === moved);
    expect(unlink, 'unlink by rm').toBeDefined();
    expect(payload(unlink!).parent_dir.path).toBe(dir);

    // ES header facts: per-type seq numbers and a global sequence, version 4 shape.
    expect(
      events.every((e) => e.version === 4 && e.seq !== undefined && e.globalSeq !== undefined && e.source === 'linux'),
    ).toBe(true);
    const globals = events.map((e) => e.globalSeq!);
    expect(globals).toEqual([...globals].sort((a, b) => a - b));
    // What Linux cannot observe is said once, not silently ignored.
    expect(src.diagnostics().map((d) => d.code)).toContain('NJ_SOURCE_UNSUPPORTED_EVENTS');
  });

  it('names the executable of a process that exits at once (open-for-exec fills what /proc no longer has)', async () => {
    const src = openLinux({ eventTypes: ['exec'] });
    const events: NightjarEvent[] = [];
    const pids: number[] = [];
    const done = (async () => {
      for await (const b of src) {
        events.push(...b.events);
        if (pids.length === 20 && pids.every((p) => events.some((e) => e.name === 'exec' && e.pid === p))) break;
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 20; i++) {
        const c = spawn('/bin/true', [], { stdio: 'ignore' });
        pids.push(c.pid!);
        await new Promise((r) => c.on('close', r));
      }
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    } finally {
      await src.stop();
    }
    const execs = pids.map((p) => events.find((e) => e.name === 'exec' && e.pid === p));
    expect(execs.every((e) => e !== undefined)).toBe(true);
    expect(execs.map((e) => payload(e!).target.executable.path)).toEqual(pids.map(() => realpathSync('/bin/true')));
  });

  it('mutes by executable before numbering (no gap), and inverted selects only what matches', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nj-mute-')));
    const TAIL = realpathSync('/usr/bin/tail');
    const run = async (invert: boolean) => {
      const src = openLinux({
        eventTypes: ['open'],
        paths: [dir],
        muting: { paths: [TAIL], invert },
      });
      const events: NightjarEvent[] = [];
      try {
        await new Promise((r) => setTimeout(r, 200));
        // tail (muted) and node (not muted) open a file in the directory; both stay
        // alive a moment, so their executables can still be read from /proc.
        writeFileSync(join(dir, 'a'), 'a\n');
        const tail = spawn('/usr/bin/tail', ['-f', join(dir, 'a')], { stdio: 'ignore' });
        spawnSync(process.execPath, [
          '-e',
          `require('fs').readFileSync(${JSON.stringify(dir + '/a')}); setTimeout(() => {}, 500)`,
        ]);
        tail.kill();
        const until = Date.now() + 3000;
        const it = src[Symbol.asyncIterator]();
        setTimeout(() => void src.stop(), 1500);
        for (let r = await it.next(); !r.done && Date.now() < until; r = await it.next())
          events.push(...r.value.events);
      } finally {
        await src.stop();
      }
      return events;
    };
    try {
      const exe = (e: NightjarEvent) => ((e.msg!.process as Obj).executable as Obj).path as string;
      const muted = await run(false);
      expect(
        muted.some((e) => exe(e) === realpathSync(process.execPath)),
        JSON.stringify(muted.map(exe)),
      ).toBe(true);
      expect(muted.some((e) => exe(e) === TAIL)).toBe(false);
      // Numbered after muting: consecutive global sequence numbers.
      expect(muted.map((e) => e.globalSeq)).toEqual(muted.map((_, i) => i));
      const selected = await run(true);
      expect(selected.length).toBeGreaterThan(0);
      expect(selected.every((e) => exe(e) === TAIL)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('backfills the processes already running, as ES process objects', async () => {
    const src = openLinux({ eventTypes: ['exec'] });
    try {
      const procs = src.backfill() as Obj[];
      const me = procs.find((p) => p.audit_token.pid === process.pid);
      expect(me).toBeDefined();
      expect(me!.executable.path).toBe(realpathSync(process.execPath));
      expect(me!.ppid).toBe(process.ppid);
      expect(me!.args).toEqual(readFileSync('/proc/self/cmdline', 'utf8').replace(/\0$/, '').split('\0'));
      expect(procs.find((p) => p.audit_token.pid === 1)).toBeDefined();
    } finally {
      await src.stop();
    }
  });

  it('refuses to start without root: a non-root child gets the typed permission error', () => {
    // Drop privileges in a child that loads the same addon.
    const script = `
      const a = require(${JSON.stringify(addonPath())});
      try { new a.LinuxBackend(['exec', 'open'], () => {}).start(); console.log(JSON.stringify({ started: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    chmodSync(addonPath()!, 0o755);
    const r = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout.trim()) as { code?: string; message?: string };
    expect(res.code).toBe(SOURCE_ERROR_CODES.notRoot);
    expect(res.message).toMatch(/needs root/);
  });
});
