// Which processes belong to which launch item: the process launchd (or systemd) started for it, and all
// of its descendants. The root comes from launchctl's PID, the systemd cgroup, or else from matching the
// item's program and arguments against the process table; the method is recorded.
import type { AttributionMethod, LaunchItem, LoadedService, ProcessRecord } from './model';
import { isInterpreter } from './shell-words';

export interface ItemAttribution {
  method: AttributionMethod;
  rootPids: number[];
  /** Root(s) and all descendants. */
  pids: number[];
}

export interface ProcessTable {
  byPid: Map<number, ProcessRecord>;
  children: Map<number, number[]>;
}

export function buildProcessTable(processes: ProcessRecord[]): ProcessTable {
  const byPid = new Map<number, ProcessRecord>();
  const children = new Map<number, number[]>();
  for (const process of processes) byPid.set(process.pid, process);
  for (const process of processes) {
    if (process.ppid === process.pid) continue;
    const list = children.get(process.ppid);
    if (list) list.push(process.pid);
    else children.set(process.ppid, [process.pid]);
  }
  return { byPid, children };
}

/** ps's start times are estimates to the second; launchctl list is read a moment before ps. */
const LISTED_PID_TOLERANCE_MS = 5000;

/**
 * The pid launchd (or a capture) lists for an item. 0 (the kernel) and 1 (launchd, systemd) are never a
 * job's process, and as a root they would make every process on the machine the item's: not taken.
 */
function listedPid(item: LaunchItem, loaded: Map<string, LoadedService>): number | undefined {
  const pid = item.label ? loaded.get(item.label)?.pid : undefined;
  return pid !== undefined && pid > 1 ? pid : undefined;
}

export function attributeProcesses(
  items: LaunchItem[],
  loaded: Map<string, LoadedService>,
  table: ProcessTable,
  exclude: Set<number> = new Set(),
  loadedAt?: number,
  /** Item id -> the programs its commands start by name (programsStartedBy), for processes that detached. */
  started: Map<string, string[]> = new Map(),
): Map<string, ItemAttribution> {
  const roots = new Map<string, { method: AttributionMethod; pids: number[] }>();
  const claimed = new Set<number>();
  const claim = (item: LaunchItem, method: AttributionMethod, pids: number[]): void => {
    const free = pids.filter((pid) => !claimed.has(pid) && !exclude.has(pid));
    if (free.length === 0) return;
    free.forEach((pid) => claimed.add(pid));
    roots.set(item.id, { method, pids: free });
  };

  for (const item of items) {
    const pid = listedPid(item, loaded);
    const process = pid === undefined ? undefined : table.byPid.get(pid);
    // A pid launchctl listed, now held by a process that started later, was reused: not this item's.
    const reused =
      process !== undefined && loadedAt !== undefined && process.startedAt > loadedAt + LISTED_PID_TOLERANCE_MS;
    if (pid !== undefined && process && !reused) claim(item, 'launchctl-pid', [pid]);
  }
  const byUnit = unitRoots(table);
  for (const item of items) {
    if (roots.has(item.id) || !item.unitName) continue;
    const pids = byUnit.get(item.unitName);
    if (pids) claim(item, 'cgroup', pids);
  }
  // A template (`x@.service`) runs as its instances (`x@a.service`, systemd.unit(5)): the processes of an instance
  // that has no unit file of its own are the template's.
  const byTemplate = new Map<string, number[]>();
  for (const [unit, pids] of byUnit) {
    const template = templateOfUnit(unit);
    if (template !== undefined) for (const pid of pids) push(byTemplate, template, pid);
  }
  for (const item of items) {
    if (roots.has(item.id) || !item.unitName) continue;
    const pids = byTemplate.get(item.unitName);
    if (pids) claim(item, 'cgroup', pids);
  }

  const unmatched = items.filter((item) => !roots.has(item.id) && item.arguments.length > 0);
  if (unmatched.length > 0) {
    // Processes inside a tree launchd or systemd already named belong to that tree: a decoy plist with
    // the same arguments cannot take them away.
    const inNamedTrees = new Set<number>();
    for (const { pids } of roots.values())
      for (const pid of descendants(pids, table, new Map(), '', exclude)) inNamedTrees.add(pid);
    const byCommandLine = new Map<string, number[]>();
    const byExecutable = new Map<string, number[]>();
    for (const process of table.byPid.values()) {
      if (claimed.has(process.pid) || exclude.has(process.pid) || inNamedTrees.has(process.pid)) continue;
      push(byCommandLine, commandLineKey(process), process.pid);
      push(byExecutable, executableOf(process).split(' ')[0] ?? '', process.pid);
    }
    for (const item of unmatched) {
      const runsAs = (pid: number): boolean => runsAsItsJob(item, table.byPid.get(pid));
      const exact = topmost((byCommandLine.get(item.arguments.join(' ')) ?? []).filter(runsAs), table, claimed);
      if (exact.length > 0) {
        claim(item, 'arguments', exact);
        continue;
      }
      // By program alone only where it is specific: an interpreter (sh, python) runs many unrelated things.
      if (!item.program || isInterpreter(item.program)) continue;
      const program = item.program;
      const firstWord = program.split(' ')[0] ?? program;
      const candidates = (byExecutable.get(firstWord) ?? []).filter(
        (pid) => startsWithProgram(table.byPid.get(pid), program) && runsAs(pid),
      );
      const launchedBySupervisor = (pid: number): boolean =>
        table.byPid.get(pid)?.ppid === 1 || item.kind === 'systemd-service' || item.kind === 'autostart';
      const byProgram = topmost(candidates, table, claimed).filter(launchedBySupervisor);
      if (byProgram.length > 0) claim(item, 'program', byProgram);
    }
    claimDetached(
      unmatched.filter((item) => !roots.has(item.id)),
      started,
      table,
      loaded,
      (pid) => claimed.has(pid) || exclude.has(pid) || inNamedTrees.has(pid),
      claim,
    );
  }

  const result = new Map<string, ItemAttribution>();
  const rootOwner = new Map<number, string>();
  for (const [id, { pids }] of roots) for (const pid of pids) rootOwner.set(pid, id);
  for (const [id, { method, pids }] of roots) {
    result.set(id, { method, rootPids: pids, pids: descendants(pids, table, rootOwner, id, exclude) });
  }
  return result;
}

/**
 * A job's process that detached (forked, called setsid, let its parent exit) is launchd's child and no
 * longer in the job's tree, and launchd does not list it as the job's: it is the item's when it runs a
 * program the item's commands start by name (its `sh -c` string, its shell script) and no job of launchd's
 * lists it as its own process (an app the user opened is launchd's child too). As for a match by arguments or
 * program, a root daemon's process runs as root: what a user runs under its program's name is not its.
 */
function claimDetached(
  items: LaunchItem[],
  started: Map<string, string[]>,
  table: ProcessTable,
  loaded: Map<string, LoadedService>,
  taken: (pid: number) => boolean,
  claim: (item: LaunchItem, method: AttributionMethod, pids: number[]) => void,
): void {
  const wanting = items.filter((item) => (started.get(item.id)?.length ?? 0) > 0);
  if (wanting.length === 0) return;
  const listed = new Set<number>();
  for (const service of loaded.values()) if (service.pid !== undefined) listed.add(service.pid);
  const detached = new Map<string, number[]>();
  for (const process of table.byPid.values()) {
    if (process.ppid !== 1 || listed.has(process.pid) || taken(process.pid)) continue;
    push(detached, executableOf(process).split(' ')[0] ?? '', process.pid);
  }
  // A program started by a relative path (`./kworker`) names no folder: when more than one item starts one by the
  // same word, which of them a process showing it is cannot be told, and none takes it.
  const relativeStarters = new Map<string, number>();
  for (const item of wanting)
    for (const program of new Set(started.get(item.id)))
      if (!program.startsWith('/')) relativeStarters.set(program, (relativeStarters.get(program) ?? 0) + 1);
  for (const item of wanting) {
    const pids = new Set<number>();
    for (const program of started.get(item.id) as string[])
      if ((relativeStarters.get(program) ?? 0) <= 1)
        for (const pid of detached.get(program.split(' ')[0] ?? program) ?? [])
          if (
            !taken(pid) &&
            startsWithProgram(table.byPid.get(pid), program) &&
            runsAsItsJob(item, table.byPid.get(pid))
          )
            pids.add(pid);
    if (pids.size > 0) claim(item, 'detached-program', [...pids]);
  }
}

/** The template an instance of a systemd unit comes from (`getty@tty1.service` -> `getty@.service`), if it is one. */
export function templateOfUnit(unit: string): string | undefined {
  const at = unit.indexOf('@');
  const dot = unit.lastIndexOf('.');
  if (at <= 0 || dot <= at + 1) return undefined;
  return `${unit.slice(0, at + 1)}${unit.slice(dot)}`;
}

/** Processes of the same systemd unit: those whose parent is not in the unit are the roots. */
function unitRoots(table: ProcessTable): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const process of table.byPid.values()) {
    if (!process.unit) continue;
    const parent = table.byPid.get(process.ppid);
    if (parent?.unit === process.unit) continue;
    push(map, process.unit, process.pid);
  }
  return map;
}

function descendants(
  roots: number[],
  table: ProcessTable,
  rootOwner: Map<number, string>,
  owner: string,
  exclude: Set<number>,
): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const queue = [...roots];
  // Read by index: shift() moves every element left, quadratic for a tree of thousands.
  for (let next = 0; next < queue.length; next++) {
    const pid = queue[next] as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    for (const child of table.children.get(pid) ?? []) {
      // A child that is itself another item's root belongs to that item.
      const childOwner = rootOwner.get(child);
      if ((childOwner === undefined || childOwner === owner) && !exclude.has(child)) queue.push(child);
    }
  }
  return out;
}

/**
 * Whether a process found by its command line alone could be the job's: a launch daemon with no UserName
 * runs as root (launchd.plist(5)), so a process of another user that shows the same command line (argv
 * is whatever its starter chose, execve(2)) is not the daemon's, whatever it claims.
 */
function runsAsItsJob(item: LaunchItem, process: ProcessRecord | undefined): boolean {
  if (!process) return false;
  if (item.kind === 'LaunchDaemon' && item.userName === undefined) return process.uid === 0;
  return true;
}

/** Among candidates, those whose parent is not also a candidate (a forked copy is a descendant, not a second root). */
function topmost(pids: number[], table: ProcessTable, claimed: Set<number>): number[] {
  const set = new Set(pids);
  return pids.filter((pid) => !claimed.has(pid) && !set.has(table.byPid.get(pid)?.ppid ?? -1));
}

function startsWithProgram(process: ProcessRecord | undefined, program: string): boolean {
  if (!process) return false;
  if (process.argv) return process.argv[0] === program;
  return process.args === program || process.args.startsWith(`${program} `);
}

function commandLineKey(process: ProcessRecord): string {
  return process.argv ? process.argv.join(' ') : process.args;
}

export function executableOf(process: ProcessRecord): string {
  if (process.argv?.[0]) return process.argv[0];
  const space = process.args.indexOf(' ');
  return space < 0 ? process.args : process.args.slice(0, space);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The last attribution, kept with the processes it was made from. */
export interface CachedAttribution {
  version: number;
  processes: ProcessRecord[];
  byPid: Map<number, ProcessRecord>;
  attribution: Map<string, ItemAttribution>;
  owner: Map<number, string>;
}

/** What could make a process the root of an item: full attribution must then run again. */
export interface Attractors {
  listedPids: Set<number>;
  units: Set<string>;
  commandLines: Set<string>;
  programs: Set<string>;
}

export function attractorsOf(
  items: LaunchItem[],
  loaded: Map<string, LoadedService>,
  started: Map<string, string[]> = new Map(),
): Attractors {
  const attractors: Attractors = {
    listedPids: new Set(),
    units: new Set(),
    commandLines: new Set(),
    programs: new Set(),
  };
  for (const item of items) {
    const pid = listedPid(item, loaded);
    if (pid !== undefined) attractors.listedPids.add(pid);
    if (item.unitName) attractors.units.add(item.unitName);
    if (item.arguments.length > 0) attractors.commandLines.add(item.arguments.join(' '));
    if (item.program && !isInterpreter(item.program))
      attractors.programs.add(item.program.split(' ')[0] ?? item.program);
    for (const program of started.get(item.id) ?? []) attractors.programs.add(program.split(' ')[0] ?? program);
  }
  return attractors;
}

function attracts(process: ProcessRecord, attractors: Attractors): boolean {
  return (
    attractors.listedPids.has(process.pid) ||
    (process.unit !== undefined &&
      (attractors.units.has(process.unit) || attractors.units.has(templateOfUnit(process.unit) ?? ''))) ||
    attractors.commandLines.has(commandLineKey(process)) ||
    attractors.programs.has(executableOf(process).split(' ')[0] ?? '')
  );
}

/** ps's start times wobble by a second: within this, a pid is the same process. */
const SAME_START_MS = 2500;

/**
 * Brings the last attribution up to date with a table that differs by a few processes, looking at those
 * alone: a new process whose parent belongs to an item joins it, a gone one that was not a root leaves
 * it. Anything that could change which process is an item's root (a root gone, a new process launchd
 * listed or that matches an item's unit, arguments or program, a process moved under or out of an
 * item's tree) returns false, and full attribution runs instead. `cached` is changed only on success.
 */
export function patchAttribution(
  cached: CachedAttribution,
  table: ProcessTable,
  attractors: Attractors,
  exclude: Set<number> = new Set(),
): boolean {
  const before = cached.byPid;
  const owner = new Map(cached.owner);
  const roots = new Set<number>();
  for (const a of cached.attribution.values()) for (const pid of a.rootPids) roots.add(pid);
  const changedItems = new Set<string>();
  const newcomers: ProcessRecord[] = [];
  for (const [pid, old] of before) {
    const now = table.byPid.get(pid);
    const same = now !== undefined && Math.abs(now.startedAt - old.startedAt) <= SAME_START_MS;
    if (same && now.ppid === old.ppid) continue;
    if (same) {
      // Moved to another parent (its own died): fine only outside every item's tree.
      if (owner.has(pid) || owner.has(now.ppid) || attracts(now, attractors)) return false;
      continue;
    }
    const id = owner.get(pid);
    if (id !== undefined) {
      // A root gone, or a pid reused while processes still name it as their parent: match again.
      if (roots.has(pid) || (table.children.get(pid)?.length ?? 0) > 0) return false;
      owner.delete(pid);
      changedItems.add(id);
    }
  }
  for (const [pid, process] of table.byPid) {
    const old = before.get(pid);
    if (old === undefined || Math.abs(process.startedAt - old.startedAt) > SAME_START_MS) newcomers.push(process);
  }
  // Parents before children, whatever the order of pids: pass again while a pass placed someone.
  let pending = newcomers;
  for (let progress = true; progress && pending.length > 0;) {
    progress = false;
    const next: ProcessRecord[] = [];
    const pendingPids = new Set(pending.map((p) => p.pid));
    for (const process of pending) {
      if (attracts(process, attractors)) return false;
      if (exclude.has(process.pid)) continue;
      const parentIsNew = pendingPids.has(process.ppid) && !owner.has(process.ppid);
      const id = owner.get(process.ppid);
      if (id !== undefined && !exclude.has(process.ppid)) {
        owner.set(process.pid, id);
        changedItems.add(id);
        progress = true;
      } else if (parentIsNew) next.push(process);
    }
    pending = next;
  }
  for (const id of changedItems) {
    const a = cached.attribution.get(id);
    if (!a) return false;
    const pids = a.rootPids.filter((pid) => owner.get(pid) === id);
    const rootSet = new Set(pids);
    for (const [pid, owned] of owner) if (owned === id && !rootSet.has(pid)) pids.push(pid);
    cached.attribution.set(id, { method: a.method, rootPids: a.rootPids, pids });
  }
  cached.owner = owner;
  return true;
}
