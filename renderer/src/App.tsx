import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { LaunchwatchApi } from '../../main/api/contract';
import { ItemList } from './components/ItemList';
import { ItemPage } from './components/ItemPage';
import type { Outcome } from './components/ActionsPanel';
import { AppHeader } from './components/AppHeader';
import { SettingsPanel, type Theme } from './components/SettingsPanel';
import { StatusBar } from './components/StatusBar';
import { SnapshotStoreContext, useSnapshot, useZone } from './hooks';

const THEME_KEY = 'launchwatch-theme';

function initialTheme(): Theme {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    if (stored === 'light' || stored === 'dark') return stored;
  } catch {
    // No storage: the system's choice.
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App({ api }: { api: LaunchwatchApi }) {
  const { snapshot, listItems, store, error } = useSnapshot(api);
  const zone = useZone(snapshot?.source);
  const [selected, setSelected] = useState<string | undefined>();
  // The theme the user chose is remembered; until then, the system's.
  const [theme, setTheme] = useState<Theme>(() => initialTheme());

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const chooseTheme = useCallback((next: Theme) => {
    setTheme(next);
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (a private window): the choice lasts this session.
    }
  }, []);
  useEffect(() => api.onOpenItem((id) => setSelected(id)), [api]);
  // Back (or Escape) returns focus to the row the user came from.
  const [cameFrom, setCameFrom] = useState<string | undefined>();
  // The last item opened keeps its row shown in the list (past "Show more" too), so focus has a place to go back to.
  const [lastOpened, setLastOpened] = useState<string | undefined>();
  const open = useCallback((id: string) => {
    setCameFrom(id);
    setLastOpened(id);
    setSelected(id);
  }, []);
  const back = useCallback(() => setSelected(undefined), []);
  // After Disable the item is gone from the list: the user lands at the top, on the notice (and its
  // Undo), not on a row further down.
  const noticeRef = useRef<HTMLDivElement>(null);
  const [focusNotice, setFocusNotice] = useState(false);
  const leave = useCallback(() => {
    setCameFrom(undefined);
    setSelected(undefined);
    setFocusNotice(true);
  }, []);
  useEffect(() => {
    if (selected || !cameFrom) return;
    let frame = 0;
    let tries = 0;
    const attempt = () => {
      const row = document.querySelector<HTMLElement>(`[data-item-id="${CSS.escape(cameFrom)}"]`);
      if (row) {
        row.focus();
        // Once: later snapshots must not pull focus back from wherever the user has gone since.
        setCameFrom(undefined);
      } else if (++tries < 60) {
        // Not drawn yet: tried at the next frames for about a second, then with the next snapshot (a
        // steady list may send none for a while).
        frame = requestAnimationFrame(attempt);
      }
    };
    attempt();
    return () => cancelAnimationFrame(frame);
  }, [selected, cameFrom, snapshot]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const openSettings = useCallback(() => setSettingsOpen(true), []);
  const [notice, setNoticeState] = useState<Outcome | undefined>();
  const setNotice = useCallback(
    (next: Outcome | string | undefined) => setNoticeState(typeof next === 'string' ? { message: next } : next),
    [],
  );
  // What the engine has to say (recovery after a crash, outcomes) shows until dismissed, once each.
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const pending = notice?.message ?? snapshot?.notices.filter((n) => !dismissed.has(n)).at(-1);
  const undoFromNotice = (actionId: string) => {
    // The Undo is done by the time its outcome shows: older notices are read.
    setDismissed(new Set([...dismissed, ...(snapshot?.notices ?? [])]));
    api.undo(actionId).then(
      (o) => setNotice(o.message),
      (e: Error) => setNotice(e.message),
    );
  };
  // An outcome (disabled, undone, approved) is shown where the user is: the top of the window.
  useEffect(() => {
    if (pending) window.scrollTo({ top: 0 });
  }, [pending]);
  useEffect(() => {
    if (!focusNotice || !noticeRef.current) return;
    (noticeRef.current.querySelector<HTMLElement>('.notice-undo') ?? noticeRef.current).focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
    setFocusNotice(false);
  }, [focusNotice, pending]);
  const dismiss = () => {
    // Everything said so far is read: older notices do not come back in its place.
    setDismissed(new Set([...dismissed, ...(snapshot?.notices ?? []), ...(pending ? [pending] : [])]));
    setNotice(undefined);
  };

  // A capture folder or .tar.gz dropped on the window opens like a live machine (the app only).
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    const file = event.dataTransfer.files[0];
    if (!file) return;
    if (!api.openCaptureFile) {
      setNotice('In web mode, open a capture with "npm run web -- --replay <capture>".');
      return;
    }
    api.openCaptureFile(file).then(
      (o) => setNotice(o.message),
      (e: Error) => setNotice(e.message),
    );
  };

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <AppHeader
        api={api}
        theme={theme}
        onTheme={chooseTheme}
        capture={snapshot?.source.kind === 'capture'}
        actionsAvailable={snapshot?.actionsAvailable ?? false}
        onOutcome={setNotice}
        onOpenSettings={openSettings}
      />
      {pending ? (
        <div className="notice" role="status" aria-live="polite" tabIndex={-1} ref={noticeRef}>
          <span className="notice-text">{pending}</span>
          {notice?.undoActionId ? (
            <button type="button" className="notice-undo" onClick={() => undoFromNotice(notice.undoActionId as string)}>
              Undo
            </button>
          ) : null}
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
      ) : null}
      {settingsOpen && snapshot ? (
        <SettingsPanel
          api={api}
          options={snapshot.options}
          theme={theme}
          onTheme={chooseTheme}
          onClose={() => setSettingsOpen(false)}
        />
      ) : null}
      <main className="app-main">
        {error ? (
          <div className="state-message error" role="alert">
            Launchwatch could not reach its engine: {error}
          </div>
        ) : !snapshot || snapshot.loading ? (
          <div className="state-message" role="status" aria-live="polite">
            Taking the first samples…
          </div>
        ) : snapshot.error ? (
          <div className="state-message error" role="alert">
            {snapshot.error}
          </div>
        ) : selected ? (
          <ItemPage
            api={api}
            id={selected}
            pushed={snapshot.detail}
            listed={snapshot.items.some((i) => i.id === selected)}
            historyRevision={snapshot.historyRevision}
            zone={zone}
            live={snapshot.source.kind === 'live'}
            onBack={back}
            onLeave={leave}
            actionsAvailable={snapshot.actionsAvailable}
            onNotice={setNotice}
          />
        ) : (
          <SnapshotStoreContext.Provider value={store}>
            <ItemList
              items={listItems}
              revision={snapshot.historyRevision}
              zone={zone}
              actions={snapshot.actions}
              onOpen={open}
              api={api}
              onNotice={setNotice}
              keep={lastOpened}
            />
          </SnapshotStoreContext.Provider>
        )}
      </main>
      {snapshot && !snapshot.loading ? <StatusBar snapshot={snapshot} api={api} /> : null}
    </div>
  );
}
