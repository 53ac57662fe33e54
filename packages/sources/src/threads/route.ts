/**
 * Which host a line belongs to, read from its bytes without parsing it: the threaded scan's main
 * thread routes every line by it, so it must cost far less than the parse it hands to a worker
 * (one `indexOf` for a line without a host, about a tenth of JSON.parse).
 *
 * Exact on the shapes producers write: a line where no `"host"` text occurs (Apple's eslogger) has no
 * host; a line where `"host"` occurs once, as `"host":{"hostname":"…"` with one `"hostname"` key and
 * no escape in the value (Jamf Protect), has that host. Every other line with a `"host"` text is read
 * with core's structural header scan, which answers as JSON.parse does. Two shapes it does not see: a
 * key spelled with `\u` escapes, and a `"host"` object nested in an event on a line with no top-level
 * host. Neither comes from a real producer; the scan checks at the end that no host's events were
 * split across threads and reports it if they were (NJ_THREAD_ROUTE).
 */
import { scanHeader } from '@nightjar/core';

// `host"` rather than `"host"`: a needle that starts with a quote is searched several times slower
// in JSON, where quotes are everywhere.
const HOST_Q = Buffer.from('host"');
const HOST_PATTERN = Buffer.from('"host":{"hostname":"');
const HOSTNAME_Q = Buffer.from('hostname"');
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

/** The host of the line `buf[start, end)` as the decoder will see it (undefined: none or unreadable). */
export function hostOfLine(buf: Buffer, start: number, end: number): string | undefined {
  const line = buf.subarray(start, end);
  // The first `host"` that closes a string `"host"`.
  let q = line.indexOf(HOST_Q);
  while (q >= 0 && (q === 0 || line[q - 1] !== QUOTE)) q = line.indexOf(HOST_Q, q + 1);
  if (q < 0) return undefined;
  const h = q - 1;
  const vs = h + HOST_PATTERN.length;
  if (vs > line.length || line.compare(HOST_PATTERN, 0, HOST_PATTERN.length, h, vs) !== 0) return exactHost(line);
  const ve = line.indexOf(QUOTE, vs);
  if (ve < 0) return exactHost(line);
  const bs = line.indexOf(BACKSLASH, vs);
  if (bs >= 0 && bs < ve) return exactHost(line);
  // The rest of the host object (flat in every producer's output) must not name a hostname again,
  // and the rest of the line must not hold another "host" (the last key of a name wins).
  const close = line.indexOf(RBRACE, ve);
  if (close < 0) return exactHost(line);
  const rest = line.subarray(ve, close);
  if (rest.indexOf(LBRACE) >= 0 || rest.indexOf(HOSTNAME_Q) >= 0 || line.indexOf(HOST_Q, close) >= 0)
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
