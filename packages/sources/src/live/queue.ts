/**
 * The bounded hand-off between a live producer (a child's stdout, native threads) and the
 * consumer's `for await`. When full, new items are dropped and counted: the producer is never
 * blocked (a blocked ES client gets killed or drops in the kernel, where we could not count it).
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: (() => void) | null = null;
  drops = 0;
  closed = false;
  error: Error | undefined = undefined;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; false (and counted) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.size >= this.capacity) {
      this.drops++;
      return false;
    }
    this.items.push(item);
    this.wake();
    return true;
  }

  /** Wakes the consumer without adding an item (a diagnostic is pending). */
  wake(): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w();
    }
  }

  /** No more items; the consumer ends (throws `error` when given) once the queue is drained. */
  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.error = error;
    this.wake();
  }

  /** Takes up to `max` items; waits while empty and open. Empty result = closed and drained, or woken. */
  async take(max: number): Promise<T[]> {
    if (this.size === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    const n = Math.min(max, this.size);
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
