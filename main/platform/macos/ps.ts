// `ps -axww -o pid=,ppid=,uid=,etime=,time=,args=`: no header, space-padded columns, args last.
import type { ProcessRecord } from '../../engine/model';
import { decodeVis } from './vis';

export interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  elapsedSeconds: number;
  cpuSeconds: number;
  /** args exactly as ps printed them (strvis-encoded). */
  rawArgs: string;
}

export interface ParseOutcome<T> {
  records: T[];
  problems: string[];
}

export function parsePs(text: string): ParseOutcome<PsRow> {
  const records: PsRow[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const row = parseRow(line);
    if (row) records.push(row);
    else problems.push(`line ${index + 1}: not a ps row: ${JSON.stringify(line.slice(0, 120))}`);
  }
  return { records, problems };
}

/** Five space-separated columns, then args (which may hold spaces) to the end of the line. */
function parseRow(line: string): PsRow | undefined {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 5) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    const start = i;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    if (i === start) return undefined;
    fields.push(line.slice(start, i));
  }
  const [pid = '', ppid = '', uid = '', etime = '', time = ''] = fields;
  if (!/^\d+$/.test(pid) || !/^\d+$/.test(ppid) || !/^-?\d+$/.test(uid)) return undefined;
  const elapsedSeconds = parseElapsed(etime);
  const cpuSeconds = parseCpuTime(time);
  if (elapsedSeconds === undefined || cpuSeconds === undefined) return undefined;
  return { pid: Number(pid), ppid: Number(ppid), uid: Number(uid), elapsedSeconds, cpuSeconds, rawArgs: line.slice(i + 1).trimEnd() };
}

/** `etime`: `[[DD-]HH:]MM:SS`. */
export function parseElapsed(text: string): number | undefined {
  const match = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** `time`: macOS prints `M:SS.cc` with minutes never rolled into hours (`139:17.71`); procps prints `[DD-]HH:MM:SS`. */
export function parseCpuTime(text: string): number | undefined {
  const mac = /^(\d+):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (mac) return Number(mac[1]) * 60 + Number(mac[2]) + (mac[3] ? Number(`0.${mac[3]}`) : 0);
  const procps = /^(?:(\d+)-)?(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (procps) {
    const [, days, hours, minutes, seconds, fraction] = procps;
    return Number(days ?? 0) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(`0.${fraction}`) : 0);
  }
  return undefined;
}

/** Start time from elapsed time: ps has one-second resolution, so this is an estimate within ~1 s. */
export function toProcessRecord(row: PsRow, takenAt: number): ProcessRecord {
  return {
    pid: row.pid,
    ppid: row.ppid,
    uid: row.uid,
    startedAt: takenAt - row.elapsedSeconds * 1000,
    cpuSeconds: row.cpuSeconds,
    args: decodeVis(row.rawArgs),
  };
}
