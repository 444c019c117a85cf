import { useCallback, useEffect, useState, type DragEvent } from 'react';
import type { LaunchwatchApi } from '../../main/api/contract';
import { ItemList } from './components/ItemList';
import { ItemPage } from './components/ItemPage';
import { StatusBar } from './components/StatusBar';
import { useSnapshot } from './hooks';

type Theme = 'light' | 'dark';

export function App({ api }: { api: LaunchwatchApi }) {
  const { snapshot, error } = useSnapshot(api);
  const [selected, setSelected] = useState<string | undefined>();
  const [theme, setTheme] = useState<Theme>(() =>
    window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  );

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => api.onOpenItem((id) => setSelected(id)), [api]);
  const back = useCallback(() => setSelected(undefined), []);
  const [notice, setNotice] = useState<string | undefined>();
  // What the engine has to say (recovery after a crash, outcomes) shows until dismissed, once each.
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const pending = notice ?? snapshot?.notices.filter((n) => !dismissed.has(n)).at(-1);
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
      <header className="app-header">
        <h1>Launchwatch</h1>
        <button
          type="button"
          className="theme-toggle"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} mode`}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      {pending ? (
        <div className="notice" role="status" aria-live="polite">
          {pending}
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={dismiss}>
            ×
          </button>
        </div>
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
            updatedAt={snapshot.updatedAt}
            onBack={back}
            actionsAvailable={snapshot.actionsAvailable}
            onNotice={setNotice}
          />
        ) : (
          <ItemList snapshot={snapshot} onOpen={setSelected} api={api} onNotice={setNotice} />
        )}
      </main>
      {snapshot && !snapshot.loading ? <StatusBar snapshot={snapshot} api={api} /> : null}
    </div>
  );
}
