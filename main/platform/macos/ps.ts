// `ps -axww -o pid=,ppid=,uid=,etime=,time=,args=`: no header, space-padded columns, args last.
import type { ProcessRecord } from '../../engine/model';
import { detached } from '../detached-string';
import { ProblemList } from '../problem-list';
import { RecentMemo } from '../recent-memo';
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
  const problems = new ProblemList();
  const columns = new Columns(text);
  // Walked by index rather than split: a line is copied out only for its command line or a problem.
  let lineNumber = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    if (!isBlank(text, start, end)) {
      const row = columns.row(start, end);
      if (row) records.push(row);
      else
        problems.add(
          () => `line ${lineNumber}: not a ps row: ${JSON.stringify(text.slice(start, Math.min(end, start + 120)))}`,
        );
    }
    start = end + 1;
  }
  return { records, problems: problems.messages() };
}

function isBlank(text: string, start: number, end: number): boolean {
  let at = start;
  while (at < end && text.charCodeAt(at) === 32) at++;
  const c = text.charCodeAt(at);
  // A digit after the padding is a row's start; anything else is left to the full definition of space.
  if (at < end && c >= 48 && c <= 57) return false;
  return !/\S/.test(text.slice(start, end));
}

/**
 * The text walked by index: this runs for every process of every sample, so the columns are read where
 * they lie rather than sliced out first (and with methods, not closures made again for every line).
 */
class Columns {
  private at = 0;
  private end = 0;

  constructor(private readonly text: string) {}

  /** Five space-separated columns, then args (which may hold spaces) to the end of the line. */
  row(start: number, end: number): PsRow | undefined {
    this.at = start;
    this.end = end;
    const pid = this.integer(false);
    const ppid = this.integer(false);
    const uid = this.integer(true);
    const elapsedSeconds = this.timeColumn(elapsedIn, parseElapsed);
    const cpuSeconds = this.timeColumn(cpuTimeIn, parseCpuTime);
    if (
      pid === undefined ||
      ppid === undefined ||
      uid === undefined ||
      elapsedSeconds === undefined ||
      cpuSeconds === undefined
    )
      return undefined;
    const { text } = this;
    const i = this.at;
    let stop = end;
    while (stop > i + 1 && (text.charCodeAt(stop - 1) === 32 || text.charCodeAt(stop - 1) === 13)) stop--;
    return { pid, ppid, uid, elapsedSeconds, cpuSeconds, rawArgs: i + 1 < stop ? text.slice(i + 1, stop) : '' };
  }

  private skipSpace(): void {
    const { text } = this;
    while (this.at < this.end && (text.charCodeAt(this.at) === 32 || text.charCodeAt(this.at) === 9)) this.at++;
  }

  private integer(signed: boolean): number | undefined {
    this.skipSpace();
    const { text } = this;
    let negative = false;
    if (signed && this.at < this.end && text.charCodeAt(this.at) === 45) {
      negative = true;
      this.at++;
    }
    const start = this.at;
    let value = 0;
    for (let c = text.charCodeAt(this.at); this.at < this.end && c >= 48 && c <= 57; c = text.charCodeAt(++this.at))
      value = value * 10 + (c - 48);
    const next = text.charCodeAt(this.at);
    // Ten digits hold any pid or uid ps prints; more is not a number ps wrote.
    if (this.at === start || this.at - start > 10 || (this.at < this.end && next !== 32 && next !== 9))
      return undefined;
    return negative ? -value : value;
  }

  /** A time column: read where it lies in its usual shapes, else sliced out for `parse` to decide. */
  private timeColumn(
    inPlace: (text: string, from: number, to: number) => number | undefined,
    parse: (text: string) => number | undefined,
  ): number | undefined {
    this.skipSpace();
    const { text } = this;
    const start = this.at;
    while (this.at < this.end && text.charCodeAt(this.at) !== 32 && text.charCodeAt(this.at) !== 9) this.at++;
    if (this.at === start) return undefined;
    return inPlace(text, start, this.at) ?? parse(text.slice(start, this.at));
  }
}

/** `etime`: `[[DD-]HH:]MM:SS`. */
export function parseElapsed(text: string): number | undefined {
  const fast = elapsedIn(text, 0, text.length);
  if (fast !== undefined) return fast;
  const match = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** `time`: macOS prints `M:SS.cc` with minutes never rolled into hours (`139:17.71`); procps prints `[DD-]HH:MM:SS`. */
export function parseCpuTime(text: string): number | undefined {
  const fast = cpuTimeIn(text, 0, text.length);
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

/**
 * etime's shapes (`MM:SS`, `HH:MM:SS`, `D-HH:MM:SS`) read where they lie, without a regular expression
 * (every process, every sample); undefined for anything else, which the regular expression then decides.
 */
function elapsedIn(text: string, from: number, to: number): number | undefined {
  let dash = -1;
  let colon1 = -1;
  let colon2 = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 45 && dash < 0 && colon1 < 0) dash = i;
    else if (c === 58 && colon1 < 0) colon1 = i;
    else if (c === 58 && colon2 < 0) colon2 = i;
    else return undefined;
  }
  if (colon1 < 0 || (dash >= 0 && colon2 < 0)) return undefined;
  const days = dash < 0 ? 0 : digits(text, from, dash);
  const hours = colon2 < 0 ? 0 : digits(text, dash < 0 ? from : dash + 1, colon1);
  const minutes = colon2 < 0 ? digits(text, from, colon1) : digits(text, colon1 + 1, colon2);
  const seconds = digits(text, (colon2 < 0 ? colon1 : colon2) + 1, to);
  if (days === undefined || hours === undefined || minutes === undefined || seconds === undefined) return undefined;
  return days * 86400 + hours * 3600 + minutes * 60 + seconds;
}

/** macOS's `M:SS` and `M:SS.cc` read where they lie; undefined for any other shape. */
function cpuTimeIn(text: string, from: number, to: number): number | undefined {
  let colon = -1;
  let dot = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 58 && colon < 0) colon = i;
    else if (c === 46 && colon >= 0 && dot < 0) dot = i;
    else return undefined;
  }
  const secondsEnd = dot < 0 ? to : dot;
  // Up to 15 fraction digits: a/10^n is then the same double as Number(`0.${digits}`).
  if (colon <= from || secondsEnd - colon !== 3 || (dot >= 0 && (to - dot < 2 || to - dot > 16))) return undefined;
  const minutes = digits(text, from, colon);
  const seconds = digits(text, colon + 1, secondsEnd);
  const fraction = dot < 0 ? 0 : digits(text, dot + 1, to);
  if (minutes === undefined || seconds === undefined || fraction === undefined) return undefined;
  return minutes * 60 + seconds + (dot < 0 ? 0 : fraction / 10 ** (to - dot - 1));
}

/** Up to 15 digits (exact in a double; longer ones are left to Number()). */
function digits(text: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 15) return undefined;
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
    args: commandLine(row.pid, row.rawArgs),
  };
}

/**
 * The command line each pid showed when last read, decoded. A process shows the same one every tick:
 * comparing it with last time's costs less than decoding (or hashing) it again, and the engine is handed
 * the same string each sample. Kept and handed out as copies: the engine keeps a command line for its
 * process's life, and a view into the ps output would keep the whole output alive with it (see
 * `detached`). Bounded: at most 2 x 2,048 entries of at most 4 Ki characters.
 */
const commandLines = new RecentMemo<number, { raw: string; args: string }>(2_048);
const LONGEST_COMMAND_LINE_KEPT = 4_096;

function commandLine(pid: number, rawArgs: string): string {
  const kept = commandLines.find(pid);
  if (kept !== undefined && kept.raw === rawArgs) return kept.args;
  const raw = detached(rawArgs);
  // decodeVis hands back its input when there is nothing to decode, else a new string.
  const args = decodeVis(raw);
  if (raw.length <= LONGEST_COMMAND_LINE_KEPT) commandLines.keep(pid, { raw, args });
  return args;
}
