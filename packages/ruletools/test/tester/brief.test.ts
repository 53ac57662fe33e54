import { describe, expect, it } from 'vitest';
import { eventFromMessage } from '@nightjar/core';
import { BriefEventError, expandBriefEvents, parseOffsetUs } from '../../src/tester/brief.js';

describe('expandBriefEvents', () => {
  it('fills a complete exec message from a brief one', () => {
    const [m] = expandBriefEvents([
      {
        type: 'exec',
        process: { pid: 501, pidversion: 7, ppid: 300, executable: { path: '/bin/zsh' }, signing_id: 'com.apple.zsh' },
        exec: { target: { executable: { path: '/usr/bin/curl' } }, args: ['curl', '-s', 'http://x'] },
      },
    ]);
    expect(m.event_type).toBe(9);
    expect(m.time).toBe('2024-01-01T00:00:00.000000000Z');
    const p = m.process as Record<string, any>;
    expect(p.audit_token).toMatchObject({ pid: 501, pidversion: 7 });
    expect(p.ppid).toBe(300);
    expect(p.parent_audit_token.pid).toBe(300);
    expect(p.executable.path).toBe('/bin/zsh');
    expect(p.executable.stat.st_mode).toBeTypeOf('number');
    expect(p.signing_id).toBe('com.apple.zsh');
    const exec = m.event.exec as Record<string, any>;
    // exec keeps the pid and bumps pidversion; the new image is the target path.
    expect(exec.target.audit_token).toMatchObject({ pid: 501, pidversion: 8 });
    expect(exec.target.executable.path).toBe('/usr/bin/curl');
    expect(exec.args).toEqual(['curl', '-s', 'http://x']);
    expect(exec.dyld_exec_path).toBe('/usr/bin/curl');
  });

  it('defaults exec args to the target path and accepts shorthands on payload processes', () => {
    const [m] = expandBriefEvents([
      { type: 'exec', exec: { target: { pid: 42, euid: 0, executable: { path: '/bin/ls' } } } },
    ]);
    const t = (m.event.exec as Record<string, any>).target;
    expect(t.audit_token).toMatchObject({ pid: 42, euid: 0 });
    expect((m.event.exec as Record<string, any>).args).toEqual(['/bin/ls']);
  });

  it('orders times: absolute, +offsets, default +1ms, first at 2024-01-01', () => {
    const ms = expandBriefEvents([
      { type: 'open' },
      { type: 'open', time: '+2s' },
      { type: 'write' },
      { type: 'open', time: '2024-02-01T00:00:00Z' },
      { type: 'open', time: '+1m' },
    ]);
    expect(ms.map((m) => m.time)).toEqual([
      '2024-01-01T00:00:00.000000000Z',
      '2024-01-01T00:00:02.000000000Z',
      '2024-01-01T00:00:02.001000000Z',
      '2024-02-01T00:00:00.000000000Z',
      '2024-02-01T00:01:00.000000000Z',
    ]);
    // seq_num per type, global_seq_num across all.
    expect(ms.map((m) => m.seq_num)).toEqual([0, 1, 0, 2, 3]);
    expect(ms.map((m) => m.global_seq_num)).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes a string where a file is expected as its path', () => {
    const [m] = expandBriefEvents([{ type: 'open', open: { file: '/etc/passwd', fflag: 3 } }]);
    const open = m.event.open as Record<string, any>;
    expect(open.file.path).toBe('/etc/passwd');
    expect(open.file.path_truncated).toBe(false);
    expect(open.fflag).toBe(3);
  });

  it('produces messages the core decoder accepts, with entity ids', () => {
    const ms = expandBriefEvents([
      { type: 'fork', process: { pid: 10 } },
      { type: 'exec', process: { pid: 11 }, exec: { target: { executable: { path: '/bin/sh' } } } },
      { type: 'exit', process: { pid: 11, pidversion: 2 } },
    ]);
    const evs = ms.map((m, i) => eventFromMessage(m, { line: i + 1, offset: 0, source: 't' }));
    for (const e of evs) expect(e).not.toBeInstanceOf(Error);
    expect(evs.map((e) => (e as { name: string }).name)).toEqual(['fork', 'exec', 'exit']);
    expect((evs[0] as { entityId: string }).entityId).toBe('10:1');
    const child = (ms[0].event.fork as Record<string, any>).child;
    expect(child.ppid).toBe(10);
  });

  it('rejects malformed events with the event index and key', () => {
    const bad = (e: unknown, re: RegExp, index = 0) => {
      try {
        expandBriefEvents([{ type: 'open' }, e].slice(index === 0 ? 1 : 0));
        expect.unreachable('should throw');
      } catch (err) {
        expect(err).toBeInstanceOf(BriefEventError);
        expect((err as BriefEventError).code).toBe('NJ_TEST_BRIEF_EVENT');
        expect((err as Error).message).toMatch(re);
        expect((err as BriefEventError).index).toBe(index);
      }
    };
    bad({ time: '+1s' }, /'type'.*required/);
    bad({ type: 'exek' }, /unknown ES event type 'exek'/);
    bad({ type: 'open', time: '+2 seconds' }, /bad time offset/, 1);
    bad({ type: 'open', time: 'yesterday' }, /bad time 'yesterday'/);
    bad({ type: 'open', exec: {} }, /unexpected key 'exec'/);
    bad({ type: 'exec', process: { pid: -1 } }, /process\.pid must be a non-negative integer/);
    bad({ type: 'exec', exec: { args: 'curl -s' } }, /exec\.args must be a list of strings/);
    bad({ type: 'exec', exec: { args: ['curl', { x: 1 }] } }, /exec\.args\[1\] must be a string/);
  });

  it('names the event in process errors, as in every other brief-event error', () => {
    const message = (events: unknown[]) => {
      try {
        expandBriefEvents(events);
      } catch (err) {
        expect(err).toBeInstanceOf(BriefEventError);
        return (err as Error).message;
      }
      return expect.unreachable('should throw');
    };
    expect(message([{ type: 'open' }, { type: 'exec', process: { pid: 'abc' } }])).toMatch(
      /^event 2: process\.pid must be a non-negative integer, got "abc"/,
    );
    expect(message([{ type: 'open' }, { type: 'open' }, { type: 'open', process: 'zsh' }])).toMatch(
      /^event 3: process must be a mapping/,
    );
    expect(message([{ type: 'signal', signal: { target: { ppid: -2 } } }])).toMatch(
      /^event 1: signal\.target\.ppid must be a non-negative integer/,
    );
  });

  it('reports every problem of the list at once, each with its event and key', () => {
    let err: unknown;
    try {
      expandBriefEvents([
        { type: 'exek', time: '+2x', exe: 1 },
        { type: 'exec', process: { pid: 'abc', ppid: -1 }, exec: { args: ['curl', { x: 1 }] } },
        'open',
        { type: 'open', time: 7 },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BriefEventError);
    const e = err as BriefEventError;
    expect(e.code).toBe('NJ_TEST_BRIEF_EVENT');
    expect(e.problems.map((p) => [p.index, p.path.join('.'), p.message])).toEqual([
      [0, 'type', "event 1: unknown ES event type 'exek'"],
      [0, 'exe', "event 1: unexpected key 'exe' (allowed: type, time, process and a payload named like the type)"],
      [0, 'time', "event 1: bad time offset '+2x' (use +500ms, +2s, +1m)"],
      [1, 'process.pid', 'event 2: process.pid must be a non-negative integer, got "abc"'],
      [1, 'process.ppid', 'event 2: process.ppid must be a non-negative integer, got -1'],
      [1, 'exec.args.1', 'event 2: exec.args[1] must be a string, got {"x":1}'],
      [2, '', "event 3: must be a mapping with at least 'type'"],
      [3, 'time', "event 4: 'time' must be a string (RFC 3339 or +offset)"],
    ]);
    // The first problem is the error's own index and path; the message lists them all.
    expect([e.index, e.path]).toEqual([0, ['type']]);
    expect(e.message.split('; ')).toEqual(e.problems.map((p) => p.message));
  });

  it('without a known type, accepts a key named like an event type as the payload', () => {
    try {
      expandBriefEvents([{ type: 'exek', exec: { args: ['x'] } }, { exec: {} }]);
      expect.unreachable('should throw');
    } catch (err) {
      expect((err as BriefEventError).problems.map((p) => p.message)).toEqual([
        "event 1: unknown ES event type 'exek'",
        "event 2: 'type' (the ES event name, e.g. exec) is required",
      ]);
    }
  });

  it('an exec target of null is a problem, not a crash', () => {
    expect(() => expandBriefEvents([{ type: 'exec', exec: { target: null } }])).toThrow(
      /event 1: exec\.target must be a mapping/,
    );
  });

  it('reads YAML scalars in exec args as the strings argv holds', () => {
    const [m] = expandBriefEvents([
      { type: 'exec', exec: { args: ['defaults', 'write', 'x', '-bool', true, '-int', 5] } },
    ]);
    expect((m.event.exec as Record<string, unknown>).args).toEqual([
      'defaults',
      'write',
      'x',
      '-bool',
      'true',
      '-int',
      '5',
    ]);
  });

  it('fills parent tokens from the processes the case already showed', () => {
    const ms = expandBriefEvents([
      {
        type: 'exec',
        process: { pid: 400, pidversion: 1 },
        exec: { target: { executable: { path: '/Applications/Word' } } },
      },
      { type: 'fork', process: { pid: 400, pidversion: 2 }, fork: { child: { pid: 401 } } },
      { type: 'exec', process: { pid: 401, ppid: 400 }, exec: { target: { executable: { path: '/bin/sh' } } } },
      { type: 'exec', process: { pid: 9, ppid: 77 } },
    ]);
    const child = (ms[1].event.fork as Record<string, any>).child;
    expect(child.parent_audit_token).toMatchObject({ pid: 400, pidversion: 2 });
    expect((ms[2].process as Record<string, any>).parent_audit_token).toMatchObject({ pid: 400, pidversion: 2 });
    // An unknown parent defaults to pidversion 1.
    expect((ms[3].process as Record<string, any>).parent_audit_token).toMatchObject({ pid: 77, pidversion: 1 });
  });

  it('parses offsets', () => {
    expect(parseOffsetUs('+500ms')).toBe(500_000);
    expect(parseOffsetUs('+2s')).toBe(2_000_000);
    expect(parseOffsetUs('+1m')).toBe(60_000_000);
    expect(parseOffsetUs('2s')).toBeUndefined();
  });
});

describe('brief destinations', () => {
  it('a new_path destination replaces the default existing_file (the union has one member)', () => {
    const [m] = expandBriefEvents([
      {
        type: 'rename',
        rename: {
          destination_type: 1,
          destination: { new_path: { dir: { path: '/Library/LaunchAgents' }, filename: 'x.plist' } },
        },
      },
    ]);
    const d = (m.event as Record<string, any>).rename.destination;
    expect(Object.keys(d)).toEqual(['new_path']);
    const [c] = expandBriefEvents([{ type: 'create', create: { destination: { existing_file: { path: '/tmp/a' } } } }]);
    expect(Object.keys((c.event as Record<string, any>).create.destination)).toEqual(['existing_file']);
  });
});
