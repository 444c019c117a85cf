import { memo, useCallback, useId, useMemo } from 'react';
import { useHeldWhileOffScreen } from '../hooks';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartDescription, niceTicks, thresholdLabelPlace, timeTicks } from '../../../main/engine/chart-scale';
import { formatTime, zoneName } from '../../../main/engine/time-format';

type Zone = { timeZone?: string; utcOffset?: string } | undefined;
type Point = { t: number; percent: number; restarted?: true };

const HEIGHT = 200;
const MARGIN = { top: 10, right: 28, bottom: 22, left: 10 };
const X_AXIS_HEIGHT = 30;
// Props recharts is given are kept the same objects from one update to the next: recharts 3 files every
// axis, label and line in its store from an effect, and a new object means removing it and filing it again
// (most of what redrawing the chart cost).
const Y_LABEL = {
  value: '% of one core',
  angle: -90,
  position: 'insideLeft',
  offset: 4,
  style: { textAnchor: 'middle' },
  fill: 'var(--muted)',
  fontSize: 11,
} as const;
const percentTick = (v: number): string => `${v}%`;
const tooltipValue = (v: unknown): [string, string] => [`${String(v)}% of one core`, 'CPU'];
const GRID = <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />;
const LINE = (
  <Line type="linear" dataKey="percent" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
);
const RESTART_LABEL = { value: 'restart', position: 'insideTopLeft', fill: 'var(--restart)', fontSize: 10 } as const;

/**
 * The item's CPU (its whole process tree), the last ten minutes, updated in place: straight segments
 * between samples, round ticks, both axes titled with their units, the threshold labelled clear of the
 * line, a marker at each restart, and the same chart in words for screen readers (and under it).
 */
function CpuChartView({ points: latest, threshold, zone: given }: { points: Point[]; threshold: number; zone?: Zone }) {
  const id = useId();
  // Scrolled out of view (reading the destinations below, say), the chart keeps what it last drew: a new
  // data array costs recharts about 9 ms here however few points changed. The words stay current.
  const [figureRef, points] = useHeldWhileOffScreen(latest);
  // The snapshot brings a new zone object every update; only its two strings matter.
  const timeZone = given?.timeZone;
  const utcOffset = given?.utcOffset;
  const zone = useMemo(
    () => ({ ...(timeZone ? { timeZone } : {}), ...(utcOffset ? { utcOffset } : {}) }),
    [timeZone, utcOffset],
  );
  const clock = useCallback((t: number) => formatTime(t, zone).slice(11, 19), [zone]);
  const tooltipLabel = useCallback((t: unknown) => formatTime(Number(t), zone), [zone]);
  const zoneLabel = zoneName(zone);
  const xLabel = useMemo(
    () => ({
      value: `time (${zoneLabel})`,
      position: 'insideBottom' as const,
      offset: -14,
      fill: 'var(--muted)',
      fontSize: 11,
    }),
    [zoneLabel],
  );
  const t0 = points[0]?.t ?? 0;
  const t1 = points.at(-1)?.t ?? 0;
  const xDomain = useMemo(() => [t0, t1], [t0, t1]);
  const xTicks = useMemo(() => timeTicks(t0, t1), [t0, t1]);
  const peak = Math.max(threshold, ...points.map((p) => p.percent));
  const yTicks = useMemo(() => niceTicks(peak * 1.05), [peak]);
  const top = yTicks.at(-1) ?? 100;
  const yDomain = useMemo(() => [0, top], [top]);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT;
  const place = thresholdLabelPlace(points, threshold, (v) => (1 - v / top) * plotHeight, 0, plotHeight);
  const thresholdLabel = useMemo(
    () => ({
      value: `threshold ${threshold}%`,
      fill: 'var(--muted)',
      fontSize: 11,
      // On a horizontal line recharts' "insideBottom…" sits above it and "insideTop…" below.
      position:
        place === 'below-right'
          ? ('insideTopRight' as const)
          : place === 'above-left'
            ? ('insideBottomLeft' as const)
            : ('insideBottomRight' as const),
    }),
    [threshold, place],
  );
  // Elements recharts has filed are made again only when what they draw changes: a ReferenceLine or axis
  // given a new props object removes itself from recharts' store and files itself again, and every chart
  // selector runs after each of those (that was most of an update's cost with the item page open).
  const yAxis = useMemo(
    () => (
      <YAxis
        ticks={yTicks}
        domain={yDomain}
        tickFormatter={percentTick}
        stroke="var(--muted)"
        fontSize={11}
        width={58}
        label={Y_LABEL}
      />
    ),
    [yTicks, yDomain],
  );
  const tooltip = useMemo(() => <Tooltip labelFormatter={tooltipLabel} formatter={tooltipValue} />, [tooltipLabel]);
  const thresholdLine = useMemo(
    () => <ReferenceLine y={threshold} stroke="var(--threshold)" strokeDasharray="4 4" label={thresholdLabel} />,
    [threshold, thresholdLabel],
  );
  const restartTimes = points.filter((p) => p.restarted).map((p) => p.t);
  const restartKey = restartTimes.join(',');
  const restartLines = useMemo(
    () =>
      restartKey === ''
        ? []
        : restartKey
            .split(',')
            .map((t) => (
              <ReferenceLine
                key={t}
                x={Number(t)}
                stroke="var(--restart)"
                strokeDasharray="2 3"
                className="restart-marker"
                label={RESTART_LABEL}
              />
            )),
    [restartKey],
  );
  if (points.length < 2)
    return (
      <figure className="cpu-chart" ref={figureRef}>
        <p className="state-message">Waiting for a second sample to measure CPU…</p>
      </figure>
    );
  const description = chartDescription(latest, threshold, 'CPU of the process tree', (ms) => formatTime(ms, zone));
  return (
    <figure className="cpu-chart" ref={figureRef} aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <span id={`${id}-title`} className="visually-hidden">
        CPU chart, percent of one core over time
      </span>
      <div role="img" aria-label={description}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <LineChart data={points} margin={MARGIN}>
            {GRID}
            <XAxis
              dataKey="t"
              type="number"
              domain={xDomain}
              ticks={xTicks}
              interval={0}
              tickFormatter={clock}
              stroke="var(--muted)"
              fontSize={11}
              height={X_AXIS_HEIGHT}
              label={xLabel}
            />
            {yAxis}
            {tooltip}
            {thresholdLine}
            {restartLines}
            {LINE}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption id={`${id}-desc`} className="chart-caption">
        {description}
      </figcaption>
    </figure>
  );
}

type ChartProps = Parameters<typeof CpuChartView>[0];
const sameChart = (a: ChartProps, b: ChartProps): boolean =>
  a.points === b.points &&
  a.threshold === b.threshold &&
  a.zone?.timeZone === b.zone?.timeZone &&
  a.zone?.utcOffset === b.zone?.utcOffset;

/**
 * Drawn again only for new points, threshold or time zone: the page around it is drawn again for other
 * reasons (a notice, an action's progress, the detail fetched on opening), and a chart drawn again with
 * the same points still costs recharts its store round (milliseconds).
 */
export const CpuChart = memo(CpuChartView, sameChart);
