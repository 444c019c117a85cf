// Snapshots as a stream of updates: main sends what changed since the last one, the page applies it.
// Both sides are here, as pure code, so that what one writes the other reads the same way.
import type { ItemChange, ItemSummary, Snapshot, SnapshotUpdate } from './contract';

/**
 * What a row shows that moves all the time on a busy Mac: sent only for the rows the page shows (see
 * SnapshotEncoder.encode). The CPU band stays exact whatever is shown, since the list orders by it.
 */
const FIGURES: ReadonlySet<string> = new Set<keyof ItemSummary>([
  'cpuPercent',
  'sparkline',
  'measuring',
  'destinationCount',
]);

/**
 * Busier first, in steps of 10 points: rows do not swap places on every snapshot over a few tenths of a
 * percent (which moves them under the pointer, and costs the page a move of their elements).
 */
export function cpuBand(item: ItemSummary): number {
  return Math.floor(item.cpuPercent / 10);
}

/** Main's side: numbers each snapshot and sends only what differs from what the page holds. */
export class SnapshotEncoder {
  private seq = 0;
  /** What the page holds after the last update: the items as sent, in the snapshot's order. */
  private last: ItemSummary[] | undefined;

  /** The next update is whole (a new page listens, or one asked). */
  restart(): void {
    this.last = undefined;
  }

  /**
   * `figuresOf`: the rows the page shows. Another item whose figures alone moved (CPU within its band,
   * sparkline, measuring, destination count) is not sent: the page keeps what it has, and gets the
   * latest figures when the row is shown. Without it, everything that changed is sent.
   */
  encode(snapshot: Snapshot, figuresOf?: ReadonlySet<string>): SnapshotUpdate {
    const seq = ++this.seq;
    const previous = this.last;
    const { items, ...rest } = snapshot;
    // Two items with one id cannot be told apart by id: such a snapshot goes whole.
    if (!previous || !uniqueIds(items)) {
      this.last = items;
      return { seq, snapshot };
    }
    const at = new Map(previous.map((item, index) => [item.id, index]));
    const changed: ItemChange[] = [];
    const held: ItemSummary[] = [];
    for (const item of items) {
      const index = at.get(item.id);
      if (index === undefined) {
        changed.push({ item });
        held.push(item);
        continue;
      }
      const before = previous[index] as ItemSummary;
      const change = itemChange(before, item, index);
      const waits = change && figuresOf && !figuresOf.has(item.id) && onlyFiguresMoved(before, item, change);
      if (change && !waits) changed.push(change);
      held.push(waits ? before : item);
    }
    this.last = held;
    const moved = previous.length !== items.length || items.some((item, i) => previous[i]?.id !== item.id);
    return { seq, base: seq - 1, rest, changed, ...(moved ? { order: items.map((i) => i.id) } : {}) };
  }
}

/** What the page holds: the snapshot and its number in the stream. */
export interface HeldSnapshot {
  seq: number;
  snapshot: Snapshot;
}

/**
 * The page's side: the next snapshot, or undefined when the update does not follow what is held (the
 * page must ask for a whole one). Unchanged items keep their objects, so a row can tell it is unchanged
 * by identity.
 */
export function applySnapshotUpdate(held: HeldSnapshot | undefined, update: SnapshotUpdate): HeldSnapshot | undefined {
  if ('snapshot' in update) return { seq: update.seq, snapshot: update.snapshot };
  if (!held || held.seq !== update.base) return undefined;
  const base = held.snapshot.items;
  const current = [...base];
  const added: ItemSummary[] = [];
  for (const change of update.changed) {
    if ('item' in change) {
      added.push(change.item);
      continue;
    }
    const before = base[change.at];
    if (!before) return undefined;
    current[change.at] = applyChange(before, change);
  }
  if (!update.order)
    return added.length ? undefined : { seq: update.seq, snapshot: { ...update.rest, items: current } };
  const byId = new Map([...current, ...added].map((i) => [i.id, i]));
  const items: ItemSummary[] = [];
  for (const id of update.order) {
    const item = byId.get(id);
    if (!item) return undefined;
    items.push(item);
  }
  return { seq: update.seq, snapshot: { ...update.rest, items } };
}

function onlyFiguresMoved(before: ItemSummary, after: ItemSummary, change: ItemPatch): boolean {
  const keys = [...Object.keys(change.set ?? {}), ...(change.unset ?? [])];
  return cpuBand(before) === cpuBand(after) && keys.every((key) => FIGURES.has(key));
}

type ItemPatch = Exclude<ItemChange, { item: ItemSummary }>;

function itemChange(before: ItemSummary, after: ItemSummary, at: number): ItemPatch | undefined {
  const set: Partial<Record<keyof ItemSummary, unknown>> = {};
  const unset: (keyof ItemSummary)[] = [];
  let spark: { drop: number; add: number[] } | undefined;
  let any = false;
  for (const key of Object.keys(after) as (keyof ItemSummary)[]) {
    if (key === 'sparkline') continue;
    if (before[key] !== after[key]) {
      set[key] = after[key];
      any = true;
    }
  }
  for (const key of Object.keys(before) as (keyof ItemSummary)[])
    if (!(key in after)) {
      unset.push(key);
      any = true;
    }
  if (!samePoints(before.sparkline, after.sparkline)) {
    spark = sparkMove(before.sparkline, after.sparkline);
    any = true;
  }
  if (!any) return undefined;
  return {
    at,
    ...(Object.keys(set).length ? { set: set as Partial<ItemSummary> } : {}),
    ...(unset.length ? { unset } : {}),
    ...(spark ? { spark } : {}),
  };
}

/** How the newer points follow the older ones: the fewest dropped from the front, the rest added. */
function sparkMove(before: number[], after: number[]): { drop: number; add: number[] } {
  // A sparkline moves on by a point or two a tick; past a few, sending it whole is as short.
  for (let drop = 0; drop <= Math.min(before.length, 4); drop++) {
    const kept = before.length - drop;
    if (kept > after.length) continue;
    let follows = true;
    for (let i = 0; i < kept && follows; i++) follows = before[drop + i] === after[i];
    if (follows) return { drop, add: after.slice(kept) };
  }
  return { drop: before.length, add: after };
}

function applyChange(before: ItemSummary, change: ItemPatch): ItemSummary {
  const after = { ...before, ...change.set } as ItemSummary;
  for (const key of change.unset ?? []) delete after[key];
  if (change.spark) after.sparkline = [...before.sparkline.slice(change.spark.drop), ...change.spark.add];
  return after;
}

function samePoints(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

function uniqueIds(items: ItemSummary[]): boolean {
  return new Set(items.map((i) => i.id)).size === items.length;
}
