/**
 * A few dozen CPU points as a small line; the scale tops out at one core or the peak, whichever is higher.
 * Hidden from screen readers: it is drawn inside a row's button, whose name already says the CPU (a
 * button's content is not read out), and a label that moved with every point cost each update a write.
 */
export function Sparkline({ points }: { points: number[] }) {
  const width = 60;
  const height = 22;
  if (points.length < 2) return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  const top = Math.max(100, ...points);
  const step = width / (points.length - 1);
  const path = points
    .map((p, i) => `${(i * step).toFixed(1)},${(height - 1 - (p / top) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
