// A memo for what parsers read again every tick, bounded whatever the input. Values are never undefined
// or null (a miss), so what cannot be read is kept as a value of its own.

/**
 * Two generations: lookups go to the newer, then the older (and what is found there moves up); when the
 * newer holds `perGeneration` entries it becomes the older and the older is dropped. What was used in
 * the last generation stays; a flood of one-off keys costs at most 2 x `perGeneration` entries.
 */
export class RecentMemo<K, V extends NonNullable<unknown>> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();

  /** `ownKey` makes the copy of a key that is kept (see `detached`), the lookups use the one given. */
  constructor(
    private readonly perGeneration: number,
    private readonly ownKey: (key: K) => K = (key) => key,
  ) {}

  /** The value kept for `key`, or `compute(key)`, kept for next time. */
  get(key: K, compute: (key: K) => V): V {
    const known = this.find(key);
    if (known !== undefined) return known;
    const value = compute(key);
    this.keep(key, value);
    return value;
  }

  /** The value kept for `key`, if any (moved into the newer generation). */
  find(key: K): V | undefined {
    const known = this.newer.get(key);
    if (known !== undefined) return known;
    const older = this.older.get(key);
    if (older !== undefined) this.keep(key, older);
    return older;
  }

  keep(key: K, value: V): void {
    if (this.newer.size >= this.perGeneration) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(this.ownKey(key), value);
  }

  /** How many entries are kept, both generations counted (an entry in both counts twice). */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}
