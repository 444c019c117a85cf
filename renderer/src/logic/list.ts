// List logic apart from React: grouping by verdict (worst first), search, the Apple filter.
import type { ItemSummary, Verdict } from '../../../main/api/contract';
import { cpuBand } from '../../../main/api/snapshot-stream';

export const VERDICT_ORDER: Verdict[] = ['mining', 'suspicious', 'high-cpu', 'approved', 'ok'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  mining: 'Mining',
  suspicious: 'Suspicious',
  'high-cpu': 'High CPU',
  approved: 'Approved',
  ok: 'OK',
};

export interface ListFilter {
  query: string;
  showApple: boolean;
}

export function filterItems(items: ItemSummary[], filter: ListFilter): ItemSummary[] {
  const query = filter.query.trim().toLowerCase();
  return items.filter((item) => {
    // Apple's own items are hidden unless asked for, but a flagged one is always shown.
    if (!filter.showApple && item.scope === 'apple' && (item.verdict === 'ok' || item.verdict === 'high-cpu'))
      return false;
    if (query === '') return true;
    return item.label.toLowerCase().includes(query) || item.plistPath.toLowerCase().includes(query);
  });
}

// One collator for every sort: localeCompare builds one per call, a tenth of a millisecond each time.
const byLabel = new Intl.Collator();

export function groupByVerdict(items: ItemSummary[]): { verdict: Verdict; items: ItemSummary[] }[] {
  return VERDICT_ORDER.map((verdict) => ({
    verdict,
    items: items
      .filter((i) => i.verdict === verdict)
      .sort((a, b) => b.score - a.score || cpuBand(b) - cpuBand(a) || byLabel.compare(a.label, b.label)),
  })).filter((group) => group.items.length > 0);
}

/**
 * Whether an item would be placed in the list where it was: the same group and order (verdict, score,
 * CPU band, label) and the same answer to a search or the Apple filter (label, path, scope). What else a
 * row shows (CPU, sparkline, headline...) its row follows by itself.
 */
export function samePlace(a: ItemSummary, b: ItemSummary): boolean {
  return (
    a.id === b.id &&
    a.verdict === b.verdict &&
    a.score === b.score &&
    cpuBand(a) === cpuBand(b) &&
    a.label === b.label &&
    a.plistPath === b.plistPath &&
    a.scope === b.scope
  );
}

export function hiddenAppleCount(items: ItemSummary[]): number {
  return items.filter((i) => i.scope === 'apple').length;
}

export function formatPercent(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function worstVerdict(items: ItemSummary[]): Verdict {
  return VERDICT_ORDER.find((v) => v !== 'approved' && items.some((i) => i.verdict === v)) ?? 'ok';
}

/** launchd's view of the item, in words: loaded or not, running or not, how the last run ended. */
export function describeState(item: {
  loaded: boolean;
  loadedKnown: boolean;
  running: boolean;
  lastExitStatus?: number;
}): string {
  const loaded = !item.loadedKnown
    ? 'loaded state unknown (a daemon, read without root)'
    : item.loaded
      ? 'loaded'
      : 'not loaded';
  const running = item.running ? 'running' : 'not running';
  const status = item.lastExitStatus;
  const last =
    status === undefined || status === 0
      ? ''
      : status < 0
        ? `, last run killed by signal ${-status}`
        : `, last run exited ${status}`;
  return `${loaded}, ${running}${last}`;
}

/** Everything a row shows, compared by value. */
export function sameRow(a: ItemSummary, b: ItemSummary): boolean {
  return (
    a.id === b.id &&
    a.label === b.label &&
    a.verdict === b.verdict &&
    a.cpuPercent === b.cpuPercent &&
    a.destinationCount === b.destinationCount &&
    a.headline === b.headline &&
    a.measuring === b.measuring &&
    a.sparkline.length === b.sparkline.length &&
    a.sparkline.every((p, i) => p === b.sparkline[i])
  );
}

/**
 * Rows a group shows before "Show more": a popover shows about 14, and 400 rows redrawn with every
 * snapshot cost the renderer most of its time. A search shows every match.
 */
export const ROWS_SHOWN = 40;

/** The row to keep is past the first rows: the group is shown whole. */
export function keepsHidden(items: ItemSummary[], keep: string | undefined): boolean {
  return keep !== undefined && items.slice(ROWS_SHOWN).some((i) => i.id === keep);
}

export function shownRows(items: ItemSummary[], expanded: boolean, query: string): ItemSummary[] {
  return expanded || query ? items : items.slice(0, ROWS_SHOWN);
}
