// Raw macOS command output and plist bytes -> the engine's inventory and samples. Capture replay and the
// live reader both end here, so the same parsers read the same text.
import { filesNamedBy, referencedFilesDigest } from '../../engine/referenced-files';
import type { HostInfo, Inventory, LaunchItem, Sample, UserInfo } from '../../engine/model';
import { parseCodesignBundle } from './codesign';
import { parseDns } from './dns';
import { classifyPlistPath } from './folders';
import { launchItemFromPlist, type PlistFile } from './launchd-plist';
import { parseLaunchctlList } from './launchctl-list';
import { parseLsof } from './lsof';
import { parsePrintDisabled } from './print-disabled';
import { parsePs, toProcessRecord } from './ps';

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
  /** Small files named by items' arguments, by absolute path; undefined when not available. */
  readFile: (path: string) => string | undefined;
  notes: string[];
}

export function assembleInventory(raw: MacRawInventory): Inventory {
  const notes = [...raw.notes];
  const home = raw.user?.home ?? '/var/root';
  const list = parseLaunchctlList(raw.launchctlList);
  list.problems.forEach((p) => notes.push(`launchctl list: ${p}`));
  const overrides = raw.printDisabled === undefined ? new Map<string, boolean>() : parsePrintDisabled(raw.printDisabled);

  const items: LaunchItem[] = [];
  for (const file of raw.plists) {
    const place = classifyPlistPath(file.path, home);
    if (!place || (place.kind !== 'LaunchAgent' && place.kind !== 'LaunchDaemon')) continue;
    const item = launchItemFromPlist(file, place.kind, place.scope);
    const override = item.label ? overrides.get(item.label) : undefined;
    if (override !== undefined) item.disabledOverride = override;
    items.push(item);
  }
  items.sort((a, b) => a.plistPath.localeCompare(b.plistPath));

  const files = new Map<string, string>();
  for (const item of items) {
    for (const path of filesNamedBy(item.arguments, raw.user?.home)) {
      if (files.has(path)) continue;
      const text = raw.readFile(path);
      if (text !== undefined) files.set(path, text);
    }
  }

  for (const item of items) {
    const digest = referencedFilesDigest(item.arguments, raw.user?.home, files);
    if (digest) item.referencedSha256 = digest;
  }

  const dns = raw.dns === undefined ? new Map<string, string>() : dnsMap(raw.dns, notes);

  if (!raw.privileged) notes.push(raw.source === 'capture' ? 'connections of root processes not visible (capture was not privileged)' : 'connections of root processes not visible (not running as root)');
  const inventory: Inventory = {
    source: raw.source,
    host: raw.host,
    privileged: raw.privileged,
    items,
    loaded: list.records,
    loadedListCoversDaemons: raw.privileged,
    signing: raw.codesign === undefined ? new Map() : parseCodesignBundle(raw.codesign),
    dns,
    files,
    notes,
  };
  if (raw.user) inventory.user = raw.user;
  if (raw.listedAt !== undefined) inventory.loadedAt = raw.listedAt;
  return inventory;
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

export function assembleSample(takenAt: number, psText: string, lsofText: string | undefined): SampleOutcome {
  const ps = parsePs(psText);
  const sample: Sample = { takenAt, processes: ps.records.map((row) => toProcessRecord(row, takenAt)) };
  const problems = ps.problems.map((p) => `ps: ${p}`);
  if (lsofText !== undefined) {
    const lsof = parseLsof(lsofText);
    sample.connections = lsof.records;
    problems.push(...lsof.problems.map((p) => `lsof: ${p}`));
  }
  return { sample, problems };
}
