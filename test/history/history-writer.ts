// A process that writes history as fast as it can, for the kill -9 test: after each committed tick it
// prints the tick number, so the test knows what must survive.
import type { ItemResult, LaunchItem, ScanResult } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';
import { HistoryStore } from '../../main/history/history-store';

const [stateDir, startText] = process.argv.slice(2) as [string, string];
const start = Number(startText);
const store = HistoryStore.open(stateDir, start);
const item = (n: number): LaunchItem =>
  launchAgent(`/L/item-${startText}-${n}.plist`, `item-${startText}-${n}`, {
    arguments: [`/bin/item-${n}`],
    sha256: `plist-${n}`,
  });
for (let tick = 1; ; tick++) {
  const now = start + tick * 60_000;
  // Each tick brings one new item (its first sighting is what the test checks) and 40 busy ones.
  const items: ItemResult[] = [tick, ...Array.from({ length: 40 }, (_, i) => 1_000_000 + i)].map((n) => ({
    item: item(n),
    loaded: true,
    loadedKnown: true,
    running: true,
    attribution: 'arguments',
    verdict: 'high-cpu',
    judgedVerdict: 'high-cpu',
    score: 30,
    reasons: [],
    attack: [],
    cpu: { avgPercent: 50, maxPercent: 60, sustained: true, coveredSeconds: 60, measuring: false },
    history: [{ t: now, percent: 50 + (tick % 7) }],
    longHistory: [],
    processes: [],
    destinations: [
      {
        remoteAddress: `10.0.${n % 250}.${tick % 250}`,
        remotePort: 443,
        protocol: 'TCP',
        classification: 'other',
        pid: 1,
        firstSeen: now,
        lastSeen: now,
      },
    ],
    listening: [],
  }));
  const result: ScanResult = {
    source: 'live',
    host: { hostname: 'h', os: 'macOS', osVersion: '15', cpuCount: 8 },
    privileged: false,
    options: { windowSeconds: 60, cpuThresholdPercent: 25 },
    samples: tick,
    notes: [],
    items,
  };
  store.record(result, now);
  process.stdout.write(`${tick}\n`);
}
