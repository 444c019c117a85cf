// Raw macOS command output and plist bytes -> the engine's inventory and samples. Capture replay and the
// live reader both end here, so the same parsers read the same text.
import { filesNamedByJob, followFilesNamedByJob } from '../../engine/job-home';
import type { HostInfo, Inventory, LaunchItem, LoadedService, Sample, UserInfo } from '../../engine/model';
import { isLaunchdRecord, parseBtmDump } from './btm';
import { parseCodesignBundle } from './codesign';
import { parseDns } from './dns';
import { classifyPlistPath } from './folders';
import { launchItemFromPlist, PERSISTENCE_TECHNIQUE, type PlistFile } from './launchd-plist';
import { newLaunchItem } from '../../engine/launch-item';
import { parseLaunchctlList } from './launchctl-list';
import { parseLsof } from './lsof';
import { parsePrintDisabled } from './print-disabled';
import { parsePs, toProcessRecord } from './ps';
import { ProblemList } from '../problem-list';
import { gatherNamedFiles, type NotRead, type RunBy } from '../not-read';

export interface MacRawInventory {
  source: 'live' | 'capture';
  host: HostInfo;
  user?: UserInfo;
  privileged: boolean;
  launchctlList: string;
  /** When launchctl list was run (ms). */
  listedAt?: number;
  printDisabled?: string;
  codesign?: string;
  dns?: string;
  plists: PlistFile[];
  /** Property lists the reader found past its own bound and counted without reading them. */
  plistsBeyond?: number;
  /** Whose jobs `launchctl list` shows: the user's gui domain (agents) or, run as root, the system's. */
  listDomain?: 'user' | 'system';
  /** Run as root for a user: root's own `launchctl list` (the system domain), besides the user's. */
  systemLaunchctlList?: string;
  /** `sfltool dumpbtm`, when it could be run (as root). */
  btm?: string;
  /**
   * Small files named by items' arguments, by absolute path: the text, why a file that is there was not read
   * (each item naming it says so), or undefined when there is none.
   */
  readFile: (path: string) => string | NotRead | undefined;
  /**
   * A program's text when it is a script to whoever runs it (not-read.ts RunBy), read without reading a binary whole;
   * by default readFile's text when it is one (a capture holds only small files).
   */
  readScript?: (path: string, runBy: RunBy) => string | undefined;
  notes: string[];
}

export function assembleInventory(raw: MacRawInventory): Inventory {
  const notes = [...raw.notes];
  const home = raw.user?.home ?? '/var/root';
  const overrides =
    raw.printDisabled === undefined ? new Map<string, boolean>() : parsePrintDisabled(raw.printDisabled);

  const items: LaunchItem[] = [];
  let unread = 0;
  for (const file of raw.plists) {
    const place = classifyPlistPath(file.path, home);
    if (!place || (place.kind !== 'LaunchAgent' && place.kind !== 'LaunchDaemon')) continue;
    if (items.length >= MAX_PLISTS) {
      unread++;
      continue;
    }
    const item = launchItemFromPlist(file, place.kind, place.scope);
    const override = item.label ? overrides.get(item.label) : undefined;
    if (override !== undefined) item.disabledOverride = override;
    items.push(item);
  }
  unread += raw.plistsBeyond ?? 0;
  if (unread > 0) notes.push(tooManyPlists(items.length + unread));
  // Read once the labels the property lists give are known: one with a line end splits its row (parseLaunchctlList).
  const labelsWithLineEnds = items.map((item) => item.label).filter((label) => label.includes('\n'));
  const list = parseLaunchctlList(raw.launchctlList, labelsWithLineEnds);
  list.problems.forEach((p) => notes.push(`launchctl list: ${p}`));
  // Run as root for a user: the user's own list (agents) and root's (the system domain, daemons).
  const systemList =
    raw.systemLaunchctlList === undefined ? undefined : parseLaunchctlList(raw.systemLaunchctlList, labelsWithLineEnds);
  systemList?.problems.forEach((p) => notes.push(`launchctl list (system): ${p}`));
  // Appended one by one: spreading an attacker-sized list into push() overflows the stack.
  const append = (more: LaunchItem[]): void => {
    for (const item of more) items.push(item);
  };
  append(jobsNoPlistExplains(items, list.records, raw.listDomain ?? 'user', notes));
  if (systemList) append(jobsNoPlistExplains(items, systemList.records, 'system', notes));
  if (raw.btm !== undefined) append(fromBackgroundTaskManagement(items, raw.btm, home, notes));
  items.sort((a, b) => a.plistPath.localeCompare(b.plistPath));

  const files = gatherNamedFiles(
    items,
    (item, files, depth) => filesNamedByJob(item, raw.user, files, depth),
    raw.readFile,
    raw.readScript,
    (item, files) => followFilesNamedByJob(item, raw.user, files).programs ?? [],
  );

  const dns = raw.dns === undefined ? new Map<string, string>() : dnsMap(raw.dns, notes);

  if (!raw.privileged)
    notes.push(
      raw.source === 'capture'
        ? 'connections of root processes not visible (capture was not privileged)'
        : 'connections of root processes not visible (not running as root)',
    );
  const inventory: Inventory = {
    source: raw.source,
    host: raw.host,
    privileged: raw.privileged,
    items,
    loaded: systemList ? mergedLists(list.records, systemList.records) : list.records,
    loadedListCoversDaemons: raw.privileged && (raw.listDomain === 'system' || raw.systemLaunchctlList !== undefined),
    signing: raw.codesign === undefined ? new Map() : parseCodesignBundle(raw.codesign),
    dns,
    files,
    notes,
  };
  if (raw.user) inventory.user = raw.user;
  if (raw.listedAt !== undefined) inventory.loadedAt = raw.listedAt;
  // A running job among them is still judged by its processes; one that is not running is not judged at all.
  if (unread > 0)
    inventory.incomplete = `${unread} property lists past the first ${MAX_PLISTS.toLocaleString('en-US')} were not read, so a job among them that is not running was not judged`;
  return inventory;
}

/** The user's list, then the system's jobs it does not name (a label it names is the user's). */
function mergedLists(user: LoadedService[], system: LoadedService[]): LoadedService[] {
  const labels = new Set(user.map((u) => u.label));
  const merged = [...user];
  for (const r of system) if (!labels.has(r.label)) merged.push(r);
  return merged;
}

/** Property lists read from the launchd folders: a Mac holds a few hundred, a thousand or two at most. */
export const MAX_PLISTS = 20_000;

function tooManyPlists(total: number): string {
  return `${total} property lists in the launchd folders, more than any Mac holds: the first ${MAX_PLISTS} were read (a running job among the rest is judged by its processes)`;
}

/**
 * Running jobs no property list explains, judged per domain: a Mac runs a few hundred jobs in all. Each
 * costs an item with its own CPU history (about 45 KB), so a list of a million is cut here.
 */
const MAX_UNEXPLAINED_JOBS = 5_000;

/**
 * `launchctl list` is the truth about what runs. A job whose property list could not be read takes its
 * label from launchd (matched by file name, `<label>.plist`, as launchd's folders name them); a running
 * job no property list explains at all becomes an item of its own, judged by its processes.
 */
function jobsNoPlistExplains(
  items: LaunchItem[],
  listed: LoadedService[],
  domain: 'user' | 'system',
  notes: string[],
): LaunchItem[] {
  const labels = new Set(items.map((i) => i.label).filter((l) => l !== ''));
  const byFileName = new Map<string, LaunchItem>();
  for (const item of items) {
    if (item.label !== '') continue;
    const name = item.plistPath.slice(item.plistPath.lastIndexOf('/') + 1);
    if (name.endsWith('.plist')) byFileName.set(name.slice(0, -'.plist'.length), item);
  }
  const added: LaunchItem[] = [];
  let apps = 0;
  let beyond = 0;
  for (const service of listed) {
    if (labels.has(service.label)) continue;
    const unreadable = byFileName.get(service.label);
    if (unreadable) {
      unreadable.label = service.label;
      unreadable.labelFromLaunchd = true;
      labels.add(service.label);
      continue;
    }
    if (service.pid === undefined) continue;
    // LaunchServices lists the apps a user opened as `application.<bundle id>.<numbers>`: apps, not launch items.
    if (service.label.startsWith('application.')) {
      apps++;
      continue;
    }
    if (added.length >= MAX_UNEXPLAINED_JOBS) {
      beyond++;
      continue;
    }
    const kind = domain === 'system' ? 'LaunchDaemon' : 'LaunchAgent';
    const scope = service.label.startsWith('com.apple.') ? 'apple' : domain;
    const item = newLaunchItem(`launchd:${service.label}`, kind, scope, PERSISTENCE_TECHNIQUE[kind], new Uint8Array());
    item.plistPath = '';
    item.label = service.label;
    item.labelFromLaunchd = true;
    item.unreadable =
      'launchd runs this job, but no property list in the folders read explains it (loaded from elsewhere, or its file was removed after loading)';
    item.problems.push(item.unreadable);
    delete item.sha256;
    added.push(item);
    labels.add(service.label);
  }
  if (apps > 0)
    notes.push(
      `launchctl list: ${apps} apps opened by the user (application.*) are not launch items and were not judged`,
    );
  if (beyond > 0)
    notes.push(
      `launchctl list: ${added.length + beyond} running jobs that no property list explains (a Mac runs a few hundred jobs in all): the first ${added.length} were judged`,
    );
  return added;
}

/**
 * Background Task Management's records: what they say joins the item they name (by plist path or
 * label); a launchd record that no property list backs becomes an item of its own, marked as such; apps
 * opened at login are named in the notes.
 */
function fromBackgroundTaskManagement(items: LaunchItem[], text: string, home: string, notes: string[]): LaunchItem[] {
  const { records, problems } = parseBtmDump(text);
  problems.forEach((p) => notes.push(`sfltool dumpbtm: ${p}`));
  const added: LaunchItem[] = [];
  const apps: string[] = [];
  // Looked up by path and label, not searched: 10,000 records against as many items is 10^8 comparisons.
  const byPath = new Map<string, LaunchItem>();
  const byLabel = new Map<string, LaunchItem>();
  const index = (item: LaunchItem): void => {
    if (item.plistPath !== '' && !byPath.has(item.plistPath)) byPath.set(item.plistPath, item);
    if (item.label !== '' && !byLabel.has(item.label)) byLabel.set(item.label, item);
  };
  items.forEach(index);
  for (const record of records) {
    if (!isLaunchdRecord(record)) {
      if (record.type !== 'developer')
        apps.push(
          `${record.name}${record.developer ? ` (${record.developer})` : ''}${record.allowed ? '' : ', not allowed'}`,
        );
      continue;
    }
    const btm = {
      type: record.type,
      enabled: record.enabled,
      allowed: record.allowed,
      ...(record.developer ? { developer: record.developer } : {}),
      ...(record.teamId ? { teamId: record.teamId } : {}),
    };
    const known =
      (record.path !== undefined ? byPath.get(record.path) : undefined) ??
      (record.identifier !== undefined ? byLabel.get(record.identifier) : undefined);
    if (known) {
      known.btm ??= btm;
      continue;
    }
    const kind = record.type.endsWith('daemon') ? 'LaunchDaemon' : 'LaunchAgent';
    const place = record.path ? classifyPlistPath(record.path, home) : undefined;
    const id = `btm:${record.path ?? record.identifier ?? record.name}`;
    const item = newLaunchItem(
      id,
      kind,
      place?.scope ?? (kind === 'LaunchDaemon' ? 'system' : 'user'),
      PERSISTENCE_TECHNIQUE[kind],
      new Uint8Array(),
    );
    delete item.sha256;
    item.plistPath = record.path ?? '';
    item.label = record.identifier ?? '';
    if (record.executablePath) {
      item.program = record.executablePath;
      item.arguments = [record.executablePath];
    }
    item.btm = btm;
    item.unreadable = `Background Task Management lists it (${record.type}${record.developer ? `, ${record.developer}` : ''}), but no property list was read${record.path ? ` at ${record.path}` : ''}`;
    item.problems.push(item.unreadable);
    added.push(item);
    index(item);
  }
  if (apps.length > 0)
    notes.push(
      `Background Task Management: ${apps.length} app${apps.length === 1 ? '' : 's'} open at login: ${apps.slice(0, 10).join('; ')}${apps.length > 10 ? '; ...' : ''}`,
    );
  return added;
}

/** dns.txt text as ip -> hostname (the first name given for an address wins). */
export function dnsMap(text: string, notes: string[]): Map<string, string> {
  const dns = new Map<string, string>();
  const parsed = parseDns(text);
  parsed.problems.forEach((p) => notes.push(`dns.txt: ${p}`));
  for (const entry of parsed.records) if (!dns.has(entry.address)) dns.set(entry.address, entry.hostname);
  return dns;
}

export interface SampleOutcome {
  sample: Sample;
  problems: string[];
}

/** More processes than macOS allows (kern.maxproc) and more sockets than any Mac holds: past these, a note. */
export const SAMPLE_LIMITS = { processes: 20_000, connections: 100_000, argsChars: 256 * 1024 };

export function assembleSample(takenAt: number, psText: string, lsofText: string | undefined): SampleOutcome {
  const ps = parsePs(psText);
  // Limits first: a capture's notes keep only the first few problems of a sample.
  const problems: string[] = [];
  let rows = ps.records;
  if (rows.length > SAMPLE_LIMITS.processes) {
    problems.push(
      `ps: ${rows.length} processes, more than ${SAMPLE_LIMITS.processes}: the first ${SAMPLE_LIMITS.processes} were read`,
    );
    rows = rows.slice(0, SAMPLE_LIMITS.processes);
  }
  const cut = new ProblemList();
  for (const row of rows) {
    if (row.rawArgs.length <= SAMPLE_LIMITS.argsChars) continue;
    cut.add(
      () =>
        `pid ${row.pid}'s command line is ${row.rawArgs.length} characters: only the first ${SAMPLE_LIMITS.argsChars} were read`,
    );
    row.rawArgs = row.rawArgs.slice(0, SAMPLE_LIMITS.argsChars);
  }
  cut
    .messages(`command lines longer than ${SAMPLE_LIMITS.argsChars} characters were cut`)
    .forEach((p) => problems.push(`ps: ${p}`));
  const sample: Sample = { takenAt, processes: rows.map((row) => toProcessRecord(row, takenAt)) };
  problems.push(...ps.problems.map((p) => `ps: ${p}`));
  if (lsofText !== undefined) {
    const lsof = parseLsof(lsofText);
    sample.connections = lsof.records;
    if (lsof.records.length > SAMPLE_LIMITS.connections) {
      problems.unshift(
        `lsof: ${lsof.records.length} sockets, more than ${SAMPLE_LIMITS.connections}: the first ${SAMPLE_LIMITS.connections} were read`,
      );
      sample.connections = lsof.records.slice(0, SAMPLE_LIMITS.connections);
    }
    problems.push(...lsof.problems.map((p) => `lsof: ${p}`));
  }
  return { sample, problems };
}
