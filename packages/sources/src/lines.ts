/**
 * Splits a byte stream into lines with exact 1-based line numbers and byte offsets, across chunk
 * boundaries, CRLF endings and a final line without a newline. Lines are decoded straight from the
 * chunk (`toString(utf8, start, end)`); only a line that straddles chunks is copied, once: its parts
 * are collected and joined when its newline arrives, so a line of any length costs linear time.
 */
export type LineSink = (text: string, lineNo: number, offset: number) => void;
/** A line as bytes: `buf[start, end)` (no terminator), valid only during the call. */
export type ByteLineSink = (buf: Buffer, start: number, end: number, lineNo: number, offset: number) => void;

/** Default longest line, in bytes: far above any ES message, far below what a string can hold. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const LF = 10;
const CR = 13;

abstract class Splitter {
  /** Number of the last line emitted (blank lines included). */
  lineNo = 0;
  /** Byte offset of the start of the next line. */
  offset = 0;
  /** Blank lines seen (counted, not emitted). */
  blank = 0;
  /** Lines longer than maxLineBytes, discarded (each reported through onOversize). */
  oversize = 0;
  /** The parts of an unfinished line (copies), and their total length. */
  private parts: Buffer[] = [];
  private held = 0;
  /** True while discarding the tail of an oversize line. */
  private skipping = false;

  constructor(
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly onOversize?: (lineNo: number, offset: number) => void,
  ) {}

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.held;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.held > 0 || this.skipping) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      if (this.skipping) {
        this.skipping = false;
        this.offset += nl + 1;
      } else if (this.held + nl > this.maxLineBytes) {
        this.tooLong(nl + 1);
      } else {
        this.parts.push(chunk.subarray(0, nl));
        this.held += nl;
        const joined = this.take();
        this.emit(joined, 0, joined.length, joined.length + 1);
      }
      pos = nl + 1;
    }
    const len = chunk.length;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.hold(chunk.subarray(pos));
        return;
      }
      if (nl - pos > this.maxLineBytes) this.tooLong(nl + 1 - pos);
      else this.emit(chunk, pos, nl, nl + 1 - pos);
      pos = nl + 1;
    }
  }

  /** End of input: a final line without newline is still a line. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.held > 0) {
      const r = this.take();
      this.emit(r, 0, r.length, r.length);
    }
  }

  /** Drops a held partial line (the input was cut); returns its length. */
  discard(): number {
    const n = this.held;
    this.parts = [];
    this.held = 0;
    return n;
  }

  /** The held parts as one buffer (one copy), and nothing held any more. */
  private take(): Buffer {
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    return joined;
  }

  private hold(part: Buffer): void {
    if (this.skipping) {
      this.offset += part.length;
      return;
    }
    if (this.held + part.length > this.maxLineBytes) {
      this.tooLong(part.length);
      this.skipping = true;
      return;
    }
    if (part.length === 0) return;
    // Copy: the caller's chunk may be reused or be large; keep only the partial line.
    this.parts.push(Buffer.from(part));
    this.held += part.length;
  }

  /** The held line is over maxLineBytes: report it (its number and start) and drop what is held. */
  private tooLong(consumed: number): void {
    this.lineNo++;
    this.oversize++;
    this.onOversize?.(this.lineNo, this.offset);
    this.offset += this.held + consumed;
    this.parts = [];
    this.held = 0;
  }

  /** Emits buf[start, end) (end excludes the LF); `consumed` = bytes of the line incl. its terminator. */
  private emit(buf: Buffer, start: number, end: number, consumed: number): void {
    const lineNo = ++this.lineNo;
    const offset = this.offset;
    this.offset += consumed;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) {
      this.blank++;
      return;
    }
    this.deliver(buf, start, end, lineNo, offset);
  }

  protected abstract deliver(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void;
}

/** Splits bytes into lines and hands each on as a string. */
export class LineSplitter extends Splitter {
  constructor(
    private readonly sink: LineSink,
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    onOversize?: (lineNo: number, offset: number) => void,
  ) {
    super(maxLineBytes, onOversize);
  }

  protected deliver(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    this.sink(buf.toString('utf8', start, end), lineNo, offset);
  }
}

/**
 * Splits bytes into lines and hands each on as bytes, undecoded: for a reader that only routes lines
 * (the threaded scan's main thread), so the UTF-8 decoding is done where the line is parsed.
 */
export class ByteLineSplitter extends Splitter {
  constructor(
    private readonly sink: ByteLineSink,
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    onOversize?: (lineNo: number, offset: number) => void,
  ) {
    super(maxLineBytes, onOversize);
  }

  protected deliver(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    this.sink(buf, start, end, lineNo, offset);
  }
}
