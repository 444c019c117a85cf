import { useId } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartDescription, niceTicks, thresholdLabelPlace, timeTicks } from '../../../main/engine/chart-scale';
import { formatTime, zoneName } from '../../../main/engine/time-format';

type Zone = { timeZone?: string; utcOffset?: string } | undefined;
type Point = { t: number; percent: number; restarted?: true };

const HEIGHT = 200;
const MARGIN = { top: 10, right: 28, bottom: 22, left: 10 };
const X_AXIS_HEIGHT = 30;

/**
 * The item's CPU (its whole process tree), the last ten minutes, updated in place: straight segments
 * between samples, round ticks, both axes titled with their units, the threshold labelled clear of the
 * line, a marker at each restart, and the same chart in words for screen readers (and under it).
 */
export function CpuChart({ points, threshold, zone }: { points: Point[]; threshold: number; zone?: Zone }) {
  const id = useId();
  const clock = (t: number) => formatTime(t, zone).slice(11, 19);
  if (points.length < 2)
    return (
      <figure className="cpu-chart">
        <p className="state-message">Waiting for a second sample to measure CPU…</p>
      </figure>
    );
  const t0 = (points[0] as Point).t;
  const t1 = (points.at(-1) as Point).t;
  const yTicks = niceTicks(Math.max(threshold, ...points.map((p) => p.percent)) * 1.05);
  const top = yTicks.at(-1) ?? 100;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT;
  const place = thresholdLabelPlace(points, threshold, (v) => (1 - v / top) * plotHeight, 0, plotHeight);
  const description = chartDescription(points, threshold, 'CPU of the process tree', (ms) => formatTime(ms, zone));
  const restarts = points.filter((p) => p.restarted);
  return (
    <figure className="cpu-chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <span id={`${id}-title`} className="visually-hidden">
        CPU chart, percent of one core over time
      </span>
      <div role="img" aria-label={description}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <LineChart data={points} margin={MARGIN}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis
              dataKey="t"
              type="number"
              domain={[t0, t1]}
              ticks={timeTicks(t0, t1)}
              interval={0}
              tickFormatter={clock}
              stroke="var(--muted)"
              fontSize={11}
              height={X_AXIS_HEIGHT}
              label={{
                value: `time (${zoneName(zone)})`,
                position: 'insideBottom',
                offset: -14,
                fill: 'var(--muted)',
                fontSize: 11,
              }}
            />
            <YAxis
              ticks={yTicks}
              domain={[0, top]}
              tickFormatter={(v: number) => `${v}%`}
              stroke="var(--muted)"
              fontSize={11}
              width={58}
              label={{
                value: '% of one core',
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                style: { textAnchor: 'middle' },
                fill: 'var(--muted)',
                fontSize: 11,
              }}
            />
            <Tooltip
              labelFormatter={(t) => formatTime(Number(t), zone)}
              formatter={(v) => [`${v}% of one core`, 'CPU']}
            />
            <ReferenceLine
              y={threshold}
              stroke="var(--threshold)"
              strokeDasharray="4 4"
              label={{
                value: `threshold ${threshold}%`,
                fill: 'var(--muted)',
                fontSize: 11,
                // On a horizontal line recharts' "insideBottom…" sits above it and "insideTop…" below.
                position:
                  place === 'below-right'
                    ? 'insideTopRight'
                    : place === 'above-left'
                      ? 'insideBottomLeft'
                      : 'insideBottomRight',
              }}
            />
            {restarts.map((p) => (
              <ReferenceLine
                key={p.t}
                x={p.t}
                stroke="var(--restart)"
                strokeDasharray="2 3"
                className="restart-marker"
                label={{ value: 'restart', position: 'insideTopLeft', fill: 'var(--restart)', fontSize: 10 }}
              />
            ))}
            <Line
              type="linear"
              dataKey="percent"
              stroke="var(--accent)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption id={`${id}-desc`} className="chart-caption">
        {description}
      </figcaption>
    </figure>
  );
}
