// One host's osquery rows, gathered as they stream in (in any order), then turned into the engine's
// inventory and samples exactly as a capture is: launchd rows become launch items, each processes
// snapshot a sample (cumulative CPU times, as with ps), process_open_sockets rows its connections, and
// signature rows how each program is signed. Memory is bounded per host, not by the size of the log.
import { newLaunchItem } from '../../engine/launch-item';
import { isShell, isShellCommandOption } from '../../engine/shell-words';
import type {
  ConnectionRecord,
  Inventory,
  ItemScope,
  LaunchItem,
  ProcessRecord,
  Sample,
  SigningInfo,
} from '../../engine/model';
import { classifyPlistPath } from '../macos/folders';
import { PERSISTENCE_TECHNIQUE } from '../macos/launchd-plist';
import { tableOf, type ResultRows, type Row } from './results';

/** Distinct query times kept per host by default (a day of 60 s snapshots). */
export const MAX_TIMES = 1440;
const MAX_ROWS_PER_TIME = 20_000;
const MAX_ITEMS = 5_000;
/** A socket snapshot belongs to the processes snapshot taken this close to it. */
const SOCKET_MATCH_S = 90;

/** A processes or sockets row kept small: its parts the engine reads, strings shared within a host. */
interface Compact {
  key: string;
  process?: ProcessRecord;
  socket?: ConnectionRecord;
}

/** One table at one time: a snapshot, or the keys of the rows removed and the rows added. */
interface TableAtTime {
  snapshot?: Compact[];
  removed: string[];
  added: Compact[];
}

interface TimeSlot {
  processes?: TableAtTime;
  sockets?: TableAtTime;
}

export class FleetHost {
  private readonly launchd = new Map<string, Row>();
  private readonly signatures = new Map<string, Row>();
  private system: Row | undefined;
  private os: Row | undefined;
  private readonly times = new Map<number, TimeSlot>();
  /** Command lines and addresses repeat every minute: one copy each per host, and a number for it in keys. */
  private readonly strings = new Map<string, { text: string; id: number }>();
  readonly notes: string[] = [];
  private droppedTimes = 0;
  private unknownRows = 0;
  /** Rows past a bound, by table: counted and said, never dropped in silence. */
  private readonly beyond = { launchd: 0, signature: 0, processes: 0, sockets: 0 };
  /** launchd rows with no path, which no item can be made of. */
  private pathlessRows = 0;

  /** The tables as they stood before the oldest time kept: older times are folded in, not held. */
  private readonly baseProcesses = new Map<string, Compact>();
  private readonly baseSockets = new Map<string, Compact>();
  private horizon = -Infinity;
  private lateTimes = 0;

  /** `maxTimes`: how many snapshot times to hold (the judging window needs only the last few). */
  constructor(
    readonly name: string,
    private readonly maxTimes = MAX_TIMES,
  ) {}

  add(result: ResultRows): void {
    // A changed row is logged as removed (old) and added (new) at one time: the removal goes first, or a
    // launch item whose plist changed would vanish.
    const ordered = [
      ...result.rows.filter((r) => r.action === 'removed'),
      ...result.rows.filter((r) => r.action !== 'removed'),
    ];
    for (const { action, columns } of ordered) {
      const table = tableOf(columns);
      if (!table) {
        this.unknownRows++;
        continue;
      }
      if (table === 'system_info') {
        if (action !== 'removed') this.system = columns;
      } else if (table === 'os_version') {
        if (action !== 'removed') this.os = columns;
      } else if (table === 'launchd' || table === 'signature')
        this.keyed(table, action, columns, columns.path ?? '', MAX_ITEMS);
      else this.timed(table === 'processes' ? 'processes' : 'sockets', result.unixTime, action, columns);
    }
  }

  private keyed(table: 'launchd' | 'signature', action: string, row: Row, key: string, max: number): void {
    const map = table === 'launchd' ? this.launchd : this.signatures;
    if (key === '') {
      if (table === 'launchd' && action !== 'removed') this.pathlessRows++;
      return;
    }
    // Only the row that was removed goes: when the new row of a change came first (event lines in any
    // order), it stays.
    if (action === 'removed') {
      if (sameRow(map.get(key), row)) map.delete(key);
    } else if (map.has(key) || map.size < max) map.set(key, row);
    else this.beyond[table]++;
  }

  private timed(kind: 'processes' | 'sockets', time: number, action: 'snapshot' | 'added' | 'removed', row: Row): void {
    let slot = this.times.get(time);
    if (!slot) {
      if (time <= this.horizon) {
        // Older than what was already folded away: it can no longer be placed in order.
        this.lateTimes++;
        return;
      }
      if (this.times.size >= this.maxTimes) {
        // Memory grows with hosts, not with the log: the oldest time is folded into the base tables.
        const oldest = Math.min(...this.times.keys());
        const old = this.times.get(oldest) as TimeSlot;
        if (old.processes) apply(this.baseProcesses, old.processes);
        if (old.sockets) apply(this.baseSockets, old.sockets);
        this.times.delete(oldest);
        this.horizon = oldest;
        this.droppedTimes++;
      }
      slot = {};
      this.times.set(time, slot);
    }
    const compact = kind === 'processes' ? this.compactProcess(row) : this.compactSocket(row);
    if (!compact) return;
    const entry = (slot[kind] ??= { removed: [], added: [] });
    if (action === 'snapshot') {
      entry.snapshot ??= [];
      if (entry.snapshot.length < MAX_ROWS_PER_TIME) entry.snapshot.push(compact);
      else this.beyond[kind]++;
    } else if (entry.removed.length + entry.added.length < MAX_ROWS_PER_TIME) {
      // A removed row is only ever matched by its key.
      if (action === 'removed') entry.removed.push(compact.key);
      else entry.added.push(compact);
    } else this.beyond[kind]++;
  }

  private intern(text: string): { text: string; id?: number } {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= 100_000) return { text };
    const added = { text, id: this.strings.size };
    this.strings.set(text, added);
    return added;
  }

  /**
   * A string's part in a key: its number, or past the table's bound the text after its length (an IPv6
   * address has colons, and the length keeps two keys from reading the same).
   */
  private keyPart(interned: { text: string; id?: number }): string {
    return interned.id !== undefined ? `#${interned.id}` : `=${interned.text.length}=${interned.text}`;
  }

  private compactProcess(row: Row): Compact | undefined {
    const process = processFromRow(row);
    if (!process) return undefined;
    const args = this.intern(process.args);
    process.args = args.text;
    return {
      key: rowKey([process.pid, process.startedAt, process.cpuSeconds, process.ppid, this.keyPart(args)]),
      process,
    };
  }

  private compactSocket(row: Row): Compact | undefined {
    const socket = connectionFromRow(row);
    if (!socket) return undefined;
    const local = this.intern(socket.localAddress);
    socket.localAddress = local.text;
    const remote = socket.remoteAddress !== undefined ? this.intern(socket.remoteAddress) : undefined;
    if (remote) socket.remoteAddress = remote.text;
    return {
      key: rowKey([
        socket.pid,
        socket.protocol,
        this.keyPart(local),
        socket.localPort ?? '',
        remote ? this.keyPart(remote) : '',
        socket.remotePort ?? '',
      ]),
      socket,
    };
  }

  /** The host as the engine sees a Mac: its launch items, and one sample per processes snapshot. */
  toInventoryAndSamples(): { inventory: Inventory; samples: Sample[] } {
    const items: LaunchItem[] = [];
    let pathless = this.pathlessRows;
    for (const row of this.launchd.values()) {
      const item = launchItemFromRow(row);
      if (item) items.push(item);
      else pathless++;
    }
    const signing = new Map<string, SigningInfo>();
    for (const row of this.signatures.values()) {
      const info = signingFromRow(row);
      if (info) signing.set(info.path, info);
    }
    const notes = [...this.notes];
    if (this.droppedTimes > 0)
      notes.push(`${this.droppedTimes} older snapshots were folded away (the last ${this.maxTimes} are judged)`);
    if (this.lateTimes > 0)
      notes.push(`${this.lateTimes} snapshots arrived after newer ones had been judged and were skipped`);
    if (this.unknownRows > 0) notes.push(`${this.unknownRows} rows of tables Launchwatch does not read were skipped`);
    if (this.signatures.size === 0) notes.push('no signature rows: how programs are signed is not known');
    // A launch item, process or socket past a bound is one the analysis never saw: no all-clear then.
    const unseen: string[] = [];
    if (this.beyond.launchd > 0)
      unseen.push(
        `${this.beyond.launchd} launchd rows past ${MAX_ITEMS.toLocaleString('en-US')} launch items were not read`,
      );
    if (pathless > 0) unseen.push(`${pathless} launchd rows without an absolute path were not read`);
    for (const kind of ['processes', 'sockets'] as const)
      if (this.beyond[kind] > 0)
        unseen.push(
          `${this.beyond[kind]} ${kind} rows past ${MAX_ROWS_PER_TIME.toLocaleString('en-US')} at one time were not read`,
        );
    for (const text of unseen) notes.push(text);
    if (this.beyond.signature > 0)
      notes.push(
        `${this.beyond.signature} signature rows past ${MAX_ITEMS.toLocaleString('en-US')} programs were not read (signing not known)`,
      );
    const cores = Number(this.system?.cpu_logical_cores);
    // Without the core count, CPU over 100% of one core cannot be told from an impossible figure: assume many.
    if (!(cores > 0)) notes.push('no system_info row: the number of cores is not known (64 assumed)');
    const inventory: Inventory = {
      source: 'capture',
      host: {
        hostname: this.name,
        os: 'macOS',
        osVersion: this.os
          ? [this.os.major, this.os.minor, this.os.patch].filter((v) => v !== undefined && v !== '').join('.')
          : '',
        cpuCount: cores > 0 && cores <= 4096 ? cores : 64,
        ...(this.system?.hardware_model || this.os?.build
          ? {
              machine: {
                ...(this.system?.hardware_model ? { model: this.system.hardware_model } : {}),
                ...(this.os?.build ? { osBuild: this.os.build } : {}),
                ...(this.system?.cpu_brand ? { cpuModel: this.system.cpu_brand } : {}),
                ...(Number(this.system?.physical_memory) > 0
                  ? { memoryBytes: Number(this.system?.physical_memory) }
                  : {}),
              },
            }
          : {}),
      },
      privileged: true,
      items,
      loaded: [],
      loadedListCoversDaemons: false,
      collectedBy: 'osquery',
      ...(unseen.length > 0 ? { incomplete: unseen.join('; ') } : {}),
      signing,
      dns: new Map(),
      files: new Map(),
      notes,
    };
    return { inventory, samples: this.samples() };
  }

  /** Each processes time is a sample; differential rows are applied in time order, whatever order they came in. */
  private samples(): Sample[] {
    const times = [...this.times.keys()].sort((a, b) => a - b);
    const processes = new Map(this.baseProcesses);
    const sockets = new Map(this.baseSockets);
    const socketTimes: { time: number; rows: Compact[] }[] = [];
    const processTimes: { time: number; rows: Compact[] }[] = [];
    for (const time of times) {
      const slot = this.times.get(time) as TimeSlot;
      if (slot.processes) processTimes.push({ time, rows: apply(processes, slot.processes) });
      if (slot.sockets) socketTimes.push({ time, rows: apply(sockets, slot.sockets) });
    }
    return processTimes.map(({ time, rows }) => {
      const sample: Sample = {
        takenAt: time * 1000,
        processes: rows.map((r) => r.process).filter((p): p is ProcessRecord => p !== undefined),
      };
      const near = nearest(socketTimes, time);
      if (near)
        sample.connections = near.rows.map((r) => r.socket).filter((c): c is ConnectionRecord => c !== undefined);
      return sample;
    });
  }
}

/**
 * A row's key, held for every row of every time kept: joined into one flat string. A template literal
 * makes a chain of V8 concatenated strings that a Map keeps as it is (about 250 bytes a key, most of
 * what a host held).
 */
function rowKey(parts: (string | number)[]): string {
  return parts.join(':');
}

/** The table at this time: a snapshot replaces it; changes remove and add rows by their key. */
function apply(table: Map<string, Compact>, entry: TableAtTime): Compact[] {
  if (entry.snapshot) {
    table.clear();
    for (const row of entry.snapshot) table.set(row.key, row);
  }
  for (const key of entry.removed) table.delete(key);
  for (const row of entry.added) table.set(row.key, row);
  return [...table.values()];
}

function nearest(
  list: { time: number; rows: Compact[] }[],
  time: number,
): { time: number; rows: Compact[] } | undefined {
  let best: { time: number; rows: Compact[] } | undefined;
  for (const entry of list) {
    if (Math.abs(entry.time - time) > SOCKET_MATCH_S) continue;
    if (!best || Math.abs(entry.time - time) < Math.abs(best.time - time)) best = entry;
  }
  return best;
}

const TRUE = new Set(['1', 'true', 'TRUE', 'True']);

/** A launchd row as a launch item. osquery joins ProgramArguments with spaces: they are split back at spaces. */
export function launchItemFromRow(row: Row): LaunchItem | undefined {
  const path = row.path ?? '';
  if (!path.startsWith('/')) return undefined;
  const home = /^\/Users\/[^/]+(?=\/Library\/LaunchAgents\/)/.exec(path)?.[0] ?? '/var/root';
  const folder = classifyPlistPath(path, home);
  const kind = folder?.kind === 'LaunchDaemon' || path.includes('/LaunchDaemons/') ? 'LaunchDaemon' : 'LaunchAgent';
  const scope: ItemScope =
    folder?.scope ?? (path.startsWith('/System/') ? 'apple' : path.startsWith('/Users/') ? 'user' : 'system');
  const facts = Object.keys(row)
    .sort()
    .map((k) => `${k}=${row[k]}`)
    .join('\n');
  const item = newLaunchItem(path, kind, scope, PERSISTENCE_TECHNIQUE[kind], Buffer.from(facts));
  item.label = row.label ?? '';
  const args = shellCommandJoined((row.program_arguments ?? '').split(' ').filter((a) => a !== ''));
  const program = row.program || args[0];
  if (program) item.program = program;
  item.arguments = args.length > 0 ? args : program ? [program] : [];
  item.runAtLoad = TRUE.has(row.run_at_load ?? '');
  item.keepAlive = TRUE.has(row.keep_alive ?? '');
  if (TRUE.has(row.disabled ?? '')) item.disabledInPlist = true;
  if (row.username) item.userName = row.username;
  if (!item.label) item.problems.push('no Label');
  return item;
}

/**
 * `sh -c "<command>"` split at spaces is the shell, -c and the command's words: the words after -c are
 * joined back into the one command string the shell was given (words after that string, the command's
 * $0 and $1, are rare in a plist).
 */
function shellCommandJoined(args: string[]): string[] {
  if (!isShell(args[0] ?? '')) return args;
  const option = args.findIndex((a, i) => i > 0 && isShellCommandOption(a));
  return option < 0 || option >= args.length - 2
    ? args
    : [...args.slice(0, option + 1), args.slice(option + 1).join(' ')];
}

/** osquery writes pids, ports and times as decimal text (or numbers, with numerics on): anything else is unknown. */
function whole(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

function port(value: string | undefined): number | undefined {
  const n = whole(value);
  return n !== undefined && n <= 65_535 ? n : undefined;
}

function processFromRow(row: Row): ProcessRecord | undefined {
  const pid = whole(row.pid);
  if (pid === undefined) return undefined;
  // user_time and system_time are milliseconds of CPU (osquery's processes table on macOS).
  const cpuMs = (whole(row.user_time) ?? 0) + (whole(row.system_time) ?? 0);
  const uid = Number(row.uid);
  const record: ProcessRecord = {
    pid,
    ppid: whole(row.parent) ?? 0,
    uid: Number.isSafeInteger(uid) ? uid : 0,
    // Seconds since boot, not the epoch: it tells a restarted pid apart, which is all it is used for here.
    startedAt: (whole(row.start_time) ?? 0) * 1000,
    cpuSeconds: cpuMs / 1000,
    args: row.cmdline || row.path || row.name || '',
  };
  return record;
}

function connectionFromRow(row: Row): ConnectionRecord | undefined {
  const pid = whole(row.pid);
  const protocol = row.protocol === '6' ? 'TCP' : row.protocol === '17' ? 'UDP' : undefined;
  if (pid === undefined || !protocol) return undefined;
  const remote = row.remote_address ?? '';
  const remotePort = port(row.remote_port);
  // A peer whose port cannot be read is still a peer: its address is kept, its port left out.
  const listening = remote === '' || remote === '0.0.0.0' || remote === '::' || remotePort === 0;
  const connection: ConnectionRecord = {
    pid,
    protocol,
    family: (row.local_address ?? remote).includes(':') ? 'IPv6' : 'IPv4',
    localAddress: row.local_address ?? '',
  };
  const localPort = port(row.local_port);
  if (localPort) connection.localPort = localPort;
  if (!listening) {
    connection.remoteAddress = remote;
    if (remotePort !== undefined) connection.remotePort = remotePort;
  }
  // The table has no TCP state in every osquery version: a socket with a peer is taken as established.
  if (protocol === 'TCP') connection.state = row.state || (listening ? 'LISTEN' : 'ESTABLISHED');
  return connection;
}

/** A signature row in the engine's terms (codesign's statuses). */
export function signingFromRow(row: Row): SigningInfo | undefined {
  const path = row.path;
  if (!path) return undefined;
  const authority = row.authority ?? '';
  const team = row.team_identifier ?? '';
  const info: SigningInfo = { path, status: 'other', authorities: authority ? [authority] : [] };
  if (row.identifier) info.identifier = row.identifier;
  if (team) info.teamId = team;
  if (row.signed !== '1') info.status = 'unsigned';
  else if (authority === 'Software Signing') info.status = 'apple';
  else if (authority.startsWith('Developer ID Application')) info.status = 'developer-id';
  else if (authority.startsWith('Apple Mac OS Application Signing')) info.status = 'app-store';
  else if (authority === '' && team === '') info.status = 'adhoc';
  return info;
}

function sameRow(a: Row | undefined, b: Row): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
