import { describe, expect, it } from 'vitest';
import { decodeLine, DecodeError, SequenceTracker } from '@nightjar/core';
import { testingAddonAvailable as addonAvailable, loadTestingAddon } from '../native/testing-addon.js';

const built = addonAvailable();
const EXEC = 9;
const OPEN = 10;

type Msg = Record<string, any>;
interface Fake {
  start(): void;
  deliver(
    events: Array<{ type: number; pid: number; pidversion?: number; exe: string; target?: string; dropFor?: number[] }>,
  ): void;
  drain(): void;
  counters(): Array<{
    messages: number;
    seqGaps: number;
    seqMissing: number;
    globalGaps: number;
    globalMissing: number;
    queueDrops: number;
  }>;
  calls(): string[];
  unavailable(): Array<{ client: number; type: number; reason: string }>;
  outstanding(): number;
  stop(): void;
}

function harness(config: Record<string, unknown>) {
  const got: Array<{ client: number; msg: Msg }> = [];
  const Ctor = (
    loadTestingAddon() as unknown as { EsFakeBackend: new (c: unknown, cb: (m: Msg[], c: number[]) => void) => Fake }
  ).EsFakeBackend;
  const fake = new Ctor(config, (msgs, clients) => msgs.forEach((msg, i) => got.push({ client: clients[i], msg })));
  /** Waits (bounded) until `n` messages reached JS. */
  const until = async (n: number) => {
    fake.drain();
    for (let i = 0; i < 250 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  return { fake, got, until };
}

const SELF = 4242;
const ev = (type: number, pid: number, exe: string, target?: string, dropFor?: number[]) => ({
  type,
  pid,
  exe,
  target,
  dropFor,
});

describe.skipIf(!built)(
  `macOS backend logic over a fake libEndpointSecurity${built ? '' : ' (skipped: native addon not built)'}`,
  () => {
    it('mutes itself by its whole audit token: a later process that reuses our pid is not muted', async () => {
      // Our token as task_info gives it has pidversion 5; the same pid with pidversion 4 is another process.
      const { fake, got, until } = harness({ clients: [{ events: [OPEN] }], selfPid: SELF, selfPidversion: 5 });
      fake.start();
      fake.deliver([
        { type: OPEN, pid: SELF, pidversion: 5, exe: '/usr/local/bin/node', target: '/tmp/self' },
        { type: OPEN, pid: SELF, pidversion: 4, exe: '/bin/zsh', target: '/tmp/reused' },
      ]);
      await until(1);
      fake.stop();
      expect(got.map((g) => g.msg.event.open.file.path)).toEqual(['/tmp/reused']);
    });

    it('cannot start without its own audit token (it would see its own activity)', () => {
      const { fake } = harness({ clients: [{ events: [OPEN] }], selfTokenFails: true });
      expect(() => fake.start()).toThrow(/TASK_AUDIT_TOKEN/);
    });

    it('subscribes what the OS has and names each type it left out, and why', async () => {
      const TCC_MODIFY = 147;
      const GATEKEEPER = 146;
      const STAT = 54; // subscribed by ES, but the addon has no translation for it
      const { fake, got, until } = harness({
        osVersion: '15.1',
        refuseTypes: [145],
        clients: [
          { events: [OPEN, TCC_MODIFY, GATEKEEPER, STAT], minMacos: ['10.15', '15.4', '15.0', '10.15.1'] },
          { events: [145, EXEC] }, // xpc_connect: es_subscribe refuses it (no version given)
        ],
      });
      fake.start();
      expect(fake.unavailable()).toEqual([
        { client: 0, type: STAT, reason: 'not translated by this addon' },
        { client: 0, type: TCC_MODIFY, reason: 'needs macOS 15.4 (this is 15.1)' },
        { client: 1, type: 145, reason: 'refused by es_subscribe on macOS 15.1' },
      ]);
      // The refused call subscribed nothing; each type was then tried alone, so exec still arrives.
      fake.deliver([ev(OPEN, 11, '/usr/bin/curl', '/etc/hosts'), ev(EXEC, 10, '/bin/zsh', '/usr/bin/curl')]);
      await until(2);
      fake.stop();
      expect(got.map((g) => Object.keys(g.msg.event)[0]).sort()).toEqual(['exec', 'open']);
      expect(fake.calls()).toContain('subscribe 1: 10 146');
    });

    it('runs several clients, each with its own event types and sequence numbers, muting itself', async () => {
      const { fake, got, until } = harness({ clients: [{ events: [EXEC] }, { events: [OPEN, EXEC] }], selfPid: SELF });
      fake.start();
      fake.deliver([
        ev(EXEC, 10, '/bin/zsh', '/usr/bin/curl'),
        ev(OPEN, 11, '/usr/bin/curl', '/etc/hosts'),
        ev(OPEN, SELF, '/usr/local/bin/node', '/tmp/x'),
      ]);
      await until(3);
      fake.stop();
      const byClient = (c: number) => got.filter((g) => g.client === c).map((g) => Object.keys(g.msg.event)[0]);
      expect(byClient(1)).toEqual(['exec']);
      expect(byClient(2)).toEqual(['exec', 'open']);
      // Our own process (SELF) is muted in every client.
      expect(got.some((g) => g.msg.process.audit_token.pid === SELF)).toBe(false);
      expect(got.find((g) => g.client === 2 && g.msg.event.open)!.msg.global_seq_num).toBe(1);
      expect(fake.calls().filter((c) => c.startsWith('mute_process'))).toEqual([
        `mute_process 1 ${SELF}`,
        `mute_process 2 ${SELF}`,
      ]);
      // Mute configuration is complete before the subscription (no unmuted event can slip in).
      const calls = fake.calls();
      expect(calls.indexOf('subscribe 1: 9')).toBeGreaterThan(calls.indexOf(`mute_process 1 ${SELF}`));
      // The translated messages are eslogger-shaped and decode as events.
      const d = decodeLine(JSON.stringify(got[0]?.msg));
      expect(d).not.toBeInstanceOf(DecodeError);
      // Every retained message was released.
      expect(fake.outstanding()).toBe(0);
    });

    it('mutes by executable path and by target path', async () => {
      const { fake, got, until } = harness({
        clients: [
          {
            events: [EXEC, OPEN],
            mutePaths: [
              ['/usr/bin/noisy', 'literal'],
              ['/System/', 'prefix'],
              ['/private/var/db/', 'target_prefix'],
            ],
          },
        ],
      });
      fake.start();
      fake.deliver([
        ev(OPEN, 20, '/usr/bin/noisy', '/tmp/a'),
        ev(OPEN, 21, '/System/Library/x', '/tmp/b'),
        ev(OPEN, 22, '/usr/bin/curl', '/private/var/db/secret'),
        ev(OPEN, 23, '/usr/bin/curl', '/tmp/kept'),
        ev(EXEC, 24, '/usr/bin/noisy2', '/bin/ls'),
      ]);
      await until(2);
      fake.stop();
      expect(got.map((g) => g.msg.process.audit_token.pid)).toEqual([23, 24]);
    });

    it('inverts muting into a selection, clearing the default mute set first', async () => {
      const { fake, got, until } = harness({
        clients: [{ events: [OPEN], mutePaths: [['/usr/bin/curl', 'literal']], invertPaths: true }],
        defaultMutes: ['/usr/libexec/watchdogd'],
      });
      fake.start();
      fake.deliver([
        ev(OPEN, 30, '/usr/bin/curl', '/tmp/a'),
        ev(OPEN, 31, '/usr/libexec/watchdogd', '/tmp/b'),
        ev(OPEN, 32, '/bin/ls', '/tmp/c'),
      ]);
      await until(1);
      await new Promise((r) => setTimeout(r, 100));
      fake.stop();
      expect(got.map((g) => g.msg.process.audit_token.pid)).toEqual([30]);
      const calls = fake.calls();
      expect(calls.indexOf('unmute_all_paths 1')).toBeGreaterThanOrEqual(0);
      expect(calls.indexOf('unmute_all_paths 1')).toBeLessThan(calls.indexOf('invert_muting 1 1'));
    });

    it('inverted target muting selects events whose target is listed', async () => {
      const { fake, got, until } = harness({
        clients: [{ events: [OPEN], mutePaths: [['/Users/a/.ssh/', 'target_prefix']], invertTargetPaths: true }],
      });
      fake.start();
      fake.deliver([ev(OPEN, 40, '/usr/bin/cat', '/Users/a/.ssh/id_rsa'), ev(OPEN, 41, '/usr/bin/cat', '/tmp/x')]);
      await until(1);
      await new Promise((r) => setTimeout(r, 100));
      fake.stop();
      expect(got.map((g) => g.msg.event.open.file.path)).toEqual(['/Users/a/.ssh/id_rsa']);
      expect(fake.calls()).toContain('unmute_all_target_paths 1');
    });

    it('counts kernel drops as seq gaps in the handler, and the engine sees the same gap', async () => {
      const { fake, got, until } = harness({ clients: [{ events: [EXEC] }, { events: [EXEC] }] });
      fake.start();
      fake.deliver([1, 2, 3, 4, 5].map((i) => ev(EXEC, 50 + i, '/bin/zsh', '/bin/ls', i === 2 || i === 3 ? [0] : [])));
      await until(8);
      fake.stop();
      const [c0, c1] = fake.counters();
      expect(c0).toMatchObject({
        messages: 3,
        seqGaps: 1,
        seqMissing: 2,
        globalGaps: 1,
        globalMissing: 2,
        queueDrops: 0,
      });
      expect(c1).toMatchObject({ messages: 5, seqGaps: 0, globalGaps: 0 });
      const first = got.filter((g) => g.client === 1).map((g) => g.msg);
      expect(first.map((m) => m.seq_num)).toEqual([0, 3, 4]);
      const tracker = new SequenceTracker();
      for (const m of first) {
        const e = decodeLine(JSON.stringify(m), 1, 0, 'es:1');
        if (!(e instanceof DecodeError)) tracker.observe(e);
      }
      expect(tracker.metrics().missing).toBeGreaterThanOrEqual(2);
      expect(fake.outstanding()).toBe(0);
    });

    const RESULTS: Array<[string, string, RegExp]> = [
      ['ERR_NOT_ENTITLED', 'NJ_SOURCE_NOT_ENTITLED', /endpoint-security\.client entitlement/],
      ['ERR_NOT_PERMITTED', 'NJ_SOURCE_NO_FULL_DISK_ACCESS', /Full Disk Access/],
      ['ERR_NOT_PRIVILEGED', 'NJ_SOURCE_NOT_ROOT', /root/],
      ['ERR_TOO_MANY_CLIENTS', 'NJ_SOURCE_TOO_MANY_CLIENTS', /client limit/],
      ['ERR_INTERNAL', 'NJ_SOURCE_FAILED', /ERR_INTERNAL/],
    ];
    for (const [result, code, text] of RESULTS) {
      it(`maps es_new_client ${result} to ${code}`, () => {
        const { fake } = harness({ clients: [{ events: [EXEC] }], newClientResult: result });
        let err: (Error & { code?: string }) | undefined;
        try {
          fake.start();
        } catch (e) {
          err = e as Error & { code?: string };
        }
        expect(err?.code).toBe(code);
        expect(err?.message).toMatch(text);
      });
    }
  },
);
