// One item's CPU over time: every point for the recent past, then per-minute averages for a day, in
// fixed-size ring buffers so memory stays flat however long the monitor runs.
import type { CpuPoint } from './model';
import { RingBuffer } from './ring-buffer';

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

export class CpuHistory {
  private readonly recentPoints: RingBuffer<TimedPoint>;
  private readonly longPoints: RingBuffer<TimedPoint>;
  private readonly bucketMs: number;
  private bucket: { start: number; weighted: number; dt: number; last: number } | undefined;

  constructor(options: CpuHistoryOptions = {}) {
    this.recentPoints = new RingBuffer(options.recentCapacity ?? 720);
    this.longPoints = new RingBuffer(options.longCapacity ?? 1440);
    this.bucketMs = options.bucketMs ?? 60_000;
  }

  push(point: TimedPoint): void {
    this.recentPoints.push(point);
    const start = Math.floor(point.t / this.bucketMs) * this.bucketMs;
    if (this.bucket && this.bucket.start !== start) this.flush();
    this.bucket ??= { start, weighted: 0, dt: 0, last: point.t };
    this.bucket.weighted += point.percent * point.dt;
    this.bucket.dt += point.dt;
    this.bucket.last = point.t;
  }

  recent(): TimedPoint[] {
    return this.recentPoints.toArray();
  }

  /** Points newer than `since` (ms), newest last. */
  since(since: number): TimedPoint[] {
    return this.recentPoints.newestWhile((p) => p.t > since);
  }

  /** Covered seconds, time-weighted average and peak of the points newer than `since`, without copying them. */
  windowSince(since: number): { covered: number; weighted: number; max: number } {
    const out = { covered: 0, weighted: 0, max: 0 };
    this.recentPoints.forEachNewest((p) => {
      if (p.t <= since) return false;
      out.covered += p.dt;
      out.weighted += p.percent * p.dt;
      out.max = Math.max(out.max, p.percent);
      return true;
    });
    return out;
  }

  /** Points newer than `after`, oldest first: what a history store has not recorded yet. */
  newerThan(after: number): TimedPoint[] {
    return this.recentPoints.newestWhile((p) => p.t > after);
  }

  /**
   * The time from which every point is still kept at full resolution; -Infinity until the buffer is
   * full (nothing has been forgotten yet).
   */
  keptSince(): number {
    return this.recentPoints.full ? (this.recentPoints.first()?.t ?? -Infinity) : -Infinity;
  }

  /** Per-bucket averages for the long view, the bucket in progress included. */
  downsampled(): TimedPoint[] {
    const done = this.longPoints.toArray();
    if (this.bucket && this.bucket.dt > 0)
      done.push({ t: this.bucket.last, percent: this.bucket.weighted / this.bucket.dt, dt: this.bucket.dt });
    return done;
  }

  private flush(): void {
    if (this.bucket && this.bucket.dt > 0)
      this.longPoints.push({ t: this.bucket.last, percent: this.bucket.weighted / this.bucket.dt, dt: this.bucket.dt });
    this.bucket = undefined;
  }
}
