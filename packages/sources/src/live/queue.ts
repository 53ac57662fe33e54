/**
 * The bounded hand-off between a live producer (a child's stdout, native threads) and the
 * consumer's `for await`. Bounded in events and in bytes (the size of the lines the events come
 * from: a burst of large messages must not hold more memory than a burst of small ones). An item
 * is one event, or a batch of lines standing for several. When full, new items are dropped and
 * their events counted: the producer is never blocked (a blocked ES client
 * gets killed or drops in the kernel, where we could not count it).
 */
export class BoundedQueue<T> {
  /** Taken slots before `head` are cleared (a batch of lines holds its whole text). */
  private items: (T | undefined)[] = [];
  private sizes: number[] = [];
  private counts: number[] = [];
  private head = 0;
  private held = 0;
  private waiter: (() => void) | null = null;
  /** Events dropped because the queue was full (in events or in bytes) or closed. */
  drops = 0;
  /** Of `drops`, those dropped because the byte bound was reached while events were still free. */
  byteDrops = 0;
  /** Bytes held now. */
  bytes = 0;
  closed = false;
  error: Error | undefined = undefined;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Infinity,
  ) {}

  /** Events held now (an item may stand for several: a batch of lines decoded when taken). */
  get size(): number {
    return this.held;
  }

  /**
   * Adds an item of `bytes` bytes standing for `count` events; false (and all `count` counted as
   * dropped) when the queue is full or closed. An item larger than a bound on its own is taken
   * into an empty queue (one item is never held back forever); the sources cap a line's length
   * separately.
   */
  push(item: T, bytes = 0, count = 1): boolean {
    if (this.closed) return false;
    if (this.held + count > this.capacity && this.held > 0) {
      this.drops += count;
      return false;
    }
    if (this.bytes + bytes > this.maxBytes && this.held > 0) {
      this.drops += count;
      this.byteDrops += count;
      return false;
    }
    this.items.push(item);
    this.sizes.push(bytes);
    this.counts.push(count);
    this.bytes += bytes;
    this.held += count;
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

  /**
   * Takes items standing for up to `max` events (always at least one item when any is held); waits
   * while empty and open. Empty result = closed and drained, or woken.
   */
  async take(max: number): Promise<T[]> {
    if (this.held === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    let end = this.head;
    let events = 0;
    while (end < this.items.length && (end === this.head || events + this.counts[end]! <= max)) {
      events += this.counts[end]!;
      this.bytes -= this.sizes[end]!;
      end++;
    }
    const out = this.items.slice(this.head, end) as T[];
    this.items.fill(undefined, this.head, end);
    this.held -= events;
    this.head = end;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.sizes.length = 0;
      this.counts.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
