// A simulated week of the always-on monitor, with churn, on a fake clock: 400 launch items, ~800
// processes of which some are new every tick (children of launch items with ever-new command lines,
// and apps' helpers), pids reused, and new destinations every tick. The real Monitor, Analyzer and a
// history store on disk run it; per simulated day: the median CPU of a tick, and the heap after a GC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseSamples } from '../../main/engine/analyzer';
import type { ConnectionRecord, Inventory, ProcessRecord, Sample } from '../../main/engine/model';
import { Monitor } from '../../main/engine/monitor';
import type { SampleReading, SampleRequest, SystemReader } from '../../main/engine/reader';
import { HistoryStore } from '../../main/history/history-store';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { writeCapture } from '../support/capture-builder';
import { fullGc } from './full-gc';
import { benchCaptureSpec } from './replay-bench';

export interface WeekDay {
  day: number;
  /** Median of the day's ticks: the process's CPU (GC threads included), and the tick's own time. */
  tickCpuMs: number;
  tickMs: number;
  /**
   * Median time of a fixed piece of work (the engine judging the bench capture's two samples), timed
   * among the day's ticks: how fast the machine was that day. Two runs of the same code back to back
   * differ by more than the target here; the tick over it moves less with the machine's load.
   */
  referenceMs: number;
  heapMiB: number;
  rssMiB: number;
}

export interface WeekFigures {
  intervalSeconds: number;
  ticks: number;
  newProcessesPerTick: number;
  newDestinationsPerTick: number;
  days: WeekDay[];
}

const CHURN_PROCESSES = 20;
const CHURN_DESTINATIONS = 20;

/** The bench capture's machine, moving on by a fake clock (or the real one), with new processes and destinations every tick. */
export class ChurnReader implements SystemReader {
  private fakeNow: number;
  private tickCount = 0;
  private readonly start: number;
  private readonly rates = new Map<number, number>();

  constructor(
    private readonly inventory: Inventory,
    private readonly base: Sample,
    next: Sample,
    private readonly options: { realClock?: boolean } = {},
  ) {
    this.start = options.realClock ? Date.now() : base.takenAt;
    this.fakeNow = base.takenAt;
    const dt = (next.takenAt - base.takenAt) / 1000;
    const later = new Map(next.processes.map((p) => [p.pid, p.cpuSeconds]));
    for (const p of base.processes) this.rates.set(p.pid, ((later.get(p.pid) ?? p.cpuSeconds) - p.cpuSeconds) / dt);
  }

  get now(): number {
    return this.options.realClock ? Date.now() : this.fakeNow;
  }

  set now(value: number) {
    this.fakeNow = value;
  }

  async readInventory(): Promise<Inventory> {
    // A fresh read every time, as the live readers give one.
    return { ...this.inventory, items: this.inventory.items.map((i) => ({ ...i })) };
  }

  async readSample(request: SampleRequest = {}): Promise<SampleReading> {
    const tick = this.tickCount++;
    const elapsed = (this.now - this.start) / 1000;
    const processes: ProcessRecord[] = this.base.processes.map((p) => ({
      ...p,
      cpuSeconds: p.cpuSeconds + (this.rates.get(p.pid) ?? 0) * elapsed,
    }));
    for (let k = 0; k < CHURN_PROCESSES; k++) {
      const n = tick * CHURN_PROCESSES + k;
      // Half are children of launch items (new command lines each time), half helpers of apps; the pids
      // wrap around, so they are reused.
      const underItem = k % 2 === 0;
      processes.push({
        pid: 20_000 + (n % 30_000),
        ppid: underItem ? 1000 + ((tick * 7 + k) % 400) : 9000 + (k % 99),
        uid: 501,
        startedAt: this.now - 1000,
        cpuSeconds: 0.05,
        args: underItem ? `/usr/bin/helper --job ${n}` : `/Applications/App.app/Contents/MacOS/Helper ${n}`,
      });
    }
    processes.sort((a, b) => a.pid - b.pid);
    const connections: ConnectionRecord[] = [];
    if (!request.skipConnections) {
      const wanted = request.connectionsOf;
      for (const c of this.base.connections ?? []) if (!wanted || wanted.has(c.pid)) connections.push(c);
      for (let k = 0; k < CHURN_DESTINATIONS; k++) {
        const n = tick * CHURN_DESTINATIONS + k;
        const pid = 1000 + ((tick * 13 + k) % 400);
        if (wanted && !wanted.has(pid)) continue;
        connections.push({
          pid,
          protocol: 'TCP',
          family: 'IPv4',
          localAddress: '192.168.1.20',
          localPort: 40_000 + (n % 20_000),
          remoteAddress: `198.18.${(n >> 8) & 255}.${n & 255}`,
          remotePort: 443,
          state: 'ESTABLISHED',
        });
      }
    }
    return { sample: { takenAt: this.now, processes, connections }, notes: [] };
  }

  watchedFolders(): string[] {
    return [];
  }
}

/** Ticks between two timings of the reference work. */
const REFERENCE_EVERY = 20;

/**
 * The last ticks of each day, run between open and close: the instruction count's window (week-probe.ts).
 * No reference work is timed inside it.
 */
export interface TickWindow {
  ticks: number;
  open(day: number): Promise<void>;
  close(day: number): Promise<void>;
}

export async function runWeekBench(options: {
  days: number;
  intervalSeconds: number;
  window?: TickWindow;
}): Promise<WeekFigures> {
  const capture = await readCapture(writeCapture(benchCaptureSpec()));
  const [first, second] = capture.samples;
  if (!first || !second) throw new Error('the bench capture has fewer than two samples');
  const reader = new ChurnReader(capture.inventory, first, second);
  const state = mkdtempSync(join(tmpdir(), 'lw-week-'));
  const history = HistoryStore.open(state, reader.now);
  const monitor = new Monitor(reader, {
    windowSeconds: 120,
    cpuThresholdPercent: 25,
    intervalMs: options.intervalSeconds * 1000,
    now: () => reader.now,
    history,
    excludePids: new Set(),
  });
  const perDay = Math.round(86_400 / options.intervalSeconds);
  const days: WeekDay[] = [];
  try {
    for (let day = 1; day <= options.days; day++) {
      const cpu: number[] = [];
      const wall: number[] = [];
      const reference: number[] = [];
      const windowStart = options.window ? perDay - Math.min(options.window.ticks, perDay) : perDay;
      for (let i = 0; i < perDay; i++) {
        if (i === windowStart) await options.window?.open(day);
        if (i % REFERENCE_EVERY === 0 && i < windowStart) {
          const started = performance.now();
          analyseSamples(capture.inventory, [first, second], { windowSeconds: 120, cpuThresholdPercent: 25 });
          reference.push(performance.now() - started);
        }
        const before = process.cpuUsage();
        const started = performance.now();
        await monitor.tick();
        wall.push(performance.now() - started);
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
        reader.now += options.intervalSeconds * 1000;
      }
      if (windowStart < perDay) await options.window?.close(day);
      fullGc();
      const memory = process.memoryUsage();
      cpu.sort((a, b) => a - b);
      wall.sort((a, b) => a - b);
      reference.sort((a, b) => a - b);
      days.push({
        day,
        tickCpuMs: cpu[Math.floor(cpu.length / 2)] ?? 0,
        tickMs: wall[Math.floor(wall.length / 2)] ?? 0,
        referenceMs: reference[Math.floor(reference.length / 2)] ?? 0,
        heapMiB: memory.heapUsed / 1024 / 1024,
        rssMiB: memory.rss / 1024 / 1024,
      });
    }
  } finally {
    history.close();
    rmSync(state, { recursive: true, force: true });
  }
  return {
    intervalSeconds: options.intervalSeconds,
    ticks: perDay * options.days,
    newProcessesPerTick: CHURN_PROCESSES,
    newDestinationsPerTick: CHURN_DESTINATIONS,
    days,
  };
}
