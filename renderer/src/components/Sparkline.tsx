/** A few dozen CPU points as a small line; the scale tops out at one core or the peak, whichever is higher. */
export function Sparkline({ points, label }: { points: number[]; label: string }) {
  const width = 60;
  const height = 22;
  if (points.length < 2)
    return (
      <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: no CPU history yet`} />
    );
  const top = Math.max(100, ...points);
  const step = width / (points.length - 1);
  const path = points
    .map((p, i) => `${(i * step).toFixed(1)},${(height - 1 - (p / top) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: CPU over the last ${points.length} samples, latest ${points.at(-1)?.toFixed(1)}%`}
    >
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
