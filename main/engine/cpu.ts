// CPU per interval from the difference of cumulative CPU time between two samples. A process is
// identified by pid and start time, so a reused pid starts from zero instead of joining the old one.
import type { ProcessRecord, Sample } from './model';

/** ps gives elapsed time to the second, so the same process's estimated start time wobbles by ~1 s. */
const START_TOLERANCE_MS = 2500;

interface Seen {
  startedAt: number;
  cpuSeconds: number;
}

export interface CpuDeltas {
  /** Wall-clock seconds since the previous sample; undefined for the first sample. */
  intervalSeconds?: number;
  /** pid -> CPU seconds used in the interval, for processes with a known baseline. */
  byPid: Map<number, number>;
}

export class CpuTracker {
  private seen = new Map<number, Seen>();
  private lastTakenAt: number | undefined;

  update(sample: Sample): CpuDeltas {
    const byPid = new Map<number, number>();
    const previousAt = this.lastTakenAt;
    const next = new Map<number, Seen>();
    for (const process of sample.processes) {
      next.set(process.pid, { startedAt: process.startedAt, cpuSeconds: process.cpuSeconds });
      if (previousAt === undefined) continue;
      const delta = cpuSince(this.seen.get(process.pid), process, previousAt);
      if (delta !== undefined) byPid.set(process.pid, delta);
    }
    this.seen = next;
    this.lastTakenAt = sample.takenAt;
    const deltas: CpuDeltas = { byPid };
    if (previousAt !== undefined && sample.takenAt > previousAt) deltas.intervalSeconds = (sample.takenAt - previousAt) / 1000;
    return deltas;
  }
}

function cpuSince(before: Seen | undefined, now: ProcessRecord, previousAt: number): number | undefined {
  const sameProcess = before !== undefined && Math.abs(before.startedAt - now.startedAt) <= START_TOLERANCE_MS && now.cpuSeconds + 0.005 >= before.cpuSeconds;
  if (sameProcess) return Math.max(0, now.cpuSeconds - before.cpuSeconds);
  // Born during the interval: all of its CPU time was spent in it.
  if (now.startedAt >= previousAt - START_TOLERANCE_MS / 2) return now.cpuSeconds;
  // Existed before but was not seen (or its pid was reused by an older process): no baseline.
  return undefined;
}
