/**
 * A small seeded PRNG (mulberry32). Fixtures must be byte-identical run after run, so nothing in the
 * generator may read Math.random, the clock or the environment; every choice goes through one of these.
 */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Upper-case hex string of `bytes` bytes (eslogger prints cdhash this way). */
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += this.int(0, 255).toString(16).padStart(2, '0');
    return s.toUpperCase();
  }
}

/** FNV-1a of a string: a stable number derived from a path (inode numbers, cdhashes of known binaries). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 40-hex-digit cdhash that is a pure function of the binary's path (the same binary keeps its hash). */
export function cdhashOf(path: string): string {
  let out = '';
  let h = hash32(path);
  for (let i = 0; i < 5; i++) {
    h = hash32(`${h}:${path}:${i}`);
    out += h.toString(16).padStart(8, '0');
  }
  return out.toUpperCase();
}
