import { describe, expect, it, beforeEach, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { openReplay, InputError, SOURCE_ERROR_CODES, type EventBatch, type EventSource } from '@nightjar/sources';
import { esLine, resetSeq } from '../helpers/messages.js';

const dir = mkdtempSync(join(tmpdir(), 'nj-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(
  src: EventSource,
): Promise<{ batches: EventBatch[]; events: EventBatch['events']; errors: EventBatch['errors'] }> {
  const batches: EventBatch[] = [];
  for await (const b of src) batches.push(b);
  return { batches, events: batches.flatMap((b) => b.events), errors: batches.flatMap((b) => b.errors) };
}

/** Expected (line, offset) of every non-blank line of `text`. */
function positions(text: string): Array<{ line: number; offset: number; text: string }> {
  const out: Array<{ line: number; offset: number; text: string }> = [];
  let offset = 0;
  const parts = text.split('\n');
  parts.forEach((p, i) => {
    const t = p.endsWith('\r') ? p.slice(0, -1) : p;
    if (t !== '' && !(i === parts.length - 1 && p === '')) out.push({ line: i + 1, offset, text: t });
    offset += Buffer.byteLength(p) + 1;
  });
  return out;
}

beforeEach(() => resetSeq());

describe('openReplay: lines and offsets', () => {
  // Long lines with multi-byte UTF-8, CRLF, blank lines, a malformed line and no final newline,
  // read with the smallest chunk size so many lines straddle chunk boundaries.
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    lines.push(
      esLine(i % 3 === 0 ? 'exec' : 'open', { pid: 1000 + i, extra: `/tmp/é文件-${'x'.repeat((i * 37) % 3000)}` }),
    );
  }
  lines.splice(5, 0, '');
  lines.splice(17, 0, '{"event_type": 9, "time": "2025-');
  const body = lines.map((l, i) => (i % 7 === 0 ? `${l}\r` : l)).join('\n');

  it('numbers lines and byte offsets exactly across chunks, CRLF and a final line without newline', async () => {
    const f = join(dir, 'lines.jsonl');
    writeFileSync(f, body);
    const { events, errors } = await collect(openReplay([f], { chunkSize: 4096, batchSize: 50 }));
    const want = positions(body);
    expect(events.length + errors.length).toBe(want.length);
    const got = [
      ...events.map((e) => ({ line: e.line, offset: e.offset })),
      ...errors.map((e) => ({ line: e.line, offset: e.offset })),
    ].sort((a, b) => a.line - b.line);
    expect(got).toEqual(want.map(({ line, offset }) => ({ line, offset })));
    // The malformed line is reported with its location, the rest still decoded.
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(18);
    expect(errors[0]?.source).toBe(f);
    // Events keep file order, carry the file as source, and the text decoded intact (UTF-8 across chunks).
    expect(events.map((e) => e.line)).toEqual([...events.map((e) => e.line)].sort((a, b) => a - b));
    expect(events.every((e) => e.source === f)).toBe(true);
    expect(events[events.length - 1]?.pid).toBe(1399);
    const last = events.filter((e) => e.name === 'open').pop()!;
    expect((last.msg!.event as { open: { file: { path: string } } }).open.file.path).toMatch(/^\/tmp\/é文件-x*$/);
  });

  it('gives the same result from stdin delivered one byte at a time', async () => {
    const buf = Buffer.from(body.slice(0, 20_000));
    const chunks = Array.from(buf, (b) => Buffer.from([b]));
    const src = openReplay(['-'], { stdin: Readable.from(chunks) });
    const { events, errors } = await collect(src);
    const want = positions(buf.toString());
    expect([...events, ...errors].map((e) => e.offset).sort((a, b) => a - b)).toEqual(want.map((w) => w.offset));
    expect(events[0]?.source).toBe('stdin');
    expect(src.stats().bytesRead).toBe(buf.length);
    expect(src.stats().totalBytes).toBeUndefined();
  });

  it('counts lines, events, malformed and bytes', async () => {
    const f = join(dir, 'count.jsonl');
    writeFileSync(f, body);
    const src = openReplay([f], { chunkSize: 4096 });
    const { events } = await collect(src);
    const s = src.stats();
    expect(s.lines).toBe(lines.length);
    expect(s.events).toBe(events.length);
    expect(s.events).toBe(400);
    expect(s.malformed).toBe(1);
    expect(s.bytesRead).toBe(Buffer.byteLength(body));
    expect(s.totalBytes).toBe(Buffer.byteLength(body));
    expect(s.batches).toBeGreaterThan(1);
  });
});

describe('openReplay: gzip', () => {
  const text = Array.from({ length: 3000 }, (_, i) => esLine('exec', { pid: i + 1 })).join('\n') + '\n';

  it('detects gzip by magic bytes, not by name', async () => {
    const a = join(dir, 'looks-plain.jsonl');
    const b = join(dir, 'looks-gzipped.jsonl.gz');
    writeFileSync(a, gzipSync(text));
    writeFileSync(b, text);
    const src = openReplay([a, b]);
    const { events, errors } = await collect(src);
    expect(errors).toEqual([]);
    expect(events).toHaveLength(6000);
    expect(events[0]?.source).toBe(a);
    expect(events[3000]?.source).toBe(b);
    expect(events[2999]?.pid).toBe(3000);
    // Offsets in a gzip input are positions in the decompressed text.
    expect(events[1]?.offset).toBe(text.indexOf('\n') + 1);
    expect(src.failures()).toEqual([]);
  });

  it('reads a gzip input over many small reads whole (a file is read into reused buffers)', async () => {
    const f = join(dir, 'many-reads.jsonl.gz');
    // Stored, not compressed: the file is as long as the text, so it takes hundreds of reads.
    const gz = gzipSync(text, { level: 0 });
    writeFileSync(f, gz);
    expect(gz.length).toBeGreaterThan(100 * 4096);
    const { events, errors } = await collect(openReplay([f], { chunkSize: 4096 }));
    expect(errors).toEqual([]);
    expect(events.map((e) => e.pid)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  it('reports a truncated gzip with a typed error and keeps what was read', async () => {
    const f = join(dir, 'cut.jsonl.gz');
    const gz = gzipSync(text);
    writeFileSync(f, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const next = join(dir, 'after-cut.jsonl');
    writeFileSync(next, esLine('fork') + '\n');
    const src = openReplay([f, next]);
    const { events, errors, batches } = await collect(src);
    const fromCut = events.filter((e) => e.source === f);
    // Every line the cut file holds whole is kept (zlib drops its last step's output on the error:
    // the file is decompressed again for it), as many as a tolerant decompression finds.
    const whole = gunzipSync(gz.subarray(0, Math.floor(gz.length * 0.6)), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(fromCut.length).toBe(whole.toString().split('\n').length - 1);
    expect(fromCut.length).toBeLessThan(3000);
    // Every kept event is whole and in order.
    expect(fromCut.map((e) => e.pid)).toEqual(fromCut.map((_, i) => i + 1));
    expect(errors).toEqual([]);
    const [failure] = src.failures();
    expect(failure).toBeInstanceOf(InputError);
    expect(failure?.code).toBe(SOURCE_ERROR_CODES.inputTruncated);
    expect(failure?.source).toBe(f);
    expect((failure as InputError).line).toBe(fromCut.length + 1);
    expect(failure?.message).toContain(f);
    // Reported as a diagnostic too, and the next input is still read.
    expect(batches.flatMap((b) => b.diagnostics ?? []).map((d) => d.code)).toContain(SOURCE_ERROR_CODES.inputTruncated);
    expect(events.filter((e) => e.source === next)).toHaveLength(1);
  });
});

describe('openReplay: gzip with junk after its data', () => {
  // 3000 lines are ~1.5 MB of text: more than zlib's output step (1 MiB), so the junk is found in a
  // step after others succeeded; 60 lines fit in one step, which used to lose them all.
  for (const count of [60, 3000])
    it(`keeps all ${count} lines and reports the junk with the exact count of bytes and lines kept`, async () => {
      const text = Array.from({ length: count }, (_, i) => esLine('exec', { pid: i + 1 })).join('\n') + '\n';
      const f = join(dir, `junk-${count}.jsonl.gz`);
      writeFileSync(f, Buffer.concat([gzipSync(text), Buffer.from('not gzip at all\n')]));
      const src = openReplay([f]);
      const { events, errors } = await collect(src);
      expect(errors).toEqual([]);
      expect(events.map((e) => e.pid)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      const [failure] = src.failures();
      expect(failure?.code).toBe(SOURCE_ERROR_CODES.inputTruncated);
      expect((failure as InputError).line).toBe(count + 1);
      expect(failure?.message).toContain(`after ${Buffer.byteLength(text)} decompressed bytes`);
      expect(failure?.message).toContain(`the ${count} lines before were kept`);
    });

  it('keeps both members of a two-member file before the junk', async () => {
    const f = join(dir, 'junk-two-members.jsonl.gz');
    const a = esLine('exec', { pid: 1 }) + '\n';
    const b = esLine('exec', { pid: 2 }) + '\n';
    writeFileSync(f, Buffer.concat([gzipSync(a), gzipSync(b), Buffer.from([0x42, 0x42])]));
    const src = openReplay([f]);
    const { events } = await collect(src);
    expect(events.map((e) => e.pid)).toEqual([1, 2]);
    expect(src.failures().map((e) => e.code)).toEqual([SOURCE_ERROR_CODES.inputTruncated]);
  });
});

describe('openReplay: unreadable inputs', () => {
  it('reports a missing file and a directory with typed errors and reads the rest', async () => {
    const ok = join(dir, 'ok.jsonl');
    writeFileSync(ok, esLine('exec') + '\n' + esLine('exit') + '\n');
    const sub = join(dir, 'a-dir');
    mkdirSync(sub, { recursive: true });
    const src = openReplay([join(dir, 'missing.jsonl'), sub, ok]);
    const { events } = await collect(src);
    expect(events.map((e) => e.name)).toEqual(['exec', 'exit']);
    const f = src.failures();
    expect(f.map((e) => e.code)).toEqual([SOURCE_ERROR_CODES.inputUnreadable, SOURCE_ERROR_CODES.inputUnreadable]);
    expect(f[0]?.message).toMatch(/missing\.jsonl: cannot read: no such file/);
    expect(f[1]?.message).toMatch(/is a directory/);
    expect(src.diagnostics().filter((d) => d.severity === 'error')).toHaveLength(2);
    expect(src.stats().totalBytes).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)(
    'reports a file without read permission (skipped as root: root reads anything)',
    async () => {
      const f = join(dir, 'noperm.jsonl');
      writeFileSync(f, esLine('exec') + '\n');
      chmodSync(f, 0o000);
      const src = openReplay([f]);
      await collect(src);
      expect(src.failures()[0]?.message).toMatch(/permission denied/);
    },
  );
});

describe('openReplay: options', () => {
  it('decodes only the wanted event types and passes the others header-only', async () => {
    const f = join(dir, 'types.jsonl');
    writeFileSync(f, [esLine('exec'), esLine('open'), esLine('open'), esLine('exit')].join('\n'));
    const src = openReplay([f], { eventTypes: ['exec'] });
    const { events } = await collect(src);
    expect(events.map((e) => [e.name, e.skipped])).toEqual([
      ['exec', false],
      ['open', true],
      ['open', true],
      ['exit', true],
    ]);
    expect(events[2]?.seq).toBe(1);
    expect(src.stats().skipped).toBe(3);
  });

  it('respects batchSize', async () => {
    const f = join(dir, 'batches.jsonl');
    writeFileSync(f, Array.from({ length: 25 }, () => esLine('exec') + '\n').join(''));
    const { batches } = await collect(openReplay([f], { batchSize: 10 }));
    expect(batches.map((b) => b.events.length)).toEqual([10, 10, 5]);
  });

  it('at a rate, still delivers every event in order', async () => {
    const f = join(dir, 'rate.jsonl');
    writeFileSync(f, Array.from({ length: 30 }, (_, i) => esLine('exec', { pid: i })).join('\n'));
    const { events } = await collect(openReplay([f], { speed: 2000 }));
    expect(events.map((e) => e.pid)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('at recorded speed, stop() ends a long wait between events', async () => {
    const f = join(dir, 'recorded.jsonl');
    writeFileSync(
      f,
      [esLine('exec', { time: '2025-08-07T15:00:00Z' }), esLine('exec', { time: '2025-08-07T16:00:00Z' })].join('\n'),
    );
    const src = openReplay([f], { speed: 'recorded' });
    const seen: number[] = [];
    for await (const b of src) {
      seen.push(...b.events.map((e) => e.time));
      void src.stop();
    }
    expect(seen).toHaveLength(1);
  });

  it('stop() ends reading a stdin that never closes', async () => {
    const stdin = new Readable({ read() {} });
    stdin.push(esLine('exec') + '\n');
    const src = openReplay(['-'], { stdin });
    let n = 0;
    for await (const b of src) {
      n += b.events.length;
      if (n === 1) void src.stop();
    }
    expect(n).toBe(1);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => openReplay(['x'], { speed: -1 })).toThrow(/speed must be/);
    expect(() => openReplay('x' as unknown as string[])).toThrow(/array of paths/);
  });
});
