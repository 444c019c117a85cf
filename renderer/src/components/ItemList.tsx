import { memo, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ActionView, ItemSummary, LaunchwatchApi } from '../../../main/api/contract';
import type { Zone } from '../../../main/engine/time-format';
import { DisabledList } from './DisabledList';
import { ReviewList } from './ReviewList';
import {
  filterItems,
  formatPercent,
  groupByVerdict,
  hiddenAppleCount,
  keepsHidden,
  ROWS_SHOWN,
  sameRow,
  shownRows,
  VERDICT_LABEL,
} from '../logic/list';
import { useListedItem, useRowFocusKept, useRowsOnScreen, useWatchedRows } from '../hooks';
import { Sparkline } from './Sparkline';
import { VerdictBadge } from './VerdictBadge';

/**
 * The list, laid out again only when its rows or their order change (`items` is the store's listing);
 * each row follows its own item's figures.
 */
export const ItemList = memo(function ItemList({
  items: listed,
  revision,
  zone,
  actions,
  onOpen,
  api,
  onNotice,
  keep,
}: {
  items: ItemSummary[];
  revision: string | undefined;
  zone: NonNullable<Zone>;
  actions: ActionView[];
  onOpen: (id: string) => void;
  /** The item the user came back from: its row is shown whatever "Show more" says (focus returns to it). */
  keep?: string | undefined;
  api: LaunchwatchApi;
  onNotice: (message: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [showApple, setShowApple] = useState(false);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const listRef = useRef<HTMLDivElement>(null);
  const visible = useMemo(() => filterItems(listed, { query, showApple }), [listed, query, showApple]);
  const groups = useMemo(() => groupByVerdict(visible), [visible]);
  const appleCount = hiddenAppleCount(listed);
  const rows = groups.map((group) => ({
    group,
    items: shownRows(group.items, expanded.has(group.verdict) || keepsHidden(group.items, keep), query),
  }));
  const { onScreen, onFocus, onBlur } = useRowsOnScreen(
    listRef,
    rows.map(({ items }) => items.map((i) => i.id).join('\n')).join('\n\n'),
  );
  useWatchedRows(api, onScreen);
  const focusKept = useRowFocusKept(listRef);

  // Up and down move between rows; Enter opens (buttons do that already).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const rows = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.item-row') ?? [])];
    const index = rows.indexOf(document.activeElement as HTMLButtonElement);
    const next = rows[event.key === 'ArrowDown' ? Math.min(rows.length - 1, index + 1) : Math.max(0, index - 1)];
    next?.focus();
    event.preventDefault();
  };

  return (
    <section aria-label="Launch items">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search labels and paths"
          aria-label="Search launch items"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="toggle">
          <input type="checkbox" checked={showApple} onChange={(e) => setShowApple(e.target.checked)} />
          Show Apple items ({appleCount})
        </label>
      </div>
      <ReviewList api={api} revision={revision} zone={zone} onOpen={onOpen} />
      {visible.length === 0 ? (
        <p className="state-message">
          {listed.length === 0
            ? 'No launch items found: the scan is incomplete, not an all-clear.'
            : 'No launch item matches.'}
        </p>
      ) : (
        <div
          className="item-list"
          ref={listRef}
          onKeyDown={onKeyDown}
          onFocus={(event) => {
            onFocus(event);
            focusKept.onFocus(event);
          }}
          onBlur={(event) => {
            onBlur();
            focusKept.onBlur(event);
          }}
        >
          {rows.map(({ group, items }) => (
            <section
              key={group.verdict}
              className={`group group-${group.verdict}`}
              aria-label={`${VERDICT_LABEL[group.verdict]}: ${group.items.length}`}
            >
              <h2>
                {VERDICT_LABEL[group.verdict]} <span className="count">{group.items.length}</span>
              </h2>
              <ul>
                {items.map((item) => (
                  <ItemRow key={item.id} id={item.id} onOpen={onOpen} />
                ))}
              </ul>
              {!expanded.has(group.verdict) &&
              !keepsHidden(group.items, keep) &&
              !query &&
              group.items.length > ROWS_SHOWN ? (
                <button
                  type="button"
                  className="show-more"
                  onClick={() => setExpanded((now) => new Set([...now, group.verdict]))}
                >
                  Show {group.items.length - ROWS_SHOWN} more
                </button>
              ) : null}
            </section>
          ))}
        </div>
      )}
      <DisabledList api={api} actions={actions} onDone={onNotice} />
    </section>
  );
});

/** One row: follows its own item, so only the rows whose item changed are drawn again. */
const ItemRow = memo(function ItemRow({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const item = useListedItem(id);
  return item ? <RowContent item={item} onOpen={onOpen} /> : null;
});

/** What a row shows, drawn again only when that changed (an item can change where the row does not). */
const RowContent = memo(
  function RowContent({ item, onOpen }: { item: ItemSummary; onOpen: (id: string) => void }) {
    return (
      <li>
        <button
          type="button"
          className="item-row"
          data-item-id={item.id}
          onClick={() => onOpen(item.id)}
          aria-label={`${item.label}, ${VERDICT_LABEL[item.verdict]}, CPU ${formatPercent(item.cpuPercent)}, ${item.destinationCount} destinations`}
        >
          <VerdictBadge verdict={item.verdict} />
          <span className="item-label">
            <span className="label-text" title={item.label}>
              {item.label}
            </span>
            {item.headline && item.verdict !== 'ok' ? <span className="headline">{item.headline}</span> : null}
            {item.measuring ? <span className="headline muted">{item.measuring}</span> : null}
          </span>
          <Sparkline points={item.sparkline} />
          <span className="cpu">{formatPercent(item.cpuPercent)}</span>
          <span className="destinations" title="destinations">
            {item.destinationCount} ⇄
          </span>
        </button>
      </li>
    );
  },
  (before, after) => before.onOpen === after.onOpen && (before.item === after.item || sameRow(before.item, after.item)),
);
