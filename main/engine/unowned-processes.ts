// Busy processes no launch item owns and launchd did not start as a job: its children whose parent is
// gone (they detached), outside the folders macOS protects. A miner that a compiled launcher started and
// that detached leaves no name to follow back to its item, so it is said in the notes with its CPU: an
// item's "ok" must not be taken for the whole answer while such a process runs.
import type { CpuDeltas } from './cpu';
import { isAppleSystemPath } from './judge';
import type { ProcessRecord } from './model';

/** More such processes than any Mac has: past this, new ones are counted, not followed. */
export const MAX_FOLLOWED = 1_000;
/** Notes named one by one; the rest are counted. */
const MAX_NAMED = 20;

interface Followed {
  pid: number;
  args: string;
  /** CPU seconds and wall seconds of each interval, oldest first, within the window. */
  points: { at: number; cpuSeconds: number; seconds: number }[];
  seenAt: number;
}

export class UnownedBusyProcesses {
  private readonly followed = new Map<string, Followed>();
  /** Not followed in the last sample, for the bound. */
  private beyond = 0;

  constructor(
    private readonly windowSeconds: number,
    private readonly thresholdPercent: number,
  ) {}

  /** One sample: `owned` and `listed` say which processes an item or a launchd job already accounts for. */
  observe(
    processes: ProcessRecord[],
    deltas: CpuDeltas,
    takenAt: number,
    owned: (pid: number) => boolean,
    listed: Set<number>,
  ): void {
    const seconds = deltas.intervalSeconds;
    if (seconds === undefined) return;
    this.beyond = 0;
    for (const process of processes) {
      if (process.ppid !== 1 || owned(process.pid) || listed.has(process.pid)) continue;
      const cpuSeconds = deltas.byPid.get(process.pid);
      if (cpuSeconds === undefined) continue;
      const key = `${process.pid}:${process.startedAt}`;
      let entry = this.followed.get(key);
      if (!entry) {
        // Followed from its first busy interval; a process in the folders SIP protects is macOS's own.
        if ((cpuSeconds / seconds) * 100 < this.thresholdPercent || isAppleSystemPath(executable(process))) continue;
        if (this.followed.size >= MAX_FOLLOWED) {
          this.beyond++;
          continue;
        }
        entry = { pid: process.pid, args: JSON.stringify(process.args.slice(0, 120)), points: [], seenAt: takenAt };
        this.followed.set(key, entry);
      }
      entry.points.push({ at: takenAt, cpuSeconds, seconds });
      entry.seenAt = takenAt;
      const since = takenAt - this.windowSeconds * 1000;
      while ((entry.points[0]?.at ?? Infinity) - (entry.points[0]?.seconds ?? 0) * 1000 < since) entry.points.shift();
    }
    // Gone, or no longer unowned: forgotten.
    for (const [key, entry] of this.followed) if (entry.seenAt !== takenAt) this.followed.delete(key);
  }

  /** A note for each followed process busy over the whole window (`covers` says what is the whole window). */
  notes(covers: (seconds: number) => boolean): string[] {
    const busy: { entry: Followed; percent: number; seconds: number }[] = [];
    for (const entry of this.followed.values()) {
      let cpu = 0;
      let seconds = 0;
      for (const point of entry.points) {
        cpu += point.cpuSeconds;
        seconds += point.seconds;
      }
      const percent = seconds > 0 ? (cpu / seconds) * 100 : 0;
      if (covers(seconds) && percent >= this.thresholdPercent) busy.push({ entry, percent, seconds });
    }
    busy.sort((a, b) => b.percent - a.percent);
    const notes = busy
      .slice(0, MAX_NAMED)
      .map(
        ({ entry, percent, seconds }) =>
          `pid ${entry.pid} ${entry.args} used ${Math.round(percent)}% of one core for ${Math.round(seconds)} s and no launch item owns it: its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)`,
      );
    if (busy.length > MAX_NAMED) notes.push(`${busy.length - MAX_NAMED} more busy processes that no launch item owns`);
    if (this.beyond > 0)
      notes.push(`${this.beyond} processes that no launch item owns were not followed (more than ${MAX_FOLLOWED})`);
    return notes;
  }
}

function executable(process: ProcessRecord): string {
  return process.argv?.[0] ?? process.args;
}
