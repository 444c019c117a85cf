import {
  createContext,
  memo,
  useCallback,
  useContext,
  useId,
  useMemo,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import { createPortal } from 'react-dom';
import { useHeldWhileOffScreen } from '../hooks';
import { formatPercent } from '../logic/list';
import {
  CartesianGrid,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  XAxis,
  YAxis,
  usePlotArea,
  useXAxisScale,
  useYAxisScale,
} from 'recharts';
import {
  chartDescription,
  liveTimeDomain,
  nearestPoint,
  niceTicks,
  pointsAcross,
  thresholdLabelPlace,
  timeTicks,
} from '../../../main/engine/chart-scale';
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
// The time grid is drawn with the time ticks (TimeAxis), not by recharts.
const GRID = <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />;
/**
 * recharts' time axis is the unit interval, the same from one sample to the next: the chart maps times to it
 * itself and draws the time ticks, their grid lines and the restarts (TimeAxis), so recharts' frame stays
 * the same when the live time axis moves on (every 30 s). Filing a new axis in recharts' store and running
 * its selectors again cost the renderer about 15 ms of CPU at each move: an open item page went from 155 to
 * 124 ms a minute (medians of four minutes at 5 s updates) when recharts stopped drawing the times.
 */
const UNIT_DOMAIN = [0, 1];
const UNIT_FRAME = [
  { t: 0, percent: 0 },
  { t: 1, percent: 0 },
];
const NO_TICKS: number[] = [];

/**
 * The item's CPU (its whole process tree), the last ten minutes, updated in place: straight segments
 * between samples, round ticks, both axes titled with their units, the threshold labelled clear of the
 * line, a marker at each restart, the sample under the pointer read out, and the same chart in words for
 * screen readers (and under it). Live, the time axis moves on in steps (liveTimeDomain); a capture's chart
 * fits the span it covers.
 */
function CpuChartView({
  points: latest,
  threshold,
  zone: given,
  live = false,
}: {
  points: Point[];
  threshold: number;
  zone?: Zone;
  live?: boolean;
}) {
  const id = useId();
  // Where the readout of the sample under the pointer goes: HTML over the chart, sized by its text.
  const [readoutLayer, setReadoutLayer] = useState<HTMLDivElement | null>(null);
  // The time being read (the pointer's, or a sample the arrow keys went to), and whether keys chose it.
  const [reading, setReading] = useState<{ t: number; byKeys: boolean } | undefined>();
  // Scrolled out of view (reading the destinations below, say), the chart keeps what it last drew; the
  // words stay current.
  const [figureRef, held] = useHeldWhileOffScreen(latest);
  // The snapshot brings a new zone object every update; only its two strings matter.
  const timeZone = given?.timeZone;
  const utcOffset = given?.utcOffset;
  const zone = useMemo(
    () => ({ ...(timeZone ? { timeZone } : {}), ...(utcOffset ? { utcOffset } : {}) }),
    [timeZone, utcOffset],
  );
  const clock = useCallback((t: number) => formatTime(t, zone).slice(11, 19), [zone]);
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
  const [t0, t1] = live ? liveTimeDomain(held.at(-1)?.t ?? 0) : [held[0]?.t ?? 0, held.at(-1)?.t ?? 0];
  const xDomain = useMemo(() => [t0, t1], [t0, t1]);
  // recharts is given neither the samples nor the times: a new data array, even one point longer, sends every
  // axis, label and line through its store again (about 9 ms here at each sample), and so does a new time
  // domain. It draws the frame (the percent axis, the grid's rows, the threshold, the time axis' line and
  // title), which changes when the percent ticks or the threshold do; CpuLine draws the samples in it, and
  // TimeAxis the times.
  const xTicks = useMemo(() => timeTicks(t0, t1), [t0, t1]);
  const points = live ? pointsAcross(held, t0, t1) : held;
  const peak = Math.max(threshold, ...points.map((p) => p.percent));
  // Kept while the ticks stay the same (the peak moves at most samples of a busy item; the ticks seldom):
  // new ticks make a new y axis, and recharts' frame is drawn again.
  const yTickKey = niceTicks(peak * 1.05).join(',');
  const yTicks = useMemo(() => yTickKey.split(',').map(Number), [yTickKey]);
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
  const xAxis = useMemo(
    () => (
      <XAxis
        dataKey="t"
        type="number"
        domain={UNIT_DOMAIN}
        ticks={NO_TICKS}
        tick={false}
        tickLine={false}
        stroke="var(--muted)"
        fontSize={11}
        height={X_AXIS_HEIGHT}
        label={xLabel}
      />
    ),
    [xLabel],
  );
  const yAxis = useMemo(
    () => (
      <YAxis
        dataKey="percent"
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
  const thresholdLine = useMemo(
    () => <ReferenceLine y={threshold} stroke="var(--threshold)" strokeDasharray="4 4" label={thresholdLabel} />,
    [threshold, thresholdLabel],
  );
  // Kept while the restarts shown stay the same, so TimeAxis is drawn again only when they or the axis change.
  const restartKey = points
    .filter((p) => p.restarted && p.t >= t0 && p.t <= t1)
    .map((p) => p.t)
    .join(',');
  const restarts = useMemo(() => (restartKey === '' ? NO_TICKS : restartKey.split(',').map(Number)), [restartKey]);
  // recharts' frame is the same React element from one sample to the next, so React does not go into
  // recharts at all for a new sample (its chart, store, portals, axes and ticks are a few dozen components
  // drawn again otherwise): the time axis and the line read what they draw through LineContext, past the
  // frame, and only they are drawn. The frame is made again when its percent ticks or threshold change.
  const frameChart = useMemo(
    () => (
      <ResponsiveContainer width="100%" height={HEIGHT}>
        <LineChart data={UNIT_FRAME} margin={MARGIN} accessibilityLayer={false}>
          {GRID}
          {xAxis}
          {yAxis}
          {thresholdLine}
          {LINE_IN_FRAME}
        </LineChart>
      </ResponsiveContainer>
    ),
    [xAxis, yAxis, thresholdLine],
  );
  if (held.length < 2)
    return (
      <figure className="cpu-chart" ref={figureRef}>
        <p className="state-message">Waiting for a second sample to measure CPU…</p>
      </figure>
    );
  const description = chartDescription(latest, threshold, 'CPU of the process tree', (ms) => formatTime(ms, zone));
  const inside = points.filter((p) => p.t >= t0 && p.t <= t1);
  const read = reading ? inside[nearestPoint(inside, reading.t)] : undefined;
  const readout = read ? `${clock(read.t)} · ${formatPercent(read.percent)} of one core` : '';
  // Left and right go from sample to sample (starting at the newest), Home and End to the ends; Escape
  // puts the readout away (and only then leaves the page, at the next press).
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      if (!reading) return;
      e.stopPropagation();
      setReading(undefined);
      return;
    }
    const last = inside.length - 1;
    const at = read ? inside.indexOf(read) : last + (e.key === 'ArrowLeft' ? 1 : 0);
    const to =
      e.key === 'ArrowLeft'
        ? at - 1
        : e.key === 'ArrowRight'
          ? at + 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : -2;
    if (to === -2) return;
    e.preventDefault();
    const sample = inside[Math.max(0, Math.min(last, to))];
    if (sample) setReading({ t: sample.t, byKeys: true });
  };
  return (
    <figure className="cpu-chart" ref={figureRef} aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
      <span id={`${id}-title`} className="visually-hidden">
        CPU chart, percent of one core over time
      </span>
      <div
        role="img"
        aria-label={`${description} Arrow keys read the samples one by one.`}
        className="cpu-chart-plot"
        tabIndex={0}
        onKeyDown={onKey}
        onBlur={() => setReading(undefined)}
      >
        <LineContext.Provider
          value={{
            points,
            domain: xDomain,
            top,
            read,
            readout,
            readoutLayer,
            onPointer: setReading,
            ticks: xTicks,
            clock,
            restarts,
          }}
        >
          {frameChart}
        </LineContext.Provider>
        <div ref={setReadoutLayer} className="cpu-readout-layer" aria-hidden="true" />
      </div>
      <span className="visually-hidden" aria-live="polite">
        {reading?.byKeys ? readout : ''}
      </span>
      <figcaption id={`${id}-desc`} className="chart-caption">
        {description}
      </figcaption>
    </figure>
  );
}

type LineProps = Parameters<typeof CpuLine>[0];
const LineContext = createContext<LineProps | undefined>(undefined);
/** CpuLine inside recharts' frame, given its props through LineContext (see CpuChartView). */
function LineInFrame() {
  const props = useContext(LineContext);
  return props ? <CpuLine {...props} /> : null;
}
const LINE_IN_FRAME = <LineInFrame />;

/**
 * The samples as straight segments in recharts' frame, clipped to it, the time axis under them (TimeAxis),
 * and the sample nearest the pointer read out (time and percent). Positions come from the axes' own scales
 * at the ends of their domains (the time axis' is the unit interval), so the line sits on the ticks recharts
 * drew; a point just outside the domain continues the line to the edge.
 */
function CpuLine({
  points,
  domain,
  top,
  read,
  readout,
  readoutLayer,
  onPointer,
  ticks,
  clock,
  restarts,
}: {
  points: Point[];
  /** The times at the time axis' ends. */
  domain: number[];
  top: number;
  /** The sample read out, and what is said about it. */
  read: Point | undefined;
  readout: string;
  readoutLayer: HTMLElement | null;
  onPointer: (reading: { t: number; byKeys: false } | undefined) => void;
  /** The times the axis is labelled at, and how. */
  ticks: number[];
  clock: (t: number) => string;
  /** When the item's process restarted, inside the domain. */
  restarts: number[];
}) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const plot = usePlotArea();
  // React's ids have characters a url(#...) reference does not take as they are.
  const clipId = `cpu-clip-${useId().replace(/[^\w-]/g, '')}`;
  const [from = 0, to = 0] = domain;
  const x0 = xScale?.(0);
  const x1 = xScale?.(1);
  const y0 = yScale?.(0);
  const y1 = yScale?.(top);
  if (!plot || x0 === undefined || x1 === undefined || y0 === undefined || y1 === undefined || to <= from || top <= 0)
    return null;
  const x = timeToX(from, to, x0, x1);
  const y = (percent: number) => y0 + (percent / top) * (y1 - y0);
  let d = '';
  for (const p of points) d += `${d ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.percent).toFixed(1)}`;
  const onMove = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width > 0) onPointer({ t: from + ((e.clientX - box.left) / box.width) * (to - from), byKeys: false });
  };
  const hx = read ? x(read.t) : 0;
  const onLeft = hx < plot.x + plot.width / 2;
  return (
    <g className="cpu-line-layer">
      <defs>
        <clipPath id={clipId}>
          <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
        </clipPath>
      </defs>
      <TimeAxis
        from={from}
        to={to}
        x0={x0}
        x1={x1}
        top={plot.y}
        bottom={plot.y + plot.height}
        ticks={ticks}
        clock={clock}
        restarts={restarts}
      />
      <path
        className="cpu-line"
        d={d}
        fill="none"
        stroke="var(--accent)"
        strokeWidth={2}
        strokeLinejoin="round"
        clipPath={`url(#${clipId})`}
      />
      {read ? (
        <g className="cpu-readout-mark" pointerEvents="none">
          <line x1={hx} x2={hx} y1={plot.y} y2={plot.y + plot.height} stroke="var(--muted)" strokeDasharray="2 2" />
          <circle cx={hx} cy={y(read.percent)} r={3.5} fill="var(--accent)" stroke="var(--panel)" strokeWidth={1.5} />
        </g>
      ) : null}
      {read && readoutLayer
        ? createPortal(
            <div
              className="cpu-readout"
              style={onLeft ? { left: hx + 8, top: plot.y } : { right: `calc(100% - ${hx - 8}px)`, top: plot.y }}
            >
              {readout}
            </div>,
            readoutLayer,
          )
        : null}
      <rect
        className="cpu-pointer-area"
        x={plot.x}
        y={plot.y}
        width={plot.width}
        height={plot.height}
        fill="transparent"
        onPointerMove={onMove}
        onPointerLeave={() => onPointer(undefined)}
      />
    </g>
  );
}

/** Where a time falls on the plot, the time axis running from `from` at x0 to `to` at x1 (the line and TimeAxis). */
function timeToX(from: number, to: number, x0: number, x1: number): (t: number) => number {
  return (t) => x0 + ((t - from) / (to - from)) * (x1 - x0);
}

/** recharts' bottom axis: tick marks 6 px long, their labels 2 px under them (CartesianAxis' defaults). */
const TICK_SIZE = 6;
const TICK_MARGIN = 2;

/**
 * The time axis' ticks and labels, the grid's columns at them, and a marker at each restart: what recharts'
 * XAxis, CartesianGrid and a ReferenceLine drew, in their places and styles, drawn here so that recharts'
 * frame does not change when the time axis moves on (see UNIT_DOMAIN). Drawn again only when the axis, its
 * ticks or the restarts change (every 30 s, live), not at each sample.
 */
const TimeAxis = memo(function TimeAxis({
  from,
  to,
  x0,
  x1,
  top,
  bottom,
  ticks,
  clock,
  restarts,
}: {
  from: number;
  to: number;
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  ticks: number[];
  clock: (t: number) => string;
  restarts: number[];
}) {
  const x = timeToX(from, to, x0, x1);
  return (
    <g className="cpu-time-axis">
      <g className="cpu-time-grid">
        {ticks.map((t) => (
          <line key={t} x1={x(t)} x2={x(t)} y1={top} y2={bottom} stroke="var(--grid)" strokeDasharray="3 3" />
        ))}
      </g>
      {restarts.map((t) => (
        <g key={t} className="restart-marker">
          <line x1={x(t)} x2={x(t)} y1={top} y2={bottom} stroke="var(--restart)" strokeDasharray="2 3" />
          <text className="restart-label" x={x(t) + 5} y={top + 5} dy="0.71em" fill="var(--restart)" fontSize={10}>
            restart
          </text>
        </g>
      ))}
      {ticks.map((t) => (
        <g key={t} className="cpu-time-tick">
          <line x1={x(t)} x2={x(t)} y1={bottom} y2={bottom + TICK_SIZE} stroke="var(--muted)" />
          <text
            className="cpu-time-tick-value"
            x={x(t)}
            y={bottom + TICK_SIZE + TICK_MARGIN}
            dy="0.71em"
            textAnchor="middle"
            fill="var(--muted)"
            fontSize={11}
          >
            {clock(t)}
          </text>
        </g>
      ))}
    </g>
  );
});

type ChartProps = Parameters<typeof CpuChartView>[0];
const sameChart = (a: ChartProps, b: ChartProps): boolean =>
  a.points === b.points &&
  a.live === b.live &&
  a.threshold === b.threshold &&
  a.zone?.timeZone === b.zone?.timeZone &&
  a.zone?.utcOffset === b.zone?.utcOffset;

/**
 * Drawn again only for new points, threshold or time zone: the page around it is drawn again for other
 * reasons (a notice, an action's progress, the detail fetched on opening), and a chart drawn again with
 * the same points still costs recharts its store round (milliseconds).
 */
export const CpuChart = memo(CpuChartView, sameChart);
