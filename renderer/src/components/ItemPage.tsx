import equal from 'fast-deep-equal';
import { Fragment, memo, useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { labelSegments } from '../logic/label-breaks';
import { processTree } from '../logic/process-tree';
import { formatTime } from '../../../main/engine/time-format';
import type { ItemDetail, LaunchwatchApi } from '../../../main/api/contract';
import { useItem } from '../hooks';
import { describeState, formatPercent } from '../logic/list';
import { cpuLimitOffer } from '../logic/cpu-offer';
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
  /** The machine's time zone (useZone: one object while it stays the same): times on the page are its own. */
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
  const pivotsFor = useMemo(() => ({ api, live: actionsAvailable, onNotice }), [api, actionsAvailable, onNotice]);
  const actionDone = useCallback(
    (outcome: Outcome) => {
      onNotice(outcome);
      if (outcome.leave) onLeave();
    },
    [onNotice, onLeave],
  );
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
          pivotsFor={pivotsFor}
          history={<ItemHistory api={api} id={item.id} past={item.past} revision={historyRevision} zone={zone} />}
          item={item}
          actions={
            <ActionsPanel
              // What the user typed or opened (a note, a CPU limit, a plan) belongs to this item only.
              key={item.id}
              api={api}
              id={item.id}
              verdict={item.verdict}
              approval={item.approval}
              cpuLimitOffer={cpuLimitOffer(item)}
              available={actionsAvailable}
              onDone={actionDone}
            />
          }
        />
      )}
    </article>
  );
}

/** What a Pivots button needs besides its file: the same object from one update to the next. */
interface PivotsFor {
  api: LaunchwatchApi;
  live: boolean;
  onNotice: (outcome: Outcome) => void;
}

/**
 * The item's page below its Back button. Each part is drawn again only when what it shows changed (the
 * detail comes as a new object at every update, so parts compare by value): with an item open, an update
 * typically changes the CPU figures, the chart and the processes' CPU, and nothing else is redone.
 */
function Detail({
  item,
  actions,
  history,
  pivotsFor,
  zone,
  live,
}: {
  item: ItemDetail;
  actions: ReactNode;
  history: ReactNode;
  pivotsFor: PivotsFor;
  zone: { timeZone?: string; utcOffset?: string } | undefined;
  live: boolean;
}) {
  return (
    <>
      <DetailHeader
        verdict={item.verdict}
        label={item.label}
        score={item.score}
        sentence={item.sentence}
        plistPath={item.plistPath}
      />

      <section aria-labelledby="cpu-title">
        <h3 id="cpu-title">
          CPU{' '}
          <span className="muted">
            {formatPercent(item.cpu.avgPercent)} average, {formatPercent(item.cpu.maxPercent)} peak in the window
          </span>
        </h3>
        <CpuChart points={item.history} threshold={item.thresholdPercent} zone={zone} live={live} />
      </section>

      <Reasons reasons={item.reasons} attack={item.attack} />
      <Destinations destinations={item.destinations} forgotten={item.forgottenDestinations} />
      <Processes processes={item.processes} running={item.running} attribution={item.attribution} />
      <ProgramFacts
        id={item.id}
        program={item.program}
        args={item.arguments}
        runsAs={runsAs(item)}
        signing={item.signing?.words}
        vendorKind={item.vendor?.kind}
        btm={item.btm}
        state={describeState(item)}
        starts={starts(item)}
        pivotsFor={pivotsFor}
      />

      {history}

      <PlistSection id={item.id} plist={item.plist} zone={zone} pivotsFor={pivotsFor} />

      {actions}
    </>
  );
}

const DetailHeader = memo(function DetailHeader({
  verdict,
  label,
  score,
  sentence,
  plistPath,
}: Pick<ItemDetail, 'verdict' | 'label' | 'score' | 'sentence' | 'plistPath'>) {
  return (
    <>
      <header className="item-header">
        <VerdictBadge verdict={verdict} />
        <h2 id="item-title">
          {labelSegments(label).map((segment, index) => (
            <Fragment key={index}>
              {index > 0 ? <wbr /> : null}
              <span className="segment">{segment}</span>
            </Fragment>
          ))}
        </h2>
        <span className="score" title="Evidence score: the weights of the reasons below, added up (0 to 100)">
          score {score}
        </span>
      </header>
      {sentence ? <p className="sentence">{sentence}</p> : null}
      <p className="path">{plistPath}</p>
    </>
  );
});

const Reasons = memo(function Reasons({ reasons, attack }: Pick<ItemDetail, 'reasons' | 'attack'>) {
  return (
    <section aria-labelledby="reasons-title">
      <h3 id="reasons-title">Why</h3>
      {reasons.length === 0 ? (
        <p className="muted">Nothing points at mining.</p>
      ) : (
        <ul className="reasons">
          {reasons.map((r) => (
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
      <p className="attack">ATT&amp;CK: {attack.join(', ')}</p>
    </section>
  );
}, equal);

type Destination = ItemDetail['destinations'][number];

// Table heads are made once: React does not go into an element it was given before.
const tableHead = (columns: string[]) => (
  <thead>
    <tr>
      {columns.map((column) => (
        <th key={column} scope="col">
          {column}
        </th>
      ))}
    </tr>
  </thead>
);
const DESTINATIONS_HEAD = tableHead(['Host', 'Address', 'Port', 'Protocol', 'State', 'Kind']);
const PROCESSES_HEAD = tableHead(['PID', 'User', 'CPU', 'Command line']);

// What a destination row shows. Its times (first and last seen) move on at every sample and are not shown, so a
// destination seen again compares the same, and neither its row nor the table around it is drawn again.
const SHOWN: (keyof Destination)[] = ['hostname', 'remoteAddress', 'remotePort', 'protocol', 'state', 'classification'];
const sameShown = (a: Destination, b: Destination): boolean => SHOWN.every((field) => a[field] === b[field]);

interface DestinationsProps {
  destinations: Destination[];
  forgotten: number | undefined;
}
const sameDestinations = (a: DestinationsProps, b: DestinationsProps): boolean =>
  a.forgotten === b.forgotten &&
  a.destinations.length === b.destinations.length &&
  a.destinations.every((d, i) => sameShown(d, b.destinations[i] as Destination));
const sameRow = (a: { destination: Destination }, b: { destination: Destination }): boolean =>
  sameShown(a.destination, b.destination);

const Destinations = memo(function Destinations({ destinations, forgotten }: DestinationsProps) {
  return (
    <section aria-labelledby="dest-title">
      <h3 id="dest-title">
        Destinations <span className="muted">{destinations.length}</span>
      </h3>
      {forgotten ? (
        <p className="muted">
          {forgotten} ordinary {forgotten === 1 ? 'destination' : 'destinations'} not seen for as long as the chart
          reaches back {forgotten === 1 ? 'is' : 'are'} no longer listed (the history keeps them).
        </p>
      ) : null}
      {destinations.length === 0 ? (
        <p className="muted">No connections seen.</p>
      ) : (
        <div className="table-wrap">
          <table className="destinations-table">
            {DESTINATIONS_HEAD}
            <tbody>
              {destinations.map((d) => (
                <DestinationRow key={`${d.protocol}${d.remoteAddress}:${d.remotePort}`} destination={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}, sameDestinations);

// A destination seen again is the same row: only new, gone or changed ones are drawn.
const DestinationRow = memo(function DestinationRow({ destination: d }: { destination: Destination }) {
  return (
    <tr className={`dest-${d.classification}`}>
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
  );
}, sameRow);

type Process = ItemDetail['processes'][number];

const Processes = memo(function Processes({
  processes,
  running,
  attribution,
}: Pick<ItemDetail, 'processes' | 'running' | 'attribution'>) {
  return (
    <section aria-labelledby="proc-title">
      <h3 id="proc-title">
        Processes{' '}
        <span className="muted">{running ? `${processes.length}, found by ${attribution}` : 'not running'}</span>
      </h3>
      {processes.length > 0 ? (
        <table className="processes-table">
          {PROCESSES_HEAD}
          <tbody>
            {processTree(processes).map(({ process, depth }) => (
              <ProcessRow key={process.pid} process={process} depth={depth} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}, equal);

// A process whose figures did not change is not drawn again (the busy one's CPU moves at each update).
const ProcessRow = memo(function ProcessRow({ process: p, depth }: { process: Process; depth: number }) {
  return (
    <tr data-depth={depth}>
      <td>{p.pid}</td>
      <td>{p.user ?? (p.uid !== undefined ? String(p.uid) : '—')}</td>
      <td>{p.cpuPercent !== undefined ? formatPercent(p.cpuPercent) : '—'}</td>
      <td className="mono" style={{ paddingLeft: `${4 + Math.min(depth, 8) * 12}px` }}>
        {depth > 0 ? '└ ' : ''}
        {p.args}
      </td>
    </tr>
  );
}, equal);

const ProgramFacts = memo(function ProgramFacts({
  id,
  program,
  args,
  runsAs,
  signing,
  vendorKind,
  btm,
  state,
  starts,
  pivotsFor,
}: {
  id: string;
  program: string | undefined;
  args: string[];
  runsAs: string;
  signing: string | undefined;
  vendorKind: string | undefined;
  btm: ItemDetail['btm'];
  state: string;
  starts: string;
  pivotsFor: PivotsFor;
}) {
  return (
    <section aria-labelledby="program-title">
      <h3 id="program-title">Program</h3>
      <dl className="facts">
        <dt>Program</dt>
        <dd className="mono">
          {program ?? '—'}
          {program ? <Pivots {...pivotsFor} id={id} which="program" path={program} /> : null}
        </dd>
        <dt>Arguments</dt>
        <dd className="mono">{args.slice(1).join(' ') || '—'}</dd>
        <dt>Runs as</dt>
        <dd>{runsAs}</dd>
        <dt>Signature</dt>
        <dd>
          {signing ?? 'not known'}
          {vendorKind ? ` (a known ${vendorKind} vendor)` : ''}
        </dd>
        {btm ? (
          <>
            <dt>Login Items</dt>
            <dd>
              {`${btm.developer ?? 'unknown developer'}${btm.teamId ? ` (${btm.teamId})` : ''}, ${btm.allowed ? 'allowed' : 'not allowed'} in Login Items & Extensions`}
            </dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>{state}</dd>
        <dt>Starts</dt>
        <dd>{starts}</dd>
      </dl>
    </section>
  );
}, equal);

const PlistSection = memo(function PlistSection({
  id,
  plist,
  zone,
  pivotsFor,
}: {
  id: string;
  plist: ItemDetail['plist'];
  zone: { timeZone?: string; utcOffset?: string } | undefined;
  pivotsFor: PivotsFor;
}) {
  return (
    <section aria-labelledby="plist-title">
      <h3 id="plist-title">Property list</h3>
      <p className="mono path">
        {plist.path}
        {plist.sha256 ? ` · SHA-256 ${plist.sha256.slice(0, 16)}…` : ''}
        {plist.mtime ? ` · modified ${formatTime(Date.parse(plist.mtime), zone)}` : ''}
      </p>
      <Pivots {...pivotsFor} id={id} which="plist" path={plist.path} sha256={plist.sha256} />
      {plist.problems.length > 0 ? (
        <ul className="problems">
          {plist.problems.map((p, index) => (
            // By place: two problems may read alike, and a duplicate key can drop one from the page.
            <li key={index}>{p}</li>
          ))}
        </ul>
      ) : null}
      <pre className="plist">{plist.text}</pre>
    </section>
  );
}, equal);

/** How the item starts: "at load, kept alive", or "on demand". */
function starts(item: ItemDetail): string {
  return (
    [item.runAtLoad ? 'at load' : null, item.keepAlive ? 'kept alive' : null, item.disabled ? 'disabled' : null]
      .filter(Boolean)
      .join(', ') || 'on demand'
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
  id,
  which,
  path,
  sha256,
  live,
  onNotice,
}: PivotsFor & {
  id: string;
  which: 'plist' | 'program';
  path: string | undefined;
  sha256?: string | undefined;
}) {
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
            void api.revealItemFile!(id, which).then((o) => {
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
