/** Fixed-capacity FIFO: memory stays flat however long the monitor runs. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  get length(): number {
    return this.count;
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.start + this.count - 1) % this.capacity];
  }

  /** The newest items as long as `keep` holds, oldest first: a window without copying the whole buffer. */
  newestWhile(keep: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = this.count - 1; i >= 0; i--) {
      const item = this.items[(this.start + i) % this.capacity] as T;
      if (!keep(item)) break;
      out.push(item);
    }
    return out.reverse();
  }

  /** Visits the newest items, newest first, as long as `visit` returns true: a window without a copy. */
  forEachNewest(visit: (item: T) => boolean): void {
    for (let i = this.count - 1; i >= 0; i--) if (!visit(this.items[(this.start + i) % this.capacity] as T)) return;
  }

  /** The oldest item kept. */
  first(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.start];
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}
