import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileDetection } from '../../src/detection/index.js';
import { CTX, NATIVE, PROC_CREATION, event, exec } from './helpers.js';

describe('compile once, run many', () => {
  afterEach(() => vi.restoreAllMocks());
  it('builds every regex at load time and none per event', () => {
    const d = compileDetection({
      detection: {
        sel_re: { 'CommandLine|re|i': 'curl\\s+-[a-z]*o' },
        sel_q: { 'Image|endswith': '/c?rl' },
        sel_wd: { 'CommandLine|windash|contains': ' -x ' },
        condition: '1 of sel_*',
      },
      logsource: PROC_CREATION,
      fieldMapping: 'sigmahq-macos',
    });
    const spy = vi.spyOn(RE2JS, 'compile');
    const RegExpSpy = vi.spyOn(globalThis, 'RegExp');
    let hits = 0;
    for (let i = 0; i < 200; i++) {
      if (d.match(exec('/usr/bin/curl', ['curl', `-sLo`, `/tmp/${i}`]), CTX)) hits++;
      if (d.match(exec('/bin/ls', ['ls', '-l', '/y']), CTX)) hits++;
    }
    expect(hits).toBe(200);
    expect(spy).not.toHaveBeenCalled();
    expect(RegExpSpy).not.toHaveBeenCalled();
  });
  it('keeps predicates pure: the same event gives the same answer every time, across rules', () => {
    const a = compileDetection({
      detection: { s: { 'event.open.file.path|contains': 'Keychains' }, condition: 's' },
      logsource: NATIVE('open'),
      fieldMapping: null,
    });
    const b = compileDetection({
      detection: { s: { 'event.open.file.path|endswith': '.db' }, condition: 's' },
      logsource: NATIVE('open'),
      fieldMapping: null,
    });
    const e1 = event('open', { file: { path: '/Library/Keychains/x.db' } });
    const e2 = event('open', { file: { path: '/tmp/y.txt' } });
    for (let i = 0; i < 3; i++) {
      expect([a.match(e1, CTX), b.match(e1, CTX), a.match(e2, CTX), b.match(e2, CTX)]).toEqual([
        true,
        true,
        false,
        false,
      ]);
    }
  });
  it('gives every rule reading one mapped field the same getter, so the engine reads it once per event for all of them', () => {
    const rule = (lit: string) =>
      compileDetection({
        detection: { s: { 'CommandLine|contains': lit }, condition: 's' },
        logsource: PROC_CREATION,
        fieldMapping: 'sigmahq-macos',
      });
    const a = rule('osascript');
    const b = rule('curl');
    expect(a.prefilter?.get).toBeDefined();
    // The engine's prefilter index groups rules by getter: one getter per rule was one read per rule.
    expect(a.prefilter?.get).toBe(b.prefilter?.get);
    expect(a.match(exec('/usr/bin/osascript', ['osascript', '-e', 'x']), CTX)).toBe(true);
    expect(b.match(exec('/usr/bin/osascript', ['osascript', '-e', 'x']), CTX)).toBe(false);
  });
});
