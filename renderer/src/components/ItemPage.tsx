import { Fragment, useEffect, useRef, type ReactNode } from 'react';
import { labelSegments } from '../logic/label-breaks';
import { processTree } from '../logic/process-tree';
import { formatTime } from '../../../main/engine/time-format';
import type { ItemDetail, LaunchwatchApi } from '../../../main/api/contract';
import { useItem } from '../hooks';
import { describeState, formatPercent } from '../logic/list';
import { ActionsPanel } from './ActionsPanel';
import { CpuChart } from './CpuChart';
import { ItemHistory } from './ItemHistory';
import type { Outcome } from './ActionsPanel';
import { VerdictBadge } from './VerdictBadge';

const CLASS_LABEL: Record<string, string> = {
  'mining-pool': 'known mining pool',
  'configured-pool': 'pool its arguments name',
  'stratum-port': 'Stratum port',
  'local-tunnel': 'local tunnel',
  loopback: 'this machine',
  web: 'web',
  other: 'other',
};

export function ItemPage({
  api,
  id,
  pushed,
  listed,
  historyRevision,
  zone,
  live,
  onBack,
  onLeave,
  actionsAvailable,
  onNotice,
}: {
  api: LaunchwatchApi;
  id: string;
  /** The item's detail as the last snapshot brought it (the page said it shows this item). */
  pushed: ItemDetail | undefined;
  /** Whether the list still has the item. */
  listed: boolean;
  historyRevision: string | undefined;
  /** The machine's time zone: times on the page are its own. */
  zone?: { timeZone?: string; utcOffset?: string };
  /** Watching this Mac (its chart moves on), not a capture (its chart fits the span it covers). */
  live: boolean;
  onBack: () => void;
  /** After an outcome that removes the item from where it was: the list, at its top, with the notice. */
  onLeave: () => void;
  actionsAvailable: boolean;
  onNotice: (outcome: Outcome) => void;
}) {
  const { item, missing } = useItem(api, id, pushed, listed);
  const backRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    backRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onBack();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);

  return (
    <article className="item-page" aria-labelledby="item-title">
      <button type="button" ref={backRef} className="back" onClick={onBack}>
        ← All items
      </button>
      {missing ? (
        <p className="state-message" role="alert">
          This launch item is gone (its file was removed or disabled).
        </p>
      ) : !item ? (
        <p className="state-message" role="status">
          Loading…
        </p>
      ) : (
        <Detail
          zone={zone}
          live={live}
          pivots={(which) => <Pivots api={api} item={item} which={which} live={actionsAvailable} onNotice={onNotice} />}
          history={<ItemHistory api={api} item={item} revision={historyRevision} zone={zone} />}
          item={item}
          actions={
            <ActionsPanel
              api={api}
              item={item}
              available={actionsAvailable}
              onDone={(outcome) => {
                onNotice(outcome);
                if (outcome.leave) onLeave();
              }}
            />
          }
        />
      )}
    </article>
  );
}

function Detail({
  item,
  actions,
  history,
  pivots,
  zone,
  live,
}: {
  item: ItemDetail;
  actions: ReactNode;
  history: ReactNode;
  pivots: (which: 'plist' | 'program') => ReactNode;
  zone: { timeZone?: string; utcOffset?: string } | undefined;
  live: boolean;
}) {
  return (
    <>
      <header className="item-header">
        <VerdictBadge verdict={item.verdict} />
        <h2 id="item-title">
          {labelSegments(item.label).map((segment, index) => (
            <Fragment key={index}>
              {index > 0 ? <wbr /> : null}
              <span className="segment">{segment}</span>
            </Fragment>
          ))}
        </h2>
        <span className="score" title="Evidence score: the weights of the reasons below, added up (0 to 100)">
          score {item.score}
        </span>
      </header>
      {item.sentence ? <p className="sentence">{item.sentence}</p> : null}
      <p className="path">{item.plistPath}</p>

      <section aria-labelledby="cpu-title">
        <h3 id="cpu-title">
          CPU{' '}
          <span className="muted">
            {formatPercent(item.cpu.avgPercent)} average, {formatPercent(item.cpu.maxPercent)} peak in the window
          </span>
        </h3>
        <CpuChart points={item.history} threshold={item.thresholdPercent} zone={zone} live={live} />
      </section>

      <section aria-labelledby="reasons-title">
        <h3 id="reasons-title">Why</h3>
        {item.reasons.length === 0 ? (
          <p className="muted">Nothing points at mining.</p>
        ) : (
          <ul className="reasons">
            {item.reasons.map((r) => (
              <li key={r.code} className={`reason reason-${r.strength}`} data-code={r.code}>
                <span className="reason-text">{r.text}</span>
                <span className="reason-meta">
                  {r.code} · weight {r.weight}
                  {r.attack ? ` · ${r.attack}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="attack">ATT&amp;CK: {item.attack.join(', ')}</p>
      </section>

      <section aria-labelledby="dest-title">
        <h3 id="dest-title">
          Destinations <span className="muted">{item.destinations.length}</span>
        </h3>
        {item.forgottenDestinations ? (
          <p className="muted">
            {item.forgottenDestinations} ordinary {item.forgottenDestinations === 1 ? 'destination' : 'destinations'}{' '}
            not seen for as long as the chart reaches back {item.forgottenDestinations === 1 ? 'is' : 'are'} no longer
            listed (the history keeps them).
          </p>
        ) : null}
        {item.destinations.length === 0 ? (
          <p className="muted">No connections seen.</p>
        ) : (
          <div className="table-wrap">
            <table className="destinations-table">
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">Address</th>
                  <th scope="col">Port</th>
                  <th scope="col">Protocol</th>
                  <th scope="col">State</th>
                  <th scope="col">Kind</th>
                </tr>
              </thead>
              <tbody>
                {item.destinations.map((d) => (
                  <tr key={`${d.protocol}${d.remoteAddress}:${d.remotePort}`} className={`dest-${d.classification}`}>
                    <td data-label="Host" className="dest-host">
                      {d.hostname ?? '—'}
                    </td>
                    <td data-label="Address">{d.remoteAddress}</td>
                    <td data-label="Port" className="dest-port">
                      {d.remotePort}
                    </td>
                    <td data-label="Protocol">{d.protocol}</td>
                    <td data-label="State">{d.state ?? ''}</td>
                    <td data-label="Kind" className="dest-kind">
                      {CLASS_LABEL[d.classification] ?? d.classification}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="proc-title">
        <h3 id="proc-title">
          Processes{' '}
          <span className="muted">
            {item.running ? `${item.processes.length}, found by ${item.attribution}` : 'not running'}
          </span>
        </h3>
        {item.processes.length > 0 ? (
          <table className="processes-table">
            <thead>
              <tr>
                <th scope="col">PID</th>
                <th scope="col">User</th>
                <th scope="col">CPU</th>
                <th scope="col">Command line</th>
              </tr>
            </thead>
            <tbody>
              {processTree(item.processes).map(({ process: p, depth }) => (
                <tr key={p.pid} data-depth={depth}>
                  <td>{p.pid}</td>
                  <td>{p.user ?? (p.uid !== undefined ? String(p.uid) : '—')}</td>
                  <td>{p.cpuPercent !== undefined ? formatPercent(p.cpuPercent) : '—'}</td>
                  <td className="mono" style={{ paddingLeft: `${4 + Math.min(depth, 8) * 12}px` }}>
                    {depth > 0 ? '└ ' : ''}
                    {p.args}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section aria-labelledby="program-title">
        <h3 id="program-title">Program</h3>
        <dl className="facts">
          <dt>Program</dt>
          <dd className="mono">
            {item.program ?? '—'}
            {item.program ? pivots('program') : null}
          </dd>
          <dt>Arguments</dt>
          <dd className="mono">{item.arguments.slice(1).join(' ') || '—'}</dd>
          <dt>Runs as</dt>
          <dd>{runsAs(item)}</dd>
          <dt>Signature</dt>
          <dd>
            {item.signing?.words ?? 'not known'}
            {item.vendor ? ` (a known ${item.vendor.kind} vendor)` : ''}
          </dd>
          {item.btm ? (
            <>
              <dt>Login Items</dt>
              <dd>
                {`${item.btm.developer ?? 'unknown developer'}${item.btm.teamId ? ` (${item.btm.teamId})` : ''}, ${item.btm.allowed ? 'allowed' : 'not allowed'} in Login Items & Extensions`}
              </dd>
            </>
          ) : null}
          <dt>State</dt>
          <dd>{describeState(item)}</dd>
          <dt>Starts</dt>
          <dd>
            {[
              item.runAtLoad ? 'at load' : null,
              item.keepAlive ? 'kept alive' : null,
              item.disabled ? 'disabled' : null,
            ]
              .filter(Boolean)
              .join(', ') || 'on demand'}
          </dd>
        </dl>
      </section>

      {history}

      <section aria-labelledby="plist-title">
        <h3 id="plist-title">Property list</h3>
        <p className="mono path">
          {item.plist.path}
          {item.plist.sha256 ? ` · SHA-256 ${item.plist.sha256.slice(0, 16)}…` : ''}
          {item.plist.mtime ? ` · modified ${formatTime(Date.parse(item.plist.mtime), zone)}` : ''}
        </p>
        {pivots('plist')}
        {item.plist.problems.length > 0 ? (
          <ul className="problems">
            {item.plist.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <pre className="plist">{item.plist.text}</pre>
      </section>

      <section aria-labelledby="actions-title" className="actions">
        <h3 id="actions-title">Actions</h3>
        {actions}
      </section>
    </>
  );
}

/** The user of the item's first process (the launcher): "alice (uid 501)", or the uid alone. */
function runsAs(item: ItemDetail): string {
  const root = processTree(item.processes)[0]?.process;
  if (!root || root.uid === undefined) return item.running ? 'not known' : 'not running';
  return root.user ? `${root.user} (uid ${root.uid})` : `uid ${root.uid}`;
}

/** What an investigator does next with a file: copy its path or SHA-256, or see it in the Finder (the app, live). */
function Pivots({
  api,
  item,
  which,
  live,
  onNotice,
}: {
  api: LaunchwatchApi;
  item: ItemDetail;
  which: 'plist' | 'program';
  live: boolean;
  onNotice: (outcome: Outcome) => void;
}) {
  const path = which === 'plist' ? item.plist.path : item.program;
  const sha256 = which === 'plist' ? item.plist.sha256 : undefined;
  const copy = (text: string, what: string) =>
    api.copyText(text).then(
      () => onNotice({ message: `Copied the ${what}.` }),
      (e: Error) => onNotice({ message: `The ${what} could not be copied: ${e.message}` }),
    );
  if (!path) return null;
  return (
    <span className="pivots">
      <button type="button" onClick={() => void copy(path, 'path')}>
        Copy path
      </button>
      {sha256 ? (
        <button type="button" onClick={() => void copy(sha256, 'SHA-256')}>
          Copy SHA-256
        </button>
      ) : null}
      {live && api.revealItemFile ? (
        <button
          type="button"
          onClick={() =>
            void api.revealItemFile!(item.id, which).then((o) => {
              if (!o.ok) onNotice({ message: o.message });
            })
          }
        >
          Show in Finder
        </button>
      ) : null}
    </span>
  );
}
