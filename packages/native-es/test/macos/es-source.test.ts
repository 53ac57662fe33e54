import { describe, expect, it } from 'vitest';
import { openEs, SourcePermissionError, type EsBackendClass, type EventBatch } from '@nightjar/native-es';
import { addonAvailable, loadAddon } from '../../src/native.js';

const built = addonAvailable();
type Fake = { deliver(e: unknown[]): void; drain(): void };

/** The addon's fake-backed class, with the instance captured so the test can feed it events. */
function fakeClass(): { Class: EsBackendClass; instance: () => Fake } {
  const Base = (loadAddon('es') as unknown as { EsFakeBackend: EsBackendClass }).EsFakeBackend;
  let made: Fake | undefined;
  const Class = function (cfg: unknown, cb: (m: Record<string, unknown>[], c: number[]) => void) {
    const b = new Base(cfg, cb);
    made = b as unknown as Fake;
    return b;
  } as unknown as EsBackendClass;
  return { Class, instance: () => made! };
}

describe.skipIf(!built)(`openEs (the es source) over the fake ES library${built ? '' : ' (skipped: native addon not built)'}`, () => {
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

  it('turns es_new_client failures into typed errors at open', () => {
    const { Class } = fakeClass();
    expect(() => openEs({ eventTypes: ['exec'], backendClass: Class, backendConfig: { newClientResult: 'ERR_NOT_ENTITLED' } })).toThrow(SourcePermissionError);
    try {
      openEs({ eventTypes: ['exec'], backendClass: Class, backendConfig: { newClientResult: 'ERR_NOT_PERMITTED' } });
    } catch (e) {
      expect((e as SourcePermissionError).code).toBe('NJ_SOURCE_NO_FULL_DISK_ACCESS');
    }
  });

  it('rejects names that are not ES NOTIFY events', () => {
    const { Class } = fakeClass();
    expect(() => openEs({ eventTypes: ['exec', 'bogus'], backendClass: Class })).toThrow(/not an ES NOTIFY event name: bogus/);
  });
});
