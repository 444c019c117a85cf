// The engine's model: what every reader (macOS live, capture replay, Linux) turns its raw input into.

export type ItemKind = 'LaunchAgent' | 'LaunchDaemon' | 'systemd-service' | 'autostart';
export type ItemScope = 'user' | 'system' | 'apple' | 'app-bundle';

/** A persistence item: a launchd property list (or, on Linux, a systemd unit or XDG autostart entry). */
export interface LaunchItem {
  /** Unique within one machine: the plist (or unit) path. */
  id: string;
  /** `Label` (or unit name); empty when the file has none. */
  label: string;
  plistPath: string;
  kind: ItemKind;
  scope: ItemScope;
  /** What launchd executes: `Program`, else `ProgramArguments[0]`. */
  program?: string;
  /** argv as the process receives it (`ProgramArguments`, or `[Program]`). */
  arguments: string[];
  runAtLoad: boolean;
  keepAlive: boolean | Record<string, unknown>;
  startInterval?: number;
  startCalendarInterval?: unknown;
  watchPaths: string[];
  userName?: string;
  limitLoadToSessionType: string[];
  /** Where its processes start, as the item says (launchd's WorkingDirectory; on Linux, resolved by the reader). */
  workingDirectory?: string;
  /**
   * Linux: the HOME its processes get, as the reader worked it out from the unit (User=, Environment=, the manager);
   * absent when unknown. launchd jobs' is worked out by homeOfJob from the property list.
   */
  home?: string;
  /**
   * Linux: the files systemd reads a unit's environment from (EnvironmentFile=), which set what its command line
   * uses; they count among the files the item names (their digest, their text as evidence).
   */
  environmentFiles?: string[];
  /**
   * Libraries the dynamic linker is told to load into its program before the program's own: a plist's
   * EnvironmentVariables.DYLD_INSERT_LIBRARIES (dyld(1)), a unit's LD_PRELOAD (ld.so(8)).
   */
  injectedLibraries?: string[];
  /** SHA-256 over those libraries' own SHA-256 (live readers; a capture holds no binaries), for the approved inventory. */
  injectedSha256?: string;
  /** `Disabled` key in the plist itself. */
  disabledInPlist?: boolean;
  /** `launchctl print-disabled` override for this label, when known. */
  disabledOverride?: boolean;
  /** ISO time of the file's last modification, when known. */
  mtime?: string;
  /** SHA-256 (hex) of the file's bytes, for the approved inventory. */
  sha256?: string;
  /** SHA-256 (hex) of the program file, when the reader could read it. */
  programSha256?: string;
  /** SHA-256 over the configs and scripts its arguments name (those the reader found). */
  referencedSha256?: string;
  /**
   * SHA-256 over the files the scripts it runs name in their own commands, beyond what its arguments name (a config
   * moved from the plist into run.sh), each with its text or a mark that it was not read, so one that appears, goes or
   * changes changes it; the SHA-256 of nothing when they name none. Set by the readers that read scripts for names.
   */
  scriptNamedSha256?: string;
  /**
   * The same over every file beyond what its arguments name: what the scripts it runs name, what the scripts those run
   * name in turn, and what its program names when it is a script (script-chain.ts). scriptNamedSha256 stays the one
   * level Launchwatch read before, which approvals made then hold.
   */
  scriptChainSha256?: string;
  /** The plist's content as a plain object, for display. */
  content?: unknown;
  /** The file's text where it is text already (systemd units, .desktop files). */
  rawText?: string;
  /** Why the file could not be read as a launch item, or what is odd about it. */
  problems: string[];
  /**
   * Why its property list could not be read at all (parse error, size, link, not a file), or that
   * launchd runs a job no property list explains. Such an item is looked at harder, never dropped.
   */
  unreadable?: string;
  /** The label came from `launchctl list`, not from the property list. */
  labelFromLaunchd?: boolean;
  /** What Background Task Management (`sfltool dumpbtm`) knows of it, when it was read (as root). */
  btm?: { type: string; developer?: string; teamId?: string; enabled: boolean; allowed: boolean };
  /** ATT&CK technique for this kind of persistence. */
  persistenceTechnique: string;
  /** Linux: the systemd unit name used for cgroup attribution. */
  unitName?: string;
}

/** One process in one sample. A process is identified by pid and start time, never pid alone. */
export interface ProcessRecord {
  pid: number;
  ppid: number;
  uid: number;
  /** Start time in ms since the epoch (estimated from elapsed time where that is all there is). */
  startedAt: number;
  /** Cumulative user+system CPU seconds of all threads. */
  cpuSeconds: number;
  /** The command line as one string, decoded for display. */
  args: string;
  /** The real argv when the platform gives it (Linux), else undefined. */
  argv?: string[];
  /** Linux: systemd unit from /proc/<pid>/cgroup. */
  unit?: string;
}

export type Protocol = 'TCP' | 'UDP';

export interface ConnectionRecord {
  pid: number;
  protocol: Protocol;
  family: 'IPv4' | 'IPv6';
  localAddress: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  /** TCP state (`ESTABLISHED`, `LISTEN`, ...); undefined for UDP. */
  state?: string;
}

export interface Sample {
  /** ms since the epoch. */
  takenAt: number;
  processes: ProcessRecord[];
  /** undefined: connections were not collected in this sample (not "none"). */
  connections?: ConnectionRecord[];
}

/** A service launchd has loaded, from `launchctl list`. */
export interface LoadedService {
  label: string;
  pid?: number;
  lastExitStatus?: number;
}

export type SigningStatus = 'apple' | 'app-store' | 'developer-id' | 'adhoc' | 'unsigned' | 'other' | 'unknown';

export interface SigningInfo {
  path: string;
  status: SigningStatus;
  identifier?: string;
  teamId?: string;
  authorities: string[];
  note?: string;
}

export interface HostInfo {
  hostname: string;
  os: string;
  osVersion: string;
  arch?: string;
  cpuCount: number;
  /** What a helpdesk asks first; each fact may be missing (a capture from an older collector, a tool that failed). */
  machine?: MachineFacts;
}

export interface MachineFacts {
  /** "MacBookPro18,3" (hw.model). */
  model?: string;
  /** "23G93" (sw_vers -buildVersion). */
  osBuild?: string;
  /** "Apple M1 Pro". */
  cpuModel?: string;
  memoryBytes?: number;
  /** ms since the epoch; the uptime is counted from it to the scan's end. */
  bootedAt?: number;
  /** Who was logged in at the console. */
  loggedInUser?: string;
  /** The one fact --redact removes outright. */
  serial?: string;
  /** IANA zone of the machine ("Europe/Paris"): times in reports are shown in it. */
  timeZone?: string;
  /** Its offset from UTC when the scan was taken ("+0100"), for a zone this runtime does not know. */
  utcOffset?: string;
}

export interface UserInfo {
  name: string;
  uid: number;
  home: string;
}

/** Everything about a machine that changes slowly: read once, then re-read when files change. */
export interface Inventory {
  source: 'live' | 'capture';
  host: HostInfo;
  user?: UserInfo;
  /** true when the readers ran as root and saw every process's sockets. */
  privileged: boolean;
  items: LaunchItem[];
  loaded: LoadedService[];
  /** When `loaded` was read (ms): a process that started after it cannot be the pid it lists. */
  loadedAt?: number;
  /** `launchctl list` is per user: services of other domains (daemons) are absent, not unloaded. */
  loadedListCoversDaemons: boolean;
  /**
   * Set when osquery's tables are the source: they hold no launchd job list, so an empty `loaded` says
   * nothing went wrong, and missing launch items mean its launchd query sent no rows.
   */
  collectedBy?: 'osquery';
  /** What the reader knows it did not see (rows past a bound): an analysis of the rest is no all-clear. */
  incomplete?: string;
  signing: Map<string, SigningInfo>;
  /** ip -> hostname, from dns.txt or live lookups. */
  dns: Map<string, string>;
  /** Small files that items' arguments name (configs, scripts), by absolute path. */
  files: Map<string, string>;
  notes: string[];
  /** uid -> user name (dscl on a Mac, /etc/passwd on Linux), to say whom an item's processes run as. */
  userNames?: Map<number, string>;
}

export type Verdict = 'mining' | 'suspicious' | 'high-cpu' | 'ok' | 'approved';

export type ReasonFamily = 'cpu' | 'mining' | 'hiding' | 'approval' | 'baseline';

export interface Reason {
  code: string;
  text: string;
  weight: number;
  family: ReasonFamily;
  /** A strong sign can decide a verdict with CPU; a weak one never does on its own. */
  strength: 'strong' | 'weak';
  attack?: string;
}

export type DestinationClass =
  'mining-pool' | 'configured-pool' | 'stratum-port' | 'local-tunnel' | 'loopback' | 'web' | 'other';

export interface Destination {
  remoteAddress: string;
  remotePort: number;
  protocol: Protocol;
  state?: string;
  hostname?: string;
  classification: DestinationClass;
  pid: number;
  firstSeen: number;
  lastSeen: number;
  /** Seen by a sampling with administrator rights (a root process's socket, invisible to the user). */
  seenWithAdmin?: boolean;
}

export interface CpuSummary {
  avgPercent: number;
  maxPercent: number;
  sustained: boolean;
  /** Seconds of samples the average covers (may be less than the window in a short capture). */
  coveredSeconds: number;
  /** The samples do not cover the window yet: CPU is shown but flags nothing ("measuring"). */
  measuring?: boolean;
}

export interface CpuPoint {
  t: number;
  percent: number;
  /** The item's process is a new one here (a new pid after another, or after none): a chart marks it. */
  restarted?: true;
}

export type AttributionMethod = 'launchctl-pid' | 'cgroup' | 'arguments' | 'program' | 'detached-program' | 'none';

export interface ItemProcess {
  pid: number;
  ppid: number;
  /** Who it runs as: the uid, and its name where the machine's user list gives one. */
  uid?: number;
  user?: string;
  args: string;
  startedAt: number;
  /** CPU in the last interval, percent of one core. */
  cpuPercent?: number;
}

export interface ItemResult {
  item: LaunchItem;
  loaded: boolean;
  /** false where launchctl list cannot tell (a daemon, read without root, not running). */
  loadedKnown: boolean;
  /** From launchctl list: 0, an exit code, or a negated signal (-9: killed). */
  lastExitStatus?: number;
  running: boolean;
  attribution: AttributionMethod;
  verdict: Verdict;
  score: number;
  reasons: Reason[];
  attack: string[];
  cpu: CpuSummary;
  /** Every point of the recent past (an hour at the default interval). */
  history: CpuPoint[];
  /** Per-minute averages for the last day. */
  longHistory: CpuPoint[];
  processes: ItemProcess[];
  destinations: Destination[];
  /** Ordinary destinations not seen for as long as the CPU history reaches back, no longer listed (the history keeps them). */
  forgottenDestinations?: number;
  listening: { address: string; port: number; protocol: Protocol; pid: number }[];
  signing?: SigningInfo;
  /** The verdict the evidence gives, before the approved inventory is applied. */
  judgedVerdict: Verdict;
  /** Its program is Developer ID-signed by a vendor in known-vendors.json. */
  vendor?: { teamId: string; name: string; kind: string };
  /** From this Mac's history (live only): first seen, last changed, and "usual for this item since ...". */
  past?: { firstSeen: number; lastChange?: { at: number; what: string[] }; usual?: string };
  approval?: { note?: string; approvedAt: string; changed: boolean };
}

/** What a history store records of one item: a whole result, or just what a tick added (the monitor's). */
export type HistoryItemInput = Pick<ItemResult, 'item' | 'verdict' | 'destinations' | 'history'>;

/** What a history store records: a whole result, or a tick's worth of it. */
export interface HistoryInput {
  source: ScanResult['source'];
  items: HistoryItemInput[];
}

export interface ScanOptions {
  windowSeconds: number;
  cpuThresholdPercent: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { windowSeconds: 120, cpuThresholdPercent: 25 };

export interface ScanResult {
  source: 'live' | 'capture';
  host: HostInfo;
  user?: UserInfo;
  privileged: boolean;
  options: ScanOptions;
  samples: number;
  startedAt?: number;
  endedAt?: number;
  notes: string[];
  /** Why this result cannot be read as "all clear": too little was seen (no items, no launchctl list). */
  incomplete?: string;
  items: ItemResult[];
  /** Busy processes no launch item owns that reach a mining service (each also in `incomplete` and `notes`). */
  unownedMiners?: UnownedMiner[];
}

/** A busy process whose parent is pid 1, that no launch item owns and no job lists, on a mining service. */
export interface UnownedMiner {
  /** Its busiest process in the last sample that had one. */
  pid: number;
  /** When one user's program ran as several processes (split, or started again): their pids, at most 16. */
  pids?: number[];
  /** How many more pids it ran as than `pids` lists (present only when there were more). */
  morePids?: number;
  /** Its command line, cut at 120 characters. */
  args: string;
  /** Its CPU over the window, as a share of one core. */
  cpuPercent: number;
  /** The mining pools and Stratum endpoints it was seen connected to. */
  endpoints: { address: string; port: number; hostname?: string; classification: 'mining-pool' | 'stratum-port' }[];
  /**
   * Its CPU stayed under the threshold (a miner can cap its own, XMRig's --max-cpu-usage, cpulimit): it is here
   * because it reached a known mining pool (a Stratum port alone does not put such a one here).
   */
  belowThreshold?: true;
}
