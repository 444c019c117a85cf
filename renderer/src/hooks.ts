import { useEffect, useState } from 'react';
import type { ItemDetail, LaunchwatchApi, Snapshot } from '../../main/api/contract';

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
