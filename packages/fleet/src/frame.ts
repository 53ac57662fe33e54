/**
 * A frame: the unit an agent publishes and a worker acks. Up to 64 eslogger lines, deflated, with
 * headers that say which host session and which `global_seq_num` range they hold. Two control kinds
 * ride the same subject so they stay in order with the events: `drop` (the agent lost lines) and
 * `backfill` (the process table).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { FLEET_ERROR_CODES, FleetError } from './errors.js';

export type FrameKind = 'events' | 'drop' | 'backfill';

export const FRAME_HEADERS = {
  kind: 'Nj-Kind',
  encoding: 'Nj-Encoding',
  session: 'Nj-Session',
  first: 'Nj-First',
  last: 'Nj-Last',
  count: 'Nj-Count',
} as const;

export interface Frame {
  kind: FrameKind;
  /** Agent session: a boot nonce plus a restart counter. A new session is a new sequence space. */
  session: string;
  /** First and last `global_seq_num` of the lines (events), or of the lost range (drop); -1 when unknown. */
  first: number;
  last: number;
  /** events: the lines; backfill: one JSON process object per line; drop: empty. */
  lines: string[];
  /** drop: how many lines the agent lost. */
  count: number;
}

/** The message id that makes a re-sent frame a duplicate for the stream: host, session, first sequence. */
export function frameMsgId(host: string, f: Pick<Frame, 'kind' | 'session' | 'first'>, ordinal: number): string {
  const at = f.first >= 0 ? String(f.first) : `n${ordinal}`;
  return f.kind === 'events' ? `${host}:${f.session}:${at}` : `${host}:${f.session}:${f.kind}:${ordinal}`;
}

export function encodeFrame(f: Frame): { data: Uint8Array; headers: MsgHdrs } {
  const h = natsHeaders();
  h.set(FRAME_HEADERS.kind, f.kind);
  h.set(FRAME_HEADERS.encoding, 'deflate');
  h.set(FRAME_HEADERS.session, f.session);
  h.set(FRAME_HEADERS.first, String(f.first));
  h.set(FRAME_HEADERS.last, String(f.last));
  h.set(FRAME_HEADERS.count, String(f.kind === 'drop' ? f.count : f.lines.length));
  const data = f.lines.length > 0 ? deflateRawSync(linesToBytes(f.lines)) : new Uint8Array(0);
  return { data, headers: h };
}

/*
 * A frame's text is ~150 KB (64 lines of ~2.3 KB). As one JS string it is a large object in V8,
 * mapped afresh and page-faulted for every frame: joining the lines to encode a frame, or decoding
 * the inflated bytes to split them, cost ~0.55-0.6 ms per frame. The lines go to and from the bytes
 * one by one instead (~0.04-0.05 ms). A newline byte never occurs inside a UTF-8 sequence, so the
 * lines are exactly those of the joined or split text.
 */
let scratch = Buffer.allocUnsafe(1 << 16);
/** The reused buffer grows to this at most; a bigger frame (very long lines) gets one of its own. */
const MAX_SCRATCH = 1 << 20;

/** The lines joined by newlines, as UTF-8, in a buffer the next call may reuse (deflate copies it). */
export function linesToBytes(lines: readonly string[]): Buffer {
  let n = lines.length - 1;
  for (const l of lines) n += Buffer.byteLength(l, 'utf8');
  if (scratch.length < n && n <= MAX_SCRATCH)
    scratch = Buffer.allocUnsafe(Math.min(MAX_SCRATCH, Math.max(n, scratch.length * 2)));
  const buf = scratch.length >= n ? scratch : Buffer.allocUnsafe(n);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) buf[at++] = 10;
    at += buf.write(lines[i]!, at, 'utf8');
  }
  return buf.subarray(0, at);
}

/** `bytes.toString('utf8').split('\n')`, one line at a time ([] for no bytes, as for an empty text). */
export function bytesToLines(bytes: Buffer): string[] {
  const out: string[] = [];
  if (bytes.length === 0) return out;
  for (let s = 0; ;) {
    const e = bytes.indexOf(10, s);
    if (e < 0) {
      out.push(bytes.toString('utf8', s));
      return out;
    }
    out.push(bytes.toString('utf8', s, e));
    s = e + 1;
  }
}

export function decodeFrame(data: Uint8Array, h: MsgHdrs | undefined, where: string): Frame {
  const kind = h?.get(FRAME_HEADERS.kind) ?? '';
  if (kind !== 'events' && kind !== 'drop' && kind !== 'backfill') {
    throw new FleetError(FLEET_ERROR_CODES.frame, `${where}: unknown frame kind '${kind}'`);
  }
  const enc = h?.get(FRAME_HEADERS.encoding) ?? '';
  let lines: string[];
  try {
    lines =
      data.length === 0
        ? []
        : bytesToLines(
            enc === 'deflate' ? inflateRawSync(data) : Buffer.from(data.buffer, data.byteOffset, data.length),
          );
  } catch (err) {
    throw new FleetError(FLEET_ERROR_CODES.frame, `${where}: cannot inflate the frame: ${String(err)}`, { cause: err });
  }
  const num = (name: string): number => {
    const v = Number(h?.get(name) ?? '-1');
    return Number.isFinite(v) ? v : -1;
  };
  return {
    kind,
    session: h?.get(FRAME_HEADERS.session) ?? '',
    first: num(FRAME_HEADERS.first),
    last: num(FRAME_HEADERS.last),
    lines,
    count: Math.max(0, num(FRAME_HEADERS.count)),
  };
}
