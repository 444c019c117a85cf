// `launchwatch review`: launch items that appeared or changed since a date and that nobody approved, from
// this machine's history (what the app and live scans recorded). Exit 1 when there is something to look at.
import { join } from 'node:path';
import { ApprovalsStore } from '../actions/approvals-store';
import type { Approval } from '../engine/approvals';
import { safeTerminalText as safe } from '../engine/terminal-text';
import { HistoryStore, type ReviewEntry } from '../history/history-store';
import { stateDir } from '../platform/state-dir';
import type { CommandIO } from './scan-command';
import { parseFlags, UsageError } from './usage-error';

export const REVIEW_USAGE = `usage: launchwatch review [--since <YYYY-MM-DD | N (days)>] [--json]
  Launch items that appeared or changed since the date (default: 7 days ago) and are not approved.
  Exit 0 nothing to review, 1 something to review, 2 a usage error.`;

const DAY = 86_400_000;

export async function reviewCommand(argv: string[], io: CommandIO, now = Date.now()): Promise<number> {
  const values = parseFlags(argv, { since: { type: 'string' }, json: { type: 'boolean' } }, REVIEW_USAGE);
  const since = sinceDate(values.since, now);
  const dir = stateDir();
  const store = HistoryStore.open(dir, now);
  let entries: ReviewEntry[];
  try {
    entries = store.review(since);
  } finally {
    store.close();
  }
  const approvals = new ApprovalsStore(join(dir, 'approvals.json')).list();
  const open = entries.filter((e) => !approvedSince(e, approvals));
  if (values.json) {
    io.stdout(`${JSON.stringify({ since: new Date(since).toISOString(), items: open }, null, 2)}\n`);
    return open.length > 0 ? 1 : 0;
  }
  const day = new Date(since).toISOString().slice(0, 10);
  if (open.length === 0) {
    io.stdout(`Nothing new or changed since ${day} that is not approved.\n`);
    return 0;
  }
  io.stdout(`New or changed since ${day}, not approved (${open.length}):\n`);
  for (const e of open) {
    const when = new Date(e.lastChange?.at ?? e.firstSeen).toISOString().slice(0, 16).replace('T', ' ');
    const what = e.lastChange ? `changed: ${e.lastChange.what.join(', ')}` : 'new';
    io.stdout(
      `  ${when} UTC  ${safe(e.label || e.plistPath)}  ${what}${e.verdict ? `  (${e.verdict})` : ''}\n    ${safe(e.plistPath)}\n`,
    );
  }
  return 1;
}

/** An approval given after the item appeared or last changed covers it. */
function approvedSince(entry: ReviewEntry, approvals: Approval[]): boolean {
  const at = entry.lastChange?.at ?? entry.firstSeen;
  return approvals.some(
    (a) => a.plistPath === entry.plistPath && a.label === entry.label && Date.parse(a.approvedAt) >= at,
  );
}

function sinceDate(value: string | undefined, now: number): number {
  if (value === undefined) return now - 7 * DAY;
  if (/^\d{1,4}$/.test(value)) return now - Number(value) * DAY;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    return Date.parse(`${value}T00:00:00Z`);
  throw new UsageError(`--since ${JSON.stringify(value)}: a date (2026-11-30) or a number of days (7)`);
}
