// The process table from /proc, read every tick at the cost of one pread per process.
//
// Opening, reading and closing /proc/<pid>/stat for 800 processes costs about 25 ms of CPU a tick here;
// re-reading an open descriptor costs about 4 ms (the kernel regenerates the text on every read at
// offset 0). The descriptor belongs to that process, not to its pid: once the process exits, a read
// fails with ESRCH, so a reused pid is never mistaken for the old process.
//
// Argv, uid and systemd unit are kept per (pid, start time) and read again when asked (a full sweep, or
// the processes attributed to launch items): a process that exec()s keeps its pid and start time, and
// `python3 a.py` becoming `python3 xmrig.py` does not even change its comm.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import type { ProcessRecord } from '../../engine/model';
import { parseCgroupUnit, parseCmdline, parseProcStat, type ProcStat } from './proc';

export interface ProcessTableOptions {
  proc: string;
  clockTicks: number;
  /** Boot time in seconds since the epoch (0 when unknown: start times are then relative). */
  bootTime: number;
  /** Descriptors held open at most; past it, the rest are read the slow way (open, read, close). */
  maxHeld?: number;
}

interface Known {
  fd: number | undefined;
  startTicks: number;
  ppid: number;
  /** Exited and not yet reaped when last read: not listed until read again. */
  zombie: boolean;
  /** The row given while the process is not read (no row is rebuilt for it every tick); dropped at a read. */
  unreadRow?: ProcessRecord;
  comm: string;
  argv: string[];
  /** argv joined, or [comm] for a kernel thread: kept, not rebuilt every tick. */
  args: string;
  /** Set with argv when the process is first seen. */
  uid: number;
  unit: string | undefined;
}

/** stat is one line of at most a few hundred bytes; comm is at most 64 bytes in any kernel. */
const STAT_BYTES = 1024;
const DEFAULT_MAX_HELD = 2048;

export class ProcessTable {
  private readonly known = new Map<number, Known>();
  private readonly buffer = Buffer.alloc(STAT_BYTES);
  private held = 0;
  private holdRefused = false;
  private readonly maxHeld: number;

  constructor(private readonly options: ProcessTableOptions) {
    this.maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
  }

  /** Descriptors held now (for the benchmark and tests). */
  get heldDescriptors(): number {
    return this.held;
  }

  /**
   * One row per live process, sorted by pid. `refresh` says whose argv, uid and unit to read again, and
   * `cpuOf` whose CPU time: 'all', or a set of pids. A process not asked for keeps what was read of it
   * and comes with an unknown CPU time (NaN), costing no read at all; a new process, and one whose parent
   * is gone (it was moved to another), are always read.
   */
  read(refresh: 'all' | Set<number>, cpuOf: 'all' | Set<number> = 'all'): ProcessRecord[] {
    const present = new Set<number>();
    for (const name of readdirSync(this.options.proc)) {
      const pid = pidOf(name);
      if (pid !== undefined) present.add(pid);
    }
    const records: ProcessRecord[] = [];
    for (const pid of present) {
      const known = this.known.get(pid);
      const record =
        known &&
        cpuOf !== 'all' &&
        !cpuOf.has(pid) &&
        parentStays(known.ppid, present) &&
        !(refresh !== 'all' && refresh.has(pid))
          ? this.unread(pid, known)
          : this.readOne(pid, refresh === 'all' || refresh.has(pid));
      if (record) records.push(record);
    }
    for (const [pid, known] of this.known) if (!present.has(pid)) this.forget(pid, known);
    return records.sort((a, b) => a.pid - b.pid);
  }

  /** What was read of a process before, with its CPU time unknown this time (the same row while nothing is read). */
  private unread(pid: number, known: Known): ProcessRecord | undefined {
    if (known.zombie) return undefined;
    known.unreadRow ??= this.row(pid, known, known.ppid, known.startTicks, Number.NaN);
    return known.unreadRow;
  }

  /** A process's row from what is known of it and what its stat said (or NaN: CPU not read). */
  private row(pid: number, known: Known, ppid: number, startTicks: number, cpuSeconds: number): ProcessRecord {
    const record: ProcessRecord = {
      pid,
      ppid,
      startedAt: this.startedAt(startTicks),
      cpuSeconds,
      uid: known.uid,
      args: known.args,
    };
    if (known.argv.length > 0) record.argv = known.argv;
    if (known.unit) record.unit = known.unit;
    return record;
  }

  private startedAt(startTicks: number): number {
    return (this.options.bootTime + startTicks / this.options.clockTicks) * 1000;
  }

  /** Closes every held descriptor. */
  close(): void {
    for (const [pid, known] of this.known) this.forget(pid, known);
  }

  private readOne(pid: number, refresh: boolean): ProcessRecord | undefined {
    let known = this.known.get(pid);
    let stat = known ? this.readHeld(pid, known) : undefined;
    if (known && (!stat || stat.startTicks !== known.startTicks)) {
      // Gone, or a new process under the same pid: start over.
      this.forget(pid, known);
      known = undefined;
      stat = undefined;
    }
    const base = `${this.options.proc}/${pid}`;
    try {
      if (!known) {
        const fd = this.open(`${base}/stat`);
        stat = fd === undefined ? parseProcStat(readFileSync(`${base}/stat`, 'utf8')) : this.readFd(fd);
        if (!stat) {
          if (fd !== undefined) this.closeFd(fd);
          return undefined;
        }
        known = {
          fd,
          startTicks: stat.startTicks,
          ppid: stat.ppid,
          zombie: false,
          comm: stat.comm,
          argv: [],
          args: '',
          uid: -1,
          unit: undefined,
        };
        this.known.set(pid, known);
        refresh = true;
      }
      if (!stat) return undefined;
      known.unreadRow = undefined;
      known.ppid = stat.ppid;
      known.zombie = stat.state === 'Z';
      if (known.zombie) return undefined;
      if (refresh || stat.comm !== known.comm) {
        known.comm = stat.comm;
        known.argv = readCmdline(`${base}/cmdline`);
        known.args = known.argv.length > 0 ? known.argv.join(' ') : `[${stat.comm}]`;
        // The owner of /proc/<pid> is the process's real uid: one stat instead of parsing status.
        known.uid = statSync(base).uid;
        known.unit = unitOf(base);
      }
    } catch {
      // The process exited between readdir and read.
      if (known) this.forget(pid, known);
      return undefined;
    }
    return this.row(pid, known, stat.ppid, stat.startTicks, stat.cpuTicks / this.options.clockTicks);
  }

  private readHeld(pid: number, known: Known): ProcStat | undefined {
    if (known.fd === undefined) {
      try {
        return parseProcStat(readFileSync(`${this.options.proc}/${pid}/stat`, 'utf8'));
      } catch {
        return undefined;
      }
    }
    return this.readFd(known.fd);
  }

  private readFd(fd: number): ProcStat | undefined {
    try {
      const length = readSync(fd, this.buffer, 0, STAT_BYTES, 0);
      return parseProcStat(this.buffer.toString('utf8', 0, length));
    } catch {
      return undefined;
    }
  }

  private open(path: string): number | undefined {
    if (this.holdRefused || this.held >= this.maxHeld) return undefined;
    try {
      const fd = openSync(path, 'r');
      this.held++;
      return fd;
    } catch (error) {
      // Out of descriptors: read the slow way from now on rather than starve the rest of the app.
      if ((error as NodeJS.ErrnoException).code === 'EMFILE' || (error as NodeJS.ErrnoException).code === 'ENFILE')
        this.holdRefused = true;
      return undefined;
    }
  }

  private forget(pid: number, known: Known): void {
    if (known.fd !== undefined) this.closeFd(known.fd);
    known.fd = undefined;
    this.known.delete(pid);
  }

  private closeFd(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing to give back.
    }
    this.held--;
  }
}

/** Init (1) never goes, and 0 is a parent outside this pid namespace: neither moves a child. */
function parentStays(ppid: number, present: Set<number>): boolean {
  return ppid <= 1 || present.has(ppid);
}

function unitOf(base: string): string | undefined {
  try {
    return parseCgroupUnit(readFileSync(`${base}/cgroup`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A /proc entry that is a process: digits only, without a regular expression or a string copy. */
function pidOf(name: string): number | undefined {
  if (name.length === 0 || name.length > 10) return undefined;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(name);
}

/**
 * A process chooses how long its command line is (up to a quarter of its stack limit, megabytes): read
 * at most this much of it. Past it the last argument says it was cut, so what is shown is not taken for
 * the whole command line.
 */
export const MAX_CMDLINE_BYTES = 1024 * 1024;
export const CMDLINE_CUT = `[command line cut: longer than ${MAX_CMDLINE_BYTES / 1024 / 1024} MiB]`;

function readCmdline(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // Most command lines fit the first small read; /proc serves them in pages.
    for (let size = 4096; total <= MAX_CMDLINE_BYTES; size = 64 * 1024) {
      const chunk = Buffer.allocUnsafe(Math.min(size, MAX_CMDLINE_BYTES + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
    }
    const bytes = Buffer.concat(chunks, total);
    if (total <= MAX_CMDLINE_BYTES) return parseCmdline(bytes);
    return [...parseCmdline(bytes.subarray(0, MAX_CMDLINE_BYTES)), CMDLINE_CUT];
  } finally {
    closeSync(fd);
  }
}
