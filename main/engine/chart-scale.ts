// What a CPU chart needs before it is drawn, the same for the app's chart and the report's: round ticks
// on both axes, where the threshold's label fits, where the process restarted, and a description that
// a screen reader (or a reader of the printed page) can take in without the picture.
import type { CpuPoint } from './model';

/** Round ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten, `count` or so. */
export function niceTicks(max: number, count = 4): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let i = 0; i * step < top + step - 1e-9 && ticks.length <= count * 3; i++)
    ticks.push(Number((i * step).toFixed(6)));
  return ticks;
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Round times (ms) inside [t0, t1]: multiples of a step from 1 s to a day, 3 to 6 of them. */
export function timeTicks(t0: number, t1: number): number[] {
  const span = Math.max(1, (t1 - t0) / 1000);
  const step = (TIME_STEPS_S.find((s) => span / s <= 5) ?? 86400) * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 && ticks.length < 12; t += step) ticks.push(t);
  return ticks;
}

/** How far back an item's detail and its live chart reach. */
export const DETAIL_HISTORY_MS = 10 * 60 * 1000;
/** The live chart's time axis moves on in steps of this much, not at every sample. */
export const LIVE_AXIS_STEP_MS = 30 * 1000;

/**
 * The live chart's time axis: `spanMs` ending at the first step boundary at or after the newest sample.
 * It stays put between boundaries, so a new sample only extends the line (drawing the axes, grid and
 * labels again costs the chart library milliseconds at each change of axis); the newest sample is at most
 * one step from the right edge, and samples enter from the right while the history fills.
 */
export function liveTimeDomain(
  newest: number,
  spanMs = DETAIL_HISTORY_MS,
  stepMs = LIVE_AXIS_STEP_MS,
): [number, number] {
  const end = Math.ceil(newest / stepMs) * stepMs;
  return [end - spanMs, end];
}

/**
 * The index of the first point at or after `t`, or strictly after it (points in time order; their length
 * for none): a binary search, the chart's points being up to a window of samples.
 */
function firstFrom(points: { t: number }[], t: number, strictlyAfter = false): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const at = (points[mid] as { t: number }).t;
    if (at < t || (strictlyAfter && at === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points a line over [from, to] needs: those inside, and the one just outside each end so the line
 * runs to the edge (the chart clips it there). Points are in time order.
 */
export function pointsAcross<P extends { t: number }>(points: P[], from: number, to: number): P[] {
  const first = firstFrom(points, from);
  const after = firstFrom(points, to, true);
  return points.slice(Math.max(0, first - 1), Math.min(points.length, after + 1));
}

/** The index of the point nearest in time to `t` (points in time order; -1 for none). */
export function nearestPoint(points: { t: number }[], t: number): number {
  if (points.length === 0) return -1;
  const next = Math.min(firstFrom(points, t), points.length - 1);
  const before = next > 0 ? (points[next - 1] as { t: number }) : undefined;
  return before && t - before.t <= (points[next] as { t: number }).t - t ? next - 1 : next;
}

/** Elapsed-time ticks for a span (ms): in seconds up to 10 minutes, else in minutes; with the unit. */
export function elapsedTicks(spanMs: number): { ticks: number[]; unit: 's' | 'min'; divisor: number } {
  const minutes = spanMs > 10 * 60_000;
  const divisor = minutes ? 60_000 : 1000;
  const ticks = niceTicks(spanMs / divisor, 4).filter((t) => t <= spanMs / divisor + 1e-9);
  return { ticks, unit: minutes ? 'min' : 's', divisor };
}

/**
 * Where the threshold's label goes: above its line at the right, unless the line hugs the top or the
 * samples under the label's place would run through it; then below; then at the left.
 * `y` maps a percent to the chart's y (0 at the top), `band` is the label's height.
 */
export function thresholdLabelPlace(
  points: CpuPoint[],
  threshold: number,
  y: (percent: number) => number,
  top: number,
  bottom = Infinity,
  band = 14,
): 'above-right' | 'below-right' | 'above-left' {
  const line = y(threshold);
  const rightmost = points.slice(Math.floor(points.length * 0.7));
  const crosses = (from: number, to: number) => rightmost.some((p) => y(p.percent) >= from && y(p.percent) <= to);
  if (line - band > top && !crosses(line - band, line)) return 'above-right';
  if (line + band < bottom && !crosses(line, line + band)) return 'below-right';
  return 'above-left';
}

/** The chart in one sentence, with the real span and every restart. */
export function chartDescription(
  points: CpuPoint[],
  threshold: number,
  subject: string,
  time: (ms: number) => string,
): string {
  if (points.length === 0) return `${subject}: no CPU samples yet.`;
  const first = points[0] as CpuPoint;
  const last = points.at(-1) as CpuPoint;
  const seconds = Math.round((last.t - first.t) / 1000);
  const span = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  const average = points.reduce((sum, p) => sum + p.percent, 0) / points.length;
  const peak = Math.max(...points.map((p) => p.percent));
  const over = points.filter((p) => p.percent >= threshold).length;
  const restarts = points.filter((p) => p.restarted).map((p) => time(p.t));
  return (
    `${subject}, ${points.length} samples from ${time(first.t)} to ${time(last.t)} (${span}): ` +
    `${round(average)}% of one core on average, ${round(peak)}% at most, ${over} of ${points.length} at or over the ${threshold}% threshold` +
    (restarts.length > 0
      ? `; its process restarted ${restarts.length === 1 ? 'once' : `${restarts.length} times`} (${restarts.slice(0, 5).join(', ')}${restarts.length > 5 ? ', …' : ''}).`
      : '.')
  );
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
