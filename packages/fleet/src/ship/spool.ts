/**
 * The agent's bounded on-disk FIFO: frames the server did not accept (down, or NJ_EVENTS full) wait
 * here, in order, and are re-sent with their original message id, so a frame that did reach the
 * stream before the error is answered as a duplicate instead of stored twice.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FLEET_ERROR_CODES, FleetError } from '../errors.js';

export interface SpooledFrame {
  msgId: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

/** One file per frame, named by a zero-padded counter so the directory order is the FIFO order. */
export class Spool {
  private readonly files: string[] = [];
  private bytes = 0;
  private next = 0;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
      // Frames left by an earlier run go first: they are older than anything this run reads.
      for (const f of readdirSync(dir)
        .filter((n) => n.endsWith('.frame'))
        .sort()) {
        this.files.push(f);
        this.bytes += statSync(path.join(dir, f)).size;
        this.next = Math.max(this.next, Number.parseInt(f, 10) + 1);
      }
    } catch (err) {
      throw new FleetError(FLEET_ERROR_CODES.spool, `spool ${dir}: ${String(err)}`, { cause: err });
    }
  }

  get size(): number {
    return this.files.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** False (and nothing written) when the frame would take the spool over its byte bound. */
  add(f: SpooledFrame): boolean {
    const body = Buffer.from(
      JSON.stringify({ msgId: f.msgId, headers: f.headers, data: Buffer.from(f.data).toString('base64') }),
    );
    if (this.bytes + body.length > this.maxBytes) return false;
    const name = `${String(this.next++).padStart(12, '0')}.frame`;
    try {
      writeFileSync(path.join(this.dir, name), body);
    } catch (err) {
      throw new FleetError(FLEET_ERROR_CODES.spool, `spool ${dir(this.dir, name)}: ${String(err)}`, { cause: err });
    }
    this.files.push(name);
    this.bytes += body.length;
    return true;
  }

  peek(): SpooledFrame | undefined {
    const name = this.files[0];
    if (name === undefined) return undefined;
    const o = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as {
      msgId: string;
      headers: Record<string, string>;
      data: string;
    };
    return { msgId: o.msgId, headers: o.headers, data: Buffer.from(o.data, 'base64') };
  }

  shift(): void {
    const name = this.files.shift();
    if (name === undefined) return;
    const p = path.join(this.dir, name);
    this.bytes -= statSync(p).size;
    rmSync(p, { force: true });
  }
}

const dir = (d: string, n: string): string => path.join(d, n);
