import { describe, expect, it } from 'vitest';
import { createDecoder, DecodeError, eventTypeByName, type NightjarEvent } from '@nightjar/core';
import { testingAddonAvailable as addonAvailable, loadTestingAddon } from './testing-addon.js';

const built = addonAvailable();
type J = Record<string, unknown>;

// What the addon emits must be what @nightjar/core's decoder reads: every translated type of every
// message version, through createDecoder, comes out with its event name, number and actor.
describe.skipIf(!built)(
  `the translator's JSON through @nightjar/core's createDecoder${built ? '' : ' (skipped: native addon not built)'}`,
  () => {
    const byVersion = new Map<number, J[]>();
    for (let v = 1; v <= 10; v++) byVersion.set(v, built ? loadTestingAddon().translateSynthetic(v) : []);
    const names = [...new Set([...byVersion.values()].flat().map((m) => Object.keys(m.event as J)[0]))];

    it('every emitted event name is a known ES NOTIFY event with the number the translator wrote', () => {
      expect(names.length).toBe(78);
      for (const m of byVersion.get(9)!) {
        const name = Object.keys(m.event as J)[0];
        const t = eventTypeByName(name);
        expect(t, name).toBeDefined();
        expect(t!.kind, name).toBe('notify');
        expect(t!.type, name).toBe(m.event_type);
      }
    });

    for (const filtered of [false, true]) {
      it(`decodes every type of every version with its name and actor (${filtered ? 'eventTypes = every translated name' : 'all types'})`, () => {
        const decoder = createDecoder({ eventTypes: filtered ? names : null, source: 'native-es' });
        let line = 0;
        let offset = 0;
        const seen = new Set<string>();
        for (const [v, msgs] of byVersion) {
          for (const m of msgs) {
            const text = JSON.stringify(m);
            line++;
            const ev = decoder.decode(text, line, offset);
            offset += text.length + 1;
            expect(ev, text.slice(0, 300)).not.toBeInstanceOf(DecodeError);
            const e = ev as NightjarEvent;
            const name = Object.keys(m.event as J)[0];
            seen.add(name);
            expect(e.skipped, name).toBe(false);
            expect(e.name).toBe(name);
            expect(e.type).toBe(m.event_type);
            expect(e.version).toBe(v);
            // The actor: /bin/zsh, pid 500 pidversion 7 in every synthetic message (object or v10 array token).
            expect([e.pid, e.pidversion, e.entityId]).toEqual([500, 7, '500:7']);
            expect(e.msg?.process?.executable.path).toBe('/bin/zsh');
            expect(e.msg?.process?.entity_id).toBe('500:7');
            expect(e.seq).toBe(v >= 2 ? m.seq_num : undefined);
            expect(e.globalSeq).toBe(v >= 4 ? m.global_seq_num : undefined);
            // Processes directly under the payload (target, instigator, app, responsible …) get entity ids too.
            const payload = (e.msg!.event as Record<string, J>)[name];
            for (const [k, p] of Object.entries(payload)) {
              if (p && typeof p === 'object' && 'audit_token' in p) {
                const tok = (p as { audit_token: J | number[] }).audit_token;
                const pid = Array.isArray(tok) ? tok[5] : (tok.pid as number);
                const pv = Array.isArray(tok) ? tok[7] : (tok.pidversion as number);
                expect((p as J).entity_id, `${name}.${k}`).toBe(`${pid}:${pv}`);
              }
            }
          }
        }
        expect(seen.size).toBe(78);
        const st = decoder.stats();
        expect(st.lines).toBe(line);
        expect(st.decoded).toBe(line);
        expect(st.skipped).toBe(0);
        expect(st.errors).toEqual({});
        expect(st.unknownTypes).toEqual({});
        expect(st.newerVersions).toBe(0);
      });
    }

    it('a decoder that wants one user-space type skips the others by header and decodes that one', () => {
      const decoder = createDecoder({ eventTypes: ['tcc_modify'], source: 'native-es' });
      let n = 0;
      for (const m of byVersion.get(10)!) {
        const ev = decoder.decode(JSON.stringify(m), ++n, 0);
        expect(ev).not.toBeInstanceOf(DecodeError);
        const e = ev as NightjarEvent;
        const want = Object.keys(m.event as J)[0] === 'tcc_modify';
        expect(e.skipped).toBe(!want);
        expect(e.name).toBe(Object.keys(m.event as J)[0]);
        if (want) expect((e.msg!.event.tcc_modify as J).service).toMatch(/^kTCCService/);
      }
      expect(decoder.stats().decoded).toBe(2);
    });
  },
);
