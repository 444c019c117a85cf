import { describe, expect, it } from 'vitest';
import type { ItemSummary, Snapshot, SnapshotUpdate } from '../../main/api/contract';
import { applySnapshotUpdate, SnapshotEncoder, type HeldSnapshot } from '../../main/api/snapshot-stream';
import { seededRandom, snapshotOf } from '../support/snapshots';

function summary(n: number, cpu = 0): ItemSummary {
  return {
    id: `/Library/LaunchAgents/com.example.${n}.plist`,
    label: `com.example.${n}`,
    plistPath: `/Library/LaunchAgents/com.example.${n}.plist`,
    kind: 'agent',
    scope: 'user',
    verdict: 'ok',
    score: 0,
    running: true,
    cpuPercent: cpu,
    sparkline: [0, cpu],
    destinationCount: 0,
  };
}

const snapshot = (items: ItemSummary[], paused = false): Snapshot => snapshotOf(items, { paused });
const random = seededRandom;

describe('snapshots as updates', () => {
  it('the page rebuilds every snapshot exactly, through additions, removals, reordering and changes', () => {
    const next = random(7);
    const encoder = new SnapshotEncoder();
    let held: HeldSnapshot | undefined;
    let items = Array.from({ length: 50 }, (_, n) => summary(n));
    let deltas = 0;
    for (let tick = 0; tick < 200; tick++) {
      items = items
        .filter(() => next() > 0.02)
        .map((item) => {
          const roll = next();
          if (roll < 0.1) return { ...item, cpuPercent: Math.round(next() * 1000) / 10 };
          if (roll < 0.12) return { ...item, sparkline: [...item.sparkline.slice(1), 5] };
          if (roll < 0.125) return { ...item, sparkline: [] };
          if (roll < 0.13) return { ...item, sparkline: [1, 2, 3, 4, 5, 6, 7] };
          if (roll < 0.14) return { ...item, verdict: 'suspicious', headline: 'Connects to a mining pool' };
          if (roll < 0.15) {
            const { headline: _dropped, ...rest } = { ...item, headline: 'x' };
            return rest;
          }
          return item;
        });
      if (next() < 0.3) items.push(summary(1000 + tick, 3));
      if (next() < 0.1) items.reverse();
      const sent = snapshot(
        items.map((i) => ({ ...i, sparkline: [...i.sparkline] })),
        tick % 17 === 0,
      );
      // What crosses IPC or the event stream is JSON.
      const update = JSON.parse(JSON.stringify(encoder.encode(sent))) as SnapshotUpdate;
      if ('base' in update) deltas++;
      held = applySnapshotUpdate(held, update);
      expect(held?.snapshot).toEqual(sent);
    }
    expect(deltas).toBe(199);
  });

  it('sends only what changed, and the page keeps the objects of unchanged items', () => {
    const encoder = new SnapshotEncoder();
    const items = Array.from({ length: 400 }, (_, n) => ({ ...summary(n, 1), sparkline: [0, 1, 2, 3, 4] }));
    const first = encoder.encode(snapshot(items));
    expect('snapshot' in first).toBe(true);
    const held = applySnapshotUpdate(undefined, first)!;
    // Every item's sparkline moves on by a point (a busy Mac), one item's CPU jumps, one loses its headline.
    const moved = items.map((i, n) => ({
      ...i,
      sparkline: [...i.sparkline.slice(1), n === 7 ? 390 : 5],
      ...(n === 7 ? { cpuPercent: 390 } : {}),
    }));
    const update = encoder.encode(snapshot(moved));
    expect(update).toMatchObject({ seq: 2, base: 1 });
    if (!('changed' in update)) throw new Error('expected what changed');
    expect(update.changed).toHaveLength(400);
    expect(update.changed[7]).toEqual({ at: 7, set: { cpuPercent: 390 }, spark: { drop: 1, add: [390] } });
    expect(update.changed[8]).toEqual({ at: 8, spark: { drop: 1, add: [5] } });
    expect('order' in update).toBe(false);
    expect(JSON.stringify(update).length).toBeLessThan(JSON.stringify(first).length / 5);
    const after = applySnapshotUpdate(held, update)!;
    expect(after.snapshot.items).toEqual(moved);
    // Only the one that moved is a new object when nothing else changed.
    const still = encoder.encode(snapshot(moved.map((i) => ({ ...i }))));
    const again = applySnapshotUpdate(after, still)!;
    expect(again.snapshot.items.every((item, n) => item === after.snapshot.items[n])).toBe(true);
    expect(still).toMatchObject({ changed: [] });
  });

  it('an update that does not follow what the page holds is refused, so the page asks for a whole one', () => {
    const encoder = new SnapshotEncoder();
    const items = [summary(1), summary(2)];
    const held = applySnapshotUpdate(undefined, encoder.encode(snapshot(items)));
    encoder.encode(snapshot([summary(1, 5), summary(2)])); // lost on the way
    const third = encoder.encode(snapshot([summary(1, 5), summary(2, 9)]));
    expect(applySnapshotUpdate(held, third)).toBeUndefined();
    expect(applySnapshotUpdate(undefined, third)).toBeUndefined();
    // An order that names an item the page never had cannot be followed either.
    const broken: SnapshotUpdate = { seq: 2, base: 1, rest: snapshot([]), changed: [], order: ['nobody'] };
    expect(applySnapshotUpdate(held, broken)).toBeUndefined();
    const outside: SnapshotUpdate = { seq: 2, base: 1, rest: snapshot([]), changed: [{ at: 9, set: { score: 1 } }] };
    expect(applySnapshotUpdate(held, outside)).toBeUndefined();
    // After a restart the next update is whole again.
    encoder.restart();
    const whole = encoder.encode(snapshot(items));
    expect(applySnapshotUpdate(undefined, whole)?.snapshot.items).toEqual(items);
  });

  it('figures of rows off screen wait, and come whole when the row is shown; band and verdict never wait', () => {
    const encoder = new SnapshotEncoder();
    const items = [summary(0, 1), summary(1, 1), summary(2, 1)];
    let held = applySnapshotUpdate(undefined, encoder.encode(snapshot(items)))!;
    const onScreen = new Set([items[0]!.id]);
    const step = (next: ItemSummary[], shown: ReadonlySet<string> | undefined) => {
      const update = encoder.encode(snapshot(next), shown);
      held = applySnapshotUpdate(held, update)!;
      return update;
    };
    // Every row's CPU moves within its band: only the row on screen is sent.
    const busier = items.map((i) => ({ ...i, cpuPercent: 4, sparkline: [1, 4] }));
    expect(step(busier, onScreen)).toMatchObject({ changed: [{ at: 0 }] });
    expect(held.snapshot.items.map((i) => i.cpuPercent)).toEqual([4, 1, 1]);
    // Item 1 crosses into another band (the list orders by it), item 2 is flagged: both go at once.
    const moved = busier.map((i, n) =>
      n === 1 ? { ...i, cpuPercent: 14 } : n === 2 ? { ...i, verdict: 'suspicious' as const, cpuPercent: 5 } : i,
    );
    step(moved, onScreen);
    expect(held.snapshot.items.map((i) => [i.cpuPercent, i.verdict])).toEqual([
      [4, 'ok'],
      [14, 'ok'],
      [5, 'suspicious'],
    ]);
    expect(held.snapshot.items[1]?.sparkline).toEqual([1, 4]);
    // Item 1 comes on screen: what it missed comes with the next update, measured from what the page has.
    step(moved, new Set([items[0]!.id, items[1]!.id]));
    expect(held.snapshot.items).toEqual(moved);
    // Without a list of rows, everything is sent.
    const all = moved.map((i) => ({ ...i, destinationCount: 3 }));
    step(all, undefined);
    expect(held.snapshot.items).toEqual(all);
  });

  it('two items with one id go whole, so neither hides the other', () => {
    const encoder = new SnapshotEncoder();
    encoder.encode(snapshot([summary(1)]));
    const twins = [summary(1, 5), { ...summary(1, 390), label: 'miner' }];
    const update = encoder.encode(snapshot(twins));
    expect('snapshot' in update).toBe(true);
    expect(applySnapshotUpdate(undefined, update)?.snapshot.items.map((i) => i.label)).toEqual([
      'com.example.1',
      'miner',
    ]);
  });
});
