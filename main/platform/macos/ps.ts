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
    if (!/\S/.test(line)) continue;
    const row = parseRow(line);
    if (row) records.push(row);
    else problems.push(`line ${index + 1}: not a ps row: ${JSON.stringify(line.slice(0, 120))}`);
  }
  return { records, problems };
}

/** Five space-separated columns, then args (which may hold spaces) to the end of the line. */
function parseRow(line: string): PsRow | undefined {
  const cursor = new Columns(line);
  const pid = cursor.integer(false);
  const ppid = cursor.integer(false);
  const uid = cursor.integer(true);
  const etime = cursor.word();
  const time = cursor.word();
  if (pid === undefined || ppid === undefined || uid === undefined || etime === undefined || time === undefined)
    return undefined;
  const elapsedSeconds = parseElapsed(etime);
  const cpuSeconds = parseCpuTime(time);
  if (elapsedSeconds === undefined || cpuSeconds === undefined) return undefined;
  const i = cursor.at;
  let end = line.length;
  while (end > i + 1 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 13)) end--;
  return { pid, ppid, uid, elapsedSeconds, cpuSeconds, rawArgs: i + 1 < end ? line.slice(i + 1, end) : '' };
}

/**
 * A line walked by index: this runs for every process of every sample, so the numeric columns are read
 * in place rather than sliced out first (and with methods, not closures made again for every line).
 */
class Columns {
  at = 0;

  constructor(private readonly line: string) {}

  private skipSpace(): void {
    const { line } = this;
    while (this.at < line.length && (line.charCodeAt(this.at) === 32 || line.charCodeAt(this.at) === 9)) this.at++;
  }

  integer(signed: boolean): number | undefined {
    this.skipSpace();
    const { line } = this;
    let negative = false;
    if (signed && line.charCodeAt(this.at) === 45) {
      negative = true;
      this.at++;
    }
    const start = this.at;
    let value = 0;
    for (let c = line.charCodeAt(this.at); c >= 48 && c <= 57; c = line.charCodeAt(++this.at))
      value = value * 10 + (c - 48);
    const next = line.charCodeAt(this.at);
    if (this.at === start || (this.at < line.length && next !== 32 && next !== 9)) return undefined;
    return negative ? -value : value;
  }

  word(): string | undefined {
    this.skipSpace();
    const { line } = this;
    const start = this.at;
    while (this.at < line.length && line.charCodeAt(this.at) !== 32 && line.charCodeAt(this.at) !== 9) this.at++;
    return this.at === start ? undefined : line.slice(start, this.at);
  }
}

/** `etime`: `[[DD-]HH:]MM:SS`. */
export function parseElapsed(text: string): number | undefined {
  // The common shapes, read without a regular expression (every process, every sample).
  const fast = digitsColonDigits(text);
  if (fast !== undefined) return fast;
  const match = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** `time`: macOS prints `M:SS.cc` with minutes never rolled into hours (`139:17.71`); procps prints `[DD-]HH:MM:SS`. */
export function parseCpuTime(text: string): number | undefined {
  const fast = minutesSecondsCentis(text);
  if (fast !== undefined) return fast;
  const mac = /^(\d+):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (mac) return Number(mac[1]) * 60 + Number(mac[2]) + (mac[3] ? Number(`0.${mac[3]}`) : 0);
  const procps = /^(?:(\d+)-)?(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (procps) {
    const [, days, hours, minutes, seconds, fraction] = procps;
    return (
      Number(days ?? 0) * 86400 +
      Number(hours) * 3600 +
      Number(minutes) * 60 +
      Number(seconds) +
      (fraction ? Number(`0.${fraction}`) : 0)
    );
  }
  return undefined;
}

/** `MM:SS` as seconds, or undefined for any other shape. */
function digitsColonDigits(text: string): number | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || text.length - colon !== 3 || text.indexOf(':', colon + 1) >= 0 || text.includes('-'))
    return undefined;
  const minutes = digits(text, 0, colon);
  const seconds = digits(text, colon + 1, text.length);
  return minutes === undefined || seconds === undefined ? undefined : minutes * 60 + seconds;
}

/** macOS `M:SS.cc` as seconds, or undefined for any other shape. */
function minutesSecondsCentis(text: string): number | undefined {
  const colon = text.indexOf(':');
  const dot = text.indexOf('.');
  if (colon <= 0 || dot !== colon + 3 || text.length !== dot + 3) return undefined;
  const minutes = digits(text, 0, colon);
  const seconds = digits(text, colon + 1, dot);
  const centis = digits(text, dot + 1, text.length);
  return minutes === undefined || seconds === undefined || centis === undefined
    ? undefined
    : minutes * 60 + seconds + centis / 100;
}

function digits(text: string, from: number, to: number): number | undefined {
  if (to <= from) return undefined;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return value;
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
