import { describe, expect, it, beforeEach, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  openEslogger,
  SOURCE_ERROR_CODES,
  SourcePermissionError,
  SourceStartError,
  type EventBatch,
  type EventSource,
} from '@nightjar/sources';
import { esLine, resetSeq } from '../helpers/messages.js';

const fakeDir = join(dirname(fileURLToPath(import.meta.url)), 'fake');
const dir = mkdtempSync(join(tmpdir(), 'nj-eslogger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function setup(mode: string, lines: string[]) {
  const id = ++n;
  const linesFile = join(dir, `lines-${id}.jsonl`);
  writeFileSync(linesFile, lines.join('\n') + '\n');
  const argv = join(dir, `argv-${id}.txt`);
  const env = {
    ...process.env,
    PATH: `${fakeDir}${delimiter}${process.env.PATH}`,
    FAKE_ESLOGGER_MODE: mode,
    FAKE_ESLOGGER_LINES: linesFile,
    FAKE_ESLOGGER_ARGV: argv,
    FAKE_ESLOGGER_STATE: join(dir, `state-${id}`),
  };
  return {
    env,
    argvs: () =>
      readFileSync(argv, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string[]),
  };
}

/** Reads until `want` events arrived (then stops the source) or the source ends. */
async function readUntil(
  src: EventSource,
  want: number,
): Promise<{ batches: EventBatch[]; events: EventBatch['events']; error?: unknown }> {
  const batches: EventBatch[] = [];
  let count = 0;
  try {
    for await (const b of src) {
      batches.push(b);
      count += b.events.length;
      if (count >= want) await src.stop();
    }
  } catch (error) {
    return { batches, events: batches.flatMap((b) => b.events), error };
  }
  return { batches, events: batches.flatMap((b) => b.events) };
}

beforeEach(() => resetSeq());

describe('openEslogger with a stand-in eslogger on PATH', () => {
  it('runs eslogger with exactly the needed event names and yields its events in order', async () => {
    const lines = [esLine('exec', { pid: 10 }), esLine('open', { pid: 11 }), '{broken', esLine('exit', { pid: 12 })];
    const { env, argvs } = setup('replay', lines);
    const src = openEslogger({ eventTypes: ['exec', 'open', 'exit', 'exec'], env });
    const { events, batches, error } = await readUntil(src, 3);
    expect(error).toBeUndefined();
    expect(argvs()[0]).toEqual(['exec', 'open', 'exit']);
    expect(events.map((e) => [e.name, e.pid, e.source])).toEqual([
      ['exec', 10, 'eslogger'],
      ['open', 11, 'eslogger'],
      ['exit', 12, 'eslogger'],
    ]);
    const errors = batches.flatMap((b) => b.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(3);
    expect(src.stats()).toMatchObject({ events: 3, malformed: 1, lines: 4, drops: 0, restarts: 0 });
  });

  it('turns ERR_NOT_PERMITTED into a Full Disk Access error, without restarting', async () => {
    const { env, argvs } = setup('not-permitted', []);
    const src = openEslogger({ eventTypes: ['exec'], env });
    const { error } = await readUntil(src, 1);
    expect(error).toBeInstanceOf(SourcePermissionError);
    expect((error as SourcePermissionError).code).toBe(SOURCE_ERROR_CODES.noFullDiskAccess);
    expect((error as Error).message).toMatch(/Full Disk Access/);
    expect(argvs()).toHaveLength(1);
    expect(src.failures()).toHaveLength(1);
  });

  it('turns a non-root failure into a typed error that says to use sudo', async () => {
    const { env } = setup('not-root', []);
    const { error } = await readUntil(openEslogger({ eventTypes: ['exec'], env }), 1);
    expect((error as SourcePermissionError).code).toBe(SOURCE_ERROR_CODES.notRoot);
    expect((error as Error).message).toMatch(/sudo/);
  });

  it('turns an unknown event name rejected by eslogger into a typed error', async () => {
    const { env } = setup('unknown-event', []);
    const { error } = await readUntil(openEslogger({ eventTypes: ['exec'], env }), 1);
    expect(error).toBeInstanceOf(SourceStartError);
    expect((error as SourceStartError).code).toBe(SOURCE_ERROR_CODES.unknownEvent);
  });

  it('rejects names that are not ES NOTIFY events before spawning', () => {
    expect(() => openEslogger({ eventTypes: ['exec', 'no_such_event'] })).toThrow(/no_such_event/);
    expect(() => openEslogger({ eventTypes: [] })).toThrow(/no event types/);
  });

  it('reports a missing eslogger with a typed error', async () => {
    const { error } = await readUntil(
      openEslogger({ eventTypes: ['exec'], command: join(dir, 'nope', 'eslogger') }),
      1,
    );
    expect((error as SourceStartError).code).toBe(SOURCE_ERROR_CODES.programNotFound);
    expect((error as Error).message).toMatch(/macOS 13/);
  });

  it('restarts after a crash with backoff and reports the restart seen in the sequence numbers', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => esLine('exec', { pid: 100 + i, seq: i, gseq: i }));
    const { env, argvs } = setup('crash-once', lines);
    const src = openEslogger({ eventTypes: ['exec'], env, restart: { initialDelayMs: 10 } });
    const { events, batches, error } = await readUntil(src, 3 + 6);
    expect(error).toBeUndefined();
    expect(argvs()).toHaveLength(2);
    expect(events.map((e) => e.pid)).toEqual([100, 101, 102, 100, 101, 102, 103, 104, 105]);
    const codes = batches.flatMap((b) => b.diagnostics ?? []).map((d) => d.code);
    expect(codes).toEqual(['NJ_SOURCE_EXITED', 'NJ_SOURCE_RESTARTED']);
    const restarted = src.diagnostics().find((d) => d.code === 'NJ_SOURCE_RESTARTED')!;
    expect(restarted.data).toMatchObject({ previousGlobalSeq: 2, globalSeq: 0 });
    expect(src.stats().restarts).toBe(1);
    // Line numbers keep counting across eslogger runs.
    expect(events[3]?.line).toBe(4);
  });

  it('gives up after repeated instant failures with a typed error', async () => {
    // `false` exits 1 at once with nothing on stderr: an unknown failure, retried until the limit.
    const src = openEslogger({
      eventTypes: ['exec'],
      command: 'false',
      restart: { initialDelayMs: 1, maxConsecutiveFailures: 2 },
    });
    const { error } = await readUntil(src, 1);
    expect((error as SourceStartError).code).toBe(SOURCE_ERROR_CODES.failed);
    expect((error as Error).message).toMatch(/keeps exiting \(exit code 1, 2 restarts in a row\)/);
    expect(src.stats().restarts).toBe(2);
  });

  it('counts and reports drops when the queue is full', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => esLine('exec', { pid: i }));
    const { env } = setup('replay', lines);
    const src = openEslogger({ eventTypes: ['exec'], env, queueCapacity: 10, batchSize: 5 });
    // Let eslogger write everything before the first read, so the queue overflows.
    await new Promise((r) => setTimeout(r, 0));
    const it = src[Symbol.asyncIterator]();
    const seen: number[] = [];
    const diags: string[] = [];
    // Wait until the child's output was read (it is written in one go).
    while (src.stats().lines < 50) await new Promise((r) => setTimeout(r, 20));
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      seen.push(...r.value.events.map((e) => e.pid));
      diags.push(...(r.value.diagnostics ?? []).map((d) => d.code));
      if (seen.length >= 10) break;
    }
    await src.stop();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(src.stats().drops).toBe(40);
    expect(diags).toContain('NJ_SOURCE_QUEUE_DROPS');
  });
});
