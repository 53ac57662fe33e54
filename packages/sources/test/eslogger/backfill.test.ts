import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineageCache, type Diagnostic } from '@nightjar/core';
import {
  BACKFILL_DIAGNOSTIC_CODES,
  openEslogger,
  type EventSource,
  type NativeBackfillResult,
} from '@nightjar/sources';
import { esLine } from '../helpers/messages.js';

// The eslogger source's backfill(): through the addon's libproc backfill when it is built (here a
// stand-in native function with the addon's result shape), else [] and a warning that says how to
// build it, while eslogger's events keep flowing.
const fakeDir = join(dirname(fileURLToPath(import.meta.url)), 'fake');
const dir = mkdtempSync(join(tmpdir(), 'nj-eslogger-bf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(id: string, lines: string[]) {
  const linesFile = join(dir, `lines-${id}.jsonl`);
  writeFileSync(linesFile, lines.join('\n') + '\n');
  return {
    ...process.env,
    PATH: `${fakeDir}${delimiter}${process.env.PATH}`,
    FAKE_ESLOGGER_MODE: 'replay',
    FAKE_ESLOGGER_LINES: linesFile,
    FAKE_ESLOGGER_ARGV: join(dir, `argv-${id}.txt`),
    FAKE_ESLOGGER_STATE: join(dir, `state-${id}`),
  };
}

const tok = (pid: number, pidversion: number) => ({
  auid: 501,
  euid: 501,
  egid: 20,
  ruid: 501,
  rgid: 20,
  pid,
  asid: 7,
  pidversion,
});
function nativeResult(): NativeBackfillResult {
  return {
    processes: [
      {
        audit_token: tok(1, 1),
        ppid: 0,
        group_id: 1,
        session_id: 1,
        executable: { path: '/sbin/launchd', path_truncated: false },
        start_time: '2025-08-07T10:00:00.000000Z',
      },
      {
        audit_token: tok(90, 900),
        parent_audit_token: tok(1, 1),
        ppid: 1,
        group_id: 90,
        session_id: 90,
        executable: { path: '/bin/zsh', path_truncated: false },
        start_time: '2025-08-07T11:00:00.000000Z',
        args: ['-zsh'],
      },
      {
        audit_token: { euid: 0, egid: 0, ruid: 0, rgid: 0, pid: 95 },
        ppid: 1,
        executable: { path: '/usr/libexec/x', path_truncated: false },
        start_time: '2025-08-07T11:00:00.000000Z',
        nj_no_pidversion: true,
      },
    ],
    listed: 3,
    returned: 3,
    vanished: 0,
    reused: 0,
    exited: 0,
    capped: 0,
    noPidversion: 1,
    pathTooLong: 0,
    noPath: 0,
    noArgs: 1,
    argsTruncated: 0,
    maxProcesses: 32768,
    maxArgBytes: 65536,
  };
}

async function collect(src: EventSource, want: number) {
  const diagnostics: Diagnostic[] = [];
  let events = 0;
  for await (const b of src) {
    diagnostics.push(...(b.diagnostics ?? []));
    events += b.events.length;
    if (events >= want) await src.stop();
  }
  return { diagnostics, events };
}

describe('eslogger source backfill()', () => {
  it('returns the native backfill’s processes (marker removed, counted) and reports them; the lineage resolves through them', async () => {
    let limits: unknown;
    const src = openEslogger({
      eventTypes: ['exec', 'open'],
      env: env('a', [esLine('open', { pid: 100 })]),
      backfillLimits: { maxProcesses: 10 },
      nativeBackfill: (l) => {
        limits = l;
        return nativeResult();
      },
    });
    const procs = src.backfill();
    expect(limits).toEqual({ maxProcesses: 10 });
    expect(procs.map((p) => p.executable.path)).toEqual(['/sbin/launchd', '/bin/zsh', '/usr/libexec/x']);
    expect(procs[2]).not.toHaveProperty('nj_no_pidversion');
    const cache = new LineageCache();
    cache.backfill(procs);
    expect(cache.get('90:900')?.executable.path).toBe('/bin/zsh');
    const { diagnostics, events } = await collect(src, 1);
    expect(events).toBe(1);
    const partial = diagnostics.find((d) => d.code === BACKFILL_DIAGNOSTIC_CODES.partial);
    expect(partial?.severity).toBe('warning');
    expect(partial?.data).toMatchObject({ noPidversion: 1, reason: 'no-pidversion' });
    expect(src.diagnostics().some((d) => d.code === BACKFILL_DIAGNOSTIC_CODES.summary)).toBe(true);
  });

  it('without the addon: [] and a typed warning with the build command, and eslogger keeps working', async () => {
    const src = openEslogger({
      eventTypes: ['open'],
      env: env('b', [esLine('open', { pid: 100 }), esLine('open', { pid: 101 })]),
      nativeBackfill: null,
    });
    expect(src.backfill()).toEqual([]);
    const { diagnostics, events } = await collect(src, 2);
    expect(events).toBe(2);
    const d = diagnostics.find((x) => x.code === BACKFILL_DIAGNOSTIC_CODES.unavailable);
    expect(d?.severity).toBe('warning');
    expect(d?.message).toMatch(/lineage starts empty/);
    expect(d?.message).toContain('npm rebuild @nightjar/native-es');
  });

  it('a native failure (or a malformed result) becomes the same warning, not a crash', async () => {
    const src = openEslogger({
      eventTypes: ['open'],
      env: env('c', [esLine('open', { pid: 100 })]),
      nativeBackfill: () => ({ processes: 'nope' }) as unknown as NativeBackfillResult,
    });
    expect(src.backfill()).toEqual([]);
    const { diagnostics } = await collect(src, 1);
    expect(diagnostics.find((x) => x.code === BACKFILL_DIAGNOSTIC_CODES.unavailable)?.message).toMatch(
      /the native backfill failed: process backfill: the addon returned no process list/,
    );
  });

  it.skipIf(process.platform === 'darwin')(
    'off macOS (no nativeBackfill given): says libproc needs macOS',
    async () => {
      const src = openEslogger({ eventTypes: ['open'], env: env('d', [esLine('open', { pid: 100 })]) });
      expect(src.backfill()).toEqual([]);
      await src.stop();
      expect(src.diagnostics().find((x) => x.code === BACKFILL_DIAGNOSTIC_CODES.unavailable)?.message).toMatch(
        /needs macOS/,
      );
    },
  );
});
