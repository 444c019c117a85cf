// This Mac's memory, run through the real monitor on a fake clock: two weeks of a backup agent that is
// busy every night (its usual), then its program swapped for a miner that talks to a new host; a
// brand-new item on the review list; the store bounded and pruned.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Inventory, LaunchItem, ProcessRecord, Sample, ScanResult } from '../../main/engine/model';
import { toHtmlReport } from '../../main/engine/reports/html-report';
import { toScanDocument } from '../../main/engine/scan-document';
import { Monitor, type MonitorEvent } from '../../main/engine/monitor';
import type { SampleReading, SystemReader } from '../../main/engine/reader';
import { HISTORY_FILE, HistoryStore } from '../../main/history/history-store';
import { openSqlite } from '../../main/history/sqlite';

const DAY = 86_400_000;
const TICK = 5 * 60_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const BACKUP_HOST = '198.51.100.20';
const NEW_HOST = '203.0.113.9';

const backup = (programSha256: string): LaunchItem => ({
  id: '/Library/LaunchDaemons/com.backblaze.bzserv.plist',
  label: 'com.backblaze.bzserv',
  plistPath: '/Library/LaunchDaemons/com.backblaze.bzserv.plist',
  kind: 'LaunchDaemon',
  scope: 'system',
  program: '/Library/Backblaze.bzpkg/bzserv',
  arguments: ['/Library/Backblaze.bzpkg/bzserv'],
  runAtLoad: true,
  keepAlive: true,
  watchPaths: [],
  limitLoadToSessionType: [],
  problems: [],
  persistenceTechnique: 'T1543.004',
  sha256: 'plist-1',
  programSha256,
});

const newcomer: LaunchItem = {
  ...backup('x'),
  id: '/Users/alice/Library/LaunchAgents/com.new.helper.plist',
  label: 'com.new.helper',
  plistPath: '/Users/alice/Library/LaunchAgents/com.new.helper.plist',
  kind: 'LaunchAgent',
  scope: 'user',
  program: '/Users/alice/Library/Application Support/New/helper',
  arguments: ['/Users/alice/Library/Application Support/New/helper'],
  sha256: 'plist-new',
};

/** A Mac on a fake clock: the backup runs at 150% from 01:00 to 03:00 each night and 2% otherwise. */
class NightlyBackupMac implements SystemReader {
  now = START;
  items: LaunchItem[] = [backup('bin-1')];
  cpuPercent = (t: number): number => (new Date(t).getUTCHours() < 2 ? 150 : 2);
  remote = BACKUP_HOST;
  private cpuSeconds = 0;
  private lastAt = START;
  async readInventory(): Promise<Inventory> {
    return {
      source: 'live',
      host: { hostname: 'alices-mbp', os: 'macOS', osVersion: '15.1', cpuCount: 8 },
      privileged: true,
      items: this.items,
      loaded: [{ label: 'com.backblaze.bzserv', pid: 700 }],
      loadedListCoversDaemons: true,
      signing: new Map(),
      dns: new Map(),
      files: new Map(),
      notes: [],
    };
  }
  async readSample(): Promise<SampleReading> {
    this.cpuSeconds += (this.cpuPercent(this.now) / 100) * ((this.now - this.lastAt) / 1000);
    this.lastAt = this.now;
    const process: ProcessRecord = {
      pid: 700,
      ppid: 1,
      uid: 0,
      startedAt: START - DAY,
      cpuSeconds: this.cpuSeconds,
      args: '/Library/Backblaze.bzpkg/bzserv',
      argv: ['/Library/Backblaze.bzpkg/bzserv'],
    };
    const sample: Sample = {
      takenAt: this.now,
      processes: [process],
      connections: [
        {
          pid: 700,
          protocol: 'TCP',
          family: 'IPv4',
          localAddress: '192.168.1.20',
          localPort: 50400,
          remoteAddress: this.remote,
          remotePort: 443,
          state: 'ESTABLISHED',
        },
      ],
    };
    return { sample, notes: [] };
  }
  watchedFolders(): string[] {
    return [];
  }
}

/** The monitor over the fake Mac, a 10-minute window, keeping its history in `store`. */
function watching(mac: NightlyBackupMac, store: HistoryStore): Monitor {
  return new Monitor(mac, { windowSeconds: 600, cpuThresholdPercent: 25, now: () => mac.now, history: store });
}

async function run(monitor: Monitor, mac: NightlyBackupMac, until: number): Promise<void> {
  while (mac.now < until) {
    mac.now += TICK;
    await monitor.tick();
  }
}

describe('history and baselines', () => {
  it('two weeks of a nightly backup are its usual; a swapped program with a new host is flagged with its numbers', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const mac = new NightlyBackupMac();
    const events: MonitorEvent[] = [];
    const open = () => {
      const store = HistoryStore.open(state, mac.now);
      const monitor = new Monitor(mac, {
        windowSeconds: 600,
        cpuThresholdPercent: 25,
        now: () => mac.now,
        history: store,
        historyCapacity: 64,
      });
      monitor.onEvent((e) => events.push(e));
      return { store, monitor };
    };
    let { store, monitor } = open();
    await run(monitor, mac, START + 7 * DAY);
    // The app quits and starts again a week in: the history goes on.
    store.close();
    ({ store, monitor } = open());
    await run(monitor, mac, START + 14 * DAY + 1.5 * 3_600_000);

    // Configurable: a day of history is enough with --baseline-days 1; three days are by default.
    const id = backup('x').id;
    expect(store.baselines([backup('bin-1')], START + 2 * DAY)?.get(id)?.usual).toBeUndefined();
    expect(
      store.baselines([backup('bin-1')], START + 2 * DAY, { periodDays: 1, minObservedHours: 8 }).get(id)?.usual,
    ).toMatchObject({ observedHours: 24, cpuP95: 150 });

    // 01:30 on day 14: busy, as every night. High CPU, and said to be usual, not suspicious.
    let item = monitor.result()?.items.find((i) => i.item.label === 'com.backblaze.bzserv');
    expect(item?.verdict).toBe('high-cpu');
    expect(item?.reasons.map((r) => r.code)).toEqual(['cpu.sustained']);
    expect(item?.past).toMatchObject({ firstSeen: START + TICK, usual: 'usual for this item since 2026-11-01' });

    // Its program is swapped for a miner that runs flat out and talks to a host it never talked to.
    mac.items = [backup('bin-miner')];
    mac.cpuPercent = () => 380;
    mac.remote = NEW_HOST;
    monitor.refreshInventory();
    await run(monitor, mac, START + 14 * DAY + 2.5 * 3_600_000 + 30 * 60_000);
    item = monitor.result()?.items.find((i) => i.item.label === 'com.backblaze.bzserv');
    expect(item?.verdict).toBe('suspicious');
    const text = (code: string) => item?.reasons.find((r) => r.code === code)?.text;
    expect(text('baseline.cpu-above')).toBe(
      '380% of one core now; its usual is 150% (p95 from 2026-11-12 to 2026-11-15)',
    );
    expect(text('baseline.new-destination')).toBe(
      `first-ever connection for this item: ${NEW_HOST}:443/TCP (none in its history since 2026-11-12)`,
    );
    expect(text('baseline.changed')).toBe('program binary changed on 2026-11-15; first seen 2026-11-01');
    expect(item?.past?.usual).toBeUndefined();
    // The report says when it was first seen and last changed; the scan document too.
    const result = monitor.result() as ScanResult;
    const page = toHtmlReport(result).replace(/\s+/g, ' ');
    expect(page).toContain('<dt>First seen</dt> <dd>2026-11-01 00:05:00 UTC</dd>');
    expect(page).toMatch(/<dt>Last changed<\/dt> <dd> 2026-11-15 01:35:00 UTC \(program binary\) <\/dd>/);
    const doc = toScanDocument(result).items.find((i) => i.label === 'com.backblaze.bzserv');
    expect(doc?.history).toEqual({
      firstSeen: '2026-11-01T00:05:00.000Z',
      lastChanged: { at: '2026-11-15T01:35:00.000Z', what: ['program binary'] },
      usual: null,
    });

    // Reviewed: what changed since yesterday, with what changed.
    const review = store.review(START + 14 * DAY);
    expect(review).toEqual([
      expect.objectContaining({
        label: 'com.backblaze.bzserv',
        lastChange: { at: expect.any(Number), what: ['program binary'] },
        verdict: 'suspicious',
      }),
    ]);
    expect(events.some((e) => e.type === 'item-changed' && e.what.includes('program'))).toBe(true);

    // A brand-new item: on the review list, and an event the app turns into a notification.
    mac.items = [backup('bin-miner'), newcomer];
    monitor.refreshInventory();
    await run(monitor, mac, mac.now + 2 * TICK);
    expect(store.review(START + 14 * DAY).map((r) => r.label)).toEqual(['com.new.helper', 'com.backblaze.bzserv']);
    expect(events.some((e) => e.type === 'item-added' && e.item.label === 'com.new.helper')).toBe(true);
    // New, with no baseline yet: first seen is known, nothing about its usual is claimed.
    const fresh = monitor.result()?.items.find((i) => i.item.label === 'com.new.helper');
    expect(fresh?.past?.firstSeen).toBe(mac.now - TICK);
    expect(fresh?.reasons.some((r) => r.family === 'baseline')).toBe(false);

    // The item page's history: the change, the verdicts over time, both destinations, daily CPU.
    const history = store.itemHistory(backup('x').id, mac.now);
    expect(history?.changes).toEqual([{ at: expect.any(Number), what: ['program binary'] }]);
    expect(history?.verdicts.map((v) => v.verdict)).toContain('suspicious');
    expect(history?.destinations.map((d) => d.endpoint).sort()).toEqual([
      `${BACKUP_HOST}:443/TCP`,
      `${NEW_HOST}:443/TCP`,
    ]);
    expect(history?.dailyCpu.length).toBe(15);
    store.close();
  }, 120_000);

  it('moves its revision only when what a view shows changed (a view asks again only then)', () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const store = HistoryStore.open(state, START);
    const item = backup('sha-1');
    const tick = (verdict: 'ok' | 'high-cpu', t: number, remote?: string) =>
      store.record(
        {
          source: 'live',
          items: [
            {
              item,
              verdict,
              history: [{ t, percent: 10 }],
              destinations: remote
                ? [
                    {
                      remoteAddress: remote,
                      remotePort: 443,
                      protocol: 'TCP',
                      classification: 'web',
                      pid: 1,
                      firstSeen: t,
                      lastSeen: t,
                    },
                  ]
                : [],
            },
          ],
        },
        t,
      );
    tick('ok', START);
    const first = store.revision(START);
    tick('ok', START + TICK);
    expect(store.revision(START + TICK)).toBe(first);
    tick('high-cpu', START + 2 * TICK);
    const afterVerdict = store.revision(START + 2 * TICK);
    expect(afterVerdict).not.toBe(first);
    tick('high-cpu', START + 3 * TICK, BACKUP_HOST);
    expect(store.revision(START + 3 * TICK)).not.toBe(afterVerdict);
    // The next hour: the day's CPU a page shows has moved.
    expect(store.revision(START + 3 * TICK + 3_600_000)).not.toBe(store.revision(START + 3 * TICK));
    store.close();
  });

  it('a capture is another Mac: replaying one records nothing', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const store = HistoryStore.open(state, START);
    const item = backup('sha-capture');
    const seen = { item, verdict: 'ok' as const, destinations: [], history: [{ t: START, percent: 50 }] };
    store.record({ source: 'capture', items: [seen] }, START);
    expect(store.review(0)).toEqual([]);
    // The same item from this Mac is recorded: the capture was refused for being one.
    store.record({ source: 'live', items: [seen] }, START);
    expect(store.review(0).map((e) => e.id)).toEqual([item.id]);
    store.close();
  });

  it('remembers an edit to a config the item names as a change: the wallet swapped, the plist and program untouched', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const mac = new NightlyBackupMac();
    const configured = (config: string): LaunchItem => ({
      ...backup('bin-1'),
      referencedSha256: 'a'.repeat(64),
      scriptNamedSha256: config,
    });
    mac.items = [configured('c'.repeat(64))];
    const events: MonitorEvent[] = [];
    const store = HistoryStore.open(state, mac.now);
    const monitor = watching(mac, store);
    monitor.onEvent((e) => events.push(e));
    await run(monitor, mac, START + 2 * DAY);
    expect(store.review(START + DAY)).toEqual([]);

    mac.items = [configured('d'.repeat(64))];
    monitor.refreshInventory();
    await run(monitor, mac, mac.now + 2 * TICK);
    expect(events).toContainEqual(expect.objectContaining({ type: 'item-changed', what: ['files'] }));
    expect(store.review(START + DAY)).toEqual([
      expect.objectContaining({ lastChange: { at: expect.any(Number), what: ['scripts or configs'] } }),
    ]);
    const item = monitor.result()?.items.find((i) => i.item.label === 'com.backblaze.bzserv');
    expect(item?.reasons.find((r) => r.code === 'baseline.changed')?.text).toBe(
      'scripts or configs changed on 2026-11-03; first seen 2026-11-01',
    );
    store.close();
  });

  it('does not date a change to the day scripts run by scripts were first followed, and remembers one after', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const mac = new NightlyBackupMac();
    const configured = (chain?: string): LaunchItem => ({
      ...backup('bin-1'),
      referencedSha256: 'a'.repeat(64),
      scriptNamedSha256: 'c'.repeat(64),
      ...(chain ? { scriptChainSha256: chain } : {}),
    });
    // Recorded by a Launchwatch that read one level of scripts.
    mac.items = [configured()];
    const store = HistoryStore.open(state, mac.now);
    const monitor = watching(mac, store);
    await run(monitor, mac, START + 2 * DAY);
    // Read further now: the files are the same, only seen further.
    mac.items = [configured('e'.repeat(64))];
    monitor.refreshInventory();
    await run(monitor, mac, mac.now + 2 * TICK);
    expect(store.review(START + DAY)).toEqual([]);
    // A file two scripts down edited: that is a change.
    mac.items = [configured('f'.repeat(64))];
    monitor.refreshInventory();
    await run(monitor, mac, mac.now + 2 * TICK);
    expect(store.review(START + DAY)).toEqual([
      expect.objectContaining({ lastChange: { at: expect.any(Number), what: ['scripts or configs'] } }),
    ]);
    store.close();
  });

  it('adds what a store made before it kept the files lacks, keeping what it holds; an older one reads it still', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    // The store as the first Launchwatch made it: no files_sha256 column, schema version 1.
    const old = openSqlite(join(state, HISTORY_FILE));
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta (key, value) VALUES ('schema', '1');
      CREATE TABLE items (id TEXT PRIMARY KEY, label TEXT NOT NULL, plist_path TEXT NOT NULL,
        first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, plist_sha256 TEXT, program TEXT, program_sha256 TEXT,
        arguments TEXT NOT NULL, keep_alive TEXT, run_at_load INTEGER NOT NULL,
        last_verdict TEXT, last_change INTEGER, last_change_what TEXT);`);
    const item = { ...backup('bin-1'), referencedSha256: 'a'.repeat(64) };
    old
      .prepare(
        'INSERT INTO items (id, label, plist_path, first_seen, last_seen, plist_sha256, program, program_sha256, arguments, keep_alive, run_at_load, last_verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        item.id,
        item.label,
        item.plistPath,
        START - DAY,
        START,
        'plist-1',
        item.program!,
        'bin-1',
        JSON.stringify(item.arguments),
        'true',
        1,
        'ok',
      );
    old.close();

    const mac = new NightlyBackupMac();
    mac.items = [item];
    const store = HistoryStore.open(state, mac.now);
    expect(store.notes).toEqual([]);
    const monitor = watching(mac, store);
    await run(monitor, mac, START + 2 * TICK);
    // Kept: first seen the day before; the files it had no digest of are no change.
    expect(store.itemHistory(item.id, mac.now)).toMatchObject({ firstSeen: START - DAY, changes: [] });
    mac.items = [{ ...item, referencedSha256: 'b'.repeat(64) }];
    monitor.refreshInventory();
    await run(monitor, mac, mac.now + 2 * TICK);
    expect(store.itemHistory(item.id, mac.now)?.changes).toEqual([
      { at: expect.any(Number), what: ['scripts or configs'] },
    ]);
    store.close();
    // The schema version is the one an older Launchwatch knows, so it does not move the store aside.
    const again = openSqlite(join(state, HISTORY_FILE));
    expect(again.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '1' });
    again.close();
  });

  it('keeps 90 days: older rows are pruned', async () => {
    const state = mkdtempSync(join(tmpdir(), 'lw-history-'));
    const mac = new NightlyBackupMac();
    const store = HistoryStore.open(state, mac.now);
    const monitor = watching(mac, store);
    await run(monitor, mac, START + 2 * TICK);
    expect(store.review(0)).toHaveLength(1);
    store.prune(START + 91 * DAY);
    expect(store.review(0)).toEqual([]);
    expect(store.itemHistory(backup('x').id, START + 91 * DAY)).toBeUndefined();
    store.close();
  });
});
