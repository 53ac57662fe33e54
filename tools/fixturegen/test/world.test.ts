import { describe, expect, it } from 'vitest';
import { FDTYPE, World, cdhashOf, renderScenario, SCENARIOS, signingFor, Rng } from '../src/index.js';

type Msg = {
  event_type: number;
  version: number;
  seq_num: number;
  global_seq_num: number;
  time: string;
  mach_time: number;
  process: {
    audit_token: { pid: number; pidversion: number };
    parent_audit_token: { pid: number; pidversion: number };
    responsible_audit_token: { pid: number; pidversion: number };
    ppid: number;
    executable: { path: string };
    signing_id: string | null;
    team_id: string | null;
    is_platform_binary: boolean;
  };
  event: Record<string, any>;
};
const parse = (text: string): Msg[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Msg);

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('int stays within bounds and pick refuses an empty list', () => {
    const r = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const v = r.int(3, 5);
      expect(v >= 3 && v <= 5).toBe(true);
    }
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe('World', () => {
  it('spawn emits fork by the parent then exec of the child with a new pidversion', () => {
    const w = new World({ seed: 1, start: '2024-01-01T00:00:00Z' });
    const sh = w.existing('/bin/zsh');
    const child = w.spawn(sh, '/usr/bin/id', ['id']);
    const [fork, exec] = parse(w.text());
    expect(fork.event.fork.child.audit_token.pid).toBe(child.pid);
    expect(fork.process.audit_token.pid).toBe(sh.pid);
    expect(exec.process.audit_token).toEqual(fork.event.fork.child.audit_token);
    expect(exec.event.exec.target.audit_token.pid).toBe(child.pid);
    expect(exec.event.exec.target.audit_token.pidversion).not.toBe(exec.process.audit_token.pidversion);
    expect(exec.event.exec.target.parent_audit_token.pid).toBe(sh.pid);
    expect(exec.event.exec.target.executable.path).toBe('/usr/bin/id');
    expect(exec.event.exec.args).toEqual(['id']);
  });

  it('launch goes launchd → fork → xpcproxy → service, parent launchd, responsible as given', () => {
    const w = new World({ seed: 2, start: '2024-01-01T00:00:00Z' });
    const app = w.existing('/Applications/Slack.app/Contents/MacOS/Slack');
    const svc = w.launch('/usr/libexec/nsurlsessiond', ['nsurlsessiond'], { responsible: app });
    const msgs = parse(w.text());
    expect(msgs.map((m) => Object.keys(m.event)[0])).toEqual(['fork', 'exec', 'exec']);
    expect(msgs[0].process.audit_token.pid).toBe(1);
    expect(msgs[1].event.exec.target.executable.path).toBe('/usr/libexec/xpcproxy');
    const target = msgs[2].event.exec.target;
    expect(target.executable.path).toBe('/usr/libexec/nsurlsessiond');
    expect(target.ppid).toBe(1);
    expect(target.parent_audit_token.pid).toBe(1);
    expect(target.responsible_audit_token.pid).toBe(app.pid);
    expect(svc.pid).toBe(msgs[0].event.fork.child.audit_token.pid);
  });

  it('numbers seq_num per event type and global_seq_num across types, both from 0 without gaps', () => {
    const w = new World({ seed: 3, start: '2024-01-01T00:00:00Z' });
    const p = w.existing('/tmp/x');
    w.open(p, '/etc/hosts');
    w.write(p, '/tmp/a');
    w.open(p, '/etc/hosts');
    w.write(p, '/tmp/a');
    w.fcntl(p, '/tmp/a', 2);
    const msgs = parse(w.text());
    expect(msgs.map((m) => m.global_seq_num)).toEqual([0, 1, 2, 3, 4]);
    expect(msgs.map((m) => m.seq_num)).toEqual([0, 0, 1, 1, 0]);
    expect(msgs.map((m) => m.event_type)).toEqual([10, 33, 10, 33, 62]);
  });

  it('writes eslogger JSON: escaped slashes, RFC 3339 ns times that never go backwards, object audit tokens', () => {
    const w = new World({ seed: 4, start: '2024-01-01T00:00:00.5Z', version: 8 });
    const p = w.existing('/bin/zsh');
    for (let i = 0; i < 20; i++) w.open(p, `/tmp/f${i}`);
    const text = w.text();
    expect(text).toContain('"path":"\\/tmp\\/f0"');
    const msgs = parse(text);
    for (const m of msgs) {
      expect(m.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(m.version).toBe(8);
      expect(typeof m.process.audit_token).toBe('object');
      expect(Array.isArray(m.process.audit_token)).toBe(false);
    }
    const times = msgs.map((m) => m.time);
    expect([...times].sort()).toEqual(times);
    const mach = msgs.map((m) => m.mach_time);
    expect(mach.every((t, i) => i === 0 || t >= mach[i - 1])).toBe(true);
    expect(msgs[0].time.startsWith('2024-01-01T00:00:00.5')).toBe(true);
  });

  it('refuses to move time backwards and unknown event types', () => {
    const w = new World({ seed: 5, start: '2024-01-01T00:00:00Z' });
    expect(() => w.sleep(-1)).toThrow(RangeError);
    expect(() => w.emit('no_such_event', w.launchd, {})).toThrow(RangeError);
    expect(() => new World({ seed: 1, start: 'yesterday' })).toThrow(RangeError);
  });

  it('a reused pid gets a new pidversion, so the two processes have different entity ids', () => {
    const w = new World({ seed: 6, start: '2024-01-01T00:00:00Z' });
    const a = w.existing('/tmp/.helper');
    w.exit(a);
    const b = w.existing('/tmp/.helper', { pid: a.pid });
    expect(b.pid).toBe(a.pid);
    expect(b.pidversion).not.toBe(a.pidversion);
  });

  it('exec fds carry their types (socket stdio for a reverse shell)', () => {
    const w = new World({ seed: 7, start: '2024-01-01T00:00:00Z' });
    const p = w.existing('/bin/bash');
    w.exec(p, '/bin/bash', ['bash', '-i'], { fds: [0, 1, 2].map((fd) => ({ fd, fdtype: FDTYPE.SOCKET })) });
    const [m] = parse(w.text());
    expect(m.event.exec.fds).toEqual([
      { fd: 0, fdtype: 2 },
      { fd: 1, fdtype: 2 },
      { fd: 2, fdtype: 2 },
    ]);
    expect(m.event.exec.last_fd).toBe(2);
  });
});

describe('signing', () => {
  it('Apple paths are platform binaries, vendors carry their team id, the rest is ad-hoc without team', () => {
    expect(signingFor('/bin/zsh')).toMatchObject({
      signing_id: 'com.apple.zsh',
      team_id: null,
      is_platform_binary: true,
    });
    expect(signingFor('/Applications/zoom.us.app/Contents/MacOS/zoom.us')).toMatchObject({
      signing_id: 'us.zoom.xos',
      team_id: 'BJ4HAAB9B3',
      is_platform_binary: false,
    });
    const adhoc = signingFor('/tmp/.updater');
    expect(adhoc).toMatchObject({ signing_id: '.updater', team_id: null, is_platform_binary: false });
    expect(adhoc.codesigning_flags & 0x2).toBe(0x2); // CS_ADHOC
    expect(cdhashOf('/bin/zsh')).toMatch(/^[0-9A-F]{40}$/);
    expect(cdhashOf('/bin/zsh')).toBe(cdhashOf('/bin/zsh'));
    expect(cdhashOf('/bin/zsh')).not.toBe(cdhashOf('/bin/sh'));
  });
});

describe('scenarios', () => {
  it('have unique names and render identically twice (deterministic)', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const small = SCENARIOS.filter((s) => !s.gzip);
    for (const s of small) expect(renderScenario(s)).toBe(renderScenario(s));
  });
});
