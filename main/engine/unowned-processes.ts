// Busy processes no launch item owns and launchd did not start as a job: its children whose parent is
// gone (they detached), and jobs listed under an app's label (`application.*`, which `launchctl submit -l`
// lets any program take; launchctl(1)). Such a process under the CPU threshold is followed too once it is seen
// connected to a known mining pool: a miner can cap its own CPU (XMRig's --max-cpu-usage, cpulimit). Apps, and
// system users' processes that name a program in the folders macOS protects, are said only when they reach a
// mining service: busy, they are no news. A miner that a compiled launcher started and that detached leaves no
// name to follow back to its item, so it is said in the notes with its CPU: an item's "ok" must not be taken for
// the whole answer while such a process runs.
// Such processes are followed by user and program, not one by one, as an item's are: a miner split into
// processes each under the threshold, or one that exits and starts again under a new pid before the window
// is full, is the same program of the same user, busy over the window.
import { executableOf } from './attribution';
import type { CpuDeltas } from './cpu';
import { classifyDestination } from './destinations';
import type { Indicators } from './indicators';
import { isAppleSystemPath } from './judge';
import type { ConnectionRecord, ProcessRecord, UnownedMiner } from './model';

/** More such processes than any Mac has: past this, new ones are counted, not followed. */
export const MAX_FOLLOWED = 1_000;
/** Notes named one by one; the rest are counted. */
const MAX_NAMED = 20;
/** Remote endpoints kept for one program (a pool is among the first it reaches). */
const MAX_ENDPOINTS = 32;
/** Pids kept for one program; the rest are counted. */
const MAX_PIDS = 16;
/** Pids named in a note; the rest are counted. */
const MAX_PIDS_NAMED = 5;

/** The processes of one user running one program (under one app label, if launchd lists them as an app). */
interface Followed {
  /** The busiest of its processes in the last sample that had one. */
  pid: number;
  /** Its pids, first seen first, at most MAX_PIDS; `morePids` counts the rest. */
  pids: number[];
  morePids: number;
  /** Its processes in the last sample, so that one past MAX_PIDS is counted once. */
  members: Set<number>;
  /** The command line of its first process, cut at 120 characters. */
  args: string;
  /** CPU seconds (its processes' sum) and wall seconds of each interval, oldest first, within the window. */
  points: { at: number; cpuSeconds: number; seconds: number }[];
  /** The last sample that had one of its processes: it is forgotten a window after. */
  seenAt: number;
  /** Remote endpoints its processes were seen connected to, as `address port`. */
  endpoints: Set<string>;
  /** The `application.*` label launchd lists it under, when it is said to be an app the user opened. */
  app?: string;
  /** A system user's process in the folders SIP protects: macOS's own by its word, which may be false. */
  claimsMacOS?: true;
}

export interface UnownedFindings {
  notes: string[];
  /** A busy unowned process connected to a known mining pool or a Stratum port: why the scan is no all-clear. */
  mining?: string;
  /** Each such process (of those named), for an alert of its own. */
  miners: UnownedMiner[];
}

/** One user's program among this sample's unowned processes: its CPU seconds in the interval and its processes. */
interface ProgramInSample {
  cpuSeconds: number;
  label: string | undefined;
  members: { process: ProcessRecord; cpu: number }[];
}

/** A sample's unowned programs by key, and the key of each of their pids. */
interface UnownedPrograms {
  programs: Map<string, ProgramInSample>;
  keyOfPid: Map<number, string>;
}

/** Where a connection goes, for following a quiet process that reaches a mining pool. */
export interface DestinationContext {
  indicators: Indicators;
  dns: Map<string, string>;
}

/** Below this uid, macOS's own service accounts (root, _spotlight, _coreaudiod, ...); users start at 501. */
const FIRST_USER_UID = 500;

function isMacOSOwn(process: ProcessRecord): boolean {
  return process.uid < FIRST_USER_UID && isAppleSystemPath(executableOf(process));
}

/** The mining pools and Stratum endpoints a process was seen connected to. */
function miningServicesReached(entry: Followed, context: DestinationContext): UnownedMiner['endpoints'] {
  const reached: UnownedMiner['endpoints'] = [];
  for (const endpoint of entry.endpoints) {
    const [address = '', port = ''] = endpoint.split(' ');
    const c = classifyDestination(address, Number(port), { ...context, configured: [] });
    if (c.classification !== 'mining-pool' && c.classification !== 'stratum-port') continue;
    reached.push({
      address,
      port: Number(port),
      ...(c.hostname ? { hostname: c.hostname } : {}),
      classification: c.classification,
    });
  }
  return reached;
}

/** Endpoints of one class, quoted for a note (a name from a capture is the Mac's own text: cut and quoted). */
function quoted(endpoints: UnownedMiner['endpoints'], classification: 'mining-pool' | 'stratum-port'): string[] {
  return endpoints
    .filter((e) => e.classification === classification)
    .map((e) => JSON.stringify(`${e.hostname ?? e.address}:${e.port}`.slice(0, 120)));
}

export class UnownedBusyProcesses {
  private readonly followed = new Map<string, Followed>();
  /** pid -> the key of the program followed under it now. */
  private byPid = new Map<number, string>();
  /** The pids followed, as a set that stays the same object until one comes or goes. */
  private pids = new Set<number>();
  private pidsChanged = false;
  /** Not followed in the last sample, for the bound. */
  private beyond = 0;
  /** The last sample's unowned programs by key, and when it was taken, for following one from its connections. */
  private sample: (UnownedPrograms & { takenAt: number; seconds: number }) | undefined;

  constructor(
    private readonly windowSeconds: number,
    private readonly thresholdPercent: number,
  ) {}

  /**
   * One sample: `owned` says which processes an item accounts for, `listed` the label of each pid launchd
   * lists as a job. A job accounts for its process, except one listed as an app the user opened
   * (`application.*`): anyone can submit a job under such a label (`launchctl submit -l`), so those are
   * followed too, and said only if they reach a mining service (a busy app is no news).
   */
  observe(
    processes: ProcessRecord[],
    deltas: CpuDeltas,
    takenAt: number,
    owned: (pid: number) => boolean,
    listed: Map<number, string>,
  ): void {
    const seconds = deltas.intervalSeconds;
    if (seconds === undefined) {
      // The first sample has no interval to measure CPU over; a process in it on a mining pool is followed from
      // it all the same (observeConnections), so a scan shorter than the sweep that reads every socket sees it.
      this.sample = { ...unownedPrograms(processes, undefined, owned, listed), takenAt, seconds: 0 };
      return;
    }
    this.beyond = 0;
    const unowned = unownedPrograms(processes, deltas, owned, listed);
    const { programs } = unowned;
    const byPid = new Map<number, string>();
    for (const [key, program] of programs) {
      let entry = this.followed.get(key);
      if (!entry) {
        // Followed from its first busy interval. A process in the folders SIP protects is macOS's own, but its
        // path is only its argv[0], which any program sets as it likes (execve(2)): a user's is not taken at
        // its word, and a system user's (uid under 500: root, _spotlight, ...) only so far as being busy is
        // no news; one on a mining service is (a root miner can call itself /usr/libexec/trustd too).
        if ((program.cpuSeconds / seconds) * 100 < this.thresholdPercent) continue;
        entry = this.startFollowing(key, program, takenAt);
        if (!entry) continue;
      }
      this.takeSample(entry, key, program, takenAt, seconds, byPid);
    }
    this.sample = { ...unowned, takenAt, seconds };
    const since = takenAt - this.windowSeconds * 1000;
    for (const [key, entry] of this.followed) {
      if (entry.seenAt !== takenAt) {
        // None of its processes now (gone, or owned by an item): idle for this interval, as an item with no
        // process is, and forgotten once a whole window has passed so.
        if (entry.seenAt < since) {
          this.followed.delete(key);
          continue;
        }
        entry.points.push({ at: takenAt, cpuSeconds: 0, seconds });
        entry.members.clear();
      }
      while ((entry.points[0]?.at ?? Infinity) - (entry.points[0]?.seconds ?? 0) * 1000 < since) entry.points.shift();
    }
    if (byPid.size !== this.byPid.size || [...byPid.keys()].some((pid) => !this.byPid.has(pid)))
      this.pidsChanged = true;
    this.byPid = byPid;
  }

  /** A program to follow from now on, unless as many are followed as are ever followed (then it is counted). */
  private startFollowing(key: string, program: ProgramInSample, takenAt: number): Followed | undefined {
    if (this.followed.size >= MAX_FOLLOWED) {
      this.beyond += program.members.length;
      return undefined;
    }
    const first = program.members[0]!.process;
    const entry: Followed = {
      pid: first.pid,
      pids: [],
      morePids: 0,
      members: new Set(),
      args: first.args.slice(0, 120),
      points: [],
      seenAt: takenAt,
      endpoints: new Set(),
      ...(program.label !== undefined ? { app: program.label.slice(0, 120) } : {}),
      ...(isMacOSOwn(first) ? { claimsMacOS: true as const } : {}),
    };
    this.followed.set(key, entry);
    return entry;
  }

  /** One sample of a followed program: its processes now, its busiest, its CPU over the interval. */
  private takeSample(
    entry: Followed,
    key: string,
    { cpuSeconds, members }: ProgramInSample,
    takenAt: number,
    seconds: number,
    byPid: Map<number, string>,
  ): void {
    let busiest = members[0]!;
    const now = new Set<number>();
    for (const member of members) {
      const pid = member.process.pid;
      if (member.cpu > busiest.cpu) busiest = member;
      byPid.set(pid, key);
      now.add(pid);
      if (entry.members.has(pid) || entry.pids.includes(pid)) continue;
      if (entry.pids.length < MAX_PIDS) entry.pids.push(pid);
      else entry.morePids++;
    }
    entry.members = now;
    entry.pid = busiest.process.pid;
    entry.points.push({ at: takenAt, cpuSeconds, seconds });
    entry.seenAt = takenAt;
  }

  /** The processes followed now: their sockets are worth reading (a pool is what makes one matter). */
  followedPids(): Set<number> {
    if (this.pidsChanged) {
      this.pids = new Set(this.byPid.keys());
      this.pidsChanged = false;
    }
    return this.pids;
  }

  /**
   * The sample's connections (after `observe`): where the followed processes connect. An unowned process not
   * followed (under the threshold) that is connected to a known mining pool is followed from this sample on.
   */
  observeConnections(connections: ConnectionRecord[], context: DestinationContext): void {
    const classifying = { ...context, configured: [] };
    for (const { pid, remoteAddress, remotePort } of connections) {
      if (remoteAddress === undefined || remotePort === undefined || remoteAddress === '*') continue;
      let key = this.byPid.get(pid);
      const sample = this.sample;
      if (key === undefined && sample) {
        // A process no item owns that is not followed: followed from now on if this reaches a known pool. Most
        // connections are items' processes', which are not looked up further.
        key = sample.keyOfPid.get(pid);
        const program = key === undefined ? undefined : sample.programs.get(key);
        if (key === undefined || !program) continue;
        if (classifyDestination(remoteAddress, remotePort, classifying).classification !== 'mining-pool') continue;
        // Past the bound, not counted again here: observe counted it among those not followed.
        const entry =
          this.followed.get(key) ??
          (this.followed.size < MAX_FOLLOWED ? this.startFollowing(key, program, sample.takenAt) : undefined);
        if (!entry) continue;
        const byPid = new Map(this.byPid);
        this.takeSample(entry, key, program, sample.takenAt, sample.seconds, byPid);
        this.byPid = byPid;
        this.pidsChanged = true;
      }
      const entry = key === undefined ? undefined : this.followed.get(key);
      if (entry && entry.endpoints.size < MAX_ENDPOINTS) entry.endpoints.add(`${remoteAddress} ${remotePort}`);
    }
  }

  /**
   * A note for each followed process busy over the whole window (`covers` says what is the whole window),
   * naming the mining pools and Stratum ports it connects to.
   */
  findings(covers: (seconds: number) => boolean, context: DestinationContext): UnownedFindings {
    const busy: { entry: Followed; percent: number; seconds: number; reached: UnownedMiner['endpoints'] }[] = [];
    for (const entry of this.followed.values()) {
      let cpu = 0;
      let seconds = 0;
      for (const point of entry.points) {
        cpu += point.cpuSeconds;
        seconds += point.seconds;
      }
      const percent = seconds > 0 ? (cpu / seconds) * 100 : 0;
      // Most followed processes reach nothing: nothing to classify.
      const reached = entry.endpoints.size > 0 ? miningServicesReached(entry, context) : [];
      if (percent < this.thresholdPercent) {
        // Quiet: said only when it reaches a known pool (a Stratum port alone, at low CPU, is too weak a sign).
        if (reached.some((r) => r.classification === 'mining-pool')) busy.push({ entry, percent, seconds, reached });
        continue;
      }
      if (!covers(seconds)) continue;
      // A busy app the user opened, or macOS at work, is no news; one on a mining service is.
      if ((entry.app === undefined && !entry.claimsMacOS) || reached.length > 0)
        busy.push({ entry, percent, seconds, reached });
    }
    busy.sort((a, b) => b.percent - a.percent);
    const findings: UnownedFindings = { notes: [], miners: [] };
    for (const { entry, percent, seconds, reached } of busy.slice(0, MAX_NAMED)) {
      const pools = quoted(reached, 'mining-pool');
      const stratum = quoted(reached, 'stratum-port');
      // One process is named by its pid; a program that ran as several, by theirs, its CPU theirs together.
      const several = entry.pids.length + entry.morePids > 1;
      const more = entry.pids.length - MAX_PIDS_NAMED + entry.morePids;
      const who = several
        ? `pids ${entry.pids.slice(0, MAX_PIDS_NAMED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`
        : `pid ${entry.pid}`;
      const quiet = percent < this.thresholdPercent;
      const said = `${who} ${JSON.stringify(entry.args)} used ${Math.round(percent)}% of one core${several ? ' between them' : ''} for ${Math.round(seconds)} s${quiet ? `, under the ${this.thresholdPercent}% threshold (a miner can cap its own CPU)` : ''}`;
      const connects = [
        ...(pools.length > 0 ? [`mining pools ${pools.join(', ')}`] : []),
        ...(stratum.length > 0 ? [`Stratum ports ${stratum.join(', ')}`] : []),
      ];
      const why =
        entry.app !== undefined
          ? `launchd lists it as an app the user opened (${JSON.stringify(entry.app)}), a label any program can take (launchctl submit -l)`
          : entry.claimsMacOS
            ? 'its command line names a program in the folders SIP protects, but a command line is whatever its starter chose (execve(2)), and macOS has no reason to reach a mining service'
            : 'its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)';
      findings.notes.push(
        `${said}${connects.length > 0 ? `${quiet ? ',' : ''} connected to ${connects.join(' and ')},` : ''} and no launch item owns ${several ? `them: for each, ${why}` : `it: ${why}`}`,
      );
      // As for an item: sustained CPU and a pool, or a Stratum endpoint it holds open, is mining.
      if (reached.length > 0) {
        findings.miners.push({
          pid: entry.pid,
          ...(several ? { pids: [...entry.pids] } : {}),
          ...(entry.morePids > 0 ? { morePids: entry.morePids } : {}),
          args: entry.args,
          cpuPercent: Math.round(percent),
          endpoints: reached,
          ...(quiet ? { belowThreshold: true as const } : {}),
        });
        findings.mining ??= `a ${quiet ? 'quiet' : 'busy'} process that no launch item owns reaches a mining service: ${who}, ${Math.round(percent)}% of one core, ${[...pools, ...stratum].join(', ')} (see the notes)`;
      }
    }
    if (busy.length > MAX_NAMED)
      findings.notes.push(`${busy.length - MAX_NAMED} more busy processes that no launch item owns`);
    if (this.beyond > 0)
      findings.notes.push(
        `${this.beyond} processes that no launch item owns were not followed (more than ${MAX_FOLLOWED})`,
      );
    return findings;
  }
}

/**
 * A sample's processes that no item owns and no job lists (but as an app), by user and program, with their CPU
 * seconds over the interval (`deltas`; 0 in the first sample, which has none).
 */
function unownedPrograms(
  processes: ProcessRecord[],
  deltas: CpuDeltas | undefined,
  owned: (pid: number) => boolean,
  listed: Map<number, string>,
): UnownedPrograms {
  const programs = new Map<string, ProgramInSample>();
  const keyOfPid = new Map<number, string>();
  for (const process of processes) {
    if (process.ppid !== 1 || owned(process.pid)) continue;
    const label = listed.get(process.pid);
    if (label !== undefined && !label.startsWith('application.')) continue;
    const cpuSeconds = deltas ? deltas.byPid.get(process.pid) : 0;
    if (cpuSeconds === undefined) continue;
    const key = JSON.stringify([process.uid, executableOf(process), label ?? null]);
    keyOfPid.set(process.pid, key);
    const program = programs.get(key);
    if (program) {
      program.cpuSeconds += cpuSeconds;
      program.members.push({ process, cpu: cpuSeconds });
    } else programs.set(key, { cpuSeconds, label, members: [{ process, cpu: cpuSeconds }] });
  }
  return { programs, keyOfPid };
}
