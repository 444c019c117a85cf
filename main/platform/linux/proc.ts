// /proc text -> records. /proc/<pid>/stat's comm is in parentheses and may itself hold spaces and
// parentheses, so fields are read after the last ')'.
import { trimEnd } from '../../engine/shell-words';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** user + system CPU in clock ticks. */
  cpuTicks: number;
  /** Start time in clock ticks after boot. */
  startTicks: number;
}

export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After comm: state(3) ppid(4) ... utime(14) stime(15) ... starttime(22), numbered from 1 with pid.
  const at = (n: number): number => Number(fields[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: at(4),
    cpuTicks: at(14) + at(15),
    startTicks: at(22),
  };
  return Number.isInteger(stat.pid) && Number.isFinite(stat.cpuTicks) && Number.isFinite(stat.startTicks)
    ? stat
    : undefined;
}

/** NUL-separated argv; an empty cmdline (kernel threads, zombies) gives []. */
export function parseCmdline(bytes: Buffer | string): string[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  if (text === '') return [];
  return trimEnd(text, '\0').split('\0');
}

/** The real uid from /proc/<pid>/status. */
export function parseStatusUid(text: string): number | undefined {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The systemd service a process belongs to, from /proc/<pid>/cgroup (v2 `0::/...` or v1 `name=systemd`). */
export function parseCgroupUnit(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? [];
    if (path === undefined || !(controllers === '' || controllers === 'name=systemd')) continue;
    const service = path
      .split('/')
      .reverse()
      .find((part) => part.endsWith('.service'));
    // user@1000.service is the user manager itself, not a unit of the user's.
    if (service && !/^user@\d+\.service$/.test(service)) return service;
  }
  return undefined;
}

/** btime from /proc/stat: boot time in seconds since the epoch. */
export function parseBootTime(text: string): number | undefined {
  const match = /^btime\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
