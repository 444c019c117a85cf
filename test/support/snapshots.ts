// Snapshots as the page receives them, for the tests of the update stream and the page's store.
import type { ItemSummary, Snapshot } from '../../main/api/contract';

/** A live Mac's snapshot holding these items; `overrides` replaces any other part. */
export function snapshotOf(items: ItemSummary[], overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    source: { kind: 'live', hostname: 'mac', os: 'macOS', osVersion: '15.1', privileged: false },
    actionsAvailable: true,
    actions: [],
    notices: [],
    paused: false,
    options: { windowSeconds: 120, cpuThresholdPercent: 25 },
    samples: 3,
    notes: [],
    items,
    ...overrides,
  };
}

/** A seeded generator, so a failure repeats. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
