import { describe, expect, it } from 'vitest';
import { LineageCache, eventFromMessage, DecodeError } from '@nightjar/core';
import type { EsMessage, EsProcess, NightjarEvent } from '@nightjar/core';
import { message, proc } from '../model/fixtures.js';
import type { ProcSpec } from '../model/fixtures.js';

/**
 * Exited ancestors of a live process stay in the lineage cache for as long as it lives (a process
 * pins its parent), and go once nothing pins them and their grace period is over.
 */

const S = 1_000_000;
const MIN = 60 * S;
const T0 = Date.UTC(2025, 7, 7, 15, 0, 0) * 1000;
const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString();
const TYPES: Record<string, number> = { exec: 9, open: 10, fork: 11, exit: 15 };

let seq = 0;
function event(v: number, name: string, actor: ProcSpec, payload: Record<string, unknown>, at: number): NightjarEvent {
  const r = eventFromMessage(
    message({ v, type: TYPES[name], name, payload, process: actor, time: iso(at), seq: seq++ }) as unknown as EsMessage,
  );
  if (r instanceof DecodeError) throw r;
  return r;
}
const open = (v: number, p: ProcSpec, at: number) => event(v, 'open', p, { fflag: 1, file: { path: '/tmp/x' } }, at);
const fork = (v: number, parent: ProcSpec, child: ProcSpec, at: number) =>
  event(v, 'fork', parent, { child: proc(v, child) }, at);
const exit = (v: number, p: ProcSpec, at: number) => event(v, 'exit', p, { stat: 0 }, at);
const ids = (list: readonly EsProcess[]) => list.map((p) => p.entity_id);

const launchd: ProcSpec = {
  pid: 1,
  pidversion: 100,
  path: '/sbin/launchd',
  ppid: 0,
  parent: { pid: 0, pidversion: 0 },
};
const grand: ProcSpec = { pid: 300, pidversion: 301, path: '/bin/g', ppid: 1, parent: launchd, start_time: iso(T0) };
const par: ProcSpec = { pid: 400, pidversion: 401, path: '/bin/p', ppid: 300, parent: grand, start_time: iso(T0 + S) };
const kid: ProcSpec = {
  pid: 500,
  pidversion: 501,
  path: '/bin/k',
  ppid: 400,
  parent: par,
  start_time: iso(T0 + 2 * S),
};

/** launchd → grand → par → kid by forks; grand and par exit; kid lives on (an event a minute). */
function tree(v: number, c: LineageCache, kidView: ProcSpec = kid): number {
  c.observe(open(v, launchd, T0));
  c.observe(fork(v, launchd, grand, T0));
  c.observe(fork(v, grand, par, T0 + S));
  c.observe(fork(v, par, kid, T0 + 2 * S));
  c.observe(exit(v, par, T0 + 3 * S));
  c.observe(exit(v, grand, T0 + 4 * S));
  let t = T0 + 4 * S;
  for (let m = 1; m <= 10; m++) {
    t = T0 + 4 * S + m * MIN;
    c.observe(open(v, kidView, t));
    c.observe(open(v, launchd, t + 1));
  }
  return t + 1;
}

describe('lineage pinning: exited ancestors of a live process', () => {
  for (const v of [3, 7, 10]) {
    it(`v${v}: a child alive 10 minutes after its parent and grandparent exited still resolves the full chain`, () => {
      const c = new LineageCache({ exitGraceUs: 60 * S });
      const t = tree(v, c);
      const ev = open(v, kid, t + 1);
      c.observe(ev);
      expect(ids(c.ancestors(ev))).toEqual(['400:401', '300:301', '1:100']);
      expect(c.chain(ev).complete).toBe(true);
      expect(c.metrics()).toMatchObject({ size: 4, exited: 2, expired: 0 });
    });
  }

  it('after the child exits too and its grace passes, all three go (and only they)', () => {
    const c = new LineageCache({ exitGraceUs: 60 * S });
    const t = tree(7, c);
    c.observe(exit(7, kid, t + S));
    c.observe(open(7, launchd, t + S + 60 * S)); // at the child's grace edge: all still there
    expect(c.get('500:501')).toBeDefined();
    expect(c.get('400:401')).toBeDefined();
    expect(c.get('300:301')).toBeDefined();
    c.observe(open(7, launchd, t + S + 60 * S + 1000)); // event times have ms precision here
    expect(c.get('500:501')).toBeUndefined();
    expect(c.get('400:401')).toBeUndefined();
    expect(c.get('300:301')).toBeUndefined();
    expect(c.get('1:100')).toBeDefined();
    expect(c.metrics()).toMatchObject({ size: 1, exited: 3, expired: 3, evictions: 0 });
  });

  it('a child reparented to launchd keeps its original parent as real parent (original_ppid)', () => {
    const c = new LineageCache({ exitGraceUs: 60 * S });
    // What ES reports once the parent is gone: ppid 1, parent token launchd, original_ppid unchanged.
    const orphan: ProcSpec = { ...kid, ppid: 1, parent: launchd, original_ppid: 400 };
    const t = tree(7, c, orphan);
    const ev = open(7, orphan, t + 1);
    c.observe(ev);
    expect(c.parent(ev)?.entity_id).toBe('1:100'); // the direct parent follows the token
    expect(c.realParent(ev)?.entity_id).toBe('400:401');
    expect(c.metrics().expired).toBe(0);
    // par is still pinned, and pins grand: the real lineage is intact.
    expect(c.get('300:301')).toBeDefined();
  });

  it("pid reuse: a new process with the exited parent's pid never joins the old chain", () => {
    const c = new LineageCache({ exitGraceUs: 60 * S });
    const t = tree(7, c);
    // pid 400 reused by a new process (new pidversion), with a child of its own.
    const reuse: ProcSpec = {
      pid: 400,
      pidversion: 900,
      path: '/bin/other',
      ppid: 1,
      parent: launchd,
      start_time: iso(t),
    };
    const reuseKid: ProcSpec = {
      pid: 600,
      pidversion: 901,
      path: '/bin/rk',
      ppid: 400,
      parent: reuse,
      start_time: iso(t + S),
    };
    c.observe(fork(7, launchd, reuse, t));
    c.observe(fork(7, reuse, reuseKid, t + S));
    const a = open(7, kid, t + 2 * S);
    c.observe(a);
    expect(ids(c.ancestors(a))).toEqual(['400:401', '300:301', '1:100']);
    const b = open(7, reuseKid, t + 2 * S);
    c.observe(b);
    expect(ids(c.ancestors(b))).toEqual(['400:900', '1:100']);
    // Without tokens (v3) the ppid fallback still picks the process that held pid 400 at the start.
    const kid3: ProcSpec = { pid: 500, pidversion: 501, path: '/bin/k', ppid: 400, start_time: iso(T0 + 2 * S) };
    const c3 = open(3, kid3, t + 3 * S);
    c.observe(c3);
    expect(c.parent(c3)?.entity_id).toBe('400:401');
    // The reusing process and its child exit: after their grace both go, while the old process with
    // the same pid stays pinned by the old child. Each pin holds its own process only.
    c.observe(exit(7, reuseKid, t + 4 * S));
    c.observe(exit(7, reuse, t + 4 * S));
    c.observe(open(7, launchd, t + 4 * S + 61 * S));
    expect(c.get('400:900')).toBeUndefined();
    expect(c.get('600:901')).toBeUndefined();
    expect(c.get('400:401')).toBeDefined();
  });

  it("a parent that exec'd: the child pins the new image, the old image goes after its grace", () => {
    const c = new LineageCache({ exitGraceUs: 60 * S });
    c.observe(open(7, launchd, T0));
    c.observe(fork(7, launchd, grand, T0));
    c.observe(fork(7, grand, par, T0 + S));
    c.observe(fork(7, par, kid, T0 + 2 * S));
    const par2: ProcSpec = { ...par, pidversion: 402, path: '/bin/p2' };
    c.observe(event(7, 'exec', par, { target: proc(7, par2), args: ['p2'] }, T0 + 3 * S));
    // ES names the parent's current image in the child's parent token.
    const kidNow: ProcSpec = { ...kid, parent: par2 };
    c.observe(open(7, kidNow, T0 + 4 * S));
    c.observe(exit(7, par2, T0 + 5 * S));
    c.observe(exit(7, grand, T0 + 5 * S));
    const ev = open(7, kidNow, T0 + 10 * MIN);
    c.observe(ev);
    expect(ids(c.ancestors(ev))).toEqual(['400:402', '300:301', '1:100']);
    expect(c.get('400:401')).toBeUndefined(); // the pre-exec image: nothing pins it any more
    expect(c.metrics()).toMatchObject({ expired: 1, size: 4 });
  });

  it('the cap holds under a fork bomb of short-lived processes, and leaves go before a live chain', () => {
    const cap = 64;
    const c = new LineageCache({ maxProcesses: cap, exitGraceUs: 60 * S });
    const t = tree(7, c); // kid (live) pins par and grand (exited)
    let learned = 4;
    let maxSize = 0;
    let at = t;
    for (let i = 0; i < 5000; i++) {
      at += 10;
      // Each bomb process forks one short-lived child, then both exit: leaves and exited.
      const b: ProcSpec = {
        pid: 10_000 + i,
        pidversion: 20_000 + 2 * i,
        path: '/tmp/bomb',
        ppid: 1,
        parent: launchd,
        start_time: iso(at),
      };
      const bk: ProcSpec = {
        pid: 50_000 + i,
        pidversion: 20_001 + 2 * i,
        path: '/tmp/bomb',
        ppid: b.pid,
        parent: b,
        start_time: iso(at),
      };
      c.observe(fork(7, launchd, b, at));
      c.observe(fork(7, b, bk, at));
      c.observe(exit(7, bk, at));
      c.observe(exit(7, b, at));
      learned += 2;
      maxSize = Math.max(maxSize, c.metrics().size);
    }
    const m = c.metrics();
    expect(maxSize).toBeLessThanOrEqual(cap);
    expect(m.size).toBeLessThanOrEqual(cap);
    expect(m.evictions).toBeGreaterThan(0);
    // Every process learned is still cached, was evicted, or expired: nothing unaccounted for.
    expect(m.size + m.evictions + m.expired).toBe(learned);
    // The live child and its pinned exited ancestors were never the ones evicted.
    const ev = open(7, kid, at + 1);
    c.observe(ev);
    expect(ids(c.ancestors(ev))).toEqual(['400:401', '300:301', '1:100']);
  });

  it('the cap holds when every process is pinned (a chain of exited ancestors): the oldest goes', () => {
    const cap = 16;
    const c = new LineageCache({ maxProcesses: cap, exitGraceUs: 60 * S });
    c.observe(open(7, launchd, T0));
    let prev: ProcSpec = launchd;
    let at = T0;
    for (let i = 0; i < 200; i++) {
      at += 10;
      // Each process forks the next, then exits: one long chain with a single live tip.
      const p: ProcSpec = {
        pid: 2000 + i,
        pidversion: 3000 + i,
        path: '/bin/chain',
        ppid: prev.pid,
        parent: prev,
        start_time: iso(at),
      };
      c.observe(fork(7, prev, p, at));
      if (prev !== launchd) c.observe(exit(7, prev, at));
      expect(c.metrics().size).toBeLessThanOrEqual(cap);
      prev = p;
    }
    const ev = open(7, prev, at + 1);
    c.observe(ev);
    const chain = c.chain(ev);
    // The nearest ancestors are kept (the oldest were evicted), so the chain is known to be cut.
    expect(chain.processes[0].entity_id).toBe(`${2000 + 198}:${3000 + 198}`);
    expect(chain.processes.length).toBe(cap - 1);
    expect(chain.complete).toBe(false);
    expect(c.metrics().evictions).toBeGreaterThan(0);
  });
});

describe('lineage pinning: a chain longer than any lookup walks', () => {
  it('5,000 generations, each forking the next and exiting: only the last 64 exited ancestors stay', () => {
    // A busy host where processes fork from children of exited parents for hours: pins alone kept the
    // whole chain (one more entry per generation, without end) though ancestors() walks 64 at most.
    // Sweeps come every quarter of the cap in retirements (at least 4,096): every 4,096 here.
    const c = new LineageCache({ exitGraceUs: 60 * S, maxProcesses: 16_384 });
    let t = T0;
    let prev: ProcSpec = launchd;
    c.observe(open(7, launchd, t));
    const N = 5_000;
    for (let g = 0; g < N; g++) {
      const p: ProcSpec = { pid: 1000 + g, pidversion: 10_000 + g, path: '/bin/g', ppid: prev.pid, parent: prev };
      c.observe(fork(7, prev, p, (t += S)));
      if (prev !== launchd) c.observe(exit(7, prev, (t += S)));
      prev = p;
    }
    // Every exit's grace is over (the last ones' too), then one event from the living leaf.
    const last = open(7, prev, t + 2 * MIN);
    c.observe(last);
    c.observe(exit(7, { ...launchd, pid: 999_999, pidversion: 1 }, t + 2 * MIN + 1));
    const chain = c.ancestors(last);
    expect(chain).toHaveLength(64);
    expect(chain[0].entity_id).toBe(`${1000 + N - 2}:${10_000 + N - 2}`);
    const m = c.metrics();
    expect(m.exited).toBe(N);
    // Swept when the 4,096th exit came; the chain has grown by fewer than 1,000 since.
    expect(m.size).toBeLessThan(1_100);
    expect(m.evictions).toBe(0);
  });
});
