import equal from 'fast-deep-equal';
import { memo } from 'react';
import type { ItemDetail, LaunchwatchApi } from '../../../main/api/contract';
import { formatTime } from '../../../main/engine/time-format';
import { useItemHistory } from '../hooks';
import { VERDICT_LABEL } from '../logic/list';

type Zone = { timeZone?: string; utcOffset?: string } | undefined;

/**
 * The item's past on this Mac: first seen, every change, verdicts over time, daily CPU for 30 days and
 * its destinations with the day each was first seen. Only where there is a history (live).
 */
export const ItemHistory = memo(function ItemHistory({
  api,
  id,
  past,
  revision,
  zone,
}: {
  api: LaunchwatchApi;
  id: string;
  past: ItemDetail['past'];
  revision: string | undefined;
  zone: Zone;
}) {
  const history = useItemHistory(api, id, revision);
  const at = (ms: number) => formatTime(ms, zone).slice(0, 16);
  const day = (ms: number) => formatTime(ms, zone).slice(0, 10);
  if (!history && !past) return null;
  const peak = Math.max(1, ...(history?.dailyCpu.map((d) => d.max) ?? []));
  return (
    <section aria-labelledby="history-title" className="item-history">
      <h3 id="history-title">History on this Mac</h3>
      <dl className="facts history">
        <dt>First seen</dt>
        <dd>{formatTime(history?.firstSeen ?? past?.firstSeen ?? 0, zone)}</dd>
        <dt>Last changed</dt>
        <dd>
          {past?.lastChange
            ? `${formatTime(past.lastChange.at, zone)} (${past.lastChange.what.join(', ')})`
            : 'not since it was first seen'}
        </dd>
        {past?.usual ? (
          <>
            <dt>Usual</dt>
            <dd>{past.usual}</dd>
          </>
        ) : null}
      </dl>
      {history && history.changes.length > 0 ? (
        <>
          <h4>Changes</h4>
          <ul className="history-changes">
            {history.changes.map((c) => (
              <li key={c.at}>
                {at(c.at)}: {c.what.join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {history && history.verdicts.length > 0 ? (
        <>
          <h4>Verdicts over time</h4>
          <ul className="history-verdicts">
            {history.verdicts.map((v) => (
              <li key={`${v.at}-${v.verdict}`}>
                {at(v.at)}: {VERDICT_LABEL[v.verdict] ?? v.verdict}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {history && history.dailyCpu.length > 0 ? (
        <>
          <h4>CPU by day, last 30 days (% of one core)</h4>
          <table className="history-cpu">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Average</th>
                <th scope="col">Peak</th>
                <th scope="col" aria-hidden="true" />
              </tr>
            </thead>
            <tbody>
              {history.dailyCpu.map((d) => (
                <tr key={d.day}>
                  <td>{day(d.day)}</td>
                  <td>{d.avg}%</td>
                  <td>{d.max}%</td>
                  <td aria-hidden="true">
                    <span className="bar" style={{ width: `${Math.round((d.max / peak) * 100)}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {history && history.destinations.length > 0 ? (
        <>
          <h4>Destinations it has talked to</h4>
          <ul className="history-destinations">
            {history.destinations.map((d) => (
              <li key={d.endpoint}>
                <span className="mono">{d.endpoint}</span>{' '}
                <span className="muted">
                  first {day(d.firstSeen)}, last {day(d.lastSeen)}, seen {d.count} time{d.count === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}, equal);
