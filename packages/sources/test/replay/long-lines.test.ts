import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, openReplay, SOURCE_ERROR_CODES, type EventBatch, type EventSource } from '@nightjar/sources';
import { esLine } from '../helpers/messages.js';

const dir = mkdtempSync(join(tmpdir(), 'nj-long-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function collect(src: EventSource): Promise<{ events: EventBatch['events']; errors: EventBatch['errors'] }> {
  const batches: EventBatch[] = [];
  for await (const b of src) batches.push(b);
  return { events: batches.flatMap((b) => b.events), errors: batches.flatMap((b) => b.errors) };
}

describe('LineSplitter: long lines', () => {
  // A line spread over many chunks used to be re-concatenated on every chunk (a 200 MB line: ~59 s).
  it('copies a line that spans 400 chunks once, not once per chunk', () => {
    const concat = vi.spyOn(Buffer, 'concat');
    const got: Array<{ len: number; line: number; offset: number }> = [];
    const sp = new LineSplitter((text, line, offset) => got.push({ len: text.length, line, offset }));
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    sp.push(Buffer.from('{}\n'));
    for (let i = 0; i < 400; i++) sp.push(chunk);
    sp.push(Buffer.from('b\n{}\n'));
    sp.end();
    const total = 400 * chunk.length + 1;
    expect(got).toEqual([
      { len: 2, line: 1, offset: 0 },
      { len: total, line: 2, offset: 3 },
      { len: 2, line: 3, offset: 3 + total + 1 },
    ]);
    const copied = concat.mock.results.reduce((n, r) => n + (r.value as Buffer).length, 0);
    expect(copied).toBeLessThanOrEqual(total);
  });

  it('reports a line over the cap with its number and start, skips it, and goes on', () => {
    const lines: string[] = [];
    const over: Array<{ line: number; offset: number }> = [];
    const sp = new LineSplitter(
      (text) => lines.push(text),
      100,
      (line, offset) => over.push({ line, offset }),
    );
    // In one chunk, then across chunks.
    sp.push(Buffer.from(`a\n${'x'.repeat(150)}\nb\n`));
    sp.push(Buffer.from('y'.repeat(60)));
    sp.push(Buffer.from('y'.repeat(60)));
    sp.push(Buffer.from('yy\nc\n'));
    sp.end();
    expect(lines).toEqual(['a', 'b', 'c']);
    expect(over).toEqual([
      { line: 2, offset: 2 },
      { line: 4, offset: 155 },
    ]);
    expect(sp.lineNo).toBe(5);
    expect(sp.offset).toBe(155 + 123 + 2);
  });
});

describe('openReplay: a line over maxLineBytes', () => {
  it('is one located NJ_SOURCE_LINE_TOO_LONG error; the lines after it are read and counted', async () => {
    const before = Array.from({ length: 10 }, (_, i) => esLine('exec', { pid: i + 1 }));
    const after = Array.from({ length: 10 }, (_, i) => esLine('exec', { pid: i + 100 }));
    const huge = esLine('exec', { pid: 50, extra: 'z'.repeat(300_000) });
    const body = [...before, huge, ...after].join('\n') + '\n';
    const f = join(dir, 'huge.jsonl');
    writeFileSync(f, body);
    const src = openReplay([f], { chunkSize: 4096, maxLineBytes: 100_000 });
    const { events, errors } = await collect(src);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: SOURCE_ERROR_CODES.lineTooLong,
      line: 11,
      offset: Buffer.byteLength(before.join('\n')) + 1,
      source: f,
    });
    expect(events.map((e) => e.pid)).toEqual([...before, ...after].map((_, i) => (i < 10 ? i + 1 : i + 90)));
    expect(src.stats()).toMatchObject({ lines: 21, events: 20, malformed: 1 });
  });
});
