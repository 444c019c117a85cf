// A capture bundle (capture-format.md, version 1) read into the same inventory and samples as a live Mac.
import { posix } from 'node:path';
import { z } from 'zod';
import type { Inventory, LaunchItem, MachineFacts, Sample } from '../../engine/model';
import { filesNamedByJob } from '../../engine/job-home';
import { injectedLibrariesDigest } from '../../engine/launch-item';
import { trimEnd } from '../../engine/shell-words';
import { hasControlCharacters } from '../../engine/terminal-text';
import { assembleInventory, assembleSample } from '../macos/assemble';
import { parseDsclUniqueIds } from '../users';
import type { PlistFile } from '../macos/launchd-plist';
import { CaptureError, openCaptureFiles, type CaptureFiles } from './capture-files';
import { MAX_REFERENCED_FILE, TOO_LARGE } from '../not-read';

export { CaptureError } from './capture-files';

/** A day of samples at 10 s; a manifest that declares more is read up to here, with a note. */
export const MAX_SAMPLES = 10_000;

const manifestSchema = z.object({
  format: z.string(),
  version: z.number(),
  createdAt: z.string().optional(),
  host: z.object({
    hostname: z.string(),
    os: z.string().default('macOS'),
    osVersion: z.string().default(''),
    arch: z.string().optional(),
    cpuCount: z.number().int().positive().default(1),
  }),
  user: z.object({ name: z.string(), uid: z.number().int(), home: z.string().startsWith('/') }).optional(),
  privileged: z.boolean(),
  /** collect.sh --redact: names replaced by placeholders before the archive was written. */
  redacted: z.boolean().optional(),
  samples: z.array(z.object({ dir: z.string(), takenAt: z.string() })).min(1),
});

export type CaptureManifest = z.infer<typeof manifestSchema>;

export interface Capture {
  manifest: CaptureManifest;
  inventory: Inventory;
  samples: Sample[];
  /** Notes about missing optional files or unreadable lines, also on inventory.notes. */
  notes: string[];
}

export async function readCapture(path: string): Promise<Capture> {
  return readCaptureFiles(await openCaptureFiles(path));
}

export function readCaptureFiles(files: CaptureFiles): Capture {
  const origin = files.origin;
  const notes: string[] = [];
  const manifest = readManifest(files, notes);
  const machine = readMachine(files.read('manifest.json'), notes);
  if (manifest.redacted) notes.push('this capture was redacted by the collector (--redact): names are placeholders');
  const text = (name: string): string | undefined => files.read(name)?.toString('utf8');

  const launchctlList = text('launchctl-list.txt');
  if (launchctlList === undefined) throw new CaptureError(`${origin}: launchctl-list.txt is missing`);
  const optional = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) notes.push(`${name} not in the capture`);
    return value;
  };
  const printDisabled = [optional('launchctl-print-disabled.txt'), text('launchctl-print-disabled-system.txt')]
    .filter((t): t is string => t !== undefined)
    .join('\n');
  const systemList = text('launchctl-list-system.txt');
  const btm = text('btm.txt');
  const codesign = optional('codesign.txt');
  const dns = optional('dns.txt');

  const isPlist = (name: string): boolean =>
    // AppleDouble files ("._x.plist") hold extended attributes that macOS tar adds: not launch items.
    name.startsWith('fs/') && name.endsWith('.plist') && !name.slice(name.lastIndexOf('/') + 1).startsWith('._');
  const links = files.links();
  const notCopiedText = text('not-copied.txt');
  const notCopied = notCopiedText === undefined ? new Map<string, string>() : parseNotCopied(notCopiedText, notes);
  const datesText = text('file-dates.txt');
  const fileDates = datesText === undefined ? new Map<string, Date>() : parseFileDates(datesText, notes);
  const plists: PlistFile[] = [];
  for (const name of files.list()) {
    if (!isPlist(name)) continue;
    const bytes = files.read(name);
    if (!bytes) continue;
    const file: PlistFile = { path: name.slice(2), bytes };
    // The date the Mac gave the file (file-dates.txt) over the copy's, which a copy may have reset.
    const mtime = fileDates.get(name.slice(2)) ?? files.mtime(name);
    if (mtime && mtime.getTime() > 0) file.mtime = mtime.toISOString();
    const target = links.get(name);
    if (target !== undefined) file.linkTarget = target.startsWith('fs/') ? target.slice(2) : target;
    plists.push(file);
  }
  // A file the capture holds but could not be read is named; a property list among them is still an item.
  for (const [name, why] of files.skipped()) {
    if (isPlist(name)) plists.push({ path: name.slice(2), bytes: new Uint8Array(), unreadable: why });
    else notes.push(`${name}: ${why}`);
  }
  // So is a launch folder's property list the collector found but left out (a read of it that never answered): an
  // item it could not read, looked at harder, not one the capture silently lacks.
  const inCapture = new Set(plists.map((p) => p.path));
  for (const [path, why] of notCopied)
    if (inLaunchFolder(path) && !inCapture.has(path)) plists.push({ path, bytes: new Uint8Array(), unreadable: why });

  const inventory = assembleInventory({
    source: 'capture',
    host: { ...manifest.host, ...(machine ? { machine } : {}) },
    ...(manifest.user ? { user: manifest.user } : {}),
    privileged: manifest.privileged,
    launchctlList,
    // The collector runs launchctl list before the first sample.
    ...(listedAt(manifest) !== undefined ? { listedAt: listedAt(manifest) as number } : {}),
    ...(printDisabled !== '' ? { printDisabled } : {}),
    ...(systemList !== undefined ? { systemLaunchctlList: systemList } : {}),
    ...(btm !== undefined ? { btm } : {}),
    ...(codesign !== undefined ? { codesign } : {}),
    ...(dns !== undefined ? { dns } : {}),
    plists,
    readFile: (absolute) => {
      // The collector copies a file to the place its path names, so `/a//b`, `/a/./b` and `/a/x/../b` are all
      // fs/a/b in the archive: a plist spelling its config that way must not hide the config from a capture.
      const path = posix.normalize(absolute);
      const bytes = files.read(`fs${path}`);
      if (bytes === undefined) {
        const why = notCopied.get(path);
        return why === undefined ? undefined : { notRead: why };
      }
      return bytes.length <= MAX_REFERENCED_FILE ? bytes.toString('utf8') : TOO_LARGE;
    },
    notes,
  });

  const hashesText = text('hashes.txt');
  if (hashesText !== undefined) applyHashes(inventory.items, parseHashes(hashesText, inventory.notes));

  // partly-followed.txt (optional; collectors before it have none): where the collector stopped at a bound.
  const partlyText = text('partly-followed.txt');
  if (partlyText !== undefined) applyPartlyFollowed(inventory, parsePartlyFollowed(partlyText, inventory.notes));

  // users.txt (optional; collectors before it have none): whom the processes run as, by name.
  const users = text('users.txt');
  if (users !== undefined) inventory.userNames = parseDsclUniqueIds(users);

  if (!files.list().some((name) => name.startsWith('samples/')))
    throw new CaptureError(`${origin}: samples/ is missing`);
  const samples: Sample[] = [];
  manifest.samples.slice(0, MAX_SAMPLES).forEach((entry, index) => {
    const field = `manifest.json: samples[${index}]`;
    const takenAt = Date.parse(entry.takenAt);
    if (Number.isNaN(takenAt))
      throw new CaptureError(`${origin}: ${field}.takenAt is not a date: ${JSON.stringify(entry.takenAt)}`);
    const dir = trimEnd(entry.dir, '/');
    const ps = text(`${dir}/ps.txt`);
    if (ps === undefined) {
      inventory.notes.push(`${dir}/ps.txt missing: sample ${index} skipped`);
      return;
    }
    const outcome = assembleSample(takenAt, ps, text(`${dir}/lsof.txt`));
    outcome.problems.slice(0, 5).forEach((p) => inventory.notes.push(`${dir}: ${p}`));
    if (outcome.problems.length > 5)
      inventory.notes.push(`${dir}: ${outcome.problems.length - 5} more notes on ps.txt and lsof.txt not shown`);
    samples.push(outcome.sample);
  });
  samples.sort((a, b) => a.takenAt - b.takenAt);
  if (samples.length > 0 && samples.every((s) => s.connections === undefined))
    inventory.notes.push('no lsof.txt in any sample: connections unknown');
  return { manifest, inventory, samples, notes: inventory.notes };
}

function listedAt(manifest: CaptureManifest): number | undefined {
  const times = [manifest.createdAt, manifest.samples[0]?.takenAt]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

function readManifest(files: CaptureFiles, notes: string[]): CaptureManifest {
  const origin = files.origin;
  const bytes = files.read('manifest.json');
  if (!bytes) throw new CaptureError(`${origin}: manifest.json is missing`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CaptureError(`${origin}: manifest.json is not JSON: ${(error as Error).message}`);
  }
  // Only the samples that will be read are validated: a million-entry list is cut before it costs anything.
  const declared = (json as { samples?: unknown } | null)?.samples;
  if (Array.isArray(declared) && declared.length > MAX_SAMPLES) {
    (json as { samples: unknown[] }).samples = declared.slice(0, MAX_SAMPLES);
    notes.push(`manifest.json declares ${declared.length} samples: the first ${MAX_SAMPLES} were read`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== 'launchwatch-capture')
    throw new CaptureError(
      `${origin}: manifest.json: field "format" must be "launchwatch-capture", found ${JSON.stringify(format)}`,
    );
  const version = (json as { version?: unknown }).version;
  if (version !== 1)
    throw new CaptureError(
      `${origin}: manifest.json: field "version" ${JSON.stringify(version)} is not a version this reader knows (1)`,
    );
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaptureError(
      `${origin}: manifest.json: field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/**
 * file-dates.txt: "<seconds since the epoch>\t<absolute path>" a line, the modification dates the collector
 * read on the Mac (stat -f %m). A line that is not one is skipped with a note (the first few named).
 */
export function parseFileDates(text: string, notes: string[]): Map<string, Date> {
  const dates = new Map<string, Date>();
  for (const [seconds, path] of pathLines(text, 'file-dates.txt', '<seconds>', notes, (s) => /^\d{1,12}$/.test(s)))
    dates.set(path, new Date(Number(seconds) * 1000));
  return dates;
}

/**
 * hashes.txt (optional; collectors before it have none): "<sha256>\t<absolute path>" for each program and inserted
 * library the plists name that the collector could read, keyed by the path normalised as the files under fs/ are.
 */
export function parseHashes(text: string, notes: string[]): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const [sha256, path] of pathLines(text, 'hashes.txt', '<sha256>', notes, isSha256))
    hashes.set(posix.normalize(path), sha256);
  return hashes;
}

/** 64 lowercase hexadecimal digits, as shasum(1) prints a SHA-256 (a loop: no pattern to backtrack). */
function isSha256(text: string): boolean {
  if (text.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * The digests a live reader takes of an item's program and inserted libraries, from the collector's: an approval
 * of the item is then checked against the bytes, as live. A library the collector did not hash leaves the item's
 * libraries unverified (not changed): the collector may not have been allowed to read it.
 */
function applyHashes(items: LaunchItem[], hashes: Map<string, string>): void {
  for (const item of items) {
    const program = item.program?.startsWith('/') ? hashes.get(posix.normalize(item.program)) : undefined;
    if (program) item.programSha256 = program;
    if (item.injectedLibraries === undefined) continue;
    const libraries = item.injectedLibraries.map((path) => ({ path, sha256: hashes.get(posix.normalize(path)) }));
    if (libraries.every((l) => l.sha256 !== undefined)) item.injectedSha256 = injectedLibrariesDigest(libraries);
  }
}

/** A property list directly in a folder launchd reads jobs from (a user's, the system's, or an app's). */
function inLaunchFolder(path: string): boolean {
  const folder = posix.basename(posix.dirname(path));
  return (
    path.endsWith('.plist') &&
    (folder === 'LaunchAgents' || folder === 'LaunchDaemons') &&
    posix.basename(posix.dirname(posix.dirname(path))) === 'Library'
  );
}

/** What the collector says of a file it left out (not-copied.txt's first column), as a reader says it. */
const NOT_COPIED: Record<string, string> = {
  unreadable:
    'the collector did not copy it: the capturing user may not read it, or sudo could not say (as root on the Mac, it can be read)',
  'too-large': 'larger than 1 MiB, so the collector did not copy it',
  'no-answer':
    "it did not answer a read within the collector's time (a FIFO put under its name after the collector looked waits for a writer), so the collector left it out",
};

/**
 * not-copied.txt (optional): "<why>\t<absolute path>" for each file an item names that the collector found but
 * left out, keyed by the path normalised as the files under fs/ are.
 */
export function parseNotCopied(text: string, notes: string[]): Map<string, string> {
  const notCopied = new Map<string, string>();
  for (const [why, path] of pathLines(text, 'not-copied.txt', '<why>', notes, (w) => Object.hasOwn(NOT_COPIED, w)))
    notCopied.set(posix.normalize(path), NOT_COPIED[why] as string);
  return notCopied;
}

/** Which of the collector's bounds stopped it (partly-followed.txt's first column), as a reader says it. */
const PARTLY_FOLLOWED: Record<string, string> = {
  'first-64-kib': 'the collector looked for the files its commands name in its first 64 KiB only',
  'decoded-texts': 'the collector read the first 256 texts its commands decode only',
  decryptions: 'the collector made the first 128 openssl decryption tries (of 64 base64 words) only',
  'nested-scripts': 'the collector did not look for the files it names (it is run more than 4 scripts deep)',
  scripts: 'the collector did not look for the files it names (past the 64 scripts it reads for one property list)',
};

/**
 * partly-followed.txt (optional): "<why>\t<absolute path>" for each plist or script whose commands the collector
 * followed only up to one of its bounds, keyed by the path normalised as the files under fs/ are; each path's reasons
 * once each.
 */
export function parsePartlyFollowed(text: string, notes: string[]): Map<string, string[]> {
  const partly = new Map<string, string[]>();
  const accept = (why: string): boolean => Object.hasOwn(PARTLY_FOLLOWED, why);
  for (const [why, path] of pathLines(text, 'partly-followed.txt', '<why>', notes, accept)) {
    const key = posix.normalize(path);
    const reasons = partly.get(key) ?? [];
    const reason = PARTLY_FOLLOWED[why] as string;
    if (!reasons.includes(reason)) reasons.push(reason);
    partly.set(key, reasons);
  }
  return partly;
}

/**
 * Each item whose plist, or a script it runs, the collector followed only in part says so (its problems): a config
 * named past the bound (decoys put first by whoever wrote the script) may be missing from the capture, so the
 * capture is not the whole story of that item.
 */
function applyPartlyFollowed(inventory: Inventory, partly: Map<string, string[]>): void {
  if (partly.size === 0) return;
  for (const item of inventory.items) {
    const paths = new Set([item.plistPath, ...filesNamedByJob(item, inventory.user, inventory.files)]);
    for (const path of paths)
      for (const why of partly.get(posix.normalize(path)) ?? [])
        item.problems.push(
          `partly followed: ${path}: ${why}; a file it names past that may be missing from this capture`,
        );
  }
}

/**
 * The "<field>\t<absolute path>" lines of an optional capture file whose field is accepted, at most 200,000. A
 * line that is not one is skipped with a note: the first 3 named, then how many more.
 */
function pathLines(
  text: string,
  file: string,
  field: string,
  notes: string[],
  accept: (field: string) => boolean,
): [string, string][] {
  const lines: [string, string][] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const first = tab > 0 ? line.slice(0, tab) : '';
    const path = tab > 0 ? line.slice(tab + 1) : '';
    if (!accept(first) || !path.startsWith('/')) {
      if (++bad <= 3) notes.push(`${file}: not "${field}\\t<path>": ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    if (lines.length < 200_000) lines.push([first, path]);
  }
  if (bad > 3) notes.push(`${file}: ${bad - 3} more lines skipped`);
  return lines;
}

const FACT = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => !hasControlCharacters(text), 'has control characters');
const MACHINE_FIELDS = {
  model: FACT,
  osBuild: FACT,
  cpuModel: FACT,
  memoryBytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 53),
  /** Seconds since the epoch, as sysctl kern.boottime gives it. */
  bootedAt: z.number().int().positive().max(1e11),
  loggedInUser: FACT,
  serial: FACT,
  timeZone: FACT,
  utcOffset: z.string().regex(/^[+-]\d{4}$/),
} as const;

/**
 * manifest.json's optional host.machine (collectors from before it have none). Each fact is checked on
 * its own: a bad one is left out with a note naming the field, and the rest are kept.
 */
function readMachine(bytes: Buffer | undefined, notes: string[]): MachineFacts | undefined {
  let raw: unknown;
  try {
    raw = (JSON.parse(bytes?.toString('utf8') ?? 'null') as { host?: { machine?: unknown } } | null)?.host?.machine;
  } catch {
    return undefined; // readManifest has already said the manifest is not JSON
  }
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    notes.push('manifest.json: field "host.machine" is not an object: machine facts left out');
    return undefined;
  }
  const facts: MachineFacts = {};
  for (const [key, schema] of Object.entries(MACHINE_FIELDS)) {
    const value = (raw as Record<string, unknown>)[key];
    // The collector writes "" (or null for a number) for a fact the Mac did not give.
    if (value === undefined || value === null || value === '') continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      notes.push(
        `manifest.json: field "host.machine.${key}": ${parsed.error.issues[0]?.message ?? 'invalid'}; left out`,
      );
      continue;
    }
    if (key === 'bootedAt') facts.bootedAt = (parsed.data as number) * 1000;
    else (facts as Record<string, unknown>)[key] = parsed.data;
  }
  return facts;
}
