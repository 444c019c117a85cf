import { useEffect, useState } from 'react';
import type { ItemDetail, ItemHistoryView, LaunchwatchApi, ReviewView, Snapshot } from '../../main/api/contract';

/** The latest snapshot: fetched once, then pushed after every tick. */
export function useSnapshot(api: LaunchwatchApi): { snapshot?: Snapshot; error?: string } {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    api.getSnapshot().then(
      (s) => live && setSnapshot(s),
      (e: Error) => live && setError(e.message),
    );
    const off = api.onSnapshot((s) => {
      setSnapshot(s);
      setError(undefined);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return { ...(snapshot ? { snapshot } : {}), ...(error ? { error } : {}) };
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
  const [item, setItem] = useState<ItemDetail | undefined>();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let live = true;
    setItem(undefined);
    setMissing(false);
    api.watchItem(id).catch(() => undefined);
    api.getItem(id).then(
      (detail) => {
        if (!live) return;
        // A pushed detail may have come first: it is the newer one.
        setItem((current) => current ?? detail);
        setMissing(detail === undefined);
      },
      () => live && setMissing(true),
    );
    return () => {
      live = false;
      api.watchItem(null).catch(() => undefined);
    };
  }, [api, id]);
  useEffect(() => {
    if (pushed?.id !== id) return;
    setItem(pushed);
    setMissing(false);
  }, [pushed, id]);
  useEffect(() => {
    if (!listed) setMissing(true);
  }, [listed]);
  return { ...(item ? { item } : {}), missing };
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
