// What is normal for this Mac, from its own history: each item's usual CPU and destinations, and when it
// was first seen or last changed. Baseline reasons are signs, not proof: with sustained CPU they make an
// item suspicious; alone they flag nothing; mining evidence decides `mining` as before.
import type { CpuSummary, Destination, Reason, ScanOptions } from './model';

export interface BaselineOptions {
  /** Days of history a baseline covers (default 3). */
  periodDays: number;
  /** Hours observed within the period before a baseline counts (default 24). */
  minObservedHours: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { periodDays: 3, minObservedHours: 24 };

/** What the history says of one item, read by the history store for the analyzer. */
export interface ItemBaseline {
  firstSeen: number;
  /** The last change of its plist or program, and what changed. */
  lastChange?: { at: number; what: string[] };
  /** Set once enough history exists: the usual CPU and destinations over the period before `until`. */
  usual?: {
    since: number;
    until: number;
    observedHours: number;
    /** p95 of its hourly CPU (percent of one core), hours it did not run counted as 0. */
    cpuP95: number;
    /** Destinations seen in the period, as `destinationKey` gives them. */
    destinations: Set<string>;
  };
}

/** The key a destination is remembered by: host (or address), port and protocol. */
export function destinationKey(d: Pick<Destination, 'hostname' | 'remoteAddress' | 'remotePort' | 'protocol'>): string {
  return `${d.hostname ?? d.remoteAddress}:${d.remotePort}/${d.protocol}`;
}

/** How far above its own usual an item's CPU must be to be a sign: twice it, and the threshold above it. */
export function farAboveUsual(avgPercent: number, usualP95: number, thresholdPercent: number): boolean {
  return avgPercent >= usualP95 * 2 && avgPercent - usualP95 >= thresholdPercent;
}

export interface BaselineVerdictInput {
  baseline: ItemBaseline | undefined;
  cpu: CpuSummary;
  destinations: Destination[];
  options: ScanOptions;
  now: number;
  baselineOptions?: BaselineOptions;
}

/** The baseline reasons, each with its numbers, and a "usual" line when the item runs as it always has. */
export function baselineReasons(input: BaselineVerdictInput): { reasons: Reason[]; usual?: string } {
  const { baseline, cpu, destinations, options, now } = input;
  const period = (input.baselineOptions ?? DEFAULT_BASELINE_OPTIONS).periodDays * 86_400_000;
  const reasons: Reason[] = [];
  if (!baseline) return { reasons };
  const change = baseline.lastChange;
  // A change in the last period is news; an older one is part of what is normal now.
  if (change && change.at > baseline.firstSeen && now - change.at <= period) {
    reasons.push({
      code: 'baseline.changed',
      family: 'baseline',
      strength: 'weak',
      weight: 10,
      attack: 'T1543.001',
      text: `${change.what.join(' and ')} changed on ${day(change.at)}; first seen ${day(baseline.firstSeen)}`,
    });
  }
  const usual = baseline.usual;
  if (!usual) return { reasons };
  if (farAboveUsual(cpu.avgPercent, usual.cpuP95, options.cpuThresholdPercent) && !cpu.measuring) {
    reasons.push({
      code: 'baseline.cpu-above',
      family: 'baseline',
      strength: 'weak',
      weight: 15,
      attack: 'T1496',
      text: `${fmt(cpu.avgPercent)}% of one core now; its usual is ${fmt(usual.cpuP95)}% (p95 from ${day(usual.since)} to ${day(usual.until)})`,
    });
  }
  const fresh = destinations.filter((d) => !usual.destinations.has(destinationKey(d)));
  if (fresh.length > 0) {
    const names = [...new Set(fresh.map(destinationKey))];
    reasons.push({
      code: 'baseline.new-destination',
      family: 'baseline',
      strength: 'weak',
      weight: 15,
      text: `first-ever connection${names.length === 1 ? '' : 's'} for this item: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} (none in its history since ${day(usual.since)})`,
    });
  }
  if (reasons.length > 0) return { reasons };
  return { reasons, usual: `usual for this item since ${day(baseline.firstSeen)}` };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function fmt(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
