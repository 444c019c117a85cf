// What a Mac owner or a helpdesk reads first: each flagged item in one sentence, what it is and what to
// do; CPU as a share of the whole Mac as well as of one core; a signature in words. The reason codes,
// weights and ATT&CK IDs stay in the detail.
import type { ItemResult, SigningInfo } from './model';

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
