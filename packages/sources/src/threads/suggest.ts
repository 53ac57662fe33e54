/**
 * How many threads a scan of these inputs should use by default. Threads pay only when there is
 * much to read and several hosts to spread (one host's events stay on one thread, in order): one
 * thread for stdin or less than `minBytes` of input, or when the first MiB names one host; else as
 * many as there are hosts in that sample and cores less one. The one core is left to the reader and
 * the garbage collector's helper threads: on a 2-core machine two workers measured slower than one
 * thread (bench/README.md), so there the default stays one thread.
 */
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { constants, gunzipSync } from 'node:zlib';
import { hostOfLine } from './route.js';

export interface SuggestOptions {
  /** Less input than this, in bytes, gets one thread (default 64 MiB). */
  minBytes?: number | undefined;
  /** At most this many threads (default: the machine's cores less one). */
  maxThreads?: number | undefined;
}

const SAMPLE_BYTES = 1 << 20;

export async function suggestThreads(inputs: readonly string[], opts: SuggestOptions = {}): Promise<number> {
  const max = Math.max(1, Math.floor(opts.maxThreads ?? availableParallelism() - 1));
  if (max < 2 || inputs.length === 0 || inputs.includes('-')) return 1;
  let total = 0;
  try {
    for (const f of inputs) total += (await stat(f)).size;
  } catch {
    return 1;
  }
  if (total < (opts.minBytes ?? 64 * 1024 * 1024)) return 1;
  const hosts = await hostsInSample(inputs[0]!);
  return Math.min(max, hosts);
}

/** Distinct hosts named by the complete lines of the first MiB of `file` (decompressed when gzip). */
async function hostsInSample(file: string): Promise<number> {
  const fh = await open(file, 'r');
  let buf: Buffer;
  try {
    const raw = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(raw, 0, SAMPLE_BYTES, 0);
    buf = raw.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      // The sample ends mid-stream: take what inflates.
      buf = gunzipSync(buf, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, SAMPLE_BYTES);
    } catch {
      return 1;
    }
  }
  const hosts = new Set<string | undefined>();
  let start = 0;
  for (let nl = buf.indexOf(10); nl >= 0; start = nl + 1, nl = buf.indexOf(10, start)) {
    if (nl > start) hosts.add(hostOfLine(buf, start, nl));
  }
  return hosts.size;
}
