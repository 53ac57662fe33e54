/**
 * Reading one recorded input: a file or stdin (`-`), plain or gzip (told by its magic bytes, not its
 * name), as raw byte chunks. Shared by the replay source and the threaded scan's reader.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { InputError, SOURCE_ERROR_CODES } from '../errors.js';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface InputReadOptions {
  /** Read chunk size in bytes. */
  readonly chunkSize: number;
  /** The stream read for `-` (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream | undefined;
  /** Raw bytes read are added to `bytesRead`. */
  readonly stats: { bytesRead: number };
  /** Told what to destroy to stop the read in progress (a gzip pipeline has several parts). */
  readonly setCurrent: (c: { destroy(): void } | null) => void;
}

/**
 * An input file, read into two buffers reused from chunk to chunk. A read stream allocates a new
 * buffer per chunk, whose first touch (page faults) cost about four times the reads themselves
 * (~106 against ~21 ms of CPU for a 228 MB file). Its chunks are views of those buffers, valid
 * until the one after next is asked for: both readers split a chunk synchronously, and the
 * splitter copies the partial line it holds.
 */
export class FileInput {
  private closed = false;

  constructor(
    private readonly fh: FileHandle,
    private readonly chunkSize: number,
    /** The file's path, to read it again (see salvageGzip). */
    readonly path: string,
  ) {}

  async *chunks(): AsyncGenerator<Buffer> {
    // Two buffers: the next chunk is read into one while the caller splits the other, so this
    // thread does not wait for the disk between chunks.
    const n = this.chunkSize;
    const bufs = [Buffer.allocUnsafeSlow(n), Buffer.allocUnsafeSlow(n)];
    const read = (b: Buffer): Promise<{ bytesRead: number }> => {
      const p = this.fh.read(b, 0, n, null);
      // A read still in flight when the caller stops is never awaited: its failure is nobody's to
      // report (awaited, it still throws).
      p.catch(() => undefined);
      return p;
    };
    let k = 0;
    let pending = read(bufs[0]!);
    try {
      while (!this.closed) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) return;
        const cur = bufs[k & 1]!;
        k++;
        // The caller asked for this chunk, so it is done with the one before: its buffer is free.
        pending = read(bufs[k & 1]!);
        yield cur.subarray(0, bytesRead);
      }
    } finally {
      this.destroy();
    }
  }

  /** Stops reading and closes the file (after a read in progress: FileHandle.close waits for it). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.fh.close().catch(() => undefined);
  }
}

/** An opened input: a file, or the stream read for `-`. */
export type Input = FileInput | Readable;

/** Opens an input; throws InputError when it cannot be read. */
export async function openInput(input: string, name: string, opts: InputReadOptions): Promise<Input> {
  if (input === '-') return (opts.stdin ?? process.stdin) as Readable;
  let fh;
  try {
    fh = await open(input, 'r');
    const s = await fh.stat();
    if (s.isDirectory()) {
      await fh.close();
      throw new InputError(SOURCE_ERROR_CODES.inputUnreadable, name, `${name}: is a directory, not an event file`, {
        offset: 0,
        line: 0,
      });
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (err as Error).message;
    throw new InputError(
      SOURCE_ERROR_CODES.inputUnreadable,
      name,
      `${name}: cannot read: ${why}`,
      { offset: 0, line: 0 },
      { cause: err },
    );
  }
  return new FileInput(fh, opts.chunkSize, input);
}

/** The input's bytes, decompressed when it starts with the gzip magic. Counts raw bytes read. */
export async function* inputBytes(raw: Input, opts: InputReadOptions, onGzip: () => void): AsyncGenerator<Buffer> {
  const stats = opts.stats;
  const file = raw instanceof FileInput;
  const it = (file ? raw.chunks() : raw[Symbol.asyncIterator]()) as AsyncIterator<Buffer | string>;
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  // Read until two bytes are known: a pipe may deliver one byte first.
  while (head.length < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    stats.bytesRead += b.length;
    // A file's chunk is overwritten by the next read: a head too short to decide is kept as a copy.
    head = head.length === 0 ? (file && b.length < 2 ? Buffer.from(b) : b) : Buffer.concat([head, b]);
  }
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      stats.bytesRead += b.length;
      yield b;
    }
  };
  if (head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
    onGzip();
    const gunzip = createGunzip({ chunkSize: Math.min(opts.chunkSize, 1 << 20) });
    // zlib reads its input after the write returns: a file's reused buffer is copied first.
    const src = Readable.from(file ? copies(rest()) : rest(), { objectMode: false });
    opts.setCurrent({
      destroy: () => {
        src.destroy();
        gunzip.destroy();
        raw.destroy();
      },
    });
    pipeline(src, gunzip, () => {
      /* errors surface through the gunzip iterator below */
    });
    let delivered = 0;
    try {
      for await (const b of gunzip as AsyncIterable<Buffer>) {
        delivered += b.length;
        yield b;
      }
    } catch (err) {
      if (file && isZlibError(err)) yield* salvageGzip(raw.path, delivered, gunzip.bytesWritten);
      throw err;
    }
  } else {
    yield* rest();
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** Compressed bytes fed at once while replaying the part of a file that decompressed cleanly. */
const SALVAGE_READ = 64 * 1024;

/**
 * The text a gzip file's decompressor lost when it failed: zlib drops the output of the step that
 * fails, and one step may hold a member's last megabyte and the junk after it (a file with trailing
 * garbage lost everything after its last full output buffer) or the end of a truncated file. The
 * file is decompressed again up to where that step began (`consumed` compressed bytes), and the rest
 * fed in ever smaller pieces, so the step that fails last holds one byte; what lies beyond the first
 * `delivered` bytes of output is yielded. Only on a failure, and only for files (stdin cannot be read
 * again): each pass reads the file's sound prefix again.
 */
async function* salvageGzip(path: string, delivered: number, consumed: number): AsyncGenerator<Buffer> {
  try {
    for (const piece of [4096, 64, 1]) {
      const r = yield* gunzipAgain(path, delivered, consumed, piece);
      if (r === undefined) return;
      ({ delivered, consumed } = r);
    }
  } catch {
    // The file cannot be read again (removed, replaced): the first failure stands as it was.
  }
}

/**
 * One salvage pass: yields the output beyond `delivered`; returns where it failed again (output so
 * far, compressed bytes consumed by the steps that succeeded), or undefined at the file's end.
 */
async function* gunzipAgain(
  path: string,
  delivered: number,
  consumed: number,
  piece: number,
): AsyncGenerator<Buffer, { delivered: number; consumed: number } | undefined> {
  const fh = await open(path, 'r');
  const gz: Gunzip = createGunzip();
  const out: Buffer[] = [];
  let failed = false;
  gz.on('data', (b: Buffer) => out.push(b));
  const failure = new Promise<false>((resolve) =>
    gz.on('error', () => {
      failed = true;
      resolve(false);
    }),
  );
  let seen = 0;
  const take = function* (): Generator<Buffer> {
    for (const b of out.splice(0)) {
      const from = Math.max(0, delivered - seen);
      seen += b.length;
      if (from < b.length) yield b.subarray(from);
    }
  };
  try {
    const buf = Buffer.allocUnsafe(SALVAGE_READ);
    for (let pos = 0; ;) {
      const n = pos < consumed ? Math.min(SALVAGE_READ, consumed - pos) : piece;
      const { bytesRead } = await fh.read(buf, 0, n, pos);
      if (bytesRead === 0) {
        // The file's end (a truncated file): flush what the last pieces decoded, and stop there.
        await Promise.race([new Promise<void>((resolve) => gz.flush(() => resolve())), failure]);
        yield* take();
        return undefined;
      }
      pos += bytesRead;
      const chunk = Buffer.from(buf.subarray(0, bytesRead));
      await Promise.race([new Promise<boolean>((resolve) => gz.write(chunk, (e) => resolve(!e))), failure]);
      yield* take();
      if (failed) return { delivered: Math.max(delivered, seen), consumed: gz.bytesWritten };
    }
  } finally {
    gz.destroy();
    await fh.close();
  }
}

async function* copies(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const b of chunks) yield Buffer.from(b);
}

/**
 * The failure of a read that stopped part-way (a truncated gzip, an I/O error): where it stopped, and
 * the held partial line, dropped from `splitter` (it was never decoded).
 */
export function readFailure(
  err: unknown,
  name: string,
  gzip: boolean,
  splitter: { discard(): number; readonly offset: number; readonly lineNo: number },
): InputError {
  const partial = splitter.discard();
  const at = splitter.offset;
  const line = splitter.lineNo + 1;
  const zlibErr = gzip && isZlibError(err);
  const tail = partial > 0 ? `; the incomplete line ${line} (${partial} bytes at byte ${at}) was not decoded` : '';
  return zlibErr
    ? new InputError(
        SOURCE_ERROR_CODES.inputTruncated,
        name,
        `${name}: gzip data truncated or corrupt after ${at + partial} decompressed bytes (${(err as Error).message})${tail}; the ${splitter.lineNo} lines before were kept`,
        { offset: at, line },
        { cause: err },
      )
    : new InputError(
        SOURCE_ERROR_CODES.inputUnreadable,
        name,
        `${name}: read failed at byte ${at + partial}: ${(err as Error).message}${tail}`,
        { offset: at, line },
        { cause: err },
      );
}

/** The inputs' total size when every one is a regular file (for progress bars); undefined otherwise. */
export async function totalBytes(inputs: readonly string[]): Promise<number | undefined> {
  let total = 0;
  for (const input of inputs) {
    if (input === '-') return undefined;
    try {
      const s = await stat(input);
      if (!s.isFile()) return undefined;
      total += s.size;
    } catch {
      return undefined;
    }
  }
  return total;
}
