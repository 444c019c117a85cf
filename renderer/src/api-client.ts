// The API the views use: Electron's preload puts it on `window.launchwatch`; in web mode the same
// contract is served over HTTP and server-sent events by the bridge, with the token from the URL.
import type {
  ActionOutcomeView,
  ItemDetail,
  ItemHistoryView,
  LaunchwatchApi,
  ReviewView,
  PlanResponse,
  ScanOptionsInput,
  Snapshot,
  SnapshotUpdate,
} from '../../main/api/contract';

declare global {
  interface Window {
    launchwatch?: LaunchwatchApi;
  }
}

export function connectApi(): LaunchwatchApi {
  return window.launchwatch ?? webBridgeClient(new URLSearchParams(window.location.search).get('token') ?? '');
}

function webBridgeClient(token: string): LaunchwatchApi {
  const headers = { 'content-type': 'application/json', 'x-launchwatch-token': token };
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(path, { ...init, headers });
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
    return body;
  };
  const snapshotListeners = new Set<(update: SnapshotUpdate) => void>();
  let source: EventSource | undefined;
  const ensureEvents = (): void => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.addEventListener('snapshot', (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as SnapshotUpdate;
      snapshotListeners.forEach((l) => l(update));
    });
  };
  return {
    getSnapshot: () => call<Snapshot>('/api/snapshot'),
    watchRows: async (ids) => {
      await call<object>('/api/watch-rows', { method: 'POST', body: JSON.stringify(ids) });
    },
    resendSnapshot: async () => {
      await call<object>('/api/resend-snapshot', { method: 'POST', body: 'null' });
    },
    getItem: async (id) => {
      try {
        return await call<ItemDetail>(`/api/item?id=${encodeURIComponent(id)}`);
      } catch {
        return undefined;
      }
    },
    watchItem: async (id) => {
      await call<object>('/api/watch-item', { method: 'POST', body: JSON.stringify(id) });
    },
    setOptions: (options: ScanOptionsInput) =>
      call<Snapshot>('/api/options', { method: 'POST', body: JSON.stringify(options) }),
    setPaused: (paused: boolean) => call<Snapshot>('/api/paused', { method: 'POST', body: JSON.stringify(paused) }),
    planDisable: (itemId) => call<PlanResponse>('/api/plan-disable', { method: 'POST', body: JSON.stringify(itemId) }),
    approvePlan: (planId) =>
      call<ActionOutcomeView>('/api/approve-plan', { method: 'POST', body: JSON.stringify(planId) }),
    cancelPlan: async (planId) => {
      await call<object>('/api/cancel-plan', { method: 'POST', body: JSON.stringify(planId) });
    },
    undo: (actionId) => call<ActionOutcomeView>('/api/undo', { method: 'POST', body: JSON.stringify(actionId) }),
    approveItem: (itemId, note, cpuLimitPercent) =>
      call<ActionOutcomeView>('/api/approve-item', {
        method: 'POST',
        body: JSON.stringify({
          itemId,
          ...(note === undefined ? {} : { note }),
          ...(cpuLimitPercent === undefined ? {} : { cpuLimitPercent }),
        }),
      }),
    unapproveItem: (itemId) =>
      call<ActionOutcomeView>('/api/unapprove-item', { method: 'POST', body: JSON.stringify(itemId) }),
    onSnapshot: (listener) => {
      snapshotListeners.add(listener);
      ensureEvents();
      return () => snapshotListeners.delete(listener);
    },
    // Notifications exist only in the app.
    onOpenItem: () => () => undefined,
    exportReport: ({ format, redacted }) =>
      download(`/api/report?format=${format}&redact=${redacted ? 1 : 0}`, token, 'Report'),
    exportApprovals: () => download('/api/approvals', token, 'Approved items'),
    getReview: async (days) => (await call<ReviewView | null>(`/api/review?days=${days}`)) ?? undefined,
    getItemHistory: async (id) =>
      (await call<ItemHistoryView | null>(`/api/item-history?id=${encodeURIComponent(id)}`)) ?? undefined,
    // 127.0.0.1 is a secure context: the page's own clipboard API works, as the user asked by clicking.
    copyText: (text) => navigator.clipboard.writeText(text),
    importApprovals: (text, name) =>
      call<ActionOutcomeView>('/api/import-approvals', { method: 'POST', body: JSON.stringify({ text, name }) }),
  };
}

/**
 * A file from the bridge saved by the browser: fetched with the token in its header (a link cannot carry
 * it), then handed to the browser's own download as a blob the page made itself.
 */
async function download(path: string, token: string, what: string): Promise<ActionOutcomeView> {
  const response = await fetch(path, { headers: { 'x-launchwatch-token': token } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    return { ok: false, message: body.error ?? `${what} could not be made (HTTP ${response.status}).` };
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'launchwatch-file';
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
  } finally {
    // After the click has started the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { ok: true, message: `${what} downloaded as ${name}.` };
}
