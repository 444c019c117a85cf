import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** The item's CPU (its whole process tree), the last ten minutes, with the threshold. Updates in place. */
export function CpuChart({ points, threshold }: { points: { t: number; percent: number }[]; threshold: number }) {
  const time = (t: number) =>
    new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const latest = points.at(-1);
  return (
    <figure
      className="cpu-chart"
      aria-label={`CPU of the process tree over the last ten minutes${latest ? `, latest ${latest.percent}%` : ''}, threshold ${threshold}%`}
    >
      {points.length < 2 ? (
        <p className="state-message">Waiting for a second sample to measure CPU…</p>
      ) : (
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
            <XAxis
              dataKey="t"
              type="number"
              domain={['dataMin', 'dataMax']}
              tickFormatter={time}
              stroke="var(--muted)"
              fontSize={11}
            />
            <YAxis
              unit="%"
              stroke="var(--muted)"
              fontSize={11}
              width={48}
              domain={[0, (max: number) => Math.max(100, Math.ceil(max / 50) * 50)]}
            />
            <Tooltip labelFormatter={(t) => time(Number(t))} formatter={(v) => [`${v}%`, 'CPU']} />
            <ReferenceLine
              y={threshold}
              stroke="var(--threshold)"
              strokeDasharray="4 4"
              label={{
                value: `threshold ${threshold}%`,
                fill: 'var(--muted)',
                fontSize: 11,
                position: 'insideTopRight',
              }}
            />
            <Line
              type="monotone"
              dataKey="percent"
              stroke="var(--accent)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
