import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type FocusEvent,
  type RefObject,
} from 'react';
import type {
  ItemDetail,
  ItemHistoryView,
  ItemSummary,
  LaunchwatchApi,
  ReviewView,
  Snapshot,
  SourceInfo,
} from '../../main/api/contract';
import type { Zone } from '../../main/engine/time-format';
import { SnapshotStore } from './logic/snapshot-store';

/** The page's snapshot store, for the rows that follow their own item (see useListedItem). */
export const SnapshotStoreContext = createContext<SnapshotStore | undefined>(undefined);

/**
 * The latest snapshot: fetched once for the first paint, then kept up to date from the updates pushed
 * after every tick (only what changed comes; an update that does not follow what is held makes the page
 * ask for a whole snapshot). `listItems` changes only when the list's layout does (see SnapshotStore).
 */
export function useSnapshot(api: LaunchwatchApi): {
  snapshot?: Snapshot;
  listItems: ItemSummary[];
  store: SnapshotStore;
  error?: string;
} {
  const store = useMemo(() => new SnapshotStore(), [api]);
  const snapshot = useSyncExternalStore(store.subscribe, () => store.snapshot);
  const listItems = useSyncExternalStore(store.subscribe, () => store.listItems);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    let asking = false;
    const askWhole = (): void => {
      if (asking) return;
      asking = true;
      api
        .resendSnapshot()
        .catch((e: Error) => live && setError(e.message))
        .finally(() => (asking = false));
    };
    const off = api.onSnapshot((update) => {
      if (!store.apply(update)) return askWhole();
      setError(undefined);
    });
    api.getSnapshot().then(
      (s) => live && store.setInitial(s),
      (e: Error) => live && !store.snapshot && setError(e.message),
    );
    return () => {
      live = false;
      off();
    };
  }, [api, store]);
  return { ...(snapshot ? { snapshot } : {}), listItems, store, ...(error ? { error } : {}) };
}

/**
 * The machine's zone, one object while it stays the same: a live source's span moves with every
 * snapshot, and a view given the whole source would be drawn again each time.
 */
export function useZone(source: SourceInfo | undefined): NonNullable<Zone> {
  const timeZone = source?.timeZone;
  const utcOffset = source?.utcOffset;
  return useMemo(
    () => ({ ...(timeZone !== undefined ? { timeZone } : {}), ...(utcOffset !== undefined ? { utcOffset } : {}) }),
    [timeZone, utcOffset],
  );
}

/**
 * One listed item as it is now: a row follows its own item, so an update that moves only some rows'
 * figures draws those rows again and nothing else.
 */
export function useListedItem(id: string): ItemSummary | undefined {
  const store = useContext(SnapshotStoreContext);
  if (!store) throw new Error('useListedItem needs a SnapshotStoreContext above it');
  return useSyncExternalStore(store.subscribe, () => store.item(id));
}

/**
 * One item's detail: asked for once when the page opens, then pushed with every snapshot (the page says
 * which item it shows, and stops saying so when it closes). `listed`: the item is still in the list.
 */
export function useItem(
  api: LaunchwatchApi,
  id: string,
  pushed: ItemDetail | undefined,
  listed: boolean,
): { item?: ItemDetail; missing: boolean } {
  const [shown, setShown] = useState<{ id: string; item?: ItemDetail; missing: boolean }>({ id, missing: false });
  // A pushed detail is taken in the render that brings it, not from an effect after it: an effect drew the
  // page a first time with the old detail (the chart alone is milliseconds a draw), then again.
  let current = shown.id === id ? shown : { id, missing: false };
  if (pushed?.id === id && pushed !== current.item) current = { id, item: pushed, missing: false };
  if (current !== shown) setShown(current);
  useEffect(() => {
    let live = true;
    api.watchItem(id).catch(() => undefined);
    api.getItem(id).then(
      (detail) => {
        if (!live) return;
        // A pushed detail may have come first: it is the newer one.
        setShown((s) =>
          s.id !== id || (s.item && s.missing === (detail === undefined))
            ? s
            : { id, item: s.item ?? detail, missing: detail === undefined },
        );
      },
      () => live && setShown((s) => (s.id === id ? { ...s, missing: true } : s)),
    );
    return () => {
      live = false;
      api.watchItem(null).catch(() => undefined);
    };
  }, [api, id]);
  const missing = current.missing || !listed;
  return { ...(current.item ? { item: current.item } : {}), missing };
}

/** What is new or changed in the last `days` and not approved; undefined where there is no history. */
export function useReview(api: LaunchwatchApi, days: number, revision: string | undefined): ReviewView | undefined {
  const [review, setReview] = useState<ReviewView | undefined>();
  // Asked again only when the history's revision moves (a new or changed item recorded, or the hour).
  useEffect(() => {
    let live = true;
    api.getReview(days).then(
      (r) => live && setReview(r),
      () => live && setReview(undefined),
    );
    return () => {
      live = false;
    };
  }, [api, days, revision]);
  return review;
}

/** One item's past on this Mac, for its page. */
export function useItemHistory(
  api: LaunchwatchApi,
  id: string,
  revision: string | undefined,
): ItemHistoryView | undefined {
  const [history, setHistory] = useState<ItemHistoryView | undefined>();
  useEffect(() => {
    let live = true;
    api.getItemHistory(id).then(
      (h) => live && setHistory(h),
      () => live && setHistory(undefined),
    );
    return () => {
      live = false;
    };
  }, [api, id, revision]);
  return history;
}

/**
 * The ids of the rows (elements with data-item-id under `container`) that are on screen or near it, or
 * hold the focus (a screen reader's row is read with its latest figures). `rowsKey` changes when the
 * rows do, so new ones are watched.
 */
export function useRowsOnScreen(
  container: RefObject<HTMLElement | null>,
  rowsKey: string,
): { onScreen: ReadonlySet<string>; onFocus: (event: FocusEvent<HTMLElement>) => void; onBlur: () => void } {
  const [onScreen, setOnScreen] = useState<ReadonlySet<string>>(() => new Set());
  const [focused, setFocused] = useState<string | undefined>();
  const observer = useRef<IntersectionObserver | undefined>(undefined);
  useLayoutEffect(() => {
    const root = container.current;
    if (!root || typeof IntersectionObserver === 'undefined') return;
    observer.current ??= new IntersectionObserver(
      (entries) => {
        setOnScreen((current) => {
          let next: Set<string> | undefined;
          for (const entry of entries) {
            const target = entry.target as HTMLElement;
            const id = target.dataset.itemId;
            if (!target.isConnected) observer.current?.unobserve(target);
            if (id === undefined || (entry.isIntersecting && target.isConnected) === current.has(id)) continue;
            next ??= new Set(current);
            if (entry.isIntersecting && target.isConnected) next.add(id);
            else next.delete(id);
          }
          return next ?? current;
        });
      },
      { rootMargin: '200px 0px' },
    );
    // Observing a row twice is a no-op; rows that left are dropped when the observer reports them gone.
    root.querySelectorAll<HTMLElement>('[data-item-id]').forEach((row) => observer.current?.observe(row));
  }, [container, rowsKey]);
  useEffect(() => () => observer.current?.disconnect(), []);
  const rows = useMemo(
    () => (focused && !onScreen.has(focused) ? new Set([...onScreen, focused]) : onScreen),
    [onScreen, focused],
  );
  return {
    onScreen: rows,
    // For the container: focus moving between rows (these bubble in React).
    onFocus: (event: FocusEvent<HTMLElement>) =>
      setFocused((event.target as HTMLElement).closest<HTMLElement>('[data-item-id]')?.dataset.itemId),
    onBlur: () => setFocused(undefined),
  };
}

/**
 * Keeps the focus on a row when the list moves it. A row whose item changed group is drawn anew in its
 * new group, and the browser takes the focus from the element that left the page (HTML's "focus fixup"):
 * a keyboard or screen-reader user would be thrown back to the top of the page, and a row the user came
 * back to from an item page could lose the focus it was just given. After each layout of the list (this
 * hook's effect runs with it), a row that held the focus and lost it to the page gets it back.
 * Handlers for the list's container.
 */
export function useRowFocusKept(container: RefObject<HTMLElement | null>): {
  onFocus: (event: FocusEvent<HTMLElement>) => void;
  onBlur: (event: FocusEvent<HTMLElement>) => void;
} {
  const holder = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const id = holder.current;
    if (id === undefined || !focusIsOnThePage()) return;
    const row = container.current?.querySelector<HTMLElement>(`[data-item-id="${CSS.escape(id)}"]`);
    if (row) row.focus({ preventScroll: true });
    // Its item is gone: nothing to go back to, now or when it comes back.
    else holder.current = undefined;
  });
  return {
    onFocus: (event) => {
      holder.current = rowIdOf(event.target);
    },
    onBlur: (event) => {
      // To another control: let go (a row taking it says so in onFocus, which comes after).
      if (event.relatedTarget) holder.current = undefined;
      // To nothing: the user clicked off the list (let go), or the row left the page in a layout (kept for
      // the effect above, which runs before this check).
      else
        queueMicrotask(() => {
          if (focusIsOnThePage()) holder.current = undefined;
        });
    },
  };
}

function focusIsOnThePage(): boolean {
  return !document.activeElement || document.activeElement === document.body;
}

function rowIdOf(target: EventTarget | null): string | undefined {
  return target instanceof HTMLElement ? target.closest<HTMLElement>('[data-item-id]')?.dataset.itemId : undefined;
}

/**
 * Tells main which rows are on screen (a moment after they settle, not at every scroll step), so only
 * their figures come with each update; when the list goes (an item page opens), none.
 */
export function useWatchedRows(api: LaunchwatchApi, onScreen: ReadonlySet<string>): void {
  useEffect(() => {
    // Without an IntersectionObserver nothing is known to be on screen: every row's figures are sent.
    const rows = typeof IntersectionObserver === 'undefined' ? null : [...onScreen];
    const timer = setTimeout(() => void api.watchRows(rows).catch(() => undefined), 100);
    return () => clearTimeout(timer);
  }, [api, onScreen]);
  useEffect(() => () => void api.watchRows([]).catch(() => undefined), [api]);
}

/**
 * `value` while the element given the returned ref is on screen (or near it); while it is scrolled out of
 * view, the value it had when it left, so what is drawn from it is not drawn again for nobody. Back on
 * screen, the latest at once. Without an IntersectionObserver, always the latest.
 */
export function useHeldWhileOffScreen<T>(value: T): [(element: Element | null) => void, T] {
  // The value last drawn (kept after each commit, not during a render React may throw away).
  const latest = useRef(value);
  useLayoutEffect(() => {
    latest.current = value;
  });
  const [held, setHeld] = useState<{ value: T } | undefined>();
  const observer = useRef<IntersectionObserver | undefined>(undefined);
  const ref = useCallback((element: Element | null) => {
    observer.current?.disconnect();
    observer.current = undefined;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    observer.current = new IntersectionObserver(
      (entries) => {
        const entry = entries.at(-1);
        if (entry) setHeld(entry.isIntersecting ? undefined : { value: latest.current });
      },
      { rootMargin: '100px 0px' },
    );
    observer.current.observe(element);
  }, []);
  // No cleanup effect: React calls the ref with null when the element goes, which disconnects.
  return [ref, held ? held.value : value];
}
