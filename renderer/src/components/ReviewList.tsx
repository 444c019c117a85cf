import type { LaunchwatchApi } from '../../../main/api/contract';
import { formatTime } from '../../../main/engine/time-format';
import { useReview } from '../hooks';
import { VERDICT_LABEL } from '../logic/list';

const DAYS = 7;

/**
 * "New and changed since <date>": launch items this Mac's history saw appear or change in the last week
 * that nobody approved since. Shown only where there is a history (live, not a capture).
 */
export function ReviewList({
  api,
  revision,
  zone,
  onOpen,
}: {
  api: LaunchwatchApi;
  /** The history's revision: the list is asked for again only when it moves. */
  revision: string | undefined;
  zone: { timeZone?: string; utcOffset?: string };
  onOpen: (id: string) => void;
}) {
  const review = useReview(api, DAYS, revision);
  if (!review || review.items.length === 0) return null;
  const since = formatTime(review.since, zone).slice(0, 10);
  return (
    <details className="review" open>
      <summary>
        New and changed since {since}, not approved <span className="count">{review.items.length}</span>
      </summary>
      <ul>
        {review.items.map((entry) => (
          <li key={entry.id}>
            <button type="button" className="review-row" onClick={() => onOpen(entry.id)} title={entry.plistPath}>
              <span className="label-text">{entry.label || entry.plistPath}</span>
              <span className="muted">
                {entry.lastChange
                  ? `changed ${formatTime(entry.lastChange.at, zone).slice(0, 16)}: ${entry.lastChange.what.join(', ')}`
                  : `new ${formatTime(entry.firstSeen, zone).slice(0, 16)}`}
                {entry.verdict && entry.verdict !== 'ok' ? ` · ${VERDICT_LABEL[entry.verdict]}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
