import { describe, expect, it } from 'vitest';
import {
  ALL_EVENT_TYPES,
  authEventTypeByName,
  eventTypeByName,
  eventTypeByNumber,
  isKnownEventName,
  EVENT_NAME_ALIASES,
} from '@nightjar/core';

describe('event-type table', () => {
  it('has every es_event_type_t value 0..156 in order, each once', () => {
    expect(ALL_EVENT_TYPES.map((t) => t.type)).toEqual(Array.from({ length: 157 }, (_, i) => i));
  });

  it('counts AUTH/NOTIFY per release as reference/esf.md §1 does', () => {
    const count = (v: string, k: string) => ALL_EVENT_TYPES.filter((t) => t.macos === v && t.kind === k).length;
    expect([count('10.15', 'auth'), count('10.15', 'notify')]).toEqual([20, 30]);
    expect([count('10.15.1', 'auth'), count('10.15.1', 'notify')]).toEqual([15, 18]);
    expect([count('13.0', 'auth'), count('13.0', 'notify')]).toEqual([0, 15]);
    expect([count('14.0', 'notify')]).toEqual([20]);
    expect(ALL_EVENT_TYPES.filter((t) => t.kind === 'reserved')).toHaveLength(9);
  });

  it('pins known numbers both ways', () => {
    const pins: Array<[string, number, string]> = [
      ['exec', 9, '10.15'],
      ['open', 10, '10.15'],
      ['fork', 11, '10.15'],
      ['exit', 15, '10.15'],
      ['iokit_open', 24, '10.15'],
      ['write', 33, '10.15'],
      ['fcntl', 62, '10.15.1'],
      ['cs_invalidated', 94, '11.0'],
      ['trace', 96, '11.0'],
      ['authentication', 111, '13.0'],
      ['btm_launch_item_add', 124, '13.0'],
      ['sudo', 131, '14.0'],
      ['xpc_connect', 145, '14.0'],
      ['gatekeeper_user_override', 146, '15.0'],
      ['tcc_modify', 147, '15.4'],
    ];
    for (const [name, n, macos] of pins) {
      expect(eventTypeByName(name)).toMatchObject({
        type: n,
        kind: 'notify',
        macos,
        constant: `ES_EVENT_TYPE_NOTIFY_${name.toUpperCase()}`,
      });
      expect(eventTypeByNumber(n)?.name).toBe(name);
    }
    expect(eventTypeByNumber(0)).toMatchObject({ name: 'exec', kind: 'auth', constant: 'ES_EVENT_TYPE_AUTH_EXEC' });
    expect(authEventTypeByName('open')?.type).toBe(1);
    expect(authEventTypeByName('fork')).toBeUndefined();
    expect(eventTypeByNumber(148)).toMatchObject({ name: 'reserved_0', kind: 'reserved', macos: '26.3' });
  });

  it('applies vendor aliases and rejects what is not ES', () => {
    expect(EVENT_NAME_ALIASES.cs_invalidate).toBe('cs_invalidated');
    expect(eventTypeByName('cs_invalidate')?.type).toBe(94);
    expect(isKnownEventName('cs_invalidate')).toBe(true);
    for (const bad of ['unknown:9001', 'EXEC', 'toString', '__proto__', '', 'system_performance'])
      expect(isKnownEventName(bad), bad).toBe(false);
    for (const n of [-1, 157, 9001, 1.5, NaN]) expect(eventTypeByNumber(n)).toBeUndefined();
  });

  it('every NOTIFY name is unique and lower-case', () => {
    const names = ALL_EVENT_TYPES.filter((t) => t.kind === 'notify').map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+$/);
  });
});
