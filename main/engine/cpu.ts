// CPU per interval from the difference of cumulative CPU time between two samples. A process is
// identified by pid and start time, so a reused pid starts from zero instead of joining the old one.
import type { ProcessRecord, Sample } from './model';

/** ps gives elapsed time to the second, so the same process's estimated start time wobbles by ~1 s. */
const START_TOLERANCE_MS = 2500;

interface Seen {
  startedAt: number;
  cpuSeconds: number;
  /** The sample that last read its CPU time: a figure needs the one just before. */
  generation: number;
  /** The sample that last listed it: entries not in the latest sample are dropped. */
  present: number;
}

export interface CpuDeltas {
  /** Wall-clock seconds since the previous sample; undefined for the first sample. */
  intervalSeconds?: number;
  /** pid -> CPU seconds used in the interval, for processes with a known baseline. */
  byPid: Map<number, number>;
  /** Figures no machine can produce (time running backwards, more than all cores), dropped: why. */
  impossible: string[];
}

/** Rounding in ps's figures and the time between reading the clock and running ps. */
const CORE_TOLERANCE = 1.1;

export class CpuTracker {
  private readonly seen = new Map<number, Seen>();
  private lastTakenAt: number | undefined;
  private generation = 0;

  /** `cores`: the machine's CPU count, the most CPU time a process can use per second. */
  constructor(private readonly cores: number = Infinity) {}

  update(sample: Sample): CpuDeltas {
    const byPid = new Map<number, number>();
    const impossible: string[] = [];
    const previousAt = this.lastTakenAt;
    const interval =
      previousAt !== undefined && sample.takenAt > previousAt ? (sample.takenAt - previousAt) / 1000 : undefined;
    const generation = ++this.generation;
    for (const process of sample.processes) {
      const known = this.seen.get(process.pid);
      // Not read this time (a reader saves reading processes nobody judges): no figure, and no baseline
      // left to span several intervals when it is read again (its read generation falls behind).
      if (Number.isNaN(process.cpuSeconds)) {
        if (known) known.present = generation;
        else
          this.seen.set(process.pid, {
            startedAt: process.startedAt,
            cpuSeconds: 0,
            generation: -1,
            present: generation,
          });
        continue;
      }
      // Read before the entry is updated in place (one object per process for its life, not per tick).
      const before: Before | undefined =
        known && known.generation === generation - 1
          ? { startedAt: known.startedAt, cpuSeconds: known.cpuSeconds }
          : undefined;
      if (known) {
        known.startedAt = process.startedAt;
        known.cpuSeconds = process.cpuSeconds;
        known.generation = generation;
        known.present = generation;
      } else
        this.seen.set(process.pid, {
          startedAt: process.startedAt,
          cpuSeconds: process.cpuSeconds,
          generation,
          present: generation,
        });
      if (previousAt === undefined) continue;
      if (before !== undefined && sameStart(before, process) && process.cpuSeconds + 0.005 < before.cpuSeconds) {
        impossible.push(
          `pid ${process.pid}: its CPU time went backwards (${before.cpuSeconds} s, then ${process.cpuSeconds} s)`,
        );
        continue;
      }
      const delta = cpuSince(before, process, previousAt);
      if (delta === undefined) continue;
      if (interval !== undefined && delta > interval * this.cores * CORE_TOLERANCE + 0.01) {
        impossible.push(
          `pid ${process.pid}: ${delta.toFixed(2)} s of CPU in ${interval.toFixed(1)} s, more than ${this.cores} cores can give`,
        );
        continue;
      }
      byPid.set(process.pid, delta);
    }
    for (const [pid, entry] of this.seen) if (entry.present !== generation) this.seen.delete(pid);
    this.lastTakenAt = sample.takenAt;
    const deltas: CpuDeltas = { byPid, impossible };
    if (interval !== undefined) deltas.intervalSeconds = interval;
    return deltas;
  }
}

type Before = Pick<Seen, 'startedAt' | 'cpuSeconds'>;

function sameStart(before: Before, now: ProcessRecord): boolean {
  return Math.abs(before.startedAt - now.startedAt) <= START_TOLERANCE_MS;
}

function cpuSince(before: Before | undefined, now: ProcessRecord, previousAt: number): number | undefined {
  const sameProcess = before !== undefined && sameStart(before, now) && now.cpuSeconds + 0.005 >= before.cpuSeconds;
  if (sameProcess) return Math.max(0, now.cpuSeconds - before.cpuSeconds);
  // Born during the interval: all of its CPU time was spent in it.
  if (now.startedAt >= previousAt - START_TOLERANCE_MS / 2) return now.cpuSeconds;
  // Existed before but was not seen (or its pid was reused by an older process): no baseline.
  return undefined;
}
