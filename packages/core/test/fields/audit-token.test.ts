import { describe, expect, it } from 'vitest';
import { compileFieldPath, decodeLine, DecodeError } from '@nightjar/core';
import type { EsProcess, EvalContext, LineageResolver, NightjarEvent } from '@nightjar/core';
import { eslogger, message } from '../model/fixtures.js';

// Native paths through an audit token must read the same whether eslogger wrote the token as an
// object (message version ≤ 9) or as the 8-integer val[] array (version 10, macOS 26).

const MEMBERS = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'] as const;
type Member = (typeof MEMBERS)[number];

/** Distinct values per member and per token (base), so a wrong index cannot read the right number. */
function values(base: number): Record<Member, number> {
  return Object.fromEntries(MEMBERS.map((m, i) => [m, base + i + 1])) as Record<Member, number>;
}
function tok(form: 'object' | 'array', base: number): unknown {
  const v = values(base);
  // val[] order from audit_token_t: auid, euid, egid, ruid, rgid, pid, asid, pidversion.
  return form === 'array' ? [v.auid, v.euid, v.egid, v.ruid, v.rgid, v.pid, v.asid, v.pidversion] : { ...v };
}
function process(form: 'object' | 'array', base: number, path: string): Record<string, unknown> {
  return {
    audit_token: tok(form, base),
    parent_audit_token: tok(form, base + 100),
    responsible_audit_token: tok(form, base + 200),
    ppid: 1,
    executable: { path },
  };
}

function decode(o: unknown): NightjarEvent {
  const r = decodeLine(eslogger(o));
  if (r instanceof DecodeError) throw r;
  return r;
}

/** A message whose actor, payload processes and tokens are all in one form. */
function event(form: 'object' | 'array', name: string, type: number, payload: Record<string, unknown>): NightjarEvent {
  const v = form === 'array' ? 10 : 9;
  const m = message({ v, type, name, process: { pid: 1, pidversion: 1, path: '/bin/zsh', ppid: 1 }, payload });
  m.process = process(form, 1000, '/bin/zsh');
  return decode(m);
}

const lineageParent = (form: 'object' | 'array'): LineageResolver => ({
  parent: () => process(form, 5000, '/sbin/launchd') as unknown as EsProcess,
  realParent: () => undefined,
  responsible: () => undefined,
  ancestors: () => [
    process(form, 5000, '/sbin/launchd') as unknown as EsProcess,
    process(form, 6000, '/sbin/launchd') as unknown as EsProcess,
  ],
});

describe.each(['object', 'array'] as const)('audit token members, %s form', (form) => {
  const ctx: EvalContext = { lineage: lineageParent(form) };
  const get = (p: string, ev: NightjarEvent) => compileFieldPath(p).get(ev, ctx);
  const fork = event(form, 'fork', 11, { child: process(form, 2000, '/bin/zsh') });
  const rtc = event(form, 'remote_thread_create', 97, {
    target: process(form, 3000, '/Applications/Slack.app/Contents/MacOS/Slack'),
    thread_state: null,
  });
  const btm = event(form, 'btm_launch_item_add', 124, {
    instigator: process(form, 4000, '/bin/launchctl'),
    instigator_token: tok(form, 4500),
    app_token: tok(form, 4600),
    app: null,
    item: {},
    executable_path: '/tmp/x',
  });
  // The same events without the decoder's shortcuts (hand-built events are walked from msg).
  const bare = (ev: NightjarEvent) =>
    ({ ...ev, actor: undefined, payload: undefined, payloadKey: undefined }) as NightjarEvent;

  const cases: [string, NightjarEvent, number][] = [
    ['process.audit_token', fork, 1000],
    ['process.parent_audit_token', fork, 1100],
    ['process.responsible_audit_token', fork, 1200],
    ['event.fork.child.audit_token', fork, 2000],
    ['event.fork.child.parent_audit_token', fork, 2100],
    ['event.remote_thread_create.target.audit_token', rtc, 3000],
    ['event.remote_thread_create.target.responsible_audit_token', rtc, 3200],
    ['event.btm_launch_item_add.instigator.audit_token', btm, 4000],
    ['event.btm_launch_item_add.instigator_token', btm, 4500],
    ['event.btm_launch_item_add.app_token', btm, 4600],
    ['parent.audit_token', fork, 5000],
    ['parent.parent_audit_token', fork, 5100],
  ];

  it.each(cases)('%s.<member> reads every member', (prefix, ev, base) => {
    const want = values(base);
    for (const m of MEMBERS) {
      expect(get(`${prefix}.${m}`, ev), `${prefix}.${m}`).toBe(want[m]);
      expect(get(`${prefix}.${m}`, bare(ev)), `${prefix}.${m} (no shortcuts)`).toBe(want[m]);
    }
  });

  it("ancestors.audit_token.<member> lists each ancestor's value", () => {
    for (const m of MEMBERS)
      expect(get(`ancestors.audit_token.${m}`, fork), m).toEqual([values(5000)[m], values(6000)[m]]);
  });

  it('a member name after a key that is not a token reads only a property of that name', () => {
    // `args` is an array of strings: `pid` is not an index into it.
    const exec = event(form, 'exec', 9, {
      target: process(form, 2000, '/bin/ls'),
      args: ['ls', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
    });
    expect(get('event.exec.args.pid', exec)).toBeUndefined();
    expect(get('event.exec.target.executable.pid', exec)).toBeUndefined();
    // Unknown member names on a token are not invented.
    expect(get('process.audit_token.uid', fork)).toBeUndefined();
  });
});

describe('numeric segments on tokens keep their meaning', () => {
  it('audit_token.5 indexes an array token and reads nothing on an object token', () => {
    const ctx: EvalContext = { lineage: lineageParent('array') };
    const arr = event('array', 'fork', 11, { child: process('array', 2000, '/bin/zsh') });
    const objEv = event('object', 'fork', 11, { child: process('object', 2000, '/bin/zsh') });
    expect(compileFieldPath('process.audit_token.5').get(arr, ctx)).toBe(values(1000).pid);
    expect(compileFieldPath('process.audit_token.5').get(objEv, ctx)).toBeUndefined();
  });
});
