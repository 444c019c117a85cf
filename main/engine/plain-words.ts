// What a Mac owner or a helpdesk reads first: each flagged item in one sentence, what it is and what to
// do; CPU as a share of the whole Mac as well as of one core; a signature in words. The reason codes,
// weights and ATT&CK IDs stay in the detail.
import type { HostInfo, ItemResult, ScanResult, SigningInfo } from './model';

export function signatureInWords(signing: SigningInfo | undefined): string {
  if (!signing) return 'not known';
  switch (signing.status) {
    case 'developer-id': {
      const authority = signing.authorities.find((a) => a.startsWith('Developer ID Application: ')) ?? '';
      let name = authority.slice('Developer ID Application: '.length);
      const team = signing.teamId;
      // "Backblaze Inc (QWERTY1234)": the team is said once, after the name.
      if (team && name.endsWith(` (${team})`)) name = name.slice(0, -(team.length + 3));
      return `Developer ID: ${name || 'unknown developer'}${team ? `, team ${team}` : ''}`;
    }
    case 'apple':
      return 'Apple (part of macOS)';
    case 'app-store':
      return `Mac App Store${signing.teamId ? `, team ${signing.teamId}` : ''}`;
    case 'adhoc':
      return 'ad hoc only: no developer stands behind it';
    case 'unsigned':
      return 'not signed';
    case 'other':
      return `signed by ${signing.authorities[0] ?? 'an unknown authority'}`;
    default:
      return 'not known';
  }
}

const SHARES: [number, string][] = [
  [1 / 4, 'a quarter'],
  [1 / 3, 'a third'],
  [1 / 2, 'half'],
  [2 / 3, 'two thirds'],
  [3 / 4, 'three quarters'],
  [1, 'all'],
];

/** "390% of one core (about half of all 8 cores)". */
export function cpuInWords(percentOfOneCore: number, cores: number): string {
  const own = `${percentOfOneCore >= 100 ? percentOfOneCore.toFixed(0) : percentOfOneCore.toFixed(1)}% of one core`;
  if (!(cores > 1)) return own;
  const share = percentOfOneCore / (cores * 100);
  if (share < 0.2) return `${own} (${Math.max(1, Math.round(share * 100))}% of all ${cores} cores)`;
  const nearest = SHARES.reduce((best, s) => (Math.abs(s[0] - share) < Math.abs(best[0] - share) ? s : best));
  return nearest[1] === 'all'
    ? `${own} (about all ${cores} cores)`
    : `${own} (about ${nearest[1]} of all ${cores} cores)`;
}

/** One sentence: what the item is, and what to do next. Undefined for an item nothing is wrong with. */
export function verdictSentence(r: ItemResult, cores: number): string | undefined {
  const name = r.item.label || r.item.plistPath;
  const cpu = cpuInWords(r.cpu.avgPercent, cores);
  const strongest = [...r.reasons].filter((x) => x.family !== 'cpu').sort((a, b) => b.weight - a.weight)[0]?.text;
  switch (r.verdict) {
    case 'mining':
      return `${name} is mining cryptocurrency: it uses ${cpu} and ${strongest ?? 'shows mining evidence'}. Disable it (Launchwatch keeps a copy you can restore), then find out how it was installed.`;
    case 'suspicious':
      return `${name} looks like a miner: ${strongest ?? 'it shows signs of one'}. If you do not know what it is, disable it; Launchwatch keeps a copy you can restore.`;
    case 'high-cpu':
      return `${name} keeps this Mac busy (${cpu}) with no sign of mining. If you know it (a backup, an indexer, a build), approve it; if not, look at what it runs.`;
    default:
      return undefined;
  }
}

/**
 * The one line a manager reads at the top of a report: is this Mac mining, and does anyone need to act.
 * No reason codes, no "launch item": a background program, and what it costs.
 */
export function managerSummary(result: ScanResult): string {
  const host = result.host.hostname || 'this Mac';
  const mining = result.items.filter((i) => i.verdict === 'mining');
  const suspicious = result.items.filter((i) => i.verdict === 'suspicious');
  const busy = result.items.filter((i) => i.verdict === 'high-cpu');
  const programs = (n: number) => `${n} background program${n === 1 ? '' : 's'}`;
  if (mining.length > 0) {
    const cpu = mining.reduce((sum, i) => sum + i.cpu.avgPercent, 0);
    const share = result.host.cpuCount > 0 ? Math.round(cpu / result.host.cpuCount) : undefined;
    return `Action needed: ${host} runs ${programs(mining.length)} that mine${mining.length === 1 ? 's' : ''} cryptocurrency${share !== undefined && share >= 1 ? `, using about ${Math.min(100, share)}% of its processing power` : ''}${suspicious.length > 0 ? `, and ${suspicious.length} more that look${suspicious.length === 1 ? 's' : ''} like a miner` : ''}. Disable ${mining.length === 1 ? 'it' : 'them'} and find out how ${mining.length === 1 ? 'it was' : 'they were'} installed.`;
  }
  if (suspicious.length > 0)
    return `Check needed: ${host} runs ${programs(suspicious.length)} that look${suspicious.length === 1 ? 's' : ''} like a cryptocurrency miner; someone should confirm what ${suspicious.length === 1 ? 'it is' : 'they are'}.`;
  if (result.incomplete)
    return `Not conclusive: the scan of ${host} could not see enough to give an all-clear (${result.incomplete}).`;
  return `No cryptocurrency mining found on ${host}${busy.length > 0 ? `; ${programs(busy.length)} ${busy.length === 1 ? 'is' : 'are'} busy with no sign of mining` : ''}.`;
}

/** The facts a helpdesk asks first, as label and value, in the machine's words; missing ones are left out. */
export function machineFactsInWords(host: HostInfo, at: number | undefined, user?: string): [string, string][] {
  const m = host.machine ?? {};
  const rows: [string, string][] = [];
  if (m.model) rows.push(['Model', m.model]);
  rows.push([
    'System',
    `${host.os} ${host.osVersion}${m.osBuild ? ` (${m.osBuild})` : ''}${host.arch ? `, ${host.arch}` : ''}`,
  ]);
  rows.push([
    'Processor',
    `${m.cpuModel ? `${m.cpuModel}, ` : ''}${host.cpuCount} core${host.cpuCount === 1 ? '' : 's'}`,
  ]);
  if (m.memoryBytes) rows.push(['Memory', `${Math.round(m.memoryBytes / 2 ** 30)} GB`]);
  if (m.bootedAt !== undefined && at !== undefined && at >= m.bootedAt)
    rows.push(['Up for', durationInWords(at - m.bootedAt)]);
  const who = m.loggedInUser ?? user;
  if (who) rows.push(['Logged-in user', who]);
  if (m.serial) rows.push(['Serial number', m.serial]);
  return rows;
}

/** "3 days 4 hours", "5 hours 12 minutes", "40 minutes". */
export function durationInWords(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`;
  return unit(minutes, 'minute');
}
