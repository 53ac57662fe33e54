/**
 * Which host a line belongs to, read from its bytes without parsing it: the threaded scan's main
 * thread routes every line by it, so it must cost far less than the parse it hands to a worker.
 *
 * Exact on the shapes real producers write: a line with no `"host"` text at all and no `\u` escape
 * (Apple's eslogger) has no host; a line where `"host"` occurs once, as `"host":{"hostname":"…"` with
 * one `"hostname"` key and no escape in the value (Jamf Protect), has that host. Every other line is
 * read with core's structural header scan (a real tokenizer of the top level), which answers as
 * JSON.parse does. What the fast path cannot see is depth: a single `"host"` object nested inside an
 * event on a line without a top-level host. No ES message has one; the worker checks every event's
 * decoded host against this answer and reports a line where they differ (NJ_THREAD_ROUTE).
 */
import { scanHeader } from '@nightjar/core';

const HOST_KEY = Buffer.from('"host"');
const HOST_PATTERN = Buffer.from('"host":{"hostname":"');
const HOSTNAME_KEY = Buffer.from('"hostname"');
const U_ESCAPE = Buffer.from('\\u');
const QUOTE = 34;
const BACKSLASH = 92;

/** The host of the line `buf[start, end)` as the decoder will see it (undefined: none or unreadable). */
export function hostOfLine(buf: Buffer, start: number, end: number): string | undefined {
  const line = buf.subarray(start, end);
  const h = line.indexOf(HOST_KEY);
  if (h < 0) return line.indexOf(U_ESCAPE) < 0 ? undefined : exactHost(line);
  const vs = h + HOST_PATTERN.length;
  if (vs > line.length || line.compare(HOST_PATTERN, 0, HOST_PATTERN.length, h, vs) !== 0) return exactHost(line);
  const ve = line.indexOf(QUOTE, vs);
  if (ve < 0) return exactHost(line);
  const bs = line.indexOf(BACKSLASH, vs);
  if (
    (bs >= 0 && bs < ve) ||
    line.indexOf(HOST_KEY, h + 1) >= 0 ||
    line.indexOf(HOSTNAME_KEY, ve) >= 0 ||
    line.indexOf(U_ESCAPE) >= 0
  )
    return exactHost(line);
  return line.toString('utf8', vs, ve);
}

function exactHost(line: Buffer): string | undefined {
  let s = line.toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return scanHeader(s, undefined, 'structure')?.host;
}

/** Past this many hosts, new hosts are placed by a hash instead of remembered (bounded memory). */
const MAX_REMEMBERED_HOSTS = 65_536;

/**
 * Places each host on one of `n` workers, for good: a new host goes to the worker with the fewest
 * lines so far, so a handful of busy hosts spread evenly. Deterministic for a given input.
 */
export class HostRouter {
  private readonly placed = new Map<string | undefined, number>();
  private readonly load: number[];

  constructor(private readonly n: number) {
    this.load = new Array<number>(n).fill(0);
  }

  /** The worker for a line of `host`. */
  route(host: string | undefined): number {
    let w = this.placed.get(host);
    if (w === undefined) {
      if (this.placed.size < MAX_REMEMBERED_HOSTS) {
        w = 0;
        for (let i = 1; i < this.n; i++) if (this.load[i]! < this.load[w]!) w = i;
        this.placed.set(host, w);
      } else w = fnv1a(host ?? '') % this.n;
    }
    this.load[w]!++;
    return w;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
