/**
 * The bounded hand-off between a live producer (a child's stdout, native threads) and the
 * consumer's `for await`. Bounded in items and in bytes (the size of the lines the items were
 * decoded from: a burst of large messages must not hold more memory than a burst of small ones).
 * When full, new items are dropped and counted: the producer is never blocked (a blocked ES client
 * gets killed or drops in the kernel, where we could not count it).
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private sizes: number[] = [];
  private head = 0;
  private waiter: (() => void) | null = null;
  /** Items dropped because the queue was full (in items or in bytes) or closed. */
  drops = 0;
  /** Of `drops`, those dropped because the byte bound was reached while items were still free. */
  byteDrops = 0;
  /** Bytes held now. */
  bytes = 0;
  closed = false;
  error: Error | undefined = undefined;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Infinity,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /**
   * Adds an item of `bytes` bytes; false (and counted) when the queue is full or closed. An item
   * larger than the byte bound on its own is taken into an empty queue (one item is never held
   * back forever); the sources cap a line's length separately.
   */
  push(item: T, bytes = 0): boolean {
    if (this.closed) return false;
    if (this.size >= this.capacity) {
      this.drops++;
      return false;
    }
    if (this.bytes + bytes > this.maxBytes && this.size > 0) {
      this.drops++;
      this.byteDrops++;
      return false;
    }
    this.items.push(item);
    this.sizes.push(bytes);
    this.bytes += bytes;
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
    for (let i = this.head; i < this.head + n; i++) this.bytes -= this.sizes[i]!;
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
