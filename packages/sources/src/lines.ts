/**
 * Splits a byte stream into lines with exact 1-based line numbers and byte offsets, across chunk
 * boundaries, CRLF endings and a final line without a newline. Lines are decoded straight from the
 * chunk (`toString(utf8, start, end)`); only a line that straddles two chunks is copied.
 */
export type LineSink = (text: string, lineNo: number, offset: number) => void;

const LF = 10;
const CR = 13;

export class LineSplitter {
  /** Number of the last line emitted (blank lines included). */
  lineNo = 0;
  /** Byte offset of the start of the next line. */
  offset = 0;
  /** Blank lines seen (counted, not emitted). */
  blank = 0;
  /** Lines longer than maxLineBytes, discarded (each reported through onOversize). */
  oversize = 0;
  private rest: Buffer | null = null;
  /** True while discarding the tail of an oversize line. */
  private skipping = false;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = 256 * 1024 * 1024,
    private readonly onOversize?: (lineNo: number, offset: number) => void,
  ) {}

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.rest?.length ?? 0;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.rest !== null || this.skipping) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      const head = chunk.subarray(0, nl);
      if (this.skipping) {
        this.skipping = false;
        this.offset += nl + 1;
      } else {
        const joined = Buffer.concat([this.rest!, head]);
        this.rest = null;
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
      this.emit(chunk, pos, nl, nl + 1 - pos);
      pos = nl + 1;
    }
  }

  /** End of input: a final line without newline is still a line. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    if (this.rest !== null) {
      const r = this.rest;
      this.rest = null;
      this.emit(r, 0, r.length, r.length);
    }
  }

  /** Drops a held partial line (the input was cut); returns its length. */
  discard(): number {
    const n = this.rest?.length ?? 0;
    this.rest = null;
    return n;
  }

  private hold(part: Buffer): void {
    if (this.skipping) {
      this.offset += part.length;
      return;
    }
    // Copy: the caller's chunk may be reused or be large; keep only the partial line.
    const next = this.rest === null ? Buffer.from(part) : Buffer.concat([this.rest, part]);
    if (next.length > this.maxLineBytes) {
      this.lineNo++;
      this.oversize++;
      this.onOversize?.(this.lineNo, this.offset);
      this.offset += next.length;
      this.rest = null;
      this.skipping = true;
      return;
    }
    this.rest = next;
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
    this.sink(buf.toString('utf8', start, end), lineNo, offset);
  }
}
