// History benchmark: 90 days of history for 400 launch items (one recorded tick an hour, each with CPU
// and a destination for every item), then what it costs: a tick's write, the store's size on disk, the
// baselines for all items, and one item page's history.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ItemResult, LaunchItem, ScanResult } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';
import { HistoryStore, historyPath } from '../../main/history/history-store';

export interface HistoryFigures {
  days: number;
  items: number;
  writeMsPerTick: { median: number; p95: number };
  storeMiB: number;
  baselinesMs: number;
  itemPageMs: number;
}

const HOUR = 3_600_000;

function item(n: number): LaunchItem {
  return launchAgent(`/Library/LaunchAgents/com.vendor.agent${n}.plist`, `com.vendor.agent${n}`, {
    scope: 'system',
    arguments: [`/Library/Application Support/Vendor/agent${n}`, '--daemon'],
    keepAlive: true,
    sha256: `plist-${n}`,
    programSha256: `program-${n}`,
  });
}

function tick(items: LaunchItem[], now: number): ScanResult {
  const results: ItemResult[] = items.map((it, n) => ({
    item: it,
    loaded: true,
    loadedKnown: true,
    running: true,
    attribution: 'launchctl-pid',
    verdict: 'ok',
    judgedVerdict: 'ok',
    score: 0,
    reasons: [],
    attack: [],
    cpu: { avgPercent: n % 50, maxPercent: n % 50, sustained: false, coveredSeconds: 120, measuring: false },
    history: [{ t: now, percent: (n * 7 + now / HOUR) % 60 }],
    longHistory: [],
    processes: [],
    destinations: [
      {
        remoteAddress: `10.${n % 200}.${Math.floor(now / HOUR / 24) % 200}.1`,
        remotePort: 443,
        protocol: 'TCP',
        classification: 'other',
        pid: 1000 + n,
        firstSeen: now,
        lastSeen: now,
      },
    ],
    listening: [],
  }));
  return {
    source: 'live',
    host: { hostname: 'bench', os: 'macOS', osVersion: '15.1', cpuCount: 10 },
    privileged: false,
    options: { windowSeconds: 120, cpuThresholdPercent: 25 },
    samples: 1,
    notes: [],
    items: results,
  };
}

export function runHistoryBench(days = 90, count = 400): HistoryFigures {
  const dir = mkdtempSync(join(tmpdir(), 'lw-history-bench-'));
  try {
    const items = Array.from({ length: count }, (_, n) => item(n));
    const start = Date.parse('2026-08-01T00:00:00Z');
    const store = HistoryStore.open(dir, start);
    const writes: number[] = [];
    const ticks = days * 24;
    for (let i = 0; i < ticks; i++) {
      const now = start + i * HOUR;
      const result = tick(items, now);
      const t0 = performance.now();
      store.record(result, now);
      writes.push(performance.now() - t0);
    }
    const end = start + ticks * HOUR;
    let t0 = performance.now();
    store.baselines(items, end);
    const baselinesMs = performance.now() - t0;
    t0 = performance.now();
    store.itemHistory(items[7]!.id, end);
    const itemPageMs = performance.now() - t0;
    store.close();
    writes.sort((a, b) => a - b);
    const size = (suffix: string) => {
      try {
        return statSync(historyPath(dir) + suffix).size;
      } catch {
        return 0;
      }
    };
    return {
      days,
      items: count,
      writeMsPerTick: {
        median: writes[Math.floor(writes.length / 2)] ?? 0,
        p95: writes[Math.floor(writes.length * 0.95)] ?? 0,
      },
      storeMiB: (size('') + size('-wal')) / 2 ** 20,
      baselinesMs,
      itemPageMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
