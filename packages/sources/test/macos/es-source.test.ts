import { describe, expect, it } from 'vitest';
import { openEs, SourcePermissionError, type EsBackendClass, type EventBatch } from '@nightjar/sources';
// The fake ES backend lives in native-es' test addon (never shipped).
import {
  testingAddonAvailable as addonAvailable,
  loadTestingAddon,
} from '../../../native-es/test/native/testing-addon.js';

const built = addonAvailable();
type Fake = { deliver(e: unknown[]): void; drain(): void };

/** The addon's fake-backed class, with the instance captured so the test can feed it events. */
function fakeClass(): { Class: EsBackendClass; instance: () => Fake } {
  const Base = (loadTestingAddon() as unknown as { EsFakeBackend: EsBackendClass }).EsFakeBackend;
  let made: Fake | undefined;
  const Class = function (cfg: unknown, cb: ConstructorParameters<EsBackendClass>[1]) {
    const b = new Base(cfg, cb);
    made = b as unknown as Fake;
    return b;
  } as unknown as EsBackendClass;
  return { Class, instance: () => made! };
}

describe.skipIf(!built)(
  `openEs (the es source) over the fake ES library${built ? '' : ' (skipped: native addon not built)'}`,
  () => {
    it('splits clients, yields events with one source per client, and stops', async () => {
      const { Class, instance } = fakeClass();
      const src = openEs({ eventTypes: ['exec', 'open'], backendClass: Class });
      instance().deliver([
        { type: 9, pid: 10, exe: '/bin/zsh', target: '/usr/bin/curl' },
        { type: 10, pid: 11, exe: '/usr/bin/curl', target: '/etc/hosts' },
      ]);
      instance().drain();
      const events: EventBatch['events'] = [];
      for await (const b of src) {
        events.push(...b.events);
        if (events.length >= 2) await src.stop();
      }
      expect(events.map((e) => [e.name, e.source]).sort()).toEqual([
        ['exec', 'es:1'],
        ['open', 'es:2'],
      ]);
      expect(src.stats().events).toBe(2);
    });

    it('names each event type the running macOS lacks: a warning, or with strict an error at open', async () => {
      const { Class } = fakeClass();
      expect(() =>
        openEs({
          eventTypes: ['exec', 'tcc_modify'],
          backendClass: Class,
          backendConfig: { osVersion: '14.6' },
          strict: true,
        }),
      ).toThrow(/tcc_modify is not subscribed \(client 2\): needs macOS 15\.4 \(this is 14\.6\)/);
      const src = openEs({
        eventTypes: ['exec', 'tcc_modify'],
        backendClass: Class,
        backendConfig: { osVersion: '14.6' },
      });
      const it = src[Symbol.asyncIterator]();
      const first = await it.next();
      await src.stop();
      expect(first.value?.diagnostics?.map((d: { code: string; data?: unknown }) => [d.code, d.data])).toEqual([
        ['NJ_SOURCE_EVENT_UNAVAILABLE', { event: 'tcc_modify' }],
      ]);
    });

    it('the JSON wire (lines written natively, read by the replay decoder) gives the events the object wire gives', async () => {
      const run = async (wire: 'json' | 'objects') => {
        const { Class, instance } = fakeClass();
        const src = openEs({ eventTypes: ['exec', 'open'], backendClass: Class, wire });
        instance().deliver([
          { type: 9, pid: 10, exe: '/bin/zsh', target: '/usr/bin/curl' },
          { type: 10, pid: 11, exe: '/usr/bin/curl', target: '/etc/hosts' },
        ]);
        instance().drain();
        const events: EventBatch['events'] = [];
        for await (const b of src) {
          events.push(...b.events);
          if (events.length >= 2) await src.stop();
        }
        return events
          .map((e) => ({ source: e.source, time: e.time, pid: e.pid, msg: e.msg }))
          .sort((a, b) => a.source.localeCompare(b.source));
      };
      const json = await run('json');
      expect(json).toHaveLength(2);
      expect(json).toEqual(await run('objects'));
    });

    it('the JSON wire delivers a batch bigger than one JS string piece whole: every line, its client, in order', async () => {
      // ~400 lines of ~1 KB: the handoff makes the batch into several strings of at most 48 KiB.
      const long = '/Users/someone/Library/Application Support/' + 'x'.repeat(600);
      const msgs = Array.from({ length: 400 }, (_, i) =>
        i % 3 === 0
          ? { type: 9, pid: 1000 + i, exe: '/bin/zsh', target: `/usr/bin/tool${i}` }
          : { type: 10, pid: 1000 + i, exe: '/usr/bin/curl', target: `${long}/${i}` },
      );
      const run = async (wire: 'json' | 'objects') => {
        const { Class, instance } = fakeClass();
        const src = openEs({ eventTypes: ['exec', 'open'], backendClass: Class, wire });
        instance().deliver(msgs);
        instance().drain();
        const events: EventBatch['events'] = [];
        for await (const b of src) {
          events.push(...b.events);
          if (events.length >= msgs.length) await src.stop();
        }
        return { events, stats: src.stats() };
      };
      const json = await run('json');
      expect(json.stats.drops).toBe(0);
      expect(json.events).toHaveLength(msgs.length);
      // Every line once (the source numbers them across its clients), each client's in the order delivered.
      expect(json.events.map((e) => e.line).sort((a, b) => a - b)).toEqual(msgs.map((_, k) => k + 1));
      for (const source of ['es:1', 'es:2']) {
        const mine = json.events.filter((e) => e.source === source);
        expect(mine.length).toBeGreaterThan(100);
        const pids = mine.map((e) => e.pid);
        expect(pids).toEqual([...pids].sort((a, b) => a - b));
      }
      expect(json.events.filter((e) => e.name === 'exec').every((e) => e.source === 'es:1')).toBe(true);
      const byPid = (r: { events: EventBatch['events'] }) =>
        r.events.map((e) => ({ source: e.source, pid: e.pid, msg: e.msg })).sort((a, b) => a.pid - b.pid);
      expect(byPid(json)).toEqual(byPid(await run('objects')));
    });

    it('turns es_new_client failures into typed errors at open', () => {
      const { Class } = fakeClass();
      expect(() =>
        openEs({ eventTypes: ['exec'], backendClass: Class, backendConfig: { newClientResult: 'ERR_NOT_ENTITLED' } }),
      ).toThrow(SourcePermissionError);
      try {
        openEs({ eventTypes: ['exec'], backendClass: Class, backendConfig: { newClientResult: 'ERR_NOT_PERMITTED' } });
      } catch (e) {
        expect((e as SourcePermissionError).code).toBe('NJ_SOURCE_NO_FULL_DISK_ACCESS');
      }
    });

    it('backfill() goes through the native libproc backfill and reports what it could not read', async () => {
      const { Class } = fakeClass();
      const tok = (pid: number, pidversion: number) => ({
        auid: 0,
        euid: 0,
        egid: 0,
        ruid: 0,
        rgid: 0,
        pid,
        asid: 1,
        pidversion,
      });
      const src = openEs({
        eventTypes: ['exec'],
        backendClass: Class,
        nativeBackfill: () => ({
          processes: [
            {
              audit_token: tok(1, 1),
              ppid: 0,
              executable: { path: '/sbin/launchd', path_truncated: false },
              start_time: '2025-08-07T10:00:00.000000Z',
            },
            {
              audit_token: tok(7, 70),
              parent_audit_token: tok(1, 1),
              ppid: 1,
              executable: { path: '', path_truncated: true },
              start_time: '2025-08-07T10:00:01.000000Z',
            },
          ],
          listed: 40,
          returned: 2,
          vanished: 0,
          reused: 0,
          exited: 0,
          capped: 38,
          noPidversion: 0,
          pathTooLong: 1,
          noPath: 0,
          noArgs: 2,
          argsTruncated: 0,
          maxProcesses: 2,
          maxArgBytes: 0,
        }),
      });
      expect(src.backfill().map((p) => p.audit_token)).toEqual([tok(1, 1), tok(7, 70)]);
      await src.stop();
      const capped = src.diagnostics().find((d) => d.code === 'NJ_SOURCE_BACKFILL_PARTIAL');
      expect(capped?.message).toMatch(/38 of 40 running processes left out \(maxProcesses 2\)/);
    });

    it('backfill() without the native function: [] and a warning, the source still runs', async () => {
      const { Class } = fakeClass();
      const src = openEs({ eventTypes: ['exec'], backendClass: Class, nativeBackfill: null });
      expect(src.backfill()).toEqual([]);
      await src.stop();
      expect(src.diagnostics().map((d) => d.code)).toContain('NJ_SOURCE_BACKFILL_UNAVAILABLE');
    });

    it('muting.pids mutes each process by the whole audit token read at start; a pid that is not running fails at open', async () => {
      const { Class, instance } = fakeClass();
      const src = openEs({
        eventTypes: ['open'],
        backendClass: Class,
        muting: { pids: [300] },
        backendConfig: { running: [[300, 9]] },
      });
      instance().deliver([
        { type: 10, pid: 300, pidversion: 9, exe: '/usr/bin/noisy', target: '/tmp/a' },
        { type: 10, pid: 300, pidversion: 10, exe: '/bin/zsh', target: '/tmp/reused' },
        { type: 10, pid: 11, exe: '/usr/bin/curl', target: '/etc/hosts' },
      ]);
      instance().drain();
      const paths: unknown[] = [];
      for await (const b of src) {
        paths.push(...b.events.map((e) => (e.msg?.event as { open: { file: { path: string } } }).open.file.path));
        if (paths.length >= 2) await src.stop();
      }
      expect(paths.sort()).toEqual(['/etc/hosts', '/tmp/reused']);
      expect(() => openEs({ eventTypes: ['open'], backendClass: fakeClass().Class, muting: { pids: [777] } })).toThrow(
        /cannot mute process 777: its audit token cannot be read/,
      );
      expect(() =>
        openEs({ eventTypes: ['open'], backendClass: fakeClass().Class, muting: { pids: [300], invert: true } }),
      ).toThrow(/inverts path muting only/);
    });

    it('muting.pathEvents mutes an executable for some event types only (es_mute_path_events)', async () => {
      const { Class, instance } = fakeClass();
      const src = openEs({
        eventTypes: ['exec', 'open'],
        clients: [{ events: ['exec', 'open'] }],
        backendClass: Class,
        muting: { pathEvents: [{ path: '/usr/libexec/mds', events: ['open'] }] },
      });
      instance().deliver([
        { type: 10, pid: 50, exe: '/usr/libexec/mds', target: '/Users/a/indexed' },
        { type: 9, pid: 50, exe: '/usr/libexec/mds', target: '/usr/libexec/mdworker' },
        { type: 10, pid: 11, exe: '/usr/bin/curl', target: '/etc/hosts' },
      ]);
      instance().drain();
      const got: string[] = [];
      for await (const b of src) {
        got.push(...b.events.map((e) => `${e.name} ${e.pid}`));
        if (got.length >= 2) await src.stop();
      }
      expect(got.sort()).toEqual(['exec 50', 'open 11']);
      expect(() =>
        openEs({
          eventTypes: ['open'],
          backendClass: fakeClass().Class,
          muting: { pathEvents: [{ path: '/x', events: ['open'] }], paths: ['/y'], invert: true },
        }),
      ).toThrow(/cannot be combined with per-event-type muting/);
    });

    it('rejects names that are not ES NOTIFY events', () => {
      const { Class } = fakeClass();
      expect(() => openEs({ eventTypes: ['exec', 'bogus'], backendClass: Class })).toThrow(
        /not an ES NOTIFY event name: bogus/,
      );
    });
  },
);
