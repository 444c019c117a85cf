// The live Linux machine: systemd units and XDG autostart entries from disk, processes from /proc
// (no process spawned per tick), sockets from /proc/net joined to /proc/<pid>/fd.
import { MachineFactsCache, type MachineFactsReading } from '../machine-facts';
import { parsePasswd, parsePasswdHomes } from '../users';
import { opendirSync, readdirSync, readFileSync, readlinkSync, statSync, type Dir } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { arch, cpus, hostname, release, userInfo } from 'node:os';
import type { ConnectionRecord, Inventory, LaunchItem } from '../../engine/model';
import type { SampleReading, SampleRequest, SystemReader } from '../../engine/reader';
import { filesNamedByJob, followFilesNamedByJob } from '../../engine/job-home';
import { injectedLibrariesDigest } from '../../engine/launch-item';
import { FileHasher } from '../file-hash';
import { folderNames, folderNamesNote } from '../folder-names';
import { fileIdentity } from '../file-identity';
import { gatherNamedFiles, MAX_REFERENCED_FILE, readScriptProgram, readSmallFile } from '../not-read';
import { readRegularFile, readRegularFileSync, sizeWords } from '../regular-file';
import { runCommand } from '../run-command';
import { chooseDropIns, MAX_DROP_INS } from './drop-ins';
import {
  itemFromUnitFile,
  persistenceFolders,
  unreadableUnit,
  type DropIn,
  type PersistenceFolder,
  type UnitReadingContext,
} from './persistence';
import { expandWildcard, type FolderAccess } from './environment-glob';
import { EXEC_SEARCH_PATH } from './systemd-exec';
import { parseBootTime } from './proc';
import { ProcessTable } from './process-table';
import { parseProcNet, socketInode, type ProcSocket } from './proc-net';

export interface LinuxLiveOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** /proc, for tests. */
  procRoot?: string;
  /** Model, build, serial, time zone...: systeminformation unless a test gives its own. */
  machineFacts?: () => Promise<MachineFactsReading>;
}

const MAX_UNIT = 1024 * 1024;
/**
 * Names of units, drop-ins and their folders held of one folder (a system's unit folders hold a few thousand; other
 * names are not held); past it the inventory is incomplete.
 */
const MAX_FOLDER_NAMES = 20_000;
const UNLISTED = 'a unit among the rest was not read';
/** What one unit's drop-ins may take in all (real ones are a few lines each). */
const MAX_DROP_IN_BYTES = 1024 * 1024;

export class LinuxLiveReader implements SystemReader {
  /** Units are files (watched), and processes are matched by their cgroup, not by a list to re-read. */
  readonly inventoryPollMs = 300_000;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly proc: string;
  private clockTicks: number | undefined;
  private bootTime: number | undefined;
  private readonly hasher = new FileHasher();
  private table: ProcessTable | undefined;
  /** Unit files as parsed, by path, with the file's identity, size and time they were parsed at. */
  private readonly parsedUnits = new Map<
    string,
    { key: string; environmentKey: string; wildcard: boolean; item: LaunchItem }
  >();
  private readonly facts = new MachineFactsCache();
  private readonly machineFacts: (() => Promise<MachineFactsReading>) | undefined;

  constructor(options: LinuxLiveOptions = {}) {
    this.env = options.env ?? process.env;
    this.home = options.home ?? this.env.HOME ?? userInfo().homedir;
    this.proc = options.procRoot ?? '/proc';
    this.machineFacts = options.machineFacts;
  }

  watchedFolders(): string[] {
    return persistenceFolders(this.env, this.home).map((f) => f.path);
  }

  async readInventory(): Promise<Inventory> {
    const notes: string[] = [];
    const items: LaunchItem[] = [];
    const seen = new Set<string>();
    const paths = new Set<string>();
    const me = userInfo();
    // The passwd file gives User='s home (its $HOME, its `~`); a unit is parsed again when either changes.
    let passwd = '';
    try {
      passwd = await readFile('/etc/passwd', 'utf8');
    } catch {
      // No passwd to read: processes show their uids, and a unit's User= has no known home.
    }
    const homes = parsePasswdHomes(passwd);
    // Each with the identity of the file its text came from: the key a parsed unit is kept under.
    const environmentTexts = new Map<string, { text: string | undefined; identity: string }>();
    // A unit whose EnvironmentFile= is a wildcard is parsed again every inventory: a file added to the folder changes
    // what it reads without changing any file it read.
    let parsedWithWildcard: boolean;
    const context: UnitReadingContext = {
      user: { name: me.username, uid: me.uid, home: this.home },
      env: this.env,
      hostname: hostname(),
      homeOf: (user) => homes.get(user),
      // Read once an inventory, however many units name it.
      readEnvironmentFile: (path) => {
        let read = environmentTexts.get(path);
        if (read === undefined) {
          read = readEnvironmentFile(path);
          environmentTexts.set(path, read);
        }
        return read.text;
      },
      expandWildcard: (pattern: string) => {
        parsedWithWildcard = true;
        return expandWildcard(pattern, nodeFolderAccess);
      },
    };
    const contextKey = `${context.hostname}:${hashText(passwd)}`;
    const folders = persistenceFolders(this.env, this.home);
    const listings = new Map<string, string[]>();
    for (const folder of folders) {
      const names = await listFolder(folder.path, notes);
      if (names) listings.set(folder.path, names);
    }
    const dropInListings = await listDropInFolders(folders, listings, notes);
    for (const folder of folders) {
      for (const name of listings.get(folder.path) ?? []) {
        const wanted = folder.kind === 'systemd-service' ? name.endsWith('.service') : name.endsWith('.desktop');
        if (!wanted) continue;
        const path = `${folder.path}/${name}`;
        paths.add(path);
        try {
          const info = await stat(path);
          // A unit linked to /dev/null is masked: not persistence.
          if (!info.isFile() || info.size === 0) continue;
          // The first folder that has a unit name wins, as systemd's search order does.
          const key = `${folder.kind}:${folder.manager ?? ''}:${name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (info.size > MAX_UNIT) {
            items.push(unreadableUnit(path, folder, `larger than ${MAX_UNIT / 1024 / 1024} MiB: not read`));
            continue;
          }
          const dropIns =
            folder.kind === 'systemd-service'
              ? await this.readDropIns(name, folders, folder.manager, dropInListings, notes)
              : { entries: [], more: 0 };
          // Read and parsed again only when the file or a drop-in changed: the inventory is read every minute.
          const fileKey = `${fileIdentity(info)}:${dropInKey(dropIns.entries)}:${contextKey}`;
          const cached = this.parsedUnits.get(path);
          // The files it reads its environment from are part of what it runs: a change there parses it again.
          const hit =
            cached?.key === fileKey &&
            !cached.wildcard &&
            cached.environmentKey === (await identities(cached.item.environmentFiles));
          let item: LaunchItem;
          let moreDropIns = dropIns.more;
          if (hit) item = { ...cached.item, problems: [...cached.item.problems] };
          else {
            // What is parsed, and the key it is kept under, both come from the files as they were read (through one
            // open file each): a name swapped after the look above neither blocks the reader nor has one file's
            // parse kept under another's identity.
            const unit = await readRegularFile(path, MAX_UNIT);
            if (unit.bytes === undefined) {
              const why =
                unit.refused === 'too large'
                  ? `larger than ${MAX_UNIT / 1024 / 1024} MiB (${sizeWords(unit.info.size, MAX_UNIT)}): not read`
                  : 'not a regular file when it was read: not read';
              items.push(unreadableUnit(path, folder, why));
              continue;
            }
            const read = await readDropInFiles(dropIns.entries);
            moreDropIns += read.more;
            const mtime = new Date(Math.max(unit.info.mtimeMs, read.newest)).toISOString();
            parsedWithWildcard = false;
            item = itemFromUnitFile(path, unit.bytes, folder, mtime, context, read.files);
            this.parsedUnits.set(path, {
              wildcard: parsedWithWildcard,
              key: `${fileIdentity(unit.info)}:${dropInKey(read.entries)}:${contextKey}`,
              environmentKey: (item.environmentFiles ?? [])
                .map((file) => environmentTexts.get(file)?.identity ?? identityNow(file))
                .join('\n'),
              item: { ...item, problems: [...item.problems] },
            });
          }
          if (moreDropIns > 0)
            item.problems.push(
              `${moreDropIns} more drop-ins not read (at most ${MAX_DROP_INS}, ${MAX_DROP_IN_BYTES / 1024 / 1024} MiB in all)`,
            );
          if (item.kind === 'systemd-service' && item.program !== undefined && !item.program.includes('/'))
            item.program = (await onSearchPath(item.program)) ?? item.program;
          if (item.program?.startsWith('/')) {
            const sha256 = await this.hasher.sha256(item.program);
            if (sha256) item.programSha256 = sha256;
          }
          if (item.injectedLibraries !== undefined) {
            const libraries = [];
            for (const library of item.injectedLibraries)
              libraries.push({ path: library, sha256: await this.hasher.sha256(library) });
            item.injectedSha256 = injectedLibrariesDigest(libraries);
          }
          items.push(item);
        } catch (error) {
          notes.push(`${path}: ${(error as Error).message}`);
        }
      }
    }

    for (const path of this.parsedUnits.keys()) if (!paths.has(path)) this.parsedUnits.delete(path);
    const user = { name: me.username, uid: me.uid, home: this.home };
    const files = gatherNamedFiles(
      items,
      (item, files, depth) => filesNamedByJob(item, user, files, depth),
      readSmallFile,
      readScriptProgram,
      (item, files) => followFilesNamedByJob(item, user, files).programs ?? [],
    );
    const privileged = me.uid === 0;
    if (!privileged) notes.push("connections of other users' processes not visible (not running as root)");
    const userNames = passwd === '' ? undefined : parsePasswd(passwd);
    return {
      source: 'live',
      host: {
        hostname: hostname(),
        os: 'Linux',
        osVersion: release(),
        arch: arch(),
        cpuCount: cpus().length,
        machine: await this.facts.read(notes, this.machineFacts),
      },
      user,
      privileged,
      items,
      loaded: [],
      loadedListCoversDaemons: true,
      signing: new Map(),
      dns: new Map(),
      files,
      notes,
      ...(notes.some((note) => note.endsWith(UNLISTED))
        ? { incomplete: `a unit folder holds more names than are read (${MAX_FOLDER_NAMES.toLocaleString('en-US')})` }
        : {}),
      ...(userNames ? { userNames } : {}),
    };
  }

  async readSample(request: SampleRequest = {}): Promise<SampleReading> {
    const notes: string[] = [];
    await this.readClock(notes);
    const takenAt = Date.now();
    this.table ??= new ProcessTable({
      proc: this.proc,
      clockTicks: this.clockTicks ?? 100,
      bootTime: this.bootTime ?? 0,
    });
    const processes = this.table.read(request.detailsOf ?? 'all', request.cpuOf ?? 'all');
    const sample: SampleReading['sample'] = { takenAt, processes };
    if (!request.skipConnections)
      sample.connections = await this.readConnections(
        request.connectionsOf ?? new Set(processes.map((p) => p.pid)),
        notes,
      );
    return { sample, notes };
  }

  private async readConnections(pids: Set<number>, notes: string[]): Promise<ConnectionRecord[]> {
    // First the processes' socket inodes; the socket tables are read only when there are any.
    const inodesByPid: [number, number][] = [];
    let denied = 0;
    const all = [...pids];
    for (let i = 0; i < all.length; i += 64) {
      for (const pid of all.slice(i, i + 64)) {
        let fds: string[];
        try {
          fds = readdirSync(`${this.proc}/${pid}/fd`);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EACCES') denied++;
          continue;
        }
        for (const fd of fds) {
          let link: string;
          try {
            link = readlinkSync(`${this.proc}/${pid}/fd/${fd}`);
          } catch {
            continue;
          }
          const inode = socketInode(link);
          if (inode !== undefined) inodesByPid.push([pid, inode]);
        }
      }
      await yieldToLoop();
    }
    if (denied > 0) notes.push(`sockets of ${denied} processes not visible (permission denied)`);
    if (inodesByPid.length === 0) return [];

    const sockets = new Map<number, ProcSocket>();
    for (const [file, protocol, family] of [
      ['tcp', 'TCP', 'IPv4'],
      ['tcp6', 'TCP', 'IPv6'],
      ['udp', 'UDP', 'IPv4'],
      ['udp6', 'UDP', 'IPv6'],
    ] as const) {
      try {
        for (const s of parseProcNet(readFileSync(`${this.proc}/net/${file}`, 'utf8'), protocol, family))
          sockets.set(s.inode, s);
      } catch {
        // A kernel without IPv6 has no tcp6.
      }
    }
    const connections: ConnectionRecord[] = [];
    for (const [pid, inode] of inodesByPid) {
      const socket = sockets.get(inode);
      if (!socket) continue;
      const record: ConnectionRecord = {
        pid,
        protocol: socket.protocol,
        family: socket.family,
        localAddress: socket.localAddress,
        localPort: socket.localPort,
      };
      if (socket.remotePort !== 0) {
        record.remoteAddress = socket.remoteAddress;
        record.remotePort = socket.remotePort;
      }
      if (socket.protocol === 'TCP') record.state = socket.state;
      connections.push(record);
    }
    return connections;
  }

  /**
   * A unit's drop-ins, as they look now: which apply (at most 1 MiB of them in all), each with its identity, or that
   * it is not read; their dropInKey changes when any does. They are read only when it has changed: the inventory is
   * read every few minutes.
   */
  private async readDropIns(
    unitName: string,
    folders: PersistenceFolder[],
    manager: PersistenceFolder['manager'],
    listings: Map<string, string[]>,
    notes: string[],
  ): Promise<{ entries: DropInEntry[]; more: number }> {
    const searchFolders = folders
      .filter((f) => f.kind === 'systemd-service' && f.manager === manager)
      .map((f) => f.path);
    const chosen = chooseDropIns(unitName, searchFolders, (folder) => listings.get(folder));
    const entries: DropInEntry[] = [];
    let bytes = 0;
    let more = chosen.more;
    for (const path of chosen.paths) {
      try {
        const info = await stat(path);
        // A drop-in linked to /dev/null masks the one of its name (systemd.unit(5)); it adds nothing.
        if (!info.isFile() || info.size === 0) continue;
        // A `service.d/` drop-in applies to every service: what one unit may read is bounded, not each file alone.
        if (bytes + info.size > MAX_DROP_IN_BYTES) {
          more++;
          entries.push({ path, identity: undefined });
          continue;
        }
        bytes += info.size;
        entries.push({ path, identity: fileIdentity(info) });
      } catch (error) {
        notes.push(`${path}: ${(error as Error).message}`);
      }
    }
    return { entries, more };
  }

  private async readClock(notes: string[]): Promise<void> {
    if (this.clockTicks !== undefined) return;
    const out = await runCommand('getconf', ['CLK_TCK'], { timeoutMs: 2000 });
    const ticks = Number(out.stdout.trim());
    this.clockTicks = Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
    if (out.problem) notes.push(`${out.problem}; assuming 100 clock ticks a second`);
    try {
      this.bootTime = parseBootTime(await readFile(`${this.proc}/stat`, 'utf8'));
    } catch {
      notes.push(`${this.proc}/stat unreadable: process start times are relative`);
    }
  }
}

/** systemd runs an ExecStart= given by bare name from the first folder of its search path that has it. */
async function onSearchPath(name: string): Promise<string | undefined> {
  if (name === '' || name === '.' || name === '..') return undefined;
  for (const folder of EXEC_SEARCH_PATH) {
    try {
      if ((await stat(`${folder}/${name}`)).isFile()) return `${folder}/${name}`;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the files are now (identity, or that they are not there): a change in any changes it. */
async function identities(paths: readonly string[] | undefined): Promise<string> {
  const parts: string[] = [];
  for (const path of paths ?? []) {
    try {
      parts.push(fileIdentity(await stat(path)));
    } catch {
      parts.push('-');
    }
  }
  return parts.join('\n');
}

/** A drop-in chosen for a unit, with the identity of its file; undefined identity: past the bound, not read. */
interface DropInEntry {
  path: string;
  identity: string | undefined;
}

/** What a unit's parse depends on of its drop-ins, as a key that changes when any does. */
function dropInKey(entries: readonly DropInEntry[]): string {
  return hashText(entries.map((e) => `${e.path}:${e.identity ?? 'not read'}`).join('\n'));
}

/**
 * The drop-ins chosen, read, within the bound for them all; `entries` as they were read (the identity of the file each
 * text came from), for the key the parse is kept under. One that went in the meantime, or is no longer a regular file,
 * is left out; one grown past the bound is not read, and counted.
 */
async function readDropInFiles(
  chosen: readonly DropInEntry[],
): Promise<{ files: DropIn[]; entries: DropInEntry[]; newest: number; more: number }> {
  const files: DropIn[] = [];
  const entries: DropInEntry[] = [];
  let newest = 0;
  let bytes = 0;
  let more = 0;
  for (const { path, identity } of chosen) {
    if (identity === undefined) {
      entries.push({ path, identity });
      continue;
    }
    try {
      const got = await readRegularFile(path, MAX_DROP_IN_BYTES - bytes);
      if (got.bytes === undefined) {
        if (got.refused === 'too large') {
          more++;
          entries.push({ path, identity: undefined });
        }
        continue;
      }
      bytes += got.bytes.length;
      files.push({ path, bytes: got.bytes });
      entries.push({ path, identity: fileIdentity(got.info) });
      newest = Math.max(newest, got.info.mtimeMs);
    } catch {
      // Gone since it was chosen: the next inventory's key differs, and it is chosen no more.
    }
  }
  return { files, entries, newest, more };
}

/**
 * An EnvironmentFile='s text, and the identity of the file it came from (identities() says the same of a file not
 * changed since). Read through one open file, as a unit's own.
 */
function readEnvironmentFile(path: string): { text: string | undefined; identity: string } {
  try {
    const got = readRegularFileSync(path, MAX_REFERENCED_FILE);
    return { text: got.bytes?.toString('utf8'), identity: fileIdentity(got.info) };
  } catch {
    return { text: undefined, identity: identityNow(path) };
  }
}

/** A file's identity now, or '-' when it cannot be looked at: as identities() says it. */
function identityNow(path: string): string {
  try {
    return fileIdentity(statSync(path));
  } catch {
    return '-';
  }
}

/** The names the reader uses of a folder: units, autostart entries, drop-in folders and drop-ins. */
function unitFileName(name: string): boolean {
  return ['.service', '.desktop', '.service.d', '.conf'].some((end) => name.endsWith(end)) || name === 'service.d';
}

/**
 * A folder's names the reader uses, sorted, at most MAX_FOLDER_NAMES (the rest named in a note); undefined when it
 * does not exist, and a note when it cannot be read.
 */
async function listFolder(path: string, notes: string[]): Promise<string[] | undefined> {
  try {
    const listed = await folderNames(path, MAX_FOLDER_NAMES, unitFileName);
    const note = folderNamesNote(path, listed, MAX_FOLDER_NAMES);
    if (note !== undefined) notes.push(`${note}: ${UNLISTED}`);
    return listed.names;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      notes.push(`${path}: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
    return undefined;
  }
}

/** The `.conf` names of every `<unit>.d/` and `service.d/` folder in systemd's search path, by folder. */
async function listDropInFolders(
  folders: PersistenceFolder[],
  listings: Map<string, string[]>,
  notes: string[],
): Promise<Map<string, string[]>> {
  const dropIns = new Map<string, string[]>();
  for (const folder of folders) {
    if (folder.kind !== 'systemd-service') continue;
    for (const name of listings.get(folder.path) ?? []) {
      if (name !== 'service.d' && !name.endsWith('.service.d')) continue;
      const path = `${folder.path}/${name}`;
      const confs = (await listFolder(path, notes))?.filter((n) => n.endsWith('.conf'));
      if (confs && confs.length > 0) dropIns.set(path, confs.slice(0, MAX_DROP_INS * 4));
    }
  }
  return dropIns;
}

/** The live file system, read name by name (a folder of any size is never held whole). */
const nodeFolderAccess: FolderAccess = {
  list(folder, max) {
    let dir: Dir;
    try {
      dir = opendirSync(folder);
    } catch {
      return undefined;
    }
    const names: string[] = [];
    let more = false;
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        if (names.length >= max) {
          more = true;
          break;
        }
        names.push(entry.name);
      }
    } catch {
      // A folder that goes away while read: what was read stands.
    } finally {
      dir.closeSync();
    }
    return { names, more };
  },
  isFolder(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  exists(path) {
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
};
