/**
 * A merged capture of several hosts, as a fleet export would be: each of the repository's fixture
 * captures becomes one host's stream (its lines keep their order), and the streams are interleaved
 * at random (seeded). The host is added to every line in one of the shapes a producer may write —
 * Jamf's `"host":{"hostname":…}`, spaced JSON, `hostname` after another key, a `\u` escaped key — so
 * every path of the threaded scan's host routing is taken. Some malformed lines are mixed in.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_FIXTURES = resolve(fileURLToPath(import.meta.url), '../../../../../fixtures');

const SHAPES: Array<(h: string) => string> = [
  (h) => `,"host":{"hostname":"${h}","os":"Version 14.4.1"}`,
  (h) => `, "host" : { "hostname" : "${h}" }`,
  (h) => `,"host":{"ips":["10.0.0.2"],"hostname":"${h}"}`,
  (h) => `,"\\u0068ost":{"hostname":"${h}"}`,
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The merged capture's text (lines end with `\n`). */
export function multiHostCapture(seed: number): string {
  const files = readdirSync(REPO_FIXTURES)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const streams = files.map((f, i) => {
    const host = `mac-${String(i).padStart(2, '0')}`;
    const shape = SHAPES[i % SHAPES.length];
    return readFileSync(join(REPO_FIXTURES, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const t = l.trimEnd();
        return t.endsWith('}') ? `${t.slice(0, -1)}${shape(host)}}` : t;
      });
  });
  const r = prng(seed);
  const at = streams.map(() => 0);
  const out: string[] = [];
  for (;;) {
    const open = streams.map((s, i) => (at[i] < s.length ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) break;
    const i = open[Math.floor(r() * open.length)];
    out.push(streams[i][at[i]++]);
    if (r() < 0.002) out.push(r() < 0.5 ? '{"event_type": 9, "truncated' : 'not json at all');
  }
  return out.join('\n') + '\n';
}
