import { describe, expect, it } from 'vitest';
import { Engine, MAX_EVENT_DEPTH, eventFromMessage, type NightjarEvent } from '@nightjar/core';
import { compileRuleText } from '@nightjar/rules';

/**
 * A hostile event can nest values thousands of levels deep (JSON.parse takes it). Every walk over
 * event values is bounded: such an event costs itself (one located NJ_EVENT_DEPTH diagnostic, no
 * alert), never the stream.
 */

function rule(i: number, detection: string): string {
  return `title: r${i}
id: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}
status: test
level: low
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
${detection}
`;
}

// Enough rules on signing_id for the engine to build its literal prefilter index.
const RULES = [
  ...Array.from({ length: 40 }, (_, i) =>
    rule(i, `  sel:\n    process.signing_id: 'com.example.tool${i}'\n  condition: sel`),
  ),
  rule(99, `  sel:\n    event.open.file.path|endswith: '/secret'\n  condition: sel`),
].join('---\n');

function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function openEvent(
  line: number,
  extra: { signing_id?: unknown; path?: string; junk?: unknown; pid?: number; ppid?: number; open?: unknown } = {},
): NightjarEvent {
  const msg = {
    version: 7,
    event_type: 10,
    time: '2025-01-01T00:00:00.000001Z',
    seq_num: line,
    global_seq_num: line,
    process: {
      audit_token: { pid: extra.pid ?? 100, pidversion: 1 },
      ...(extra.ppid !== undefined ? { parent_audit_token: { pid: extra.ppid, pidversion: 1 }, ppid: extra.ppid } : {}),
      executable: { path: '/bin/cat' },
      signing_id: extra.signing_id ?? 'com.apple.cat',
    },
    event: { open: extra.open ?? { fflag: 1, file: { path: extra.path ?? '/tmp/x' } } },
    ...(extra.junk !== undefined ? { junk: extra.junk } : {}),
  };
  const ev = eventFromMessage(msg as never, { line, offset: line * 1000, source: 'deep.jsonl' });
  if (ev instanceof Error) throw ev;
  return ev;
}

describe('deeply nested event values', () => {
  const rs = compileRuleText(RULES, 'deep.yml');

  it('a 10,000-deep array in a prefiltered field is one NJ_EVENT_DEPTH diagnostic, and the next event is scanned', () => {
    const engine = new Engine(rs, { lineage: false });
    expect(engine.push(openEvent(1, { signing_id: nested(10_000, 'com.example.tool3') }))).toEqual([]);
    const d = engine.drainDiagnostics().filter((x) => x.code === 'NJ_EVENT_DEPTH');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', line: 1, offset: 1000, source: 'deep.jsonl' });
    expect(d[0].message).toMatch(/^deep\.jsonl: open event nests deeper than 64 levels/);
    expect(engine.push(openEvent(2, { signing_id: 'com.example.tool3' })).map((a) => a.rule.title)).toEqual(['r3']);
    expect(engine.metrics().deepEvents).toBe(1);
  });

  it('lists nested a few levels are still flattened and matched', () => {
    const engine = new Engine(rs, { lineage: false });
    const alerts = engine.push(openEvent(1, { signing_id: nested(10, 'com.example.tool7') }));
    expect(alerts.map((a) => a.rule.title)).toEqual(['r7']);
    expect(engine.metrics().deepEvents).toBe(0);
  });

  it('an alerting event with a 4,500-level array in an extra field raises no alert that could not be serialised', () => {
    const engine = new Engine(rs, { lineage: false });
    const out = engine.push(openEvent(5, { path: '/x/secret', junk: nested(4_500, 1) }));
    expect(out).toEqual([]);
    expect(engine.drainDiagnostics().map((x) => x.code)).toContain('NJ_EVENT_DEPTH');
    const next = engine.push(openEvent(6, { path: '/y/secret', junk: nested(MAX_EVENT_DEPTH - 2, 1) }));
    expect(next).toHaveLength(1);
    expect(() => JSON.stringify(next)).not.toThrow();
  });

  it("an ancestor kept by lineage with a deep signing_id does not make its descendant's alert unserialisable", () => {
    const engine = new Engine(rs, {});
    engine.push(openEvent(1, { pid: 100, signing_id: nested(10_000, 'x') }));
    const out = engine.push(openEvent(2, { pid: 200, ppid: 100, path: '/z/secret' }));
    expect(out).toHaveLength(1);
    expect(out[0].lineage.map((p) => p.pid)).toContain(100);
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('a payload that is a 10,000-deep array, read through a field path (event.open.file.path), is NJ_EVENT_DEPTH, not a rule error', () => {
    // The field getter flattens arrays along a path; it used to recurse once per level and overflow
    // the stack inside the rule's predicate (reported as NJ_RULE_ERROR, unlocated as to why).
    const engine = new Engine(rs, { lineage: false });
    expect(engine.push(openEvent(3, { open: nested(10_000, { file: { path: '/x/secret' } }) }))).toEqual([]);
    const d = engine.drainDiagnostics();
    expect(d.map((x) => x.code)).toEqual(['NJ_EVENT_DEPTH']);
    expect(d[0]).toMatchObject({ line: 3, offset: 3000, source: 'deep.jsonl' });
    expect(engine.metrics().ruleErrors).toBe(0);
    // A path through a few nested arrays is still flattened and matched.
    expect(
      engine.push(openEvent(4, { open: nested(5, { file: { path: '/x/secret' } }) })).map((a) => a.rule.title),
    ).toEqual(['r99']);
  });
});

describe("an ancestor's deeply nested value read through lineage", () => {
  // The parent's process object (learned by lineage from its own event) holds the deep value; the
  // child's event is fine. Only the rule reading parent.* cannot read it: the child's other rules run.
  const rs = compileRuleText(
    [
      rule(1, `  sel:\n    parent.signing_id: 'com.example.tool'\n  condition: sel`),
      rule(2, `  sel:\n    event.open.file.path|endswith: '/secret'\n  condition: sel`),
    ].join('---\n'),
    'lineage-deep.yml',
  );

  it('costs the rule that read it, named, not the whole event, which is blamed on no one else', () => {
    const engine = new Engine(rs, {});
    engine.push(openEvent(1, { pid: 100, signing_id: nested(10_000, 'com.example.tool') }));
    engine.drainDiagnostics();
    const out = engine.push(openEvent(2, { pid: 200, ppid: 100, path: '/z/secret' }));
    expect(out.map((a) => a.rule.title)).toEqual(['r2']);
    const d = engine.drainDiagnostics();
    expect(d.map((x) => x.code)).toEqual(['NJ_EVENT_DEPTH']);
    expect(d[0]).toMatchObject({ line: 2, offset: 2000, data: { rule: rs.rules[0].id, via: 'parent.signing_id' } });
    expect(d[0].message).toMatch(
      /read parent\.signing_id on a open event, an ancestor's value \(recorded from an earlier event\)/,
    );
    expect(engine.metrics()).toMatchObject({ deepEvents: 0, deepLineageReads: 1, ruleErrors: 0 });
    // A shallow parent value still matches.
    engine.push(openEvent(3, { pid: 300, signing_id: nested(3, 'com.example.tool') }));
    const ok = engine.push(openEvent(4, { pid: 400, ppid: 300, path: '/z/other' }));
    expect(ok.map((a) => a.rule.title)).toEqual(['r1']);
  });

  it('the same through a path that crosses arrays in the lineage getter (parent.signing_id.x)', () => {
    const crossing = compileRuleText(
      [
        rule(3, `  sel:\n    parent.signing_id.x: 'y'\n  condition: sel`),
        rule(2, `  sel:\n    event.open.file.path|endswith: '/secret'\n  condition: sel`),
      ].join('---\n'),
      'lineage-deep.yml',
    );
    const engine = new Engine(crossing, {});
    engine.push(openEvent(1, { pid: 100, signing_id: nested(10_000, { x: 'y' }) }));
    engine.drainDiagnostics();
    expect(engine.push(openEvent(2, { pid: 200, ppid: 100, path: '/z/secret' })).map((a) => a.rule.title)).toEqual([
      'r2',
    ]);
    expect(engine.drainDiagnostics()).toMatchObject([{ code: 'NJ_EVENT_DEPTH', data: { via: 'parent.signing_id.x' } }]);
  });
});

describe('engine snapshots after a deeply nested process', () => {
  it('a process with a 10,000-deep signing_id, learned by lineage, still leaves a snapshot that serialises and restores', () => {
    // No rule reads the value and nothing alerts, so nothing walked it; the snapshot (what fleet
    // workers persist) held the object whole and JSON.stringify overflowed the stack.
    const rs = compileRuleText(RULES, 'deep.yml');
    const engine = new Engine(rs, {});
    engine.push(openEvent(1, { pid: 100, signing_id: nested(10_000, 'x') }));
    const json = JSON.stringify(engine.snapshot());
    const again = new Engine(rs, {});
    again.restore(JSON.parse(json) as ReturnType<Engine['snapshot']>);
    // The restored engine still knows the process: its child's alert names it in the lineage.
    const out = again.push(openEvent(2, { pid: 200, ppid: 100, path: '/z/secret' }));
    expect(out).toHaveLength(1);
    expect(out[0].lineage.map((p) => p.pid)).toContain(100);
  });
});

describe('keyword search over nested values', () => {
  const kw = compileRuleText(rule(7, `  keywords:\n    - 'needle-in-haystack'\n  condition: keywords`), 'kw.yml');

  it('finds a string nested deeper than a dozen levels (but within the event depth bound)', () => {
    const engine = new Engine(kw, { lineage: false });
    const out = engine.push(openEvent(1, { junk: nested(30, 'needle-in-haystack') }));
    expect(out.map((a) => a.rule.title)).toEqual(['r7']);
  });

  it('reports a value nested past the event depth bound as NJ_EVENT_DEPTH instead of silently not searching it', () => {
    const engine = new Engine(kw, { lineage: false });
    expect(engine.push(openEvent(2, { junk: nested(MAX_EVENT_DEPTH + 10, 'needle-in-haystack') }))).toEqual([]);
    const d = engine.drainDiagnostics();
    expect(d.map((x) => x.code)).toEqual(['NJ_EVENT_DEPTH']);
    expect(d[0]).toMatchObject({ line: 2, offset: 2000 });
    // The next event is searched as usual.
    expect(engine.push(openEvent(3, { junk: 'needle-in-haystack' }))).toHaveLength(1);
  });
});
