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

/** One item's detail, fetched again whenever a new snapshot arrives (updatedAt changes). */
export function useItem(
  api: LaunchwatchApi,
  id: string,
  updatedAt: number | undefined,
): { item?: ItemDetail; missing: boolean } {
  const [item, setItem] = useState<ItemDetail | undefined>();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let live = true;
    api.getItem(id).then(
      (detail) => {
        if (!live) return;
        setItem(detail);
        setMissing(detail === undefined);
      },
      () => live && setMissing(true),
    );
    return () => {
      live = false;
    };
  }, [api, id, updatedAt]);
  return { ...(item ? { item } : {}), missing };
}

/** What is new or changed in the last `days` and not approved; undefined where there is no history. */
export function useReview(api: LaunchwatchApi, days: number, updatedAt: number | undefined): ReviewView | undefined {
  const [review, setReview] = useState<ReviewView | undefined>();
  // Asked again with each snapshot: the query reads one small table, and a new item shows at once.
  useEffect(() => {
    let live = true;
    api.getReview(days).then(
      (r) => live && setReview(r),
      () => live && setReview(undefined),
    );
    return () => {
      live = false;
    };
  }, [api, days, updatedAt]);
  return review;
}

/** One item's past on this Mac, for its page. */
export function useItemHistory(
  api: LaunchwatchApi,
  id: string,
  updatedAt: number | undefined,
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
  }, [api, id, updatedAt]);
  return history;
}
