// The live Mac: the same stock commands the collector runs, through execFile (no shell), LC_ALL=C and
// timeouts, and the plists read from disk. Its text goes through the same parsers as a capture's.
import { MachineFactsCache, type MachineFactsReading } from '../machine-facts';
import { parseDsclUniqueIds } from '../users';
import { lookup } from 'node:dns/promises';
import { statSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { arch, cpus, hostname, userInfo } from 'node:os';
import type { Inventory, LaunchItem } from '../../engine/model';
import type { SampleReading, SampleRequest, SystemReader } from '../../engine/reader';
import { FileHasher } from '../file-hash';
import { folderNames, folderNamesNote, type FolderNames } from '../folder-names';
import { fileIdentity } from '../file-identity';
import { readRegularFile, sizeWords } from '../regular-file';
import { runCommand, type CommandOutput } from '../run-command';
import { assembleInventory, assembleSample, dnsMap, MAX_PLISTS } from './assemble';
import { readScriptProgram, readSmallFile } from '../not-read';
import { parseCodesignBundle } from './codesign';
import { guardedPlace, hasFullDiskAccess, privacyNote } from './privacy';
import { filesNamedByJob } from '../../engine/job-home';
import { injectedLibrariesDigest } from '../../engine/launch-item';
import { applicationFolders, launchdFolders } from './folders';
import type { PlistFile } from './launchd-plist';

export interface MacLiveOptions {
  /** Prefix for every filesystem path (tests point it at a temporary tree). */
  root?: string;
  home?: string;
  uid?: number;
  userName?: string;
  commandTimeoutMs?: number;
  /** Resolve host names found in items' arguments (off in tests). */
  resolveNames?: boolean;
  /** Environment for the commands (tests put shims first on PATH). */
  env?: NodeJS.ProcessEnv;
  /**
   * Running as root for the user above (`sudo npm run scan`): the user's agents, overrides and
   * `launchctl list` (in their session, through `launchctl asuser`), plus root's list of the daemons.
   */
  asRootFor?: boolean;
  /** Model, build, serial, time zone...: systeminformation unless a test gives its own. */
  machineFacts?: () => Promise<MachineFactsReading>;
}

const MAX_PLIST = 4 * 1024 * 1024;
/** Apps in one applications folder whose bundles are looked in for launch items (a Mac holds a few hundred). */
const MAX_APPS = 20_000;

export const PS_ARGS = ['-axww', '-o', 'pid=,ppid=,uid=,etime=,time=,args='];
export const LSOF_ARGS = ['-nP', '-iTCP', '-iUDP', '-F', 'pcuftPnT'];

export class MacLiveReader implements SystemReader {
  /** lsof is a process: sockets are read only when the attributed processes change, or every 30 s. */
  readonly socketsCostAProcess = true;
  private osVersion: string | undefined;
  private readonly root: string;
  private readonly home: string;
  private readonly uid: number;
  private readonly timeout: number;
  private readonly hasher = new FileHasher();
  private readonly signatures = new Map<string, { stamp: string; text: string }>();
  private readonly names = new Map<string, { at: number; addresses: string[] }>();
  private readonly facts = new MachineFactsCache();
  private users: { at: number; names: Map<number, string> } | undefined;

  constructor(private readonly options: MacLiveOptions = {}) {
    this.root = options.root ?? '';
    const me = userInfo();
    this.home = options.home ?? me.homedir;
    this.uid = options.uid ?? me.uid;
    this.timeout = options.commandTimeoutMs ?? 15_000;
  }

  watchedFolders(): string[] {
    return launchdFolders(this.home).map((f) => this.root + f.path);
  }

  async readInventory(): Promise<Inventory> {
    const notes: string[] = [];
    const forUser = this.options.asRootFor === true && this.uid !== 0;
    const privileged = this.uid === 0 || forUser;
    const listedAt = Date.now();
    // Under sudo, plain `launchctl list` shows the system domain: the user's own list is asked for in
    // their session, as them (as collect.sh does), and root's list is kept for the daemons.
    const list = forUser
      ? await this.run(
          'launchctl',
          ['asuser', String(this.uid), 'sudo', '-u', this.options.userName ?? '', 'launchctl', 'list'],
          notes,
        )
      : await this.run('launchctl', ['list'], notes);
    const systemList = forUser ? await this.run('launchctl', ['list'], notes) : undefined;
    const disabledDomains = forUser ? [`gui/${this.uid}`, 'system'] : [privileged ? 'system' : `gui/${this.uid}`];
    const disabledTexts: string[] = [];
    let disabledProblem = false;
    for (const domain of disabledDomains) {
      const out = await this.run('launchctl', ['print-disabled', domain], notes);
      if (out.problem) disabledProblem = true;
      else disabledTexts.push(out.stdout);
    }
    const disabled = { problem: disabledProblem && disabledTexts.length === 0, stdout: disabledTexts.join('\n') };
    const { files: plists, beyond: plistsBeyond } = await this.readPlists(notes);
    // Background Task Management answers only root (sfltool asks for authorization otherwise).
    const btm = privileged ? await this.run('sfltool', ['dumpbtm'], notes) : undefined;
    // The OS version changes only with a restart: asked once, not at every inventory read.
    this.osVersion ??= await this.run('sw_vers', ['-productVersion'], notes).then((out) =>
      out.problem ? undefined : out.stdout.trim(),
    );
    const version = { stdout: this.osVersion ?? '' };

    // Files in privacy-guarded places are not touched without Full Disk Access (no prompt every minute).
    const fullDiskAccess = hasFullDiskAccess(this.root, this.home);
    const guarded = (path: string): string | undefined => (fullDiskAccess ? undefined : guardedPlace(path, this.home));
    // Parsed once; signatures and names are added from the items it found.
    const inventory = assembleInventory({
      source: 'live',
      host: { ...this.host(version.stdout.trim()), machine: await this.facts.read(notes, this.options.machineFacts) },
      user: { name: this.options.userName ?? userInfo().username, uid: this.uid, home: this.home },
      privileged,
      launchctlList: list.stdout,
      listDomain: privileged && !forUser ? 'system' : 'user',
      ...(systemList && !systemList.problem ? { systemLaunchctlList: systemList.stdout } : {}),
      ...(btm && !btm.problem ? { btm: btm.stdout } : {}),
      listedAt,
      ...(disabled.problem ? {} : { printDisabled: disabled.stdout }),
      plists,
      plistsBeyond,
      readFile: (path) => (guarded(path) ? undefined : readSmallFile(this.root + path)),
      readScript: (path, runBy) => (guarded(path) ? undefined : readScriptProgram(this.root + path, runBy)),
      notes,
    });
    for (const item of inventory.items) {
      const named = filesNamedByJob(item, inventory.user, inventory.files);
      for (const path of new Set([...(item.program ? [item.program] : []), ...named])) {
        const place = guarded(path);
        if (place) item.problems.push(privacyNote(path, place));
      }
    }
    const userNames = await this.userNames();
    if (userNames) inventory.userNames = userNames;
    const readable = inventory.items.filter((i) => !i.program || !guarded(i.program));
    inventory.signing = parseCodesignBundle(await this.codesignBundle(readable, inventory.notes));
    if (this.options.resolveNames !== false)
      inventory.dns = dnsMap(await resolveNamesIn(inventory.items, this.names), inventory.notes);
    for (const item of readable) {
      if (!item.program?.startsWith('/')) continue;
      const sha256 = await this.hasher.sha256(this.root + item.program);
      if (sha256) item.programSha256 = sha256;
    }
    for (const item of inventory.items) {
      if (item.injectedLibraries === undefined) continue;
      const libraries = [];
      for (const path of item.injectedLibraries)
        libraries.push({ path, sha256: guarded(path) ? undefined : await this.hasher.sha256(this.root + path) });
      item.injectedSha256 = injectedLibrariesDigest(libraries);
    }
    return inventory;
  }

  async readSample(request: SampleRequest = {}): Promise<SampleReading> {
    const notes: string[] = [];
    const takenAt = Date.now();
    const ps = await this.run('ps', PS_ARGS, notes);
    let lsofText: string | undefined;
    if (!request.skipConnections) {
      const pids = request.connectionsOf ? [...request.connectionsOf] : undefined;
      if (pids === undefined || pids.length > 0) {
        // -a: AND the pid filter with the network filter; lsof exits 1 when nothing matches.
        const args = pids ? [...LSOF_ARGS, '-a', '-p', pids.join(',')] : LSOF_ARGS;
        const lsof = await this.run('lsof', args, notes, [1]);
        if (lsof.code !== undefined) lsofText = lsof.stdout;
      } else lsofText = '';
    }
    const outcome = assembleSample(takenAt, ps.stdout, lsofText);
    notes.push(...outcome.problems.slice(0, 5));
    if (outcome.problems.length > 5) notes.push(`${outcome.problems.length - 5} more notes on ps and lsof not shown`);
    return { sample: outcome.sample, notes };
  }

  /**
   * Whom processes run as, by name (dscl), asked at most once an hour: users are rarely added, and the
   * inventory is re-read every minute. A Mac without an answer shows uids (no note: it is a nicety).
   */
  private async userNames(): Promise<Map<number, string> | undefined> {
    if (this.users && Date.now() - this.users.at < 3_600_000) return this.users.names;
    const out = await runCommand('dscl', ['.', '-list', '/Users', 'UniqueID'], {
      timeoutMs: this.timeout,
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    if (out.problem || out.code !== 0) return this.users?.names;
    this.users = { at: Date.now(), names: parseDsclUniqueIds(out.stdout) };
    return this.users.names;
  }

  private host(osVersion: string) {
    return { hostname: hostname(), os: 'macOS', osVersion, arch: arch(), cpuCount: cpus().length };
  }

  private async run(command: string, args: string[], notes: string[], okCodes?: number[]): Promise<CommandOutput> {
    const out = await runCommand(command, args, {
      timeoutMs: this.timeout,
      ...(okCodes ? { okCodes } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    if (out.problem) notes.push(out.problem);
    return out;
  }

  /** The property lists in launchd's folders, the first MAX_PLISTS of them, and how many more there were. */
  private async readPlists(notes: string[]): Promise<{ files: PlistFile[]; beyond: number }> {
    const folders = launchdFolders(this.home).map((f) => f.path);
    for (const apps of applicationFolders(this.home)) {
      const listed = await this.list(apps, notes, MAX_APPS, (name) => name.endsWith('.app'));
      for (const app of listed.names)
        folders.push(`${apps}/${app}/Contents/Library/LaunchAgents`, `${apps}/${app}/Contents/Library/LaunchDaemons`);
    }
    const files: PlistFile[] = [];
    let total = 0;
    let unlisted = 0;
    for (const folder of folders) {
      const listed = await this.list(
        folder,
        notes,
        MAX_PLISTS,
        (name) => name.endsWith('.plist') && !name.startsWith('._'),
      );
      // A folder read no further holds at least one more: the inventory is incomplete either way.
      unlisted += listed.more + (listed.cut ? 1 : 0);
      for (const name of listed.names) {
        // Past the bound, files are counted, not read (this runs every minute).
        if (++total <= MAX_PLISTS) files.push(await this.readPlist(`${folder}/${name}`));
      }
    }
    return { files, beyond: Math.max(0, total - MAX_PLISTS) + unlisted };
  }

  /** launchd follows a symbolic link in its folders, so the reader does too, and says where it led. */
  private async readPlist(path: string): Promise<PlistFile> {
    const file: PlistFile = { path, bytes: new Uint8Array() };
    try {
      const link = await lstat(this.root + path);
      if (link.isSymbolicLink()) file.linkTarget = await readlink(this.root + path);
      // Its time, kind, size and bytes from one open file: the folder's owner can swap the name at any moment.
      const got = await readRegularFile(this.root + path, MAX_PLIST);
      file.mtime = got.info.mtime.toISOString();
      if (got.refused === 'not a regular file') file.unreadable = 'not a regular file';
      else if (got.bytes === undefined)
        file.unreadable = `larger than ${MAX_PLIST / 1024 / 1024} MiB (${sizeWords(got.info.size, MAX_PLIST)}): not read`;
      else file.bytes = got.bytes;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      file.unreadable =
        code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOENT' && file.linkTarget !== undefined
            ? 'a symbolic link to a file that does not exist'
            : (error as Error).message;
    }
    return file;
  }

  /** A folder's names that `wanted` keeps, at most `maxKept` held (folder-names.ts); none when it is not there. */
  private async list(
    folder: string,
    notes: string[],
    maxKept: number,
    wanted: (name: string) => boolean,
  ): Promise<FolderNames> {
    try {
      const listed = await folderNames(this.root + folder, maxKept, wanted);
      const note = folderNamesNote(folder, listed, maxKept);
      if (note !== undefined) notes.push(note);
      return listed;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        notes.push(
          `${folder}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied (grant Full Disk Access to see it)' : (error as Error).message}`,
        );
      return { names: [], more: 0, cut: false };
    }
  }

  /** The same `### path` + stderr text the collector writes to codesign.txt. */
  private async codesignBundle(items: LaunchItem[], notes: string[]): Promise<string> {
    const programs = [
      ...new Set(items.map((i) => i.program).filter((p): p is string => p !== undefined && p.startsWith('/'))),
    ];
    let text = '';
    for (const program of programs) {
      // Signatures change only with the file: checked again only when it changed, not every minute for
      // every item.
      const stamp = fileStamp(this.root + program);
      const cached = this.signatures.get(program);
      if (cached && stamp !== undefined && cached.stamp === stamp) {
        text += cached.text;
        continue;
      }
      const out = await runCommand('codesign', ['-dv', '--verbose=2', program], {
        timeoutMs: this.timeout,
        okCodes: [0, 1],
        ...(this.options.env ? { env: this.options.env } : {}),
      });
      if (out.problem && out.code === undefined) {
        notes.push(out.problem);
        break;
      }
      const block = `### ${program}\n${out.stderr.replace(/\n?$/, '\n')}`;
      if (stamp !== undefined) this.signatures.set(program, { stamp, text: block });
      text += block;
    }
    return text;
  }
}

/** What identifies a file's version without reading it; a missing program is a version too. */
function fileStamp(path: string): string | undefined {
  try {
    const info = statSync(path);
    return fileIdentity(info);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : undefined;
  }
}

const NAME_TTL_MS = 10 * 60 * 1000;

/** ip -> hostname lines (dns.txt) for the host names that items' arguments name, looked up at most every ten minutes. */
async function resolveNamesIn(
  items: LaunchItem[],
  cache: Map<string, { at: number; addresses: string[] }>,
): Promise<string> {
  const names = new Set<string>();
  for (const item of items) {
    for (const arg of item.arguments) {
      for (const match of arg.matchAll(/(?:^|[/@\s])((?:[a-z0-9-]+\.)+[a-z]{2,63})(?::\d+)?/gi))
        names.add((match[1] ?? '').toLowerCase());
    }
  }
  const now = Date.now();
  await Promise.all(
    [...names].slice(0, 64).map(async (name) => {
      const known = cache.get(name);
      if (known && now - known.at < NAME_TTL_MS) return;
      let addresses: string[] = [];
      let timer: NodeJS.Timeout | undefined;
      try {
        const found = await Promise.race([
          lookup(name, { all: true }),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000))),
        ]);
        addresses = found.map((a) => a.address);
      } catch {
        // Unresolvable names are not evidence either way.
      } finally {
        clearTimeout(timer);
      }
      cache.set(name, { at: now, addresses });
    }),
  );
  return [...names]
    .flatMap((name) => (cache.get(name)?.addresses ?? []).map((address) => `${address}\t${name}`))
    .join('\n');
}
