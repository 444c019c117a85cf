// The engine's result as the views read it: a compact snapshot for the list (every tick) and one item's
// full detail on demand. Pure: result in, plain serialisable objects out.
import { build } from 'plist';
import type { ItemResult, ScanResult } from '../engine/model';
import { reasonDocument } from '../engine/launch-item';
import { sortItems } from '../engine/scan-document';
import { DETAIL_HISTORY_MS } from '../engine/chart-scale';
import { visibleText } from '../engine/terminal-text';
import { cpuInWords, signatureInWords, verdictSentence } from '../engine/plain-words';
import type { ActionRecord, UnreadableRecord } from '../actions/journal';
import { launchdDomainOf } from '../actions/launchd-domain';
import type { ActionView, ItemDetail, ItemSummary, Snapshot, SourceInfo } from './contract';

const SPARKLINE_POINTS = 30;

export function toSnapshot(
  result: ScanResult,
  extra: { paused: boolean; origin?: string; actionsAvailable?: boolean; actions?: ActionView[]; notices?: string[] },
): Snapshot {
  const source: SourceInfo = {
    kind: result.source,
    hostname: result.host.hostname,
    os: result.host.os,
    osVersion: result.host.osVersion,
    privileged: result.privileged,
  };
  if (extra.origin) source.origin = extra.origin;
  if (result.startedAt !== undefined) source.startedAt = result.startedAt;
  if (result.endedAt !== undefined) source.endedAt = result.endedAt;
  if (result.host.machine?.timeZone) source.timeZone = result.host.machine.timeZone;
  if (result.host.machine?.utcOffset) source.utcOffset = result.host.machine.utcOffset;
  const snapshot: Snapshot = {
    source,
    paused: extra.paused,
    options: result.options,
    samples: result.samples,
    notes: result.notes,
    actionsAvailable: extra.actionsAvailable ?? false,
    actions: extra.actions ?? [],
    notices: extra.notices ?? [],
    items: sortItems(result.items).map((item) => toSummary(item, result.options.windowSeconds)),
  };
  snapshot.notes = snapshot.notes.map(visibleText);
  if (result.incomplete) snapshot.incomplete = result.incomplete;
  if (result.endedAt !== undefined) snapshot.updatedAt = result.endedAt;
  return snapshot;
}

export function toSummary(result: ItemResult, windowSeconds?: number): ItemSummary {
  const strongest = [...result.reasons].sort((a, b) => b.weight - a.weight)[0];
  const summary: ItemSummary = {
    id: result.item.id,
    label: result.item.label || result.item.plistPath.slice(result.item.plistPath.lastIndexOf('/') + 1),
    plistPath: result.item.plistPath,
    kind: result.item.kind,
    scope: result.item.scope,
    verdict: result.verdict,
    score: result.score,
    running: result.running,
    // A tenth of a percent, as the list shows it: finer noise would make an idle row "changed" every tick.
    cpuPercent: Math.round(result.cpu.avgPercent * 10) / 10,
    sparkline: result.history.slice(-SPARKLINE_POINTS).map((p) => Math.round(p.percent * 10) / 10),
    destinationCount: result.destinations.length,
  };
  if (strongest) summary.headline = strongest.text;
  // Before the samples cover the window, CPU flags nothing: the row says so, with how far along it is.
  if (result.cpu.measuring && windowSeconds !== undefined)
    summary.measuring = `measuring (${Math.round(result.cpu.coveredSeconds)} of ${windowSeconds} s)`;
  return visibleStrings(summary, ['id']);
}

export function toDetail(result: ItemResult, thresholdPercent: number, cores = 1): ItemDetail {
  const { item } = result;
  const end = result.history.at(-1)?.t ?? 0;
  const detail: ItemDetail = {
    ...toSummary(result),
    arguments: item.arguments,
    loaded: result.loaded,
    attribution: result.attribution,
    reasons: result.reasons.map(reasonDocument),
    attack: result.attack,
    cpu: { avgPercent: result.cpu.avgPercent, maxPercent: result.cpu.maxPercent, sustained: result.cpu.sustained },
    thresholdPercent,
    history: result.history
      .filter((p) => p.t > end - DETAIL_HISTORY_MS)
      .map((p) => ({
        t: p.t,
        percent: Math.round(p.percent * 10) / 10,
        ...(p.restarted ? { restarted: true as const } : {}),
      })),
    processes: result.processes.map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      args: p.args,
      ...(p.cpuPercent !== undefined ? { cpuPercent: p.cpuPercent } : {}),
      ...(p.uid !== undefined ? { uid: p.uid } : {}),
      ...(p.user ? { user: p.user } : {}),
    })),
    destinations: result.destinations.map((d) => ({
      remoteAddress: d.remoteAddress,
      remotePort: d.remotePort,
      protocol: d.protocol,
      classification: d.classification,
      pid: d.pid,
      lastSeen: d.lastSeen,
      ...(d.state ? { state: d.state } : {}),
      ...(d.hostname ? { hostname: d.hostname } : {}),
      ...(d.seenWithAdmin ? { seenWithAdmin: true } : {}),
    })),
    ...(result.forgottenDestinations ? { forgottenDestinations: result.forgottenDestinations } : {}),
    listening: result.listening,
    plist: {
      path: item.plistPath,
      text: contentText(result),
      problems: item.problems,
      ...(item.sha256 ? { sha256: item.sha256 } : {}),
      ...(item.mtime ? { mtime: item.mtime } : {}),
    },
    runAtLoad: item.runAtLoad,
    keepAlive: item.keepAlive !== false,
    disabled: item.disabledOverride ?? item.disabledInPlist ?? false,
    judgedVerdict: result.judgedVerdict,
    loadedKnown: result.loadedKnown,
  };
  if (result.lastExitStatus !== undefined) detail.lastExitStatus = result.lastExitStatus;
  if (result.approval) detail.approval = result.approval;
  if (item.program) detail.program = item.program;
  if (item.btm) detail.btm = item.btm;
  if (result.vendor) detail.vendor = { name: result.vendor.name, kind: result.vendor.kind };
  if (result.past) detail.past = result.past;
  const sentence = verdictSentence(result, cores);
  if (sentence) detail.sentence = sentence;
  detail.cpuText = cpuInWords(result.cpu.avgPercent, cores);
  if (result.signing) {
    detail.signing = { status: result.signing.status };
    if (result.signing.teamId) detail.signing.teamId = result.signing.teamId;
    if (result.signing.authorities[0]) detail.signing.authority = result.signing.authorities[0];
    if (result.signing.identifier) detail.signing.identifier = result.signing.identifier;
    detail.signing.words = signatureInWords(result.signing);
  }
  return visibleStrings(detail, ['id']);
}

/** The item's file as text: plists pretty-printed as XML (binary ones too), units as they are. */
function contentText(result: ItemResult): string {
  const { item } = result;
  if (item.rawText !== undefined) return item.rawText;
  if (item.content === undefined) return item.problems[0] ? `(${item.problems[0]})` : '';
  try {
    return build(item.content as never);
  } catch {
    return JSON.stringify(item.content, null, 2);
  }
}

/** A journal record that cannot be read, shown with its problem; undoable while it points at a quarantined copy. */
export function toDamagedActionView(damaged: UnreadableRecord): ActionView {
  const view: ActionView = {
    id: damaged.id,
    label: damaged.label ?? damaged.backup?.originalPath ?? damaged.id,
    plistPath: damaged.backup?.originalPath ?? '',
    status: 'damaged',
    createdAt: '',
    canUndo: damaged.backup !== undefined,
    message: `Its journal record ${damaged.path} cannot be read (${damaged.problem})${damaged.backup ? `; Undo puts ${damaged.backup.originalPath} back from ${damaged.backup.heldByAdmin === true ? "the administrator's quarantine" : damaged.backup.backupPath} ${launchdDomainOf(damaged.backup.originalPath, 0) === undefined ? '' : ' and turns it on again'}` : ''}.`,
  };
  return visibleStrings(view, ['id']);
}

export function toActionView(record: ActionRecord): ActionView {
  const view: ActionView = {
    id: record.id,
    label: record.plan.label || record.plan.plistPath,
    plistPath: record.plan.plistPath,
    status: record.status,
    createdAt: record.createdAt,
    canUndo: record.status === 'done',
  };
  const message = record.messages.at(-1);
  if (message) view.message = message;
  return visibleStrings(view, ['id']);
}

/**
 * Every string of a view with control and bidirectional characters shown by their code: a label with
 * U+202E must not read backwards in the app. Identifiers the views send back (`id`) stay as they are.
 */
function visibleStrings<T>(value: T, keep: string[]): T {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return keep.includes(key) ? v : visibleText(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v))
        Object.defineProperty(out, k, { value: walk(x, k), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value, '') as T;
}
