import equal from 'fast-deep-equal';
import { memo } from 'react';
import type { LaunchwatchApi, Snapshot } from '../../../main/api/contract';
import { formatTime } from '../../../main/engine/time-format';
import { ScanSettings } from './ScanSettings';

export function StatusBar({ snapshot, api }: { snapshot: Snapshot; api: LaunchwatchApi }) {
  const { source } = snapshot;
  const when = snapshot.updatedAt ? new Date(snapshot.updatedAt).toLocaleTimeString() : '—';
  return (
    <footer className="status-bar">
      {source.kind === 'capture' ? (
        <span className="capture-mark" role="note">
          Capture of {source.hostname} ({source.os} {source.osVersion}),{' '}
          {source.startedAt ? formatTime(source.startedAt, source) : ''}
          {source.endedAt && source.startedAt ? ` for ${Math.round((source.endedAt - source.startedAt) / 1000)} s` : ''}
          , {source.privileged ? 'privileged' : 'not privileged'}
        </span>
      ) : (
        <span>
          {source.hostname}: {snapshot.paused ? 'paused' : `live, updated ${when}`}
        </span>
      )}
      {source.kind === 'live' ? (
        <button type="button" onClick={() => void api.setPaused(!snapshot.paused)}>
          {snapshot.paused ? 'Resume' : 'Pause'}
        </button>
      ) : null}
      <ScanSettings api={api} options={snapshot.options} />
      {snapshot.incomplete ? (
        <p className="refusal incomplete" role="alert">
          Incomplete scan, not an all-clear: {snapshot.incomplete}.
        </p>
      ) : null}
      {snapshot.notes.length > 0 ? <Notes notes={snapshot.notes} /> : null}
    </footer>
  );
}

/** What the readers had to say: the same from one update to the next as a rule, so drawn only when it changes. */
const Notes = memo(function Notes({ notes }: { notes: string[] }) {
  return (
    <details className="notes">
      <summary>
        {notes.length} note{notes.length === 1 ? '' : 's'}
      </summary>
      <ul>
        {notes.map((note, index) => (
          // By place: notes are text from the Mac and a list of text need not be unique to be drawn right.
          <li key={index}>{note}</li>
        ))}
      </ul>
    </details>
  );
}, equal);
