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

const ROW = /^\s*(\d+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+(\S+)(?:\s(.*))?$/;

export function parsePs(text: string): ParseOutcome<PsRow> {
  const records: PsRow[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const match = ROW.exec(line);
    const elapsed = match ? parseElapsed(match[4] ?? '') : undefined;
    const cpu = match ? parseCpuTime(match[5] ?? '') : undefined;
    if (!match || elapsed === undefined || cpu === undefined) {
      problems.push(`line ${index + 1}: not a ps row: ${JSON.stringify(line.slice(0, 120))}`);
      return;
    }
    records.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      uid: Number(match[3]),
      elapsedSeconds: elapsed,
      cpuSeconds: cpu,
      rawArgs: (match[6] ?? '').replace(/\s+$/, ''),
    });
  });
  return { records, problems };
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
