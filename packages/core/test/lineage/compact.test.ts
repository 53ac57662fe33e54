import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LineageCache, createDecoder, processOfEvent } from '@nightjar/core';
import type { EsProcess, NightjarEvent } from '@nightjar/core';
import { CompactProcess } from '../../src/lineage/compact.js';
import { parseTimeUs } from '../../src/model/time.js';
import { proc } from '../model/fixtures.js';

const FIXTURES = join(__dirname, '../../../../fixtures');

function fixtureFiles(): string[] {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.jsonl') || f.endsWith('.jsonl.gz'))
    .sort()
    .map((f) => join(FIXTURES, f));
}

function linesOf(file: string): string[] {
  const raw = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(raw) : raw)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

// Views are reused while unchanged: serialise each object once.
const serialised = new WeakMap<object, string>();
const json = (p: EsProcess): string => {
  let s = serialised.get(p);
  if (s === undefined) serialised.set(p, (s = JSON.stringify(p)));
  return s;
};

describe('compact process entries', () => {
  it('give back every field, in order, for object and array (v10) tokens', () => {
    const p = proc(8, { pid: 612, pidversion: 7001, ppid: 500, path: '/usr/bin/curl' }) as unknown as EsProcess;
    const id = '612:7001';
    p.entity_id = id;
    const e = new CompactProcess(id, 612, 7001, JSON.parse(JSON.stringify(p)) as EsProcess);
    expect(JSON.stringify(e.proc)).toBe(JSON.stringify(p));
    const v10 = {
      ...p,
      audit_token: [501, 501, 20, 501, 20, 612, 100012, 7001],
      parent_audit_token: [501, 501, 20, 501, 20, 500, 100012, 6000],
      responsible_audit_token: null,
      start_time: '2025-01-01T00:00:00Z', // not the canonical six-digit form: kept as text
      vendor_extra: { sha256: 'ab' },
      entity_id: id,
    } as unknown as EsProcess;
    const e10 = new CompactProcess(id, 612, 7001, JSON.parse(JSON.stringify(v10)) as EsProcess);
    expect(JSON.stringify(e10.proc)).toBe(JSON.stringify(v10));
  });

  it('keeps odd values as they are (a ppid that is not a number, missing tokens)', () => {
    const odd = { audit_token: { pid: 9, pidversion: 1 }, ppid: '7', executable: { path: '/x' }, entity_id: '9:1' };
    const e = new CompactProcess('9:1', 9, 1, odd as unknown as EsProcess);
    expect(JSON.stringify(e.proc)).toBe(JSON.stringify(odd));
  });

  it('share what processes share: two processes of one image have one shape', () => {
    const a = new CompactProcess(
      '700:1',
      700,
      1,
      proc(8, { pid: 700, pidversion: 1, ppid: 500, path: '/bin/zsh' }) as unknown as EsProcess,
    );
    const b = new CompactProcess(
      '701:2',
      701,
      2,
      proc(8, { pid: 701, pidversion: 2, ppid: 500, path: '/bin/zsh' }) as unknown as EsProcess,
    );
    expect(a.shape).toBe(b.shape);
    expect(b.proc.audit_token).toEqual(expect.objectContaining({ pid: 701, pidversion: 2 }));
  });

  it('match a known shape without building one: array tokens share theirs, another token form or layout does not', () => {
    const v10 = (pid: number, pv: number, start: string): EsProcess =>
      ({
        ...(proc(8, { pid, pidversion: pv, ppid: 500, path: '/bin/ksh' }) as object),
        audit_token: [501, 501, 20, 501, 20, pid, 100012, pv],
        parent_audit_token: [501, 501, 20, 501, 20, 500, 100012, 6000],
        start_time: start,
        entity_id: `${pid}:${pv}`,
      }) as unknown as EsProcess;
    const a = new CompactProcess('710:1', 710, 1, v10(710, 1, '2025-01-01T00:00:00.000001Z'));
    const b = new CompactProcess('711:4', 711, 4, v10(711, 4, '2025-01-01T00:00:01.250000Z'));
    expect(b.shape).toBe(a.shape);
    expect(b.startUs).toBe(Date.UTC(2025, 0, 1, 0, 0, 1) * 1000 + 250_000);
    expect(b.proc.start_time).toBe('2025-01-01T00:00:01.250000Z');
    expect(b.proc.audit_token).toEqual([501, 501, 20, 501, 20, 711, 100012, 4]);
    // A token that is not the entry's own ids stays in the shape, as it is.
    const other = { ...(v10(712, 5, '2025-01-01T00:00:01.250000Z') as object), audit_token: [1, 2, 3, 4, 5, 6, 7, 8] };
    const c = new CompactProcess('712:5', 712, 5, other as unknown as EsProcess);
    expect(c.shape).not.toBe(a.shape);
    expect(JSON.stringify(c.proc)).toBe(JSON.stringify(other));
    // Start times in any layout but the six-digit UTC one come back as written, kept in the entry:
    // processes that differ only in them share a shape.
    const shapes = new Set<unknown>();
    for (const start of [
      '2025-01-01t00:00:02.000000Z',
      '2025-01-01T00:00:02.000000z',
      '2025-01-01T00:00:02.000000001Z',
      '2025-01-01T00:00:02.00000Z',
      '2025-06-30T23:59:60.000000Z',
      '2025-01-01T00:00:02.000+00:00',
      '2025-01-01 00:00:02.000000Z',
    ]) {
      const p = v10(713, 6, start);
      const e = new CompactProcess('713:6', 713, 6, JSON.parse(JSON.stringify(p)) as EsProcess);
      expect(e.startUs).toBe(parseTimeUs(start));
      expect(e.proc.start_time).toBe(start);
      shapes.add(e.shape);
    }
    expect(shapes.size).toBe(1);
  });

  it('takes a newer view when a field that can change while a process lives did (flags, euid, group, parent)', () => {
    const base = proc(8, { pid: 800, pidversion: 3, ppid: 500, path: '/bin/zsh' }) as unknown as EsProcess;
    const e = new CompactProcess('800:3', 800, 3, base);
    const shape = e.shape;
    e.proc = JSON.parse(JSON.stringify(base)) as EsProcess;
    expect(e.shape).toBe(shape); // the same view: nothing recompacted
    const changes: Partial<EsProcess>[] = [
      { codesigning_flags: 1 },
      { audit_token: { ...(base.audit_token as object), euid: 0 } as EsProcess['audit_token'] },
      { group_id: 1 },
      { session_id: 2 },
      {
        ppid: 1,
        parent_audit_token: {
          ...(base.parent_audit_token as object),
          pid: 1,
          pidversion: 1,
        } as EsProcess['audit_token'],
      },
    ];
    for (const change of changes) {
      const next = { ...base, ...change };
      e.proc = next;
      expect(JSON.stringify(e.proc), JSON.stringify(change)).toBe(JSON.stringify({ ...next, entity_id: '800:3' }));
    }
  });
});

/**
 * The cache's answers against what the cache answered when it kept each process's newest eslogger
 * object as is: for every event of every fixture, each process it returns must serialise exactly as
 * the newest view of that process the events carried (actor, fork child, exec target).
 */
// Budget: a few seconds (every fixture, the 51k-event benign capture included).
describe.skipIf(fixtureFiles().length === 0)('lineage answers over the fixtures (skipped: no fixtures/)', () => {
  it('equal the newest eslogger object of each process, field for field', () => {
    let compared = 0;
    for (const file of fixtureFiles()) {
      const cache = new LineageCache();
      const latest = new Map<string, EsProcess>();
      const dec = createDecoder({ source: file });
      const check = (ev: NightjarEvent, p: EsProcess | undefined, what: string): void => {
        if (p === undefined) return;
        // The exec fallback hands back the event's own actor, not a cached process.
        if (p === ev.msg?.process) return;
        const want = latest.get(p.entity_id!);
        expect(json(p), `${file}:${ev.line} ${what} ${p.entity_id}`).toBe(want && json(want));
        compared++;
      };
      const lines = linesOf(file);
      for (let i = 0; i < lines.length; i++) {
        const ev = dec.decode(lines[i], i + 1, 0);
        if (ev instanceof Error || ev.msg === null) continue;
        cache.observe(ev);
        const seen = [ev.msg.process, (ev.msg.event as Record<string, { child?: unknown; target?: unknown }>)[ev.name]];
        const actor = seen[0] as EsProcess | undefined;
        if (actor?.entity_id !== undefined) latest.set(actor.entity_id, actor);
        const payload = seen[1];
        for (const q of [payload?.child, payload?.target] as (EsProcess | undefined)[]) {
          if (q != null && typeof q === 'object' && q.entity_id !== undefined) latest.set(q.entity_id, q);
        }
        check(ev, cache.parent(ev), 'parent');
        check(ev, cache.realParent(ev), 'realParent');
        const subject = processOfEvent(ev);
        const resp = cache.responsible(ev);
        if (resp !== subject) check(ev, resp, 'responsible');
        for (const a of cache.ancestors(ev)) check(ev, a, 'ancestor');
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
