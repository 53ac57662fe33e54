import { describe, expect, it } from 'vitest';
import { LineageCache, compileFieldPath, eventFromMessage, DecodeError, summarizeProcess } from '@nightjar/core';
import type { EsMessage, EsProcess, NightjarEvent } from '@nightjar/core';
import { message, proc } from '../model/fixtures.js';
import type { ProcSpec } from '../model/fixtures.js';

const S = 1_000_000;
const T0 = Date.UTC(2025, 7, 7, 15, 0, 0) * 1000;
const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();

const TYPES: Record<string, number> = { exec: 9, open: 10, fork: 11, exit: 15, signal: 31 };

let seq = 0;
function event(
  v: number,
  name: string,
  actor: ProcSpec,
  payload: Record<string, unknown> = {},
  at = T0,
): NightjarEvent {
  const r = eventFromMessage(
    message({ v, type: TYPES[name], name, payload, process: actor, time: iso(at), seq: seq++ }) as unknown as EsMessage,
  );
  if (r instanceof DecodeError) throw r;
  return r;
}

// A small macOS process tree (message v7: parent and responsible tokens present).
const launchd: ProcSpec = {
  pid: 1,
  pidversion: 100,
  path: '/sbin/launchd',
  ppid: 0,
  parent: { pid: 0, pidversion: 0 },
};
const terminal: ProcSpec = {
  pid: 500,
  pidversion: 600,
  path: '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal',
  ppid: 1,
  parent: launchd,
};
const zsh: ProcSpec = {
  pid: 700,
  pidversion: 800,
  path: '/bin/zsh',
  ppid: 500,
  parent: terminal,
  responsible: terminal,
};
const zshChild: ProcSpec = {
  pid: 900,
  pidversion: 1000,
  path: '/bin/zsh',
  ppid: 700,
  parent: zsh,
  responsible: terminal,
};
const curl: ProcSpec = {
  pid: 900,
  pidversion: 1001,
  path: '/usr/bin/curl',
  ppid: 700,
  parent: zsh,
  responsible: terminal,
};

function execOf(v: number, actor: ProcSpec, target: ProcSpec, args: string[] = [], at = T0): NightjarEvent {
  return event(v, 'exec', actor, { target: proc(v, target), args }, at);
}

function ids(list: readonly EsProcess[]): string[] {
  return list.map((p) => p.entity_id ?? '?');
}

function seen(cache: LineageCache, ...procs: ProcSpec[]): void {
  for (const p of procs) cache.observe(event(7, 'open', p, { fflag: 1, file: { path: '/tmp/x' } }));
}

describe('LineageCache', () => {
  it('exposes the exec args it kept, for ParentCommandLine, and nothing for a process whose exec it never saw', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    c.observe(event(7, 'fork', zsh, { child: proc(7, zshChild) }));
    c.observe(execOf(7, zshChild, curl, ['curl', '-s', 'http://x']));
    // A child of curl: its parent as the cache returns it carries curl's command line.
    const child: ProcSpec = {
      pid: 950,
      pidversion: 1100,
      path: '/bin/sh',
      ppid: 900,
      parent: curl,
      responsible: terminal,
    };
    const ev = event(7, 'open', child, { fflag: 1, file: { path: '/tmp/y' } });
    c.observe(ev);
    const parent = c.parent(ev);
    expect(parent?.entity_id).toBe('900:1001');
    expect(c.args(parent!)).toEqual(['curl', '-s', 'http://x']);
    expect(c.args(c.get('700:800')!)).toBeUndefined();
  });

  it('resolves an exec chain through the parent audit token up to launchd, complete', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    c.observe(event(7, 'fork', zsh, { child: proc(7, zshChild) }));
    const ex = execOf(7, zshChild, curl, ['curl', '-s', 'http://x']);
    c.observe(ex);
    expect(c.parent(ex)?.entity_id).toBe('700:800');
    expect(c.parentSource(ex)).toBe('lineage');
    expect(ids(c.ancestors(ex))).toEqual(['700:800', '500:600', '1:100']);
    const ch = c.chain(ex);
    expect(ch.complete).toBe(true);
    expect(ch.processes.map((p) => [p.entity_id, p.path])).toEqual([
      ['700:800', '/bin/zsh'],
      ['500:600', terminal.path],
      ['1:100', '/sbin/launchd'],
    ]);
    // The new image is cached with its command line; the pre-exec image is retired.
    const later = event(7, 'open', curl, { fflag: 1, file: { path: '/etc/hosts' } });
    expect(c.summary(later.msg!.process!).args).toEqual(['curl', '-s', 'http://x']);
    // One process summary: the cache's is the alert module's, plus the args it learned from exec.
    const { args, ...rest } = c.summary(later.msg!.process!);
    expect(args).toBeDefined();
    expect(rest).toEqual(summarizeProcess(later.msg!.process!));
    expect(c.summary(later.msg!.process!)).toEqual(summarizeProcess(later.msg!.process!, args));
    expect(c.metrics().exited).toBe(1);
  });

  it('says the chain is incomplete when it meets an unknown process', () => {
    const c = new LineageCache();
    seen(c, zsh); // Terminal and launchd never seen
    const ex = execOf(7, zshChild, curl);
    c.observe(ex);
    const ch = c.chain(ex);
    expect(ch.processes.map((p) => p.entity_id)).toEqual(['700:800']);
    expect(ch.complete).toBe(false);
  });

  it("falls back to the exec'ing image for ParentImage when the parent is unknown, and says so", () => {
    const c = new LineageCache();
    const ex = execOf(7, zshChild, curl);
    c.observe(ex);
    expect(c.parentSource(ex)).toBe('exec_fallback');
    expect(c.parent(ex)?.entity_id).toBe('900:1000');
    expect(compileFieldPath('parent.executable.path').get(ex, { lineage: c })).toBe('/bin/zsh');
    const open = event(7, 'open', zsh, { fflag: 1, file: { path: '/x' } });
    c.observe(open);
    expect(c.parentSource(open)).toBe('unknown');
    expect(c.parent(open)).toBeUndefined();
  });

  it('real parent: launchd-started app resolves to its responsible process', () => {
    const c = new LineageCache();
    const safari: ProcSpec = {
      pid: 400,
      pidversion: 450,
      path: '/Applications/Safari.app/Contents/MacOS/Safari',
      ppid: 1,
      parent: launchd,
    };
    const service: ProcSpec = {
      pid: 1200,
      pidversion: 1300,
      path: '/System/Library/Frameworks/WebKit.framework/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent',
      ppid: 1,
      parent: launchd,
      responsible: safari,
    };
    seen(c, launchd, safari, service);
    const ev = event(7, 'open', service, { fflag: 1, file: { path: '/x' } });
    expect(c.parent(ev)?.entity_id).toBe('1:100');
    expect(c.realParent(ev)?.entity_id).toBe('400:450');
    expect(c.responsible(ev)?.entity_id).toBe('400:450');
    const lineage = { lineage: c };
    expect(compileFieldPath('real_parent.executable.path').get(ev, lineage)).toBe(safari.path);
    expect(compileFieldPath('parent.executable.path').get(ev, lineage)).toBe('/sbin/launchd');
    expect(compileFieldPath('responsible.entity_id').get(ev, lineage)).toBe('400:450');
    // Its own responsible process: the real parent is launchd itself.
    expect(c.realParent(event(7, 'open', safari, {}))?.entity_id).toBe('1:100');
    expect(c.responsible(event(7, 'open', safari, {}))?.entity_id).toBe('400:450');
  });

  it('real parent: looks through xpcproxy and runningboardd', () => {
    for (const spawnerPath of ['/usr/libexec/xpcproxy', '/usr/libexec/runningboardd']) {
      const c = new LineageCache();
      const app: ProcSpec = {
        pid: 410,
        pidversion: 411,
        path: '/Applications/Notes.app/Contents/MacOS/Notes',
        ppid: 1,
        parent: launchd,
      };
      const spawner: ProcSpec = { pid: 420, pidversion: 421, path: spawnerPath, ppid: 1, parent: launchd };
      const child: ProcSpec = {
        pid: 430,
        pidversion: 431,
        path: '/usr/libexec/helper',
        ppid: 420,
        parent: spawner,
        responsible: app,
      };
      seen(c, launchd, app, spawner, child);
      const ev = event(7, 'open', child, {});
      expect(c.parent(ev)?.entity_id, spawnerPath).toBe('420:421');
      expect(c.realParent(ev)?.entity_id, spawnerPath).toBe('410:411');
    }
  });

  it('real parent of an XPC service exec (xpcproxy image → service, parent launchd) is the requesting app', () => {
    const c = new LineageCache();
    const app: ProcSpec = {
      pid: 400,
      pidversion: 450,
      path: '/Applications/Mail.app/Contents/MacOS/Mail',
      ppid: 1,
      parent: launchd,
    };
    const proxy: ProcSpec = {
      pid: 1500,
      pidversion: 1600,
      path: '/usr/libexec/xpcproxy',
      ppid: 1,
      parent: launchd,
      responsible: app,
    };
    const service: ProcSpec = {
      pid: 1500,
      pidversion: 1601,
      path: '/System/Library/PrivateFrameworks/Foo.framework/XPCServices/com.apple.foo.xpc/Contents/MacOS/com.apple.foo',
      ppid: 1,
      parent: launchd,
      responsible: app,
    };
    seen(c, launchd, app);
    c.observe(event(7, 'fork', launchd, { child: proc(7, proxy) }));
    const ex = execOf(7, proxy, service);
    c.observe(ex);
    expect(c.parent(ex)?.entity_id).toBe('1:100');
    expect(c.realParent(ex)?.entity_id).toBe('400:450');
    expect(compileFieldPath('real_parent.executable.path').get(ex, { lineage: c })).toBe(app.path);
    expect(ids(c.ancestors(ex))).toEqual(['1:100']);
    expect(c.chain(ex).complete).toBe(true);
  });

  it('real parent: the direct parent when it is not a spawner, even if responsible differs', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const ev = event(7, 'open', zsh, {});
    expect(c.realParent(ev)?.entity_id).toBe('500:600');
  });

  it('real parent: original_ppid after reparenting to launchd (no tokens, v3)', () => {
    const c = new LineageCache();
    const parent: ProcSpec = { pid: 610, pidversion: 611, path: '/bin/bash', ppid: 1, start_time: iso(T0 - 100 * S) };
    const orphan: ProcSpec = {
      pid: 620,
      pidversion: 621,
      path: '/tmp/daemonized',
      ppid: 1,
      original_ppid: 610,
      start_time: iso(T0 - 50 * S),
    };
    c.observe(event(3, 'open', { ...launchd, start_time: iso(T0 - 1000 * S) }, {}, T0 - 60 * S));
    c.observe(event(3, 'open', parent, {}, T0 - 60 * S));
    c.observe(event(3, 'exit', parent, { stat: 0 }, T0 - 10 * S)); // parent died, child reparented
    const ev = event(3, 'open', orphan, {}, T0);
    c.observe(ev);
    expect(c.parent(ev)?.entity_id).toBe('1:100');
    expect(c.realParent(ev)?.entity_id).toBe('610:611');
  });

  it('pid reuse never joins two processes (ppid fallback guarded by start and exit times)', () => {
    const c = new LineageCache();
    const old: ProcSpec = { pid: 300, pidversion: 1, path: '/bin/old', ppid: 1, start_time: iso(T0) };
    const reused: ProcSpec = { pid: 300, pidversion: 9, path: '/bin/new', ppid: 1, start_time: iso(T0 + 20 * S) };
    c.observe(event(3, 'open', old, {}, T0 + 1 * S));
    c.observe(event(3, 'exit', old, { stat: 0 }, T0 + 10 * S));
    c.observe(event(3, 'open', reused, {}, T0 + 21 * S));
    // Started while `old` ran → old; after `old` exited but before `reused` started → unknown; after → reused.
    const kidOfOld = event(
      3,
      'open',
      { pid: 310, pidversion: 2, path: '/bin/k1', ppid: 300, start_time: iso(T0 + 5 * S) },
      {},
      T0 + 22 * S,
    );
    const orphanKid = event(
      3,
      'open',
      { pid: 311, pidversion: 3, path: '/bin/k2', ppid: 300, start_time: iso(T0 + 15 * S) },
      {},
      T0 + 22 * S,
    );
    const kidOfNew = event(
      3,
      'open',
      { pid: 312, pidversion: 10, path: '/bin/k3', ppid: 300, start_time: iso(T0 + 25 * S) },
      {},
      T0 + 26 * S,
    );
    for (const e of [kidOfOld, orphanKid, kidOfNew]) c.observe(e);
    expect(c.parent(kidOfOld)?.entity_id).toBe('300:1');
    expect(c.parent(orphanKid)).toBeUndefined();
    // `reused` was last seen (T0+21 s) before kidOfNew started (T0+25 s): the cache cannot prove it
    // still held pid 300 then (its exit may have been dropped and the pid reused again), so: unknown.
    expect(c.parent(kidOfNew)).toBeUndefined();
    c.observe(event(3, 'open', reused, {}, T0 + 27 * S)); // seen alive after the kid's start: proven
    expect(c.parent(kidOfNew)?.entity_id).toBe('300:9');
    expect(c.get('300:1')?.executable.path).toBe('/bin/old');
    expect(c.get('300:9')?.executable.path).toBe('/bin/new');
  });

  it('pid reuse without start times (v2): a process newer than the child (higher pidversion) is not its parent', () => {
    const c = new LineageCache();
    const old: ProcSpec = { pid: 300, pidversion: 10, path: '/bin/old', ppid: 1 };
    const reused: ProcSpec = { pid: 300, pidversion: 90, path: '/bin/new', ppid: 1 };
    c.observe(event(2, 'open', old, {}));
    c.observe(event(2, 'open', reused, {})); // old's exit was dropped: both look alive
    const kidOfOld = event(2, 'open', { pid: 310, pidversion: 20, path: '/bin/k', ppid: 300 }, {});
    const kidOfNew = event(2, 'open', { pid: 311, pidversion: 95, path: '/bin/k', ppid: 300 }, {});
    c.observe(kidOfOld);
    c.observe(kidOfNew);
    expect(c.parent(kidOfOld)?.entity_id).toBe('300:10');
    expect(c.parent(kidOfNew)?.entity_id).toBe('300:90');
  });

  it('pid reuse with parent tokens: each child keeps its exact parent', () => {
    const c = new LineageCache();
    const a: ProcSpec = { pid: 300, pidversion: 1, path: '/bin/a', ppid: 1, parent: launchd };
    const b: ProcSpec = { pid: 300, pidversion: 9, path: '/bin/b', ppid: 1, parent: launchd };
    seen(c, launchd, a);
    const kidA = event(7, 'open', { pid: 310, pidversion: 2, path: '/bin/k', ppid: 300, parent: a }, {});
    c.observe(kidA);
    c.observe(event(7, 'exit', a, { stat: 0 }));
    seen(c, b);
    const kidB = event(7, 'open', { pid: 311, pidversion: 10, path: '/bin/k', ppid: 300, parent: b }, {});
    c.observe(kidB);
    expect(c.parent(kidA)?.executable.path).toBe('/bin/a');
    expect(c.parent(kidB)?.executable.path).toBe('/bin/b');
  });

  it('exec chains without tokens (v3) keep the parent of the pre-exec image', () => {
    const c = new LineageCache();
    const sh: ProcSpec = { pid: 700, pidversion: 800, path: '/bin/sh', ppid: 1 };
    const kid0: ProcSpec = { pid: 900, pidversion: 1000, path: '/bin/sh', ppid: 700 };
    const kid1: ProcSpec = { pid: 900, pidversion: 1001, path: '/usr/bin/env', ppid: 700 };
    const kid2: ProcSpec = { pid: 900, pidversion: 1002, path: '/usr/bin/python3', ppid: 700 };
    c.observe(event(3, 'open', sh, {}));
    c.observe(event(3, 'fork', sh, { child: proc(3, kid0) }));
    c.observe(execOf(3, kid0, kid1));
    // sh exits and its pid is reused before the second exec: the second image must still point to 700:800.
    c.observe(event(3, 'exit', sh, { stat: 0 }));
    c.observe(event(3, 'open', { pid: 700, pidversion: 5000, path: '/bin/other', ppid: 1 }, {}));
    const ex2 = execOf(3, kid1, kid2);
    c.observe(ex2);
    expect(c.parent(ex2)?.entity_id).toBe('700:800');
    expect(c.parentSource(ex2)).toBe('lineage');
  });

  it('keeps exited processes for the grace period of event time, then drops them', () => {
    const c = new LineageCache({ exitGraceUs: 60 * S });
    seen(c, launchd);
    const p: ProcSpec = { pid: 50, pidversion: 51, path: '/bin/p', ppid: 1, parent: launchd };
    const kid: ProcSpec = { pid: 60, pidversion: 61, path: '/bin/k', ppid: 50, parent: p };
    c.observe(event(7, 'open', p, {}, T0));
    c.observe(event(7, 'exit', p, { stat: 0 }, T0 + 1 * S));
    // A late event of a process the cache never saw alive (so it pins nothing): its parent is
    // resolvable through the grace period only.
    const late = event(7, 'open', kid, {}, T0 + 61 * S);
    c.observe(event(7, 'open', launchd, {}, T0 + 61 * S)); // exactly at the grace edge: still there
    expect(c.parent(late)?.entity_id).toBe('50:51');
    c.observe(event(7, 'open', launchd, {}, T0 + 61 * S + 1000));
    expect(c.parent(late)).toBeUndefined();
    expect(c.metrics()).toMatchObject({ exited: 1, expired: 1 });
  });

  it('evicts least recently used processes at maxProcesses and counts them', () => {
    const c = new LineageCache({ maxProcesses: 3 });
    for (let i = 0; i < 5; i++) seen(c, { pid: 100 + i, pidversion: 1, path: '/bin/x', ppid: 1, parent: launchd });
    expect(c.metrics()).toMatchObject({ size: 3, evictions: 2 });
    expect(c.get('100:1')).toBeUndefined();
    expect(c.get('104:1')).toBeDefined();
  });

  it('evicts from the least recently used end, with a second chance for a process used since it was put at the newest', () => {
    const c = new LineageCache({ maxProcesses: 3 });
    const p = (pid: number): ProcSpec => ({ pid, pidversion: 1, path: '/bin/x', ppid: 1, parent: launchd });
    seen(c, p(100), p(101), p(102));
    // 100 was learned first but seen again since: it goes back to the newest end, and 101 goes.
    seen(c, p(100));
    seen(c, p(103));
    expect(c.get('101:1')).toBeUndefined();
    // Every one used since (lookups, now): each goes back to the newest end in turn, from the oldest
    // (102, then 100, then 103), and the first of them to come round again unmarked goes.
    for (const id of ['100:1', '102:1', '103:1']) expect(c.get(id)).toBeDefined();
    seen(c, p(104));
    expect(c.get('102:1')).toBeUndefined();
    expect(['100:1', '103:1', '104:1'].map((id) => c.get(id)?.entity_id)).toEqual(['100:1', '103:1', '104:1']);
    expect(c.metrics()).toMatchObject({ size: 3, evictions: 2 });
  });

  it('a busy process that is seen all the time is not evicted while many short-lived ones pass through', () => {
    // The per-event update only marks the process used (eviction gives it a second chance): it must
    // never become the eviction victim.
    const c = new LineageCache({ maxProcesses: 64 });
    seen(c, launchd);
    const busy: ProcSpec = { pid: 50, pidversion: 5, path: '/usr/sbin/busy', ppid: 1, parent: launchd };
    // Its exec args live on its cache entry: evicted and learned again, it would have none.
    c.observe(execOf(7, { ...busy, pidversion: 4, path: '/bin/sh' }, busy, ['busy', '--serve']));
    for (let i = 0; i < 2_000; i++) {
      seen(c, busy);
      if (i % 3 === 0) seen(c, { pid: 1_000 + i, pidversion: 1, path: '/bin/x', ppid: 1, parent: launchd });
    }
    expect(c.args(c.get('50:5')!)).toEqual(['busy', '--serve']);
    expect(c.get('1:100')).toBeDefined(); // pinned by the busy process
    expect(c.metrics().size).toBe(64);
    expect(c.metrics().evictions).toBeGreaterThan(600);
  });

  it('pids that share a slot of the actor table (pid, pid + 16384) keep their own parents', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const a: ProcSpec = { pid: 300, pidversion: 1, path: '/a', ppid: 700, parent: zsh };
    const b: ProcSpec = { pid: 300 + 16_384, pidversion: 2, path: '/b', ppid: 500, parent: terminal };
    for (let i = 0; i < 3; i++) {
      const ea = event(7, 'open', a, {});
      c.observe(ea);
      expect(ids(c.ancestors(ea))).toEqual(['700:800', '500:600', '1:100']);
      const eb = event(7, 'open', b, {});
      c.observe(eb);
      expect(ids(c.ancestors(eb))).toEqual(['500:600', '1:100']);
    }
    expect(c.metrics().size).toBe(5);
  });

  it("a process learned under a caller's own entity_id is not the decoded actor of the same pid and pidversion", () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const p: ProcSpec = { pid: 4242, pidversion: 7, path: '/bin/own', ppid: 700, parent: zsh };
    // Built by hand (no decoder shortcuts): the process object's own entity_id is its key.
    const decoded = event(7, 'open', p, {});
    const msg = structuredClone(decoded.msg!);
    msg.process!.entity_id = 'own-id';
    const handBuilt: NightjarEvent = { ...decoded, msg, entityId: 'own-id', actor: undefined, payload: undefined };
    c.observe(handBuilt);
    expect(c.get('own-id')).toBeDefined();
    // The decoder's event for 4242:7 is a process of its own, as its id says, not the hand-built one.
    c.observe(decoded);
    c.observe(decoded);
    expect(c.get('4242:7')?.entity_id).toBe('4242:7');
    expect(c.metrics().size).toBe(5);
  });

  it('the actor table grows to give spread pids slots of their own, within four slots per cached process', () => {
    const table = (c: LineageCache): number => (c as unknown as { actors: unknown[] }).actors.length;
    // Few processes with high pids (a Mac up for weeks): the table stays small.
    const few = new LineageCache();
    seen(few, launchd, terminal, zsh);
    for (let i = 0; i < 10; i++)
      seen(few, { pid: 90_000 + i * 911, pidversion: 1, path: '/x', ppid: 1, parent: launchd });
    expect(table(few)).toBeLessThanOrEqual(1_024);
    // Many processes over twice as many pids: each pid below the table's size has a slot of its own.
    const many = new LineageCache();
    seen(many, launchd);
    const procs: ProcSpec[] = [];
    for (let i = 0; i < 3_000; i++) procs.push({ pid: 2 + i * 2, pidversion: 5, path: '/y', ppid: 1, parent: launchd });
    seen(many, ...procs);
    expect(table(many)).toBeGreaterThan(6_002);
    for (const p of procs.slice(-50)) {
      const ev = event(7, 'open', p, {});
      many.observe(ev);
      expect(ids(many.ancestors(ev))).toEqual(['1:100']);
    }
    // Hostile pids (negative, fractional, huge) land in the table's range: no stray array properties.
    for (const pid of [-7, 2.5, 1e300, 2 ** 40]) {
      seen(few, { pid, pidversion: 1, path: '/z', ppid: 1, parent: launchd });
      seen(few, { pid, pidversion: 1, path: '/z', ppid: 1, parent: launchd });
    }
    const slots = (few as unknown as { actors: unknown[] }).actors;
    expect(Object.keys(slots).every((k) => /^\d+$/.test(k) && Number(k) < slots.length)).toBe(true);
    expect(table(few)).toBeLessThanOrEqual(1_024);
  });

  it('a backfill of processes over spread pids, in any order, leaves each in its own slot of the actor table', () => {
    // While the table is small, pids beyond it share slots; when it grows, every cached process
    // that lost its slot gets one back (else its next event takes the Map path).
    const c = new LineageCache({ maxProcesses: 20_000 });
    const specs: ProcSpec[] = [];
    for (let i = 0; i < 5_000; i++) {
      // pids spread over ~3× their number, shuffled (an LCG: the same order every run).
      const pid = 2 + ((i * 7_919) % 15_000);
      specs.push({ pid, pidversion: 3, path: '/y', ppid: 1, parent: launchd });
    }
    c.backfill([proc(7, launchd), ...specs.map((p) => proc(7, p))] as EsProcess[]);
    const internals = c as unknown as { actors: unknown[]; slotOf(pid: number): number; map: Map<string, unknown> };
    let without = 0;
    for (const [id, node] of internals.map) {
      const pid = Number(id.split(':')[0]);
      if (internals.actors[internals.slotOf(pid)] !== node) without++;
    }
    expect(internals.map.size).toBe(5_001);
    expect(without).toBe(0);
  });

  it('an actor table at its cap is not copied again for each process learned beyond it', () => {
    // Linux pids run to 4,194,304: past the table's 262,144 slots they share slots, and learning
    // one must not reallocate the whole table (it did, milliseconds per process).
    const c = new LineageCache({ maxProcesses: 70_000 });
    seen(c, launchd);
    for (let i = 0; i < 65_600; i++) seen(c, { pid: 2 + i * 4, pidversion: 1, path: '/y', ppid: 1, parent: launchd });
    const actors = (): unknown[] => (c as unknown as { actors: unknown[] }).actors;
    const table = actors();
    expect(table.length).toBe(262_144);
    const high: ProcSpec = { pid: 3_000_001, pidversion: 1, path: '/z', ppid: 1, parent: launchd };
    for (let i = 0; i < 5; i++) seen(c, { ...high, pid: high.pid + i });
    expect(actors()).toBe(table);
    const ev = event(7, 'open', high, {});
    c.observe(ev);
    expect(ids(c.ancestors(ev))).toEqual(['1:100']);
  });

  it('the newest view of a busy process is kept, and a changed parent token is followed at once', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const kid: ProcSpec = { pid: 900, pidversion: 901, path: '/bin/kid', ppid: 700, parent: zsh };
    seen(c, kid, kid);
    // The parent exits; ES reparents the child to launchd (ppid and parent token change).
    c.observe(event(7, 'exit', zsh, { stat: 0 }));
    const orphan: ProcSpec = { ...kid, ppid: 1, parent: launchd };
    const ev = event(7, 'open', orphan, {});
    ev.msg!.process!.codesigning_flags = 12345;
    c.observe(ev);
    expect(c.parent(ev)?.entity_id).toBe('1:100');
    expect(c.get('900:901')?.codesigning_flags).toBe(12345);
  });

  it('an event whose pid fields disagree with its process (built by hand) is still learned by its process', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const ev = event(7, 'open', zsh, {});
    const wrong = { ...ev, pid: 500, pidversion: 600, entityId: '500:600' };
    c.observe(wrong);
    c.observe(wrong);
    expect(c.metrics().size).toBe(3);
    expect(ids(c.ancestors(ev))).toEqual(['500:600', '1:100']);
  });

  it('backfill links processes given in any order', () => {
    const c = new LineageCache();
    const wrong = proc(3, zsh) as EsProcess;
    wrong.entity_id = 'bogus'; // a live source's own id field must not become the key
    c.backfill([
      proc(3, zshChild) as EsProcess,
      wrong,
      proc(3, { ...launchd }) as EsProcess,
      proc(3, terminal) as EsProcess,
    ]);
    const ev = event(3, 'open', zshChild, {});
    expect(ids(c.ancestors(ev))).toEqual(['700:800', '500:600', '1:100']);
    expect(c.chain(ev).complete).toBe(true);
  });

  it("backfill keeps a live source's argv, so a parent that started first has its command line", () => {
    const c = new LineageCache();
    const shell = { ...(proc(3, zsh) as EsProcess), args: ['-zsh', '-l'] } as EsProcess;
    c.backfill([
      proc(3, { ...launchd }) as EsProcess,
      proc(3, terminal) as EsProcess,
      shell,
      { ...(proc(3, zshChild) as EsProcess), args: 'not a list' },
    ]);
    const ev = event(3, 'open', zshChild, {});
    expect(c.args(c.parent(ev)!)).toEqual(['-zsh', '-l']);
    expect(c.args(c.get('900:1000')!)).toBeUndefined();
    expect(c.chain(ev).processes[0]).toMatchObject({ entity_id: '700:800', args: ['-zsh', '-l'] });
  });

  it('fork: the subject is the child, its parent the forking process', () => {
    const c = new LineageCache();
    seen(c, launchd, terminal, zsh);
    const f = event(7, 'fork', zsh, { child: proc(7, zshChild) });
    c.observe(f);
    expect(c.parent(f)?.entity_id).toBe('700:800');
    expect(compileFieldPath('ancestors.executable.path').get(f, { lineage: c })).toEqual([
      '/bin/zsh',
      terminal.path,
      '/sbin/launchd',
    ]);
  });

  it("fork copies argv: a subshell's command line is its parent's until it execs (ParentCommandLine of a $( ) child)", () => {
    const c = new LineageCache();
    seen(c, launchd, terminal);
    const bash: ProcSpec = {
      pid: 700,
      pidversion: 801,
      path: '/bin/bash',
      ppid: 500,
      parent: terminal,
      responsible: terminal,
    };
    c.observe(execOf(7, { ...zsh }, bash, ['bash', '-c', 'echo x | pbcopy; $(pbpaste)']));
    const sub: ProcSpec = {
      pid: 900,
      pidversion: 1000,
      path: '/bin/bash',
      ppid: 700,
      parent: bash,
      responsible: terminal,
    };
    c.observe(event(7, 'fork', bash, { child: proc(7, sub) }));
    const paste: ProcSpec = {
      pid: 901,
      pidversion: 1001,
      path: '/bin/bash',
      ppid: 900,
      parent: sub,
      responsible: terminal,
    };
    c.observe(event(7, 'fork', sub, { child: proc(7, paste) }));
    expect(c.args(c.get('900:1000')!)).toEqual(['bash', '-c', 'echo x | pbcopy; $(pbpaste)']);
    expect(c.args(c.get('901:1001')!)).toEqual(['bash', '-c', 'echo x | pbcopy; $(pbpaste)']);
    // Its own exec replaces them.
    c.observe(execOf(7, paste, { ...paste, pidversion: 1002, path: '/usr/bin/pbpaste' }, ['pbpaste']));
    expect(c.args(c.get('901:1002')!)).toEqual(['pbpaste']);
  });

  it('fork without tokens (v3): the forking process is the parent even if another process has that pid newer', () => {
    const c = new LineageCache();
    const sh: ProcSpec = { pid: 700, pidversion: 800, path: '/bin/sh', ppid: 1, start_time: iso(T0) };
    const other: ProcSpec = { pid: 700, pidversion: 900, path: '/bin/other', ppid: 1, start_time: iso(T0) };
    c.observe(event(3, 'open', other, {})); // confusing newer entry for pid 700 (bad or reordered input)
    const kid: ProcSpec = { pid: 710, pidversion: 901, path: '/bin/sh', ppid: 700, start_time: iso(T0 + S) };
    const f = event(3, 'fork', sh, { child: proc(3, kid) }, T0 + S);
    c.observe(f);
    expect(c.parent(f)?.entity_id).toBe('700:800');
  });

  it('a parent cycle in bad input ends the walk', () => {
    const c = new LineageCache();
    const a: ProcSpec = { pid: 10, pidversion: 1, path: '/a', ppid: 11, parent: { pid: 11, pidversion: 1 } };
    const b: ProcSpec = { pid: 11, pidversion: 1, path: '/b', ppid: 10, parent: { pid: 10, pidversion: 1 } };
    seen(c, a, b);
    const ev = event(7, 'open', a, {});
    expect(ids(c.ancestors(ev))).toEqual(['11:1']);
    expect(c.chain(ev).complete).toBe(false);
  });

  it('works with v10 array tokens', () => {
    const c = new LineageCache();
    for (const p of [launchd, terminal, zsh]) c.observe(event(10, 'open', p, {}));
    const ex = execOf(10, zshChild, curl);
    c.observe(ex);
    expect(ids(c.ancestors(ex))).toEqual(['700:800', '500:600', '1:100']);
  });

  it('skipped events (msg null) read as unknown', () => {
    const c = new LineageCache();
    const skipped: NightjarEvent = {
      msg: null,
      skipped: true,
      name: 'exec',
      type: 9,
      time: T0,
      pid: 0,
      pidversion: 0,
      entityId: '0:0',
      seq: 1,
      globalSeq: 1,
      host: undefined,
      version: undefined,
      line: 1,
      offset: 0,
      source: 's',
    };
    c.observe(skipped);
    expect(c.parent(skipped)).toBeUndefined();
    expect(c.ancestors(skipped)).toEqual([]);
    expect(c.chain(skipped)).toEqual({ processes: [], complete: false });
  });
});
