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
  // After comm: state(3) ppid(4) ... utime(14) stime(15) ... starttime(22), numbered from 1 with pid.
  // Read in one pass without splitting: this runs for every process on every tick.
  const wanted = fieldsAfterComm(text, close + 1);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: wanted.state,
    ppid: wanted.ppid,
    cpuTicks: wanted.utime + wanted.stime,
    startTicks: wanted.starttime,
  };
  // The kernel writes whole non-negative numbers; a line that gives anything else is not a process to count.
  return whole(stat.pid) && whole(stat.ppid) && whole(stat.cpuTicks) && whole(stat.startTicks) ? stat : undefined;
}

function fieldsAfterComm(
  text: string,
  from: number,
): { state: string; ppid: number; utime: number; stime: number; starttime: number } {
  const out = { state: '?', ppid: NaN, utime: NaN, stime: NaN, starttime: NaN };
  let field = 2;
  let i = from;
  while (i < text.length && field < 22) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    let end = i;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    field++;
    if (field === 3) out.state = text.slice(i, end);
    else if (field === 4) out.ppid = Number(text.slice(i, end));
    else if (field === 14) out.utime = Number(text.slice(i, end));
    else if (field === 15) out.stime = Number(text.slice(i, end));
    else if (field === 22) out.starttime = Number(text.slice(i, end));
    i = end;
  }
  return out;
}

function whole(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
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
