// The scan-json.md document (schemaVersion 1). Fields may be added; none renamed or dropped.
import { reasonDocument } from './launch-item';
import type { ItemResult, ScanResult, UnownedMiner } from './model';

export interface ScanDocument {
  tool: 'launchwatch';
  schemaVersion: 1;
  source: 'live' | 'capture';
  host: ScanResult['host'];
  window: { seconds: number; cpuThresholdPercent: number; samples: number };
  span?: { startedAt: string; endedAt: string };
  privileged: boolean;
  notes: string[];
  /** Why the result is not an all-clear although nothing is flagged (no items, no launchctl list). */
  incomplete: string | null;
  summary: Record<'mining' | 'suspicious' | 'high-cpu' | 'ok' | 'approved', number>;
  items: ReturnType<typeof itemDocument>[];
  /** Busy processes no launch item owns that reach a mining service ([] when none). */
  unownedMiners: UnownedMiner[];
}

export function toScanDocument(result: ScanResult): ScanDocument {
  const summary = { mining: 0, suspicious: 0, 'high-cpu': 0, ok: 0, approved: 0 };
  for (const item of result.items) summary[item.verdict]++;
  const doc: ScanDocument = {
    tool: 'launchwatch',
    schemaVersion: 1,
    source: result.source,
    host: result.host,
    window: {
      seconds: result.options.windowSeconds,
      cpuThresholdPercent: result.options.cpuThresholdPercent,
      samples: result.samples,
    },
    privileged: result.privileged,
    notes: result.notes,
    incomplete: result.incomplete ?? null,
    summary,
    items: sortItems(result.items).map(itemDocument),
    unownedMiners: result.unownedMiners ?? [],
  };
  if (result.startedAt !== undefined && result.endedAt !== undefined) {
    doc.span = { startedAt: new Date(result.startedAt).toISOString(), endedAt: new Date(result.endedAt).toISOString() };
  }
  return doc;
}

const VERDICT_ORDER = { mining: 0, suspicious: 1, 'high-cpu': 2, approved: 3, ok: 4 } as const;

/** Worst first, then by score, then by label: the order a person reads. */
// One collator for every sort (localeCompare makes one per comparison).
const byLabel = new Intl.Collator();

export function sortItems(items: ItemResult[]): ItemResult[] {
  return [...items].sort(
    (a, b) =>
      VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] ||
      b.score - a.score ||
      byLabel.compare(a.item.label, b.item.label),
  );
}

function itemDocument(result: ItemResult) {
  const { item } = result;
  return {
    label: item.label,
    plistPath: item.plistPath,
    kind: item.kind,
    scope: item.scope,
    program: item.program ?? null,
    arguments: item.arguments,
    loaded: result.loaded,
    loadedKnown: result.loadedKnown,
    lastExitStatus: result.lastExitStatus ?? null,
    running: result.running,
    disabled: item.disabledOverride ?? item.disabledInPlist ?? false,
    verdict: result.verdict,
    judgedVerdict: result.judgedVerdict,
    score: result.score,
    reasons: result.reasons.map(reasonDocument),
    attack: result.attack,
    cpu: { avgPercent: result.cpu.avgPercent, maxPercent: result.cpu.maxPercent, sustained: result.cpu.sustained },
    attribution: result.attribution,
    processes: result.processes.map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      args: p.args,
      ...(p.cpuPercent !== undefined ? { cpuPercent: p.cpuPercent } : {}),
    })),
    destinations: result.destinations.map((d) => ({
      remoteAddress: d.remoteAddress,
      remotePort: d.remotePort,
      protocol: d.protocol,
      state: d.state ?? null,
      hostname: d.hostname ?? null,
      classification: d.classification,
      pid: d.pid,
      ...(d.seenWithAdmin ? { seenWithAdmin: true } : {}),
    })),
    ...(result.forgottenDestinations ? { forgottenDestinations: result.forgottenDestinations } : {}),
    listening: result.listening,
    signing: result.signing
      ? {
          status: result.signing.status,
          teamId: result.signing.teamId ?? null,
          authority: result.signing.authorities[0] ?? null,
        }
      : null,
    problems: item.problems,
    unreadable: item.unreadable ?? null,
    labelFromLaunchd: item.labelFromLaunchd === true,
    btm: item.btm ?? null,
    knownVendor: result.vendor
      ? { teamId: result.vendor.teamId, name: result.vendor.name, kind: result.vendor.kind }
      : null,
    sha256: item.sha256 ?? null,
    ...(result.approval ? { approval: result.approval } : {}),
    // From this machine's history (live scans with a history): when it was first seen and last changed.
    ...(result.past
      ? {
          history: {
            firstSeen: new Date(result.past.firstSeen).toISOString(),
            lastChanged: result.past.lastChange
              ? { at: new Date(result.past.lastChange.at).toISOString(), what: result.past.lastChange.what }
              : null,
            usual: result.past.usual ?? null,
          },
        }
      : {}),
  };
}
