// A fleet's verdicts: one result per host, and what the fleet outputs make of them.
import type { ScanResult, Verdict } from '../model';

export interface HostResult {
  host: string;
  samples: number;
  /** Fewer than two snapshots: CPU cannot be measured, so the host is neither clean nor flagged. */
  enoughData: boolean;
  result: ScanResult;
}

/**
 * What a host's line says: the worst item verdict, or why the host cannot be called clean when nothing on
 * it is flagged ("not enough data", or "incomplete" with the analysis's reason), never ok then.
 */
export type HostVerdict = Verdict | 'not enough data' | 'incomplete';

const ORDER: Verdict[] = ['mining', 'suspicious', 'high-cpu', 'approved', 'ok'];

export function worstVerdict(host: HostResult): HostVerdict {
  const flagged = host.result.items.map((i) => i.verdict).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0];
  if (flagged === 'mining' || flagged === 'suspicious') return flagged;
  if (!host.enoughData) return 'not enough data';
  if (host.result.incomplete) return 'incomplete';
  return flagged ?? 'ok';
}

/** A host that is neither flagged nor clean: too few snapshots, or an analysis that could not clear it. */
export function isUnjudged(verdict: HostVerdict): boolean {
  return verdict === 'not enough data' || verdict === 'incomplete';
}

export function isFlagged(verdict: string): boolean {
  return verdict === 'mining' || verdict === 'suspicious';
}
