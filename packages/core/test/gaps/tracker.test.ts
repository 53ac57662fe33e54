import { describe, expect, it } from 'vitest';
import { GapTracker, eventTypeByName } from '@nightjar/core';
import type { NightjarEvent } from '@nightjar/core';

const S = 1_000_000;

function ev(
  name: string,
  seq: number | undefined,
  globalSeq: number | undefined,
  time: number,
  extra: Partial<NightjarEvent> = {},
): NightjarEvent {
  return {
    msg: null,
    skipped: true,
    name,
    type: eventTypeByName(name)?.type ?? -1,
    time,
    pid: 0,
    pidversion: 0,
    entityId: '0:0',
    seq,
    globalSeq,
    host: undefined,
    version: 7,
    line: 0,
    offset: 0,
    source: 'cap',
    ...extra,
  };
}

describe('GapTracker', () => {
  it('a clean stream has no gaps and no diagnostics', () => {
    const t = new GapTracker();
    let g = 100;
    for (let i = 0; i < 10; i++) {
      t.observe(ev('exec', i, g++, i * S));
      t.observe(ev('open', i, g++, i * S + 1));
    }
    expect(t.gaps()).toEqual([]);
    expect(t.drainDiagnostics()).toEqual([]);
    expect(t.metrics()).toMatchObject({ gaps: 0, missing: 0, restarts: 0, duplicates: 0, outOfOrder: 0 });
  });

  it('records a per-type gap with expected, seen, missing and the missing time range', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 4, undefined, 10 * S, { line: 1 }));
    t.observe(ev('exec', 5, undefined, 11 * S, { line: 2 }));
    t.observe(ev('exec', 9, undefined, 15 * S, { line: 3 }));
    expect(t.gaps()).toEqual([
      {
        source: 'cap',
        scope: 'type',
        eventType: 'exec',
        expected: 6,
        seen: 9,
        missing: 3,
        time: 15 * S,
        prevTime: 11 * S,
      },
    ]);
    const d = t.drainDiagnostics();
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      code: 'NJ_GAP',
      severity: 'warning',
      time: 15 * S,
      source: 'cap',
      line: 3,
      data: { scope: 'type', eventType: 'exec', expected: 6, seen: 9, missing: 3 },
    });
    expect(d[0].message).toContain('3 exec events');
    expect(t.drainDiagnostics()).toEqual([]); // drained
    expect(t.metrics().byType.exec).toEqual({ gaps: 1, missing: 3 });
  });

  it('tracks global_seq_num across types, including skipped messages', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 0, 10, 1 * S));
    t.observe(ev('open', 0, 11, 2 * S)); // skipped messages count for the global sequence
    t.observe(ev('exec', 1, 14, 3 * S));
    const g = t.gaps();
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ scope: 'global', expected: 12, seen: 14, missing: 2, prevTime: 2 * S, time: 3 * S });
    expect(g[0].eventType).toBeUndefined();
    expect(t.metrics().global).toEqual({ gaps: 1, missing: 2 });
  });

  it('keeps separate sequences per source and per host', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 1, 1, 1, { source: 'a' }));
    t.observe(ev('exec', 1, 1, 1, { source: 'b' }));
    t.observe(ev('exec', 2, 2, 2, { source: 'a' }));
    t.observe(ev('exec', 1, 1, 1, { source: 'a', host: 'mac2' }));
    t.observe(ev('exec', 2, 2, 2, { source: 'a', host: 'mac2' }));
    t.observe(ev('exec', 2, 2, 2, { source: 'b' }));
    expect(t.gaps()).toEqual([]);
    t.observe(ev('exec', 5, 5, 3, { source: 'a', host: 'mac2' }));
    expect(t.gaps().map((g) => [g.source, g.host, g.scope])).toEqual([
      ['a', 'mac2', 'global'],
      ['a', 'mac2', 'type'],
    ]);
  });

  it('a reset to 0/1 is a source restart, not a gap, and every type starts afresh', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 500, 9000, 1 * S));
    t.observe(ev('open', 800, 9001, 2 * S));
    t.observe(ev('open', 0, 0, 3 * S)); // restarted client
    t.observe(ev('exec', 0, 1, 4 * S)); // exec's own seq also restarted: no second restart, no gap
    t.observe(ev('exec', 1, 2, 5 * S));
    expect(t.gaps()).toEqual([]);
    expect(t.restarts()).toEqual([{ source: 'cap', scope: 'global', previous: 9001, seen: 0, time: 3 * S }]);
    const d = t.drainDiagnostics();
    expect(d.map((x) => x.code)).toEqual(['NJ_SOURCE_RESTART']);
    expect(t.metrics().restarts).toBe(1);
  });

  it('without global_seq_num (v<4), a type reset is the restart signal', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 40, undefined, 1));
    t.observe(ev('open', 70, undefined, 2));
    t.observe(ev('exec', 1, undefined, 3));
    t.observe(ev('open', 0, undefined, 4)); // first open after restart: new baseline, not a restart of its own
    expect(t.restarts()).toHaveLength(1);
    expect(t.restarts()[0]).toMatchObject({ scope: 'type', eventType: 'exec', previous: 40, seen: 1 });
    // Sequences start at 0 after a restart: exec 0 was lost; open starts at 0, nothing lost.
    expect(t.gaps()).toMatchObject([{ scope: 'type', eventType: 'exec', expected: 0, seen: 1, missing: 1 }]);
  });

  it('a large backward jump is a restart; a small one is counted as out of order; a repeat as duplicate', () => {
    const t = new GapTracker({ reorderTolerance: 10 });
    t.observe(ev('exec', 100, undefined, 1));
    t.observe(ev('exec', 100, undefined, 2));
    t.observe(ev('exec', 95, undefined, 3));
    t.observe(ev('exec', 101, undefined, 4)); // continues from 100: no gap
    expect(t.gaps()).toEqual([]);
    expect(t.metrics()).toMatchObject({ duplicates: 1, outOfOrder: 1, restarts: 0 });
    t.observe(ev('exec', 50, undefined, 5));
    expect(t.metrics().restarts).toBe(1);
    t.observe(ev('exec', 51, undefined, 6));
    // The restarted sequence began at 0: the 50 before the first seen were lost (between times 4 and 5).
    expect(t.gaps()).toMatchObject([{ expected: 0, seen: 50, missing: 50, prevTime: 4, time: 5 }]);
  });

  it('a restart whose first messages were lost (back to a low number > 1) still reports every later gap', () => {
    const t = new GapTracker();
    let g = 0;
    let time = 0;
    for (let i = 0; i < 200; i++) t.observe(ev('exec', i, g++, (time += S)));
    // The client restarts; its first 4 messages are lost, then 19 drops of 3 messages follow.
    g = 5;
    let seq = 5;
    const restartAt = (time += S);
    t.observe(ev('exec', seq++, g++, restartAt, { line: 201 }));
    for (let k = 0; k < 19; k++) {
      t.observe(ev('exec', seq++, g++, (time += S)));
      seq += 3;
      g += 3;
      t.observe(ev('exec', seq++, g++, (time += S)));
    }
    expect(t.restarts()).toEqual([{ source: 'cap', scope: 'global', previous: 199, seen: 5, time: restartAt }]);
    const m = t.metrics();
    expect(m).toMatchObject({ restarts: 1, outOfOrder: 0, duplicates: 0 });
    // The restart's own first 5 (0–4) and then 19 × 3, in both counters.
    expect(m.global).toEqual({ gaps: 20, missing: 62 });
    expect(m.byType.exec).toEqual({ gaps: 20, missing: 62 });
    expect(t.gaps()[0]).toMatchObject({ scope: 'global', expected: 0, seen: 5, missing: 5, time: restartAt });
    const d = t.drainDiagnostics();
    expect(d.filter((x) => x.code === 'NJ_GAP')).toHaveLength(40);
    expect(d.find((x) => x.code === 'NJ_SOURCE_RESTART')).toMatchObject({ line: 201 });
  });

  it('the same without global_seq_num (v<4): the type counter carries the restart', () => {
    const t = new GapTracker();
    for (let i = 0; i < 50; i++) t.observe(ev('exec', i, undefined, i));
    t.observe(ev('exec', 7, undefined, 100));
    t.observe(ev('exec', 8, undefined, 101));
    t.observe(ev('exec', 12, undefined, 102));
    expect(t.restarts()).toMatchObject([{ scope: 'type', eventType: 'exec', previous: 49, seen: 7 }]);
    expect(t.gaps()).toMatchObject([
      { expected: 0, seen: 7, missing: 7 },
      { expected: 9, seen: 12, missing: 3 },
    ]);
    expect(t.metrics().outOfOrder).toBe(0);
  });

  it('one late message followed by the main sequence stays out of order, not a restart', () => {
    const t = new GapTracker();
    for (let i = 0; i < 50; i++) t.observe(ev('exec', i, undefined, i));
    t.observe(ev('exec', 45, undefined, 60));
    t.observe(ev('exec', 50, undefined, 61));
    t.observe(ev('exec', 52, undefined, 62));
    expect(t.restarts()).toEqual([]);
    expect(t.metrics()).toMatchObject({ outOfOrder: 1, gaps: 1, missing: 1 });
  });

  it('ignores messages without sequence numbers (vendor records)', () => {
    const t = new GapTracker();
    t.observe(ev('unknown:9001', undefined, undefined, 1));
    t.observe(ev('unknown:9001', undefined, undefined, 2));
    expect(t.metrics()).toMatchObject({ gaps: 0, untracked: 0 });
  });

  describe('overlapsOpenGap', () => {
    const t = new GapTracker();
    t.observe(ev('exec', 1, undefined, 10 * S));
    t.observe(ev('exec', 5, undefined, 20 * S)); // exec missing in [10 s, 20 s]
    t.observe(ev('open', 1, 100, 30 * S));
    t.observe(ev('open', 2, 103, 40 * S)); // global gap in [30 s, 40 s]

    it('is true for a window touching the missing time of a gap in its types', () => {
      expect(t.overlapsOpenGap(['exec'], 15 * S, 16 * S)).toBe(true);
      expect(t.overlapsOpenGap(['exec'], 0, 10 * S)).toBe(true); // inclusive edge at prevTime
      expect(t.overlapsOpenGap(['exec'], 20 * S, 25 * S)).toBe(true); // inclusive edge at time
      expect(t.overlapsOpenGap(['exec'], 0, 10 * S - 1)).toBe(false);
      expect(t.overlapsOpenGap(['exec'], 20 * S + 1, 29 * S)).toBe(false);
    });

    it('ignores type gaps of other types, but a global gap may hide any type', () => {
      expect(t.overlapsOpenGap(['fcntl'], 15 * S, 16 * S)).toBe(false);
      expect(t.overlapsOpenGap(['fcntl'], 35 * S, 36 * S)).toBe(true);
      expect(t.overlapsOpenGap(null, 15 * S, 16 * S)).toBe(true);
    });
  });

  it('bounds memory: gap records, pending diagnostics, streams and types', () => {
    const t = new GapTracker({ maxGaps: 5, maxPendingDiagnostics: 3, maxStreams: 2, maxTypesPerStream: 2 });
    for (let i = 0; i < 20; i++) t.observe(ev('exec', i * 2, undefined, i));
    expect(t.gaps()).toHaveLength(5);
    expect(t.gaps()[4].seen).toBe(38);
    const m = t.metrics();
    expect(m.gaps).toBe(19);
    expect(m.gapsDropped).toBe(14);
    const d = t.drainDiagnostics();
    expect(d).toHaveLength(4);
    expect(d[3]).toMatchObject({ code: 'NJ_GAP_DIAGNOSTICS_DROPPED', data: { dropped: 16 } });
    t.observe(ev('a', 1, undefined, 1, { source: 's2' }));
    t.observe(ev('a', 1, undefined, 1, { source: 's3' })); // third stream: untracked
    t.observe(ev('b', 1, undefined, 1, { source: 's2' }));
    t.observe(ev('c', 1, undefined, 1, { source: 's2' })); // third type in s2: untracked
    expect(t.metrics().untracked).toBe(2);
  });

  it('tracks AUTH and NOTIFY variants of one name apart (separate es_event_type_t counters)', () => {
    const t = new GapTracker();
    t.observe(ev('open', 10, undefined, 1, { type: 10 })); // NOTIFY_OPEN
    t.observe(ev('open', 500, undefined, 2, { type: 1 })); // AUTH_OPEN
    t.observe(ev('open', 11, undefined, 3, { type: 10 }));
    t.observe(ev('open', 501, undefined, 4, { type: 1 }));
    expect(t.gaps()).toEqual([]);
    expect(t.metrics()).toMatchObject({ restarts: 0, outOfOrder: 0 });
  });
});
