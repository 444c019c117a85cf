import { describe, expect, it, vi } from 'vitest';
import { Analyzer } from '../../main/engine/analyzer';
import { approvalFor } from '../../main/engine/approvals';
import { CpuHistory } from '../../main/engine/cpu-history';
import type { HistoryInput, Inventory, LaunchItem, ProcessRecord, Sample } from '../../main/engine/model';
import { Monitor, type MonitorEvent } from '../../main/engine/monitor';
import type { SampleReading, SampleRequest, SystemReader } from '../../main/engine/reader';
import { launchAgent } from '../support/launch-items';

const item = (id: string, args: string[], extra: Partial<LaunchItem> = {}): LaunchItem =>
  launchAgent(id, id, { arguments: args, sha256: 'a', ...extra });
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
  connections: Sample['connections'] = [];
  socketsCostAProcess = false;
  inventoryPollMs: number | undefined;
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
    const sample: Sample = { takenAt: this.now, processes };
    if (!request.skipConnections)
      sample.connections = (this.connections ?? []).filter(
        (c) => !request.connectionsOf || request.connectionsOf.has(c.pid),
      );
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

/** Item /a's process (pid 10), and pid 30 that no item owns, connected to a known mining pool. */
function withUnownedMinerOnPool(reader: FakeReader): void {
  reader.inventories = [
    { ...inventory([item('/a', ['/bin/a'])]), dns: new Map([['172.67.137.15', 'pool.moneroocean.stream']]) },
  ];
  reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/a'), proc(30, '/Users/x/.cache/kworkerd')];
  reader.connections = [
    {
      pid: 30,
      protocol: 'TCP',
      family: 'IPv4',
      localAddress: '10.0.0.2',
      localPort: 50000,
      remoteAddress: '172.67.137.15',
      remotePort: 443,
      state: 'ESTABLISHED',
    },
  ];
}

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

  it("reads every process's sockets and details at the first tick, then the attributed processes' (all details at the slower sweep)", async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([item('/a', ['/bin/a'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/a'), proc(20, '/bin/other')];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      fullSweepMs: 30_000,
      detailsSweepMs: 300_000,
      now: () => reader.now,
    });
    for (const t of [0, 5000, 10_000, 30_000, 300_000, 305_000]) {
      reader.now = t;
      await monitor.tick();
    }
    const pids = (set: Set<number> | undefined): string => (set ? [...set].join('+') || '-' : 'all');
    expect(reader.requests.map((r) => `${pids(r.connectionsOf)} ${pids(r.detailsOf)}`)).toEqual([
      'all all',
      '10 10',
      '10 10',
      '10 10',
      'all all',
      '10 10',
    ]);
  });

  it('finds a quiet process no item owns on a mining pool at the sweep that reads every socket, then follows it', async () => {
    const reader = new FakeReader();
    reader.socketsCostAProcess = true;
    withUnownedMinerOnPool(reader);
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      fullSweepMs: 30_000,
      detailsSweepMs: 60_000,
      now: () => reader.now,
    });
    const asked = (): string[] =>
      reader.requests.map((r) =>
        r.skipConnections ? 'none' : r.connectionsOf ? [...r.connectionsOf].join('+') : 'all',
      );
    const connections = reader.connections;
    reader.connections = [];
    for (const t of [0, 5000, 10_000, 60_000, 65_000, 70_000]) {
      // It reaches the pool from 10 s on; a tenth of a core all the time, under the threshold.
      if (t === 10_000) reader.connections = connections;
      reader.now = t;
      reader.cpu.set(30, t / 10_000);
      await monitor.tick();
    }
    // Not seen at 10 s (only pid 10's sockets are read then); seen by the sweep at 60 s, then its own read.
    expect(asked()).toEqual(['all', '10', 'none', 'all', '10+30', 'none']);
    expect(monitor.result()?.incomplete).toMatch(
      /^a quiet process that no launch item owns reaches a mining service: pid 30, 10% of one core, "pool\.moneroocean\.stream:443"/,
    );

    // On the pool from the start: the first sample, which reads every socket, finds it (a short scan sees it too).
    const early = new FakeReader();
    early.socketsCostAProcess = true;
    early.inventories = reader.inventories;
    early.processes = reader.processes;
    early.connections = connections;
    const first = new Monitor(early, { windowSeconds: 10, cpuThresholdPercent: 25, now: () => early.now });
    for (const t of [0, 5000]) {
      early.now = t;
      early.cpu.set(30, t / 10_000);
      await first.tick();
    }
    expect(early.requests.map((r) => (r.connectionsOf ? [...r.connectionsOf].join('+') : 'all'))).toEqual([
      'all',
      '10+30',
    ]);
  });

  it('also reads the sockets of a busy process no item owns, so a mining pool it reaches is seen live', async () => {
    const reader = new FakeReader();
    withUnownedMinerOnPool(reader);
    const monitor = new Monitor(reader, { windowSeconds: 10, cpuThresholdPercent: 25, now: () => reader.now });
    for (const t of [0, 5000, 10_000, 15_000, 20_000]) {
      reader.now = t;
      reader.cpu.set(30, t / 1000); // one core, all the time
      await monitor.tick();
    }
    const pids = (set: Set<number> | undefined): string => (set ? [...set].join('+') || '-' : 'all');
    // On a pool in the first sample, which reads every socket: followed from it, its sockets read from the second.
    expect(reader.requests.map((r) => pids(r.connectionsOf))).toEqual(['all', '10+30', '10+30', '10+30', '10+30']);
    const result = monitor.result();
    expect(result?.incomplete).toMatch(
      /^a busy process that no launch item owns reaches a mining service: pid 30, 100% of one core, "pool\.moneroocean\.stream:443"/,
    );
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

  it("polls launch items at the reader's own pace while their folders are watched, every minute otherwise", async () => {
    for (const watched of [true, false]) {
      const reader = new FakeReader();
      reader.inventoryPollMs = 300_000;
      reader.inventories = [inventory([item('/a', ['/bin/a'])])];
      const monitor = new Monitor(reader, {
        windowSeconds: 10,
        cpuThresholdPercent: 25,
        now: () => reader.now,
        ...(watched ? { watch: () => () => undefined } : {}),
      });
      // Started (so watching), ticked by hand; its own timer would tick only after 5 s.
      monitor.start();
      try {
        for (const t of [0, 60_000, 120_000, 300_000]) {
          reader.now = t;
          await monitor.tick();
        }
      } finally {
        monitor.stop();
      }
      expect(reader.inventoryReads).toBe(watched ? 2 : 4);
    }
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

describe('what a tick costs', () => {
  it('builds no detailed result for a tick: verdicts go to listeners, the detail is built once when asked', async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([item('/busy', ['/bin/busy'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/busy')];
    const built = vi.spyOn(Analyzer.prototype, 'result');
    try {
      const monitor = new Monitor(reader, { windowSeconds: 10, cpuThresholdPercent: 25, now: () => reader.now });
      const seen: string[] = [];
      monitor.onTick((tick) => seen.push(tick.verdicts.map((v) => `${v.id} ${v.verdict}`).join()));
      for (let i = 0; i <= 4; i++) {
        reader.now = i * 5000;
        reader.cpu.set(10, i * 5);
        await monitor.tick();
      }
      expect(built).not.toHaveBeenCalled();
      expect(seen.at(-1)).toBe('/busy high-cpu');
      expect(monitor.result()?.items[0]?.verdict).toBe('high-cpu');
      monitor.result();
      expect(built).toHaveBeenCalledTimes(1);
      reader.now = 25_000;
      await monitor.tick();
      expect(monitor.result()?.endedAt).toBe(25_000);
      expect(built).toHaveBeenCalledTimes(2);
    } finally {
      built.mockRestore();
    }
  });

  it("hands the history each tick's new points and destinations, not the whole past", async () => {
    const reader = new FakeReader();
    reader.inventories = [inventory([item('/a', ['/bin/a'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/a')];
    reader.connections = [
      {
        pid: 10,
        protocol: 'TCP',
        family: 'IPv4',
        localAddress: '10.0.0.2',
        localPort: 50000,
        remoteAddress: '198.51.100.7',
        remotePort: 443,
        state: 'ESTABLISHED',
      },
    ];
    const recorded: HistoryInput[] = [];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      now: () => reader.now,
      history: { record: (input) => recorded.push(structuredClone(input)), baselines: () => new Map() },
    });
    for (let i = 0; i <= 3; i++) {
      reader.now = i * 5000;
      await monitor.tick();
    }
    expect(recorded.map((r) => r.items[0]?.history.map((p) => p.t))).toEqual([[], [5000], [10_000], [15_000]]);
    expect(recorded.map((r) => r.items[0]?.destinations.map((d) => d.lastSeen))).toEqual([
      [0],
      [5000],
      [10_000],
      [15_000],
    ]);
    reader.connections = [];
    reader.now = 20_000;
    await monitor.tick();
    expect(recorded.at(-1)?.items[0]?.destinations).toEqual([]);
    expect(recorded.at(-1)?.items[0]?.verdict).toBe('ok');
  });

  it('where sockets cost a process (lsof), reads them only when the attributed processes change or a sweep is due', async () => {
    const reader = new FakeReader();
    reader.socketsCostAProcess = true;
    reader.inventories = [inventory([item('/a', ['/bin/a']), item('/b', ['/bin/b'])])];
    reader.processes = [proc(1, '/sbin/init'), proc(10, '/bin/a')];
    const monitor = new Monitor(reader, {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      fullSweepMs: 30_000,
      now: () => reader.now,
    });
    const asked = (): string[] =>
      reader.requests.map((r) =>
        r.skipConnections ? 'none' : r.connectionsOf ? [...r.connectionsOf].join('+') : 'all',
      );
    for (const t of [0, 5000, 10_000, 15_000]) {
      reader.now = t;
      await monitor.tick();
    }
    // Everything at first, the first attributed set once; then nothing until it changes.
    expect(asked()).toEqual(['all', '10', 'none', 'none']);
    reader.processes.push(proc(11, '/bin/b'));
    for (const t of [20_000, 25_000, 30_000, 35_000]) {
      reader.now = t;
      await monitor.tick();
    }
    // pid 11 is attributed by the 20 s sample: its sockets are read at the next tick; 30 s is a sweep.
    expect(asked().slice(4)).toEqual(['none', '10+11', '10+11', 'none']);
    expect(monitor.result()?.notes.join()).not.toContain('connections were not collected');
  });
});

describe('bounded history', () => {
  it('forgets ordinary destinations unseen for as long as the CPU history reaches, with a count; keeps pool signs', () => {
    const a = item('/a', ['/bin/a']);
    // 12 points at 5 s: the history reaches back one minute.
    const analyzer = new Analyzer(inventory([a]), { windowSeconds: 10, cpuThresholdPercent: 25, historyCapacity: 12 });
    const connection = (remoteAddress: string, remotePort: number, localPort: number) => ({
      pid: 10,
      protocol: 'TCP' as const,
      family: 'IPv4' as const,
      localAddress: '10.0.0.2',
      localPort,
      remoteAddress,
      remotePort,
      state: 'ESTABLISHED',
    });
    const listener = {
      pid: 10,
      protocol: 'TCP' as const,
      family: 'IPv4' as const,
      localAddress: '0.0.0.0',
      localPort: 8080,
      state: 'LISTEN',
    };
    const processes = [proc(1, '/sbin/init'), proc(10, '/bin/a')];
    for (let i = 0; i < 60; i++) {
      const early = i < 3;
      analyzer.addSample({
        takenAt: i * 5000,
        processes,
        connections: early
          ? [connection(`198.51.100.${i}`, 443, 50000 + i), connection('203.0.113.5', 3333, 51000), listener]
          : [connection('192.0.2.1', 443, 52000)],
      });
    }
    const result = analyzer.result().items[0];
    expect(result?.destinations.map((d) => `${d.remoteAddress}:${d.remotePort}`).sort()).toEqual([
      '192.0.2.1:443',
      '203.0.113.5:3333',
    ]);
    expect(result?.forgottenDestinations).toBe(3);
    expect(result?.listening).toEqual([]);
    expect(result?.reasons.map((r) => r.code)).toContain('net.stratum-port');
  });

  it("keeps what a child's command line said while ever-new siblings push older lines out", () => {
    const a = item('/a', ['/bin/launcher']);
    const analyzer = new Analyzer(inventory([a]), { windowSeconds: 10, cpuThresholdPercent: 25, historyCapacity: 64 });
    const child = (pid: number, args: string): ProcessRecord => ({ ...proc(pid, args), ppid: 10 });
    const miner = child(11, '/tmp/w -o stratum+tcp://pool.example.net:3333');
    const reasonsOf = () => analyzer.result().items[0]?.reasons.map((r) => `${r.code} ${r.text}`) ?? [];
    // 300 children with new command lines, one a sample: the item's 64 remembered lines turn over
    // many times; the miner, seen at every sample, stays among them.
    for (let i = 0; i < 300; i++) {
      analyzer.addSample({
        takenAt: i * 5000,
        processes: [proc(1, '/sbin/init'), proc(10, '/bin/launcher'), miner, child(100 + i, `/bin/sh -c echo ${i}`)],
      });
      if (i === 2) expect(reasonsOf().some((r) => r.startsWith('args.stratum-url'))).toBe(true);
    }
    const stratum = reasonsOf().filter((r) => r.startsWith('args.stratum-url'));
    expect(stratum).toHaveLength(1);
    expect(stratum[0]).toContain('pool.example.net');
  });

  it('judges afresh whenever what an assessment was made of changes, though unchanged items reuse theirs', () => {
    const a = item('/a', ['/bin/a']);
    const b = item('/b', ['/bin/b']);
    const analyzer = new Analyzer(inventory([a, b]), {
      windowSeconds: 10,
      cpuThresholdPercent: 25,
      historyCapacity: 64,
    });
    // b runs flat out on one core; a never runs.
    const sample = (i: number): void =>
      analyzer.addSample({
        takenAt: i * 5000,
        processes: [proc(1, '/sbin/init'), { ...proc(20, '/bin/b'), cpuSeconds: i * 5 }],
      });
    const verdictOf = (id: string) => analyzer.verdicts().find((v) => v.id === id)?.verdict;
    const reasonsOf = (id: string) =>
      analyzer
        .result()
        .items.find((r) => r.item.id === id)
        ?.reasons.map((r) => r.code);
    for (let i = 0; i <= 4; i++) sample(i);
    expect(verdictOf('/b')).toBe('high-cpu');
    sample(5);
    expect(verdictOf('/b')).toBe('high-cpu');

    // The threshold, then the approved inventory, change between ticks: the next look says so at once.
    analyzer.options.cpuThresholdPercent = 50;
    expect(verdictOf('/b')).toBe('high-cpu');
    expect(analyzer.result().items.find((r) => r.item.id === '/b')?.reasons[0]?.text).toContain('(threshold 50%');
    analyzer.options.cpuThresholdPercent = 150;
    expect(verdictOf('/b')).toBe('ok');
    analyzer.options.cpuThresholdPercent = 25;
    analyzer.options.approvals = [approvalFor(b, undefined, 'tester')];
    expect(verdictOf('/b')).toBe('approved');
    analyzer.options.approvals = [];
    expect(verdictOf('/b')).toBe('high-cpu');

    // A result is its reader's: changing its reasons changes nothing kept.
    analyzer
      .result()
      .items.find((r) => r.item.id === '/b')
      ?.reasons.splice(0);
    expect(reasonsOf('/b')).toEqual(['cpu.sustained']);

    // a's program changed: news until the baseline period has passed, which happens between samples 7 and
    // 8 while a's CPU figures stay exactly the same.
    const period = 3 * 86_400_000;
    const changedAt = 7 * 5000 + 2500 - period;
    analyzer.options.baselines = new Map([
      ['/a', { firstSeen: changedAt - 86_400_000, lastChange: { at: changedAt, what: ['program binary'] } }],
    ]);
    sample(6);
    sample(7);
    expect(reasonsOf('/a')).toEqual(['baseline.changed']);
    sample(8);
    expect(reasonsOf('/a')).toEqual([]);
    expect(analyzer.result().items.find((r) => r.item.id === '/a')?.cpu).toMatchObject({
      avgPercent: 0,
      coveredSeconds: 10,
    });

    // New evidence (a connection to a Stratum port) is judged at the next sample.
    analyzer.addSample({
      takenAt: 9 * 5000,
      processes: [proc(1, '/sbin/init'), { ...proc(20, '/bin/b'), cpuSeconds: 45 }],
      connections: [
        {
          pid: 20,
          protocol: 'TCP',
          family: 'IPv4',
          localAddress: '10.0.0.2',
          localPort: 50000,
          remoteAddress: '203.0.113.5',
          remotePort: 3333,
          state: 'ESTABLISHED',
        },
      ],
    });
    expect(reasonsOf('/b')).toContain('net.stratum-port');
  });

  it('keeps an hour of points and a day of minutes, however long it runs', () => {
    const history = new CpuHistory({ recentCapacity: 720, longCapacity: 1440 });
    for (let i = 1; i <= 3 * 17_280; i++) history.push({ t: i * 5000, percent: i % 2 === 0 ? 100 : 0, dt: 5 });
    expect(history.recent()).toHaveLength(720);
    expect(history.downsampled().length).toBeLessThanOrEqual(1441);
    expect(history.downsampled().at(-2)?.percent).toBeCloseTo(50, 0);
    expect(history.newerThan(3 * 17_280 * 5000 - 60_000)).toHaveLength(12);
  });

  it('keeps points in order as the oldest give way, with their restart marks, and refuses a bad capacity', () => {
    const history = new CpuHistory({ recentCapacity: 3, longCapacity: 2, bucketMs: 10_000 });
    expect(history.keptSince()).toBe(-Infinity);
    for (const [t, percent] of [
      [5000, 10],
      [10_000, 20],
      [15_000, 30],
      [20_000, 40],
      [25_000, 50],
    ] as const)
      history.push({ t, percent, dt: 5, ...(t === 20_000 ? { restarted: true as const } : {}) });
    expect(history.recent()).toEqual([
      { t: 15_000, percent: 30, dt: 5 },
      { t: 20_000, percent: 40, dt: 5, restarted: true },
      { t: 25_000, percent: 50, dt: 5 },
    ]);
    expect(history.keptSince()).toBe(15_000);
    expect(history.newerThan(15_000).map((p) => p.t)).toEqual([20_000, 25_000]);
    expect(history.newerThan(25_000)).toEqual([]);
    // The window: 40% and 50% over 5 s each.
    expect(history.windowSince(15_000)).toEqual({ covered: 10, weighted: 450, max: 50 });
    // Buckets of 10 s: [0,10) held 10% (flushed at 10 s), [10,20) 25%, and 40-50% in progress; two kept.
    expect(history.downsampled().map((p) => p.percent)).toEqual([10, 25, 45]);
    const later = history.downsampled();
    expect(later).toEqual(history.downsampled());
    expect(later).not.toBe(history.downsampled());
    expect(() => new CpuHistory({ recentCapacity: 0 })).toThrow(/capacity/);
  });

  it('grows to its capacity as points come, keeping their order through the growth and the wrap', () => {
    const history = new CpuHistory({ recentCapacity: 20 });
    const point = (i: number) => ({
      t: i * 5000,
      percent: i,
      dt: 5,
      ...(i % 7 === 0 ? { restarted: true as const } : {}),
    });
    for (let i = 1; i <= 11; i++) history.push(point(i));
    expect(history.recent()).toEqual(Array.from({ length: 11 }, (_, k) => point(k + 1)));
    for (let i = 12; i <= 27; i++) history.push(point(i));
    expect(history.recent()).toEqual(Array.from({ length: 20 }, (_, k) => point(k + 8)));
    expect(history.keptSince()).toBe(8 * 5000);
  });

  it('holds what it was given, not its capacity: 10,000 histories of two points take little memory', () => {
    const before = process.memoryUsage().arrayBuffers;
    const histories = Array.from({ length: 10_000 }, () => new CpuHistory());
    for (const h of histories) for (const t of [5000, 10_000]) h.push({ t, percent: 1, dt: 5 });
    // At their capacities (720 and 1,440 points) they would hold 540 MB.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 2 ** 20);
    expect(histories.every((h) => h.recent().length === 2)).toBe(true);
  });
});
