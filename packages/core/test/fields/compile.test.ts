import { describe, expect, it } from 'vitest';
import {
  compileFieldPath,
  decodeLine,
  processOfEvent,
  DecodeError,
  FieldPathError,
  NightjarError,
} from '@nightjar/core';
import type { EsProcess, EvalContext, LineageResolver, NightjarEvent } from '@nightjar/core';
import { eslogger, execMessage, message } from '../model/fixtures.js';

function decode(o: unknown): NightjarEvent {
  const r = decodeLine(eslogger(o));
  if (r instanceof DecodeError) throw r;
  return r;
}

const proc = (id: string, path: string): EsProcess => ({
  audit_token: [0, 0, 0, 0, 0, Number(id.split(':')[0]), 0, Number(id.split(':')[1])],
  ppid: 1,
  executable: { path },
  entity_id: id,
});

/** A resolver that records calls, to prove plain paths never touch lineage. */
function fakeLineage(): LineageResolver & { calls: number } {
  const r = {
    calls: 0,
    parent: () => (r.calls++, proc('700:800', '/bin/zsh')),
    realParent: () => (r.calls++, proc('500:600', '/Applications/Terminal.app')),
    responsible: () => (r.calls++, undefined),
    ancestors: () => (
      r.calls++,
      [proc('700:800', '/bin/zsh'), proc('500:600', '/Applications/Terminal.app'), proc('1:1', '/sbin/launchd')]
    ),
  };
  return r;
}

describe('compileFieldPath', () => {
  const exec = decode(execMessage(7));
  const lineage = fakeLineage();
  const ctx: EvalContext = { lineage };
  const get = (p: string, ev = exec) => compileFieldPath(p).get(ev, ctx);

  it('reads dotted paths into the message', () => {
    expect(get('process.executable.path')).toBe('/bin/zsh');
    expect(get('event.exec.target.executable.path')).toBe('/bin/ls');
    expect(get('event.exec.cwd.path')).toBe('/Users/alice');
    expect(get('process.signing_id')).toBe('com.apple.zsh');
    expect(get('version')).toBe(7);
    expect(get('event.exec.args')).toEqual(['ls', '-la', '/tmp']);
  });

  it('maps over arrays and flattens; a numeric segment indexes', () => {
    expect(get('event.exec.fds.fdtype')).toEqual([1, 1, 6]);
    expect(get('event.exec.fds.pipe.pipe_id')).toEqual([99]);
    expect(get('event.exec.args.1')).toBe('-la');
    expect(get('event.exec.fds.2.fd')).toBe(2);
    expect(get('event.exec.fds.nothing')).toBeUndefined();
  });

  it('entity_id on any process object, stamped or computed from the token', () => {
    expect(get('process.entity_id')).toBe('812:2301');
    expect(get('event.exec.target.entity_id')).toBe('812:2302');
    const sig = decode(
      message({
        v: 10,
        type: 31,
        name: 'signal',
        process: { pid: 3, pidversion: 4, path: '/bin/kill', ppid: 1 },
        payload: { sig: 9, target: { audit_token: [0, 0, 0, 0, 0, 77, 0, 88], ppid: 1, executable: { path: '/a' } } },
      }),
    );
    delete (sig.msg!.event.signal as Record<string, Record<string, unknown>>).target.entity_id;
    expect(get('event.signal.target.entity_id', sig)).toBe('77:88');
  });

  it('returns undefined for missing paths and keeps JSON null', () => {
    expect(get('event.open.file.path')).toBeUndefined();
    expect(get('process.executable.path.deeper')).toBeUndefined();
    expect(get('process.team_id')).toBeNull();
    expect(get('process.tty')).toBeNull();
  });

  it('does not reach Object.prototype', () => {
    for (const p of ['constructor', 'process.constructor', '__proto__', 'process.toString', 'process.hasOwnProperty'])
      expect(get(p), p).toBeUndefined();
  });

  it("reads the same through the decoder's shortcuts (actor, payload) as from msg", () => {
    expect(exec.actor).toBe(exec.msg!.process);
    expect(exec.payload).toBe(exec.msg!.event.exec);
    expect(exec.payloadKey).toBe('exec');
    const bare = { ...exec, actor: undefined, payload: undefined, payloadKey: undefined } as NightjarEvent;
    const paths = [
      'process',
      'process.executable.path',
      'process.audit_token.1',
      'process.entity_id',
      'process.nope.deeper',
      'event',
      'event.exec',
      'event.exec.target.executable.path',
      'event.exec.args',
      'event.exec.args.1',
      'event.exec.fds.fd',
      'event.open.file.path',
      'event.open.target.executable.path',
      'event.exec.constructor',
      'process.constructor',
      'event.0',
    ];
    for (const p of paths) {
      const want = get(p, bare);
      // (event.open.… on this exec event: the payload is not the path's, the walk from msg decides.)
      expect(get(p, exec), p).toEqual(want);
    }
    expect(get('event.exec.target.executable.path', bare)).toBe('/bin/ls');
  });

  it('returns undefined for skipped events', () => {
    const skipped: NightjarEvent = { ...exec, msg: null, skipped: true };
    for (const p of ['process.executable.path', 'parent.executable.path', 'ancestors.entity_id', '$..path'])
      expect(get(p, skipped), p).toBeUndefined();
  });

  it('plain paths do not use lineage; lineage prefixes do, through ctx.lineage', () => {
    const before = lineage.calls;
    expect(compileFieldPath('process.executable.path').usesLineage).toBe(false);
    get('process.executable.path');
    expect(lineage.calls).toBe(before);
    expect(compileFieldPath('parent.executable.path').usesLineage).toBe(true);
    expect(get('parent.executable.path')).toBe('/bin/zsh');
    expect(get('parent.entity_id')).toBe('700:800');
    expect(get('real_parent.executable.path')).toBe('/Applications/Terminal.app');
    expect(get('responsible.executable.path')).toBeUndefined();
    expect(get('ancestors.executable.path')).toEqual(['/bin/zsh', '/Applications/Terminal.app', '/sbin/launchd']);
    expect(get('ancestors.entity_id')).toEqual(['700:800', '500:600', '1:1']);
    expect(lineage.calls).toBeGreaterThan(before);
  });

  it('JSONPath paths, compiled once, without script evaluation', () => {
    expect(compileFieldPath('$.event.exec.args[2]').get(exec, ctx)).toBe('/tmp');
    expect(compileFieldPath('$..executable.path').get(exec, ctx)).toEqual(['/bin/zsh', '/bin/ls']);
    expect(compileFieldPath('$.nope').get(exec, ctx)).toBeUndefined();
    for (const bad of ['$..[?(@.fd==1)]', '$.event[(@.length-1)]', '$..[?(process.exit(1))]']) {
      let e: unknown;
      try {
        compileFieldPath(bad);
      } catch (x) {
        e = x;
      }
      expect(e, bad).toBeInstanceOf(FieldPathError);
      expect((e as NightjarError).code).toBe('NJ_FIELD_PATH');
    }
  });

  it('never runs code from a JSONPath, whatever the spelling', () => {
    const g = globalThis as { njPwned?: number };
    g.njPwned = 0;
    for (const p of [
      '$..[ ?(globalThis.njPwned=1) ]',
      '$..[?(globalThis.njPwned=1)]',
      '$.event[(globalThis.njPwned=1)]',
      '$..[?(@.constructor.constructor("globalThis.njPwned=1")())]',
    ]) {
      try {
        compileFieldPath(p).get(exec, ctx);
      } catch (e) {
        expect(e).toBeInstanceOf(FieldPathError);
      }
    }
    expect(g.njPwned).toBe(0);
  });

  it('rejects empty paths and empty segments with NJ_FIELD_PATH', () => {
    for (const bad of ['', 'a..b', '.a', 'a.']) expect(() => compileFieldPath(bad), bad).toThrow(FieldPathError);
  });
});

describe('processOfEvent', () => {
  it('exec → target, fork → child, others → the actor', () => {
    const exec = decode(execMessage(7));
    expect(processOfEvent(exec)?.entity_id).toBe('812:2302');
    const child = { audit_token: { pid: 9, pidversion: 10 }, ppid: 812, executable: { path: '/bin/zsh' } };
    const fork = decode(
      message({
        v: 7,
        type: 11,
        name: 'fork',
        process: { pid: 812, pidversion: 2301, path: '/bin/zsh', ppid: 1 },
        payload: { child },
      }),
    );
    expect(processOfEvent(fork)?.entity_id).toBe('9:10');
    const open = decode(
      message({
        v: 7,
        type: 10,
        name: 'open',
        process: { pid: 5, pidversion: 6, path: '/bin/cat', ppid: 1 },
        payload: { fflag: 1, file: { path: '/etc/passwd' } },
      }),
    );
    expect(processOfEvent(open)?.entity_id).toBe('5:6');
    expect(processOfEvent({ ...open, msg: null })).toBeUndefined();
  });
});
