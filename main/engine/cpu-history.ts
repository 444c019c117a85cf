// One item's CPU over time: every point for the recent past, then per-minute averages for a day, in
// fixed-size rings of numbers (not of objects) so memory stays flat however long the monitor runs and
// the garbage collector has nothing to trace: 400 items keep 288,000 recent points, and as objects they
// were most of what each old-space collection walked. Points become objects only when a view asks.
import type { CpuPoint } from './model';

export interface TimedPoint extends CpuPoint {
  /** Interval length in seconds. */
  dt: number;
}

export interface CpuHistoryOptions {
  /** Points kept at full resolution (default 720: an hour at 5 s). */
  recentCapacity?: number;
  bucketMs?: number;
  /** Downsampled buckets kept (default 1440: a day of minutes). */
  longCapacity?: number;
}

/**
 * A fixed-capacity FIFO of points held in typed arrays; index 0 is the oldest kept. The arrays grow to
 * their capacity as points come (doubling): an item seen for two samples, or one of 200,000 in a capture
 * built to exhaust memory, holds a few points, not a day's worth of empty slots (36 KB).
 */
class PointRing {
  private t: Float64Array;
  private percent: Float64Array;
  private dt: Float64Array;
  private restarted: Uint8Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`CPU history capacity must be a positive integer, got ${capacity}`);
    const initial = Math.min(capacity, 8);
    this.t = new Float64Array(initial);
    this.percent = new Float64Array(initial);
    this.dt = new Float64Array(initial);
    this.restarted = new Uint8Array(initial);
  }

  /** Until the ring is full nothing has wrapped (start is 0): growing copies the points as they lie. */
  private grow(): void {
    const size = Math.min(this.capacity, this.t.length * 2);
    const t = new Float64Array(size);
    const percent = new Float64Array(size);
    const dt = new Float64Array(size);
    const restarted = new Uint8Array(size);
    t.set(this.t);
    percent.set(this.percent);
    dt.set(this.dt);
    restarted.set(this.restarted);
    [this.t, this.percent, this.dt, this.restarted] = [t, percent, dt, restarted];
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  push(t: number, percent: number, dt: number, restarted: boolean): void {
    let slot: number;
    if (this.count < this.capacity) {
      if (this.count === this.t.length) this.grow();
      slot = this.count++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.t[slot] = t;
    this.percent[slot] = percent;
    this.dt[slot] = dt;
    this.restarted[slot] = restarted ? 1 : 0;
  }

  /** The ring index of the i-th kept point, oldest first. */
  private slot(i: number): number {
    return (this.start + i) % this.capacity;
  }

  timeAt(i: number): number {
    return this.t[this.slot(i)] as number;
  }

  /** How many of the newest points are newer than `after` (ms). */
  countNewerThan(after: number): number {
    let n = 0;
    while (n < this.count && (this.t[this.slot(this.count - 1 - n)] as number) > after) n++;
    return n;
  }

  /** The points from the i-th kept one on, oldest first, as objects. */
  pointsFrom(first: number): TimedPoint[] {
    const out: TimedPoint[] = [];
    for (let i = first; i < this.count; i++) {
      const s = this.slot(i);
      const point: TimedPoint = {
        t: this.t[s] as number,
        percent: this.percent[s] as number,
        dt: this.dt[s] as number,
      };
      if (this.restarted[s] === 1) point.restarted = true;
      out.push(point);
    }
    return out;
  }

  /** Covered seconds, time-weighted sum and peak of the points newer than `since`. */
  windowSince(since: number): { covered: number; weighted: number; max: number } {
    let covered = 0;
    let weighted = 0;
    let max = 0;
    for (let i = this.count - 1; i >= 0; i--) {
      const s = this.slot(i);
      if ((this.t[s] as number) <= since) break;
      const dt = this.dt[s] as number;
      const percent = this.percent[s] as number;
      covered += dt;
      weighted += percent * dt;
      if (percent > max) max = percent;
    }
    return { covered, weighted, max };
  }
}

export class CpuHistory {
  private readonly recentPoints: PointRing;
  private readonly longPoints: PointRing;
  private readonly bucketMs: number;
  private bucket: { start: number; weighted: number; dt: number; last: number } | undefined;

  constructor(options: CpuHistoryOptions = {}) {
    this.recentPoints = new PointRing(options.recentCapacity ?? 720);
    this.longPoints = new PointRing(options.longCapacity ?? 1440);
    this.bucketMs = options.bucketMs ?? 60_000;
  }

  push(point: TimedPoint): void {
    this.recentPoints.push(point.t, point.percent, point.dt, point.restarted === true);
    const start = Math.floor(point.t / this.bucketMs) * this.bucketMs;
    if (this.bucket && this.bucket.start !== start) this.flush();
    this.bucket ??= { start, weighted: 0, dt: 0, last: point.t };
    this.bucket.weighted += point.percent * point.dt;
    this.bucket.dt += point.dt;
    this.bucket.last = point.t;
  }

  recent(): TimedPoint[] {
    return this.recentPoints.pointsFrom(0);
  }

  /** Covered seconds, time-weighted sum and peak of the points newer than `since`, without copying them. */
  windowSince(since: number): { covered: number; weighted: number; max: number } {
    return this.recentPoints.windowSince(since);
  }

  /** Points newer than `after`, oldest first: what a history store has not recorded yet. */
  newerThan(after: number): TimedPoint[] {
    return this.recentPoints.pointsFrom(this.recentPoints.length - this.recentPoints.countNewerThan(after));
  }

  /**
   * The time from which every point is still kept at full resolution; -Infinity until the buffer is
   * full (nothing has been forgotten yet).
   */
  keptSince(): number {
    return this.recentPoints.full ? this.recentPoints.timeAt(0) : -Infinity;
  }

  /** Per-bucket averages for the long view, the bucket in progress included. */
  downsampled(): TimedPoint[] {
    const done = this.longPoints.pointsFrom(0);
    if (this.bucket && this.bucket.dt > 0)
      done.push({ t: this.bucket.last, percent: this.bucket.weighted / this.bucket.dt, dt: this.bucket.dt });
    return done;
  }

  private flush(): void {
    if (this.bucket && this.bucket.dt > 0)
      this.longPoints.push(this.bucket.last, this.bucket.weighted / this.bucket.dt, this.bucket.dt, false);
    this.bucket = undefined;
  }
}
