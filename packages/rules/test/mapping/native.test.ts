import { describe, expect, it } from 'vitest';
import { compileDetection } from '../../src/detection/index.js';
import { CTX, NATIVE, event, exec, lineage, proc } from '../detection/helpers.js';

const native = (detection: unknown, category?: string) =>
  compileDetection({ detection, logsource: NATIVE(category), fieldMapping: null });

describe('native ES rules (service: endpointsecurity)', () => {
  it('read dotted eslogger paths directly', () => {
    const d = native(
      {
        sel: { 'event.open.file.path|startswith': '/Library/Keychains/', 'process.signing_id': 'com.evil' },
        condition: 'sel',
      },
      'open',
    );
    expect(d.eventTypes).toEqual(['open']);
    expect(d.usesLineage).toBe(false);
    const ev = (path: string, sid: string) =>
      event('open', { file: { path }, fflag: 1 }, proc('/tmp/x', 5, { signing_id: sid }));
    expect(d.match(ev('/Library/Keychains/login.keychain-db', 'com.evil'), CTX)).toBe(true);
    expect(d.match(ev('/tmp/y', 'com.evil'), CTX)).toBe(false);
    expect(d.match(ev('/Library/Keychains/x', 'com.apple.x'), CTX)).toBe(false);
  });
  it('read lineage prefixes and report usesLineage', () => {
    const d = native({ sel: { 'parent.executable.path|endswith': '/Safari' }, condition: 'sel' }, 'exec');
    expect(d.usesLineage).toBe(true);
    const ev = exec('/bin/sh', ['sh']);
    expect(d.match(ev, lineage(new Map([[ev, proc('/Applications/Safari.app/Contents/MacOS/Safari', 9)]])))).toBe(true);
    expect(d.match(ev, CTX)).toBe(false);
  });
  it('ancestors.* matches when any ancestor matches', () => {
    const d = native({ sel: { 'ancestors.signing_id': 'com.apple.Terminal' }, condition: 'sel' }, 'exec');
    const ev = exec('/bin/sh', ['sh']);
    const ctx = {
      lineage: {
        ...CTX.lineage,
        ancestors: () => [
          proc('/bin/zsh', 2, { signing_id: 'com.apple.zsh' }),
          proc('/T', 1, { signing_id: 'com.apple.Terminal' }),
        ],
      },
    };
    expect(d.match(ev, ctx)).toBe(true);
    expect(d.match(ev, CTX)).toBe(false);
  });
  it('compute entity_id from the audit token', () => {
    const d = native({ sel: { 'event.exec.target.entity_id': '200:2' }, condition: 'sel' }, 'exec');
    expect(d.match(exec('/bin/ls', ['ls']), CTX)).toBe(true);
  });
  it('report the event type a payload path belongs to (for the linter)', () => {
    const d = native(
      { sel: { 'event.exec.args': 'x', 'process.signing_id': 'y', 'event.open.file.path': 'z' }, condition: 'sel' },
      'open',
    );
    expect(d.info.fields.map((f) => [f.name, f.eventTypes])).toEqual([
      ['event.exec.args', ['exec']],
      ['process.signing_id', null],
      ['event.open.file.path', ['open']],
    ]);
  });
  it('with no category match any event type', () => {
    const d = native({ sel: { 'process.executable.path': '/bin/zsh' }, condition: 'sel' });
    expect(d.eventTypes).toBeNull();
    expect(d.match(event('write', { target: { path: '/x' } }), CTX)).toBe(true);
  });
  it('ignore the legacy timeframe key (not a search identifier)', () => {
    const d = native(
      { sel: { 'process.executable.path': '/bin/zsh' }, timeframe: '5m', condition: '1 of them' },
      'exec',
    );
    expect(d.info.selections.map((s) => s.name)).toEqual(['sel']);
  });
});
