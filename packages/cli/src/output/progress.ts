/**
 * A one-line progress bar for stderr. Only created when stderr is a TTY and the input size is
 * known (a file, not stdin); redraws are throttled by an injectable clock.
 */
import type { Writable } from 'node:stream';
import { num } from './color.js';

export interface ProgressSnapshot {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly events: number;
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

export class ProgressBar {
  #lastDraw = -Infinity;
  #visible = false;
  readonly #start: number;
  constructor(
    private readonly out: Writable,
    private readonly now: () => number = () => performance.now(),
    private readonly width = 30,
    private readonly intervalMs = 100,
  ) {
    this.#start = now();
  }

  /** Redraws if the throttle interval has passed. */
  update(s: ProgressSnapshot): void {
    const t = this.now();
    if (t - this.#lastDraw < this.intervalMs) return;
    this.#lastDraw = t;
    this.out.write(`\r${this.render(s, t)}\x1b[K`);
    this.#visible = true;
  }

  render(s: ProgressSnapshot, t: number = this.now()): string {
    const frac = s.totalBytes > 0 ? Math.min(1, s.bytesRead / s.totalBytes) : 0;
    const filled = Math.round(frac * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    const secs = (t - this.#start) / 1000;
    const rate = secs > 0 ? `${num(s.events / secs)} ev/s` : '';
    return `${bar} ${String(Math.floor(frac * 100)).padStart(3)}%  ${mb(s.bytesRead)} / ${mb(s.totalBytes)}  ${num(s.events)} events  ${rate}`;
  }

  /** Erases the bar so another stderr line can be printed cleanly; the next update redraws it. */
  clear(): void {
    if (!this.#visible) return;
    this.out.write('\r\x1b[K');
    this.#visible = false;
    this.#lastDraw = -Infinity;
  }
}
