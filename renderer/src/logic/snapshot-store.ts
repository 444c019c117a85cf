// The page's copy of the snapshot, kept so that an update costs work only where something changed: the
// list is drawn again only when its rows or their order change, each row follows its own item, and the
// parts of a snapshot that came again unchanged keep their objects (so memoised views see no change).
import equal from 'fast-deep-equal';
import type { ItemSummary, Snapshot, SnapshotUpdate } from '../../../main/api/contract';
import { applySnapshotUpdate, type HeldSnapshot } from '../../../main/api/snapshot-stream';
import { samePlace } from './list';

export class SnapshotStore {
  private held: HeldSnapshot | undefined;
  private whole: Snapshot | undefined;
  /** The items as the list last laid them out. */
  private listed: ItemSummary[] = [];
  private indexOf = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  /** The latest snapshot (a new object with every update). */
  get snapshot(): Snapshot | undefined {
    return this.whole;
  }

  /**
   * The items for laying out the list: the same array until an update adds, removes or reorders items,
   * or changes what places one (see samePlace). A row shows its item from `item(id)`, not from here.
   */
  get listItems(): ItemSummary[] {
    return this.listed;
  }

  /** The latest state of one item, the same object until it changes. */
  item(id: string): ItemSummary | undefined {
    const index = this.indexOf.get(id);
    const item = index === undefined ? undefined : this.whole?.items[index];
    return item?.id === id ? item : undefined;
  }

  /** The first snapshot, fetched whole; ignored once updates have come (they are newer). */
  setInitial(snapshot: Snapshot): void {
    if (this.held) return;
    this.take(snapshot);
  }

  /** False when the update does not follow what is held: the page must ask for a whole snapshot. */
  apply(update: SnapshotUpdate): boolean {
    const next = applySnapshotUpdate(this.held, update);
    if (!next) return false;
    this.held = next;
    this.take(next.snapshot);
    return true;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private take(next: Snapshot): void {
    const previous = this.whole;
    const kept = previous ? keepUnchanged(previous, next) : next;
    if (!sameListing(this.listed, kept.items)) {
      this.listed = kept.items;
      this.indexOf = new Map(kept.items.map((item, index) => [item.id, index]));
    }
    this.whole = kept;
    for (const listener of [...this.listeners]) listener();
  }
}

/** Whether the list would be laid out the same: the same items, in the same order, each in its place. */
export function sameListing(before: readonly ItemSummary[], after: readonly ItemSummary[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) {
    const a = before[i] as ItemSummary;
    const b = after[i] as ItemSummary;
    if (a !== b && !samePlace(a, b)) return false;
  }
  return true;
}

/**
 * The next snapshot, with each part other than the items that is equal by value to the last one's
 * replaced by the last one's object (every update brings them anew from JSON).
 */
function keepUnchanged(previous: Snapshot, next: Snapshot): Snapshot {
  const kept: Record<string, unknown> = { ...next };
  for (const key of Object.keys(next) as (keyof Snapshot)[]) {
    if (key === 'items') continue;
    if (next[key] !== previous[key] && typeof next[key] === 'object' && equal(next[key], previous[key]))
      kept[key] = previous[key];
  }
  return kept as unknown as Snapshot;
}
