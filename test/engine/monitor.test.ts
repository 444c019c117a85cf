import { describe, expect, it } from 'vitest';
import { CpuHistory } from '../../main/engine/cpu-history';
import type { Inventory, LaunchItem, ProcessRecord, Sample } from '../../main/engine/model';
import { Monitor, type MonitorEvent } from '../../main/engine/monitor';
import type { SampleReading, SampleRequest, SystemReader } from '../../main/engine/reader';
import { RingBuffer } from '../../main/engine/ring-buffer';

const item = (id: string, args: string[], extra: Partial<LaunchItem> = {}): LaunchItem => ({
  id,
  label: id,
  plistPath: id,
  kind: 'LaunchAgent',
  scope: 'user',
  program: args[0],
  arguments: args,
  runAtLoad: true,
  keepAlive: false,
  watchPaths: [],
  limitLoadToSessionType: [],
  problems: [],
  persistenceTechnique: 'T1543.001',
  sha256: 'a',
  ...extra,
});
const inventory = (items: LaunchItem[]): Inventory => ({
  source: 'live',
  host: { hostname: 'h', os: 'Linux', osVersion: '6', cpuCount: 2 },
  privileged: true,
  items,
  loaded: [],
  loadedListCoversDaemons: true,
  signing: new Map(),
  dns: new Map(),
  files: new Map(),
  notes: [],
});

/** A reader whose clock, processes and inventory the test drives. */
class FakeReader implements SystemReader {
  now = 0;
  inventories: Inventory[] = [];
  inventoryReads = 0;
  requests: SampleRequest[] = [];
  processes: ProcessRecord[] = [];
  cpu = new Map<number, number>();
  gate: Promise<void> | undefined;
  failNext = false;
  async readInventory(): Promise<Inventory> {
    this.inventoryReads++;
    return this.inventories[Math.min(this.inventoryReads, this.inventories.length) - 1] as Inventory;
  }
  async readSample(request: SampleRequest = {}): Promise<SampleReading> {
    this.requests.push(request);
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('ps exploded');
    }
    const processes = this.processes.map((p) => ({ ...p, cpuSeconds: this.cpu.get(p.pid) ?? 0 }));
    const sample: Sample = { takenAt: this.now, processes, connections: [] };
    return { sample, notes: [] };
  }
  watchedFolders(): string[] {
    return ['/watched'];
  }
}

const proc = (pid: number, args: string): ProcessRecord => ({
  pid,
  ppid: 1,
  uid: 0,
  startedAt: -1000_000,
  cpuSeconds: 0,
  args,
  argv: args.split(' '),
});

describe('the monitor loop', () => {
  it('never overlaps a slow tick: a tick that finds one running waits for it', async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([])];
    let release!: () => void;
    reader.gate = new Promise((r) => (release = r));
    const monitor = new Monitor(reader, { windowSeconds: 10, cpuThresholdPercent: 25, now: () => reader.now });
    const first = monitor.tick();
    const second = monitor.tick();
    expect(second).toBe(first);
    release();
    await first;
    expect(reader.requests).toHaveLength(1);
    expect(monitor.skippedTicks).toBe(1);
  });

  it('reads connections of attributed processes, and of every process at most every full-sweep interval', async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([item('/a', ['/bin/a'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/a'), proc(20, '/bin/other')];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      fullSweepMs: 30_000,
      now: () => reader.now,
    });
    for (const t of [0, 5000, 10_000, 30_000, 35_000]) {
      reader.now = t;
      await monitor.tick();
    }
    expect(reader.requests.map((r) => (r.connectionsOf ? [...r.connectionsOf] : 'all'))).toEqual([
      'all',
      [10],
      [10],
      'all',
      [10],
    ]);
  });

  it('re-reads launch items when a watched folder changes and at least every minute, with events', async () => {
    const reader = new FakeReader();
    const a = item('/a', ['/bin/a']);
    reader.inventories = [
      inventory([a]),
      inventory([{ ...a, sha256: 'b' }, item('/new', ['/bin/n'])]),
      inventory([{ ...a, sha256: 'b', programSha256: 'p2' }]),
    ];
    let changed!: () => void;
    const watched: string[][] = [];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      inventoryMs: 60_000,
      now: () => reader.now,
      watch: (folders, onChange) => {
        watched.push(folders);
        changed = onChange;
        return () => undefined;
      },
    });
    const events: MonitorEvent[] = [];
    monitor.onEvent((e) => events.push(e));
    monitor.start();
    monitor.stop();
    await monitor.tick();
    expect(watched).toEqual([['/watched']]);
    reader.now = 5000;
    await monitor.tick();
    expect(reader.inventoryReads).toBe(1);
    changed();
    await monitor.tick();
    expect(reader.inventoryReads).toBe(2);
    reader.now = 70_000;
    await monitor.tick();
    expect(reader.inventoryReads).toBe(3);
    expect(
      events.map((e) =>
        e.type === 'item-changed' ? `${e.type} ${e.item.id} ${e.what.join('+')}` : `${e.type} ${e.item.id}`,
      ),
    ).toEqual(['item-changed /a plist', 'item-added /new', 'item-changed /a program', 'item-removed /new']);
  });

  it('reports a verdict change, excludes its own processes, and turns a failed read into a note', async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([item('/busy', ['/bin/busy']), item('/me', ['/bin/me'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/busy'), proc(11, '/bin/me')];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      now: () => reader.now,
      excludePids: new Set([11]),
    });
    const events: MonitorEvent[] = [];
    monitor.onEvent((e) => events.push(e));
    for (let i = 0; i <= 3; i++) {
      reader.now = i * 5000;
      reader.cpu.set(10, i * 5);
      reader.cpu.set(11, i * 5);
      await monitor.tick();
    }
    const result = monitor.result();
    expect(result?.items.find((r) => r.item.id === '/busy')?.verdict).toBe('high-cpu');
    expect(result?.items.find((r) => r.item.id === '/me')).toMatchObject({ verdict: 'ok', running: false });
    expect(events).toContainEqual(expect.objectContaining({ type: 'verdict-changed', from: 'ok', to: 'high-cpu' }));
    reader.failNext = true;
    reader.now = 20_000;
    await monitor.tick();
    expect(monitor.result()?.notes).toContain('sample failed: ps exploded');
    reader.now = 25_000;
    await monitor.tick();
    expect(monitor.result()?.notes).not.toContain('sample failed: ps exploded');
  });
});

describe('bounded history', () => {
  it('keeps an hour of points and a day of minutes, however long it runs', () => {
    const history = new CpuHistory({ recentCapacity: 720, longCapacity: 1440 });
    for (let i = 1; i <= 3 * 17_280; i++) history.push({ t: i * 5000, percent: i % 2 === 0 ? 100 : 0, dt: 5 });
    expect(history.recent()).toHaveLength(720);
    expect(history.downsampled().length).toBeLessThanOrEqual(1441);
    expect(history.downsampled().at(-2)?.percent).toBeCloseTo(50, 0);
    expect(history.since(3 * 17_280 * 5000 - 60_000)).toHaveLength(12);
  });

  it('ring buffer evicts the oldest and refuses a bad capacity', () => {
    const ring = new RingBuffer<number>(3);
    [1, 2, 3, 4, 5].forEach((n) => ring.push(n));
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.newestWhile((n) => n > 3)).toEqual([4, 5]);
    expect(() => new RingBuffer(0)).toThrow(/capacity/);
  });
});
