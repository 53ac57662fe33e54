import { describe, expect, it } from 'vitest';
import { LineageCache, eventFromMessage, processOfEvent, DecodeError } from '@nightjar/core';
import type { EsMessage, NightjarEvent } from '@nightjar/core';
import { message, proc } from '../model/fixtures.js';

/**
 * A tiny xnu: processes fork, exec and exit on a small pid pool (so pids are reused quickly), with
 * one global pidversion counter bumped at fork and exec. Events go to the cache with some dropped
 * (exits included), as a client that falls behind sees them. Whatever the cache answers for a
 * parent must be an image of the true parent *process* (same fork), never another process that
 * happened to get the same pid.
 */
interface SimProc {
  pid: number;
  pidversion: number;
  serial: number; // one per fork: images of one process share it
  parent: SimProc | undefined;
  origParentPid: number;
  startUs: number;
  path: string;
  alive: boolean;
}

const T0 = Date.UTC(2025, 0, 1) * 1000;
const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();

function simulate(version: number, seed: number, dropRate: number) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let nextPidversion = 100;
  let serial = 0;
  let now = T0;
  const launchd: SimProc = {
    pid: 1,
    pidversion: nextPidversion++,
    serial: serial++,
    parent: undefined,
    origParentPid: 0,
    startUs: T0 - 1e9,
    path: '/sbin/launchd',
    alive: true,
  };
  const live: SimProc[] = [launchd];
  const byEntity = new Map<string, SimProc>([[`1:${launchd.pidversion}`, launchd]]);
  const usedPids = new Set<number>([1]);
  const spec = (p: SimProc) => ({
    pid: p.pid,
    pidversion: p.pidversion,
    path: p.path,
    ppid: p.parent?.pid ?? 0,
    original_ppid: p.origParentPid,
    // Tokens name the parent's current image, as ES does.
    parent: p.parent ? { pid: p.parent.pid, pidversion: p.parent.pidversion } : { pid: 0, pidversion: 0 },
    start_time: iso(p.startUs),
  });
  const cache = new LineageCache({ exitGraceUs: 5_000_000 });
  let checked = 0;
  let answered = 0;
  let seq = 0;
  const emit = (name: string, type: number, actor: SimProc, payload: Record<string, unknown>) => {
    if (rnd() < dropRate) return;
    const r = eventFromMessage(
      message({
        v: version,
        type,
        name,
        payload,
        process: spec(actor),
        time: iso(now),
        seq: seq++,
      }) as unknown as EsMessage,
    );
    if (r instanceof DecodeError) throw r;
    const ev: NightjarEvent = r;
    cache.observe(ev);
    const subject = processOfEvent(ev)!;
    const truth = byEntity.get(subject.entity_id!);
    const got = cache.parent(ev);
    checked++;
    if (got === undefined || truth?.parent === undefined) return;
    // exec fallback answers with the pre-exec image of the subject itself: same process by design.
    const gotProc = byEntity.get(got.entity_id!);
    expect(gotProc, `unknown entity ${got.entity_id}`).toBeDefined();
    if (cache.parentSource(ev) === 'exec_fallback') {
      expect(gotProc!.serial).toBe(truth.serial);
      return;
    }
    answered++;
    expect(gotProc!.serial, `parent of ${subject.entity_id}: got ${got.entity_id}`).toBe(truth.parent.serial);
  };

  for (let step = 0; step < 4000; step++) {
    now += 1000 + Math.floor(rnd() * 200_000);
    const r = rnd();
    const p = live[Math.floor(rnd() * live.length)];
    if (r < 0.3 && live.length < 40) {
      // fork: a free pid from a pool of 60 (reused as soon as free)
      let pid = 2 + Math.floor(rnd() * 60);
      while (usedPids.has(pid)) pid = 2 + ((pid - 1) % 60);
      usedPids.add(pid);
      const child: SimProc = {
        pid,
        pidversion: nextPidversion++,
        serial: serial++,
        parent: p,
        origParentPid: p.pid,
        startUs: now,
        path: p.path,
        alive: true,
      };
      live.push(child);
      byEntity.set(`${child.pid}:${child.pidversion}`, child);
      emit('fork', 11, p, { child: proc(version, spec(child)) });
    } else if (r < 0.5 && p !== launchd) {
      // exec: same process (serial), new image
      const before = { ...p };
      p.pidversion = nextPidversion++;
      p.path = `/bin/img${Math.floor(rnd() * 5)}`;
      byEntity.set(`${p.pid}:${p.pidversion}`, p);
      byEntity.set(`${before.pid}:${before.pidversion}`, { ...before, serial: p.serial });
      emit('exec', 9, before, { target: proc(version, spec(p)), args: [p.path] });
    } else if (r < 0.7 && p !== launchd) {
      // exit; children are reparented to launchd (ppid changes, original_ppid stays)
      emit('exit', 15, p, { stat: 0 });
      p.alive = false;
      live.splice(live.indexOf(p), 1);
      usedPids.delete(p.pid);
      for (const c of live) if (c.parent === p) c.parent = launchd;
    } else {
      emit('open', 10, p, { fflag: 1, file: { path: '/tmp/f' } });
    }
  }
  return { checked, answered };
}

describe('lineage under simulated pid reuse and dropped events', () => {
  for (const version of [2, 3, 7, 10]) {
    for (const drop of [0, 0.2]) {
      it(`v${version}, ${drop * 100}% dropped: every parent answer is an image of the true parent process`, () => {
        const { checked, answered } = simulate(version, 1234 + version, drop);
        expect(checked).toBeGreaterThan(2000);
        // Not vacuous: most events get an answer from the cache.
        expect(answered).toBeGreaterThan(checked * 0.3);
      });
    }
  }
});
