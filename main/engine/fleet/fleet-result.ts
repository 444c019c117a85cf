// A fleet's verdicts: one result per host, and what the fleet outputs make of them.
import type { ScanResult, Verdict } from '../model';

export interface HostResult {
  host: string;
  samples: number;
  /** Fewer than two snapshots: CPU cannot be measured, so the host is neither clean nor flagged. */
  enoughData: boolean;
  result: ScanResult;
}

const ORDER: Verdict[] = ['mining', 'suspicious', 'high-cpu', 'approved', 'ok'];

/** The worst verdict on a host ("not enough data" is said apart, never as ok). */
export function worstVerdict(host: HostResult): Verdict | 'not enough data' {
  const flagged = host.result.items.map((i) => i.verdict).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0];
  if (flagged === 'mining' || flagged === 'suspicious') return flagged;
  if (!host.enoughData) return 'not enough data';
  return flagged ?? 'ok';
}

export function isFlagged(verdict: string): boolean {
  return verdict === 'mining' || verdict === 'suspicious';
}
