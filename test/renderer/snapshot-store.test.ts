import { describe, expect, it } from 'vitest';
import type { ItemSummary, Snapshot, Verdict } from '../../main/api/contract';
import { SnapshotEncoder } from '../../main/api/snapshot-stream';
import { filterItems, groupByVerdict } from '../../renderer/src/logic/list';
import { sameListing, SnapshotStore } from '../../renderer/src/logic/snapshot-store';
import { seededRandom, snapshotOf } from '../support/snapshots';

function summary(n: number): ItemSummary {
  return {
    id: `/Library/LaunchAgents/com.example.${n}.plist`,
    label: `com.example.${n}`,
    plistPath: `/Library/LaunchAgents/com.example.${n}.plist`,
    kind: 'agent',
    scope: n % 5 === 0 ? 'apple' : 'user',
    verdict: 'ok',
    score: 0,
    running: true,
    cpuPercent: 0,
    sparkline: [0, 0],
    destinationCount: 0,
  };
}

/** A live snapshot; its span (endedAt) moves with every one, as a live source's does. */
function snapshot(items: ItemSummary[], hostname = 'mac'): Snapshot {
  return snapshotOf(items, {
    source: { kind: 'live', hostname, os: 'macOS', osVersion: '15.1', privileged: false, endedAt: items.length },
  });
}

const VERDICTS: Verdict[] = ['ok', 'high-cpu', 'suspicious', 'mining', 'approved'];

/** How the list lays out these items: groups and their rows' ids, under a few filters. */
function layout(items: ItemSummary[]): string {
  return [
    { query: '', showApple: false },
    { query: '', showApple: true },
    { query: 'example.1', showApple: false },
  ]
    .map((filter) =>
      groupByVerdict(filterItems(items, filter))
        .map((g) => `${g.verdict}: ${g.items.map((i) => i.id.slice(-9)).join(' ')}`)
        .join('\n'),
    )
    .join('\n---\n');
}

describe('the page keeps its snapshot so that an update costs work only where something changed', () => {
  it('the listing it lays out from always lays out as the latest items do, and moves only when that layout can', () => {
    const next = seededRandom(11);
    const encoder = new SnapshotEncoder();
    const store = new SnapshotStore();
    let items = Array.from({ length: 40 }, (_, n) => summary(n));
    let fresh = 40;
    let kept = 0;
    let moved = 0;
    for (let tick = 0; tick < 300; tick++) {
      // Mostly what moves on every tick: figures and words a row shows but the list does not order by.
      items = items.map((item) => {
        const roll = next();
        const band = Math.floor(item.cpuPercent / 10) * 10;
        if (roll < 0.3) return { ...item, cpuPercent: band + Math.round(next() * 99) / 10 };
        if (roll < 0.4) return { ...item, sparkline: [...item.sparkline.slice(1), Math.round(next() * 100)] };
        if (roll < 0.45) return { ...item, headline: `CPU ${Math.round(next() * 100)}% for a while` };
        if (roll < 0.47) return { ...item, measuring: `measuring (${tick} of 120 s)` };
        if (roll < 0.48) return { ...item, destinationCount: item.destinationCount + 1, running: !item.running };
        return item;
      });
      // Now and then what places a row: each must move the listing.
      const at = Math.floor(next() * items.length);
      const item = items[at] as ItemSummary;
      const roll = next();
      if (roll < 0.02) items[at] = { ...item, verdict: VERDICTS[Math.floor(next() * VERDICTS.length)] as Verdict };
      else if (roll < 0.04) items[at] = { ...item, score: Math.round(next() * 10) };
      else if (roll < 0.06) items[at] = { ...item, cpuPercent: Math.round(next() * 1000) / 10 };
      else if (roll < 0.08) items[at] = { ...item, label: `com.example.${Math.floor(next() * 100)}` };
      else if (roll < 0.1) items[at] = { ...item, plistPath: `/Library/LaunchDaemons/com.example.${tick}.plist` };
      else if (roll < 0.12) items[at] = { ...item, scope: item.scope === 'apple' ? 'user' : 'apple' };
      else if (roll < 0.14) items.splice(at, 1);
      else if (roll < 0.16) items.push(summary(fresh++));
      else if (roll < 0.18) items.reverse();
      const before = store.listItems;
      expect(store.apply(encoder.encode(snapshot(items)))).toBe(true);
      const latest = store.snapshot?.items ?? [];
      expect(latest).toEqual(items);
      expect(layout(store.listItems)).toBe(layout(latest));
      if (store.listItems === before) kept++;
      else moved++;
      for (const item of items) expect(store.item(item.id)).toEqual(item);
    }
    // Most ticks move figures only: the list is not laid out again for them.
    expect(kept).toBeGreaterThan(100);
    expect(moved).toBeGreaterThan(20);
  });

  it('a listing is kept through figures, headlines and measuring, and replaced by anything that places a row', () => {
    const a = summary(1);
    const b = summary(2);
    const same = (changes: Partial<ItemSummary>): boolean => sameListing([a, b], [{ ...a, ...changes }, b]);
    expect(same({ cpuPercent: 9.9, sparkline: [1, 2, 3], headline: 'x', measuring: 'y', destinationCount: 4 })).toBe(
      true,
    );
    expect(same({ running: false })).toBe(true);
    expect(same({ cpuPercent: 10 })).toBe(false); // a new CPU band orders the row elsewhere
    expect(same({ verdict: 'mining' })).toBe(false);
    expect(same({ score: 1 })).toBe(false);
    expect(same({ label: 'com.other' })).toBe(false);
    expect(same({ plistPath: '/Library/LaunchDaemons/x.plist' })).toBe(false); // a search matches paths
    expect(same({ scope: 'apple' })).toBe(false); // Apple's items hide behind a toggle
    expect(sameListing([a, b], [b, a])).toBe(false);
    expect(sameListing([a, b], [a])).toBe(false);
    expect(sameListing([a, b], [a, { ...b, id: 'other' }])).toBe(false);
  });

  it('a row follows its own item: the same object until that item changes', () => {
    const encoder = new SnapshotEncoder();
    const store = new SnapshotStore();
    const items = [summary(1), summary(2)];
    store.apply(encoder.encode(snapshot(items)));
    const first = store.item(items[0]!.id);
    const second = store.item(items[1]!.id);
    store.apply(encoder.encode(snapshot([{ ...items[0]!, cpuPercent: 3 }, items[1]!])));
    expect(store.item(items[0]!.id)).not.toBe(first);
    expect(store.item(items[0]!.id)?.cpuPercent).toBe(3);
    expect(store.item(items[1]!.id)).toBe(second);
    expect(store.item('/not/listed.plist')).toBeUndefined();
  });

  it('parts of a snapshot that came again unchanged keep their objects; changed ones do not', () => {
    const encoder = new SnapshotEncoder();
    const store = new SnapshotStore();
    const items = [summary(1)];
    store.apply(encoder.encode(snapshot(items)));
    const first = store.snapshot!;
    store.apply(encoder.encode({ ...snapshot(items), notes: ['one note'] }));
    const second = store.snapshot!;
    expect(second).not.toBe(first);
    expect(second.options).toBe(first.options);
    expect(second.actions).toBe(first.actions);
    expect(second.source).toBe(first.source);
    expect(second.notes).toEqual(['one note']);
    store.apply(encoder.encode(snapshot(items, 'renamed-mac')));
    expect(store.snapshot!.source.hostname).toBe('renamed-mac');
    expect(store.snapshot!.source).not.toBe(second.source);
  });

  it('tells its listeners of every update, refuses one that does not follow, and prefers updates to a late fetch', () => {
    const encoder = new SnapshotEncoder();
    const store = new SnapshotStore();
    let told = 0;
    const off = store.subscribe(() => told++);
    store.setInitial(snapshot([summary(1)], 'fetched'));
    expect(store.snapshot?.source.hostname).toBe('fetched');
    store.apply(encoder.encode(snapshot([summary(2)], 'pushed')));
    store.setInitial(snapshot([summary(3)], 'fetched late'));
    expect(store.snapshot?.source.hostname).toBe('pushed');
    const skipped = encoder.encode(snapshot([summary(2)]));
    expect(skipped).toBeDefined();
    expect(store.apply(encoder.encode(snapshot([summary(2), summary(4)])))).toBe(false);
    expect(store.snapshot?.items.map((i) => i.id)).toEqual([summary(2).id]);
    expect(told).toBe(2);
    off();
    encoder.restart();
    expect(store.apply(encoder.encode(snapshot([summary(5)])))).toBe(true);
    expect(told).toBe(2);
  });
});
