// `launchctl list`: a header `PID\tStatus\tLabel`, then TAB-separated rows; PID `-` = not running (launchd
// reports pid 0 for a job with no process, and launchctl prints it as `-`).
import type { LoadedService } from '../../engine/model';
import { ProblemList } from '../problem-list';
import type { ParseOutcome } from './ps';
import { decimalPid } from '../decimal-pid';

/** launchd prints exit statuses in decimal, negative for a signal; ten digits hold any 32-bit value. */
const STATUS = /^-?\d{1,10}$/;

/** A Mac's launchd holds a few thousand jobs in a domain: rows past this are counted, not read. */
export const MAX_LAUNCHCTL_ROWS = 100_000;

/**
 * launchctl prints each label as it is (`printf("%s\n")`, the list command of ProcursusTeam/launchctl, list.c, which
 * follows Apple's), and a label is any string: one with a line end splits its row in two, and what follows the line end
 * reads as a row of its own, a pid claimed for another job's label. `labelsWithLineEnds` are the labels the property
 * lists read give with a line end: a row that starts one of them and goes on as it does is read back whole. A label
 * listed twice in one domain (which launchd, keeping one job a label, never does) had one of its rows forged so: both
 * are kept as loaded, and neither's pid is taken, since which is launchd's cannot be told.
 */
export function parseLaunchctlList(
  text: string,
  labelsWithLineEnds: Iterable<string> = [],
): ParseOutcome<LoadedService> {
  const records: LoadedService[] = [];
  const problems = new ProblemList();
  const split = splitLabels(labelsWithLineEnds);
  let beyond = 0;
  // Walked line by line rather than split whole: a 64 MiB list is millions of lines, most only counted.
  for (let start = 0, index = 0; start < text.length; index++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const from = start;
    start = end + 1;
    if (records.length >= MAX_LAUNCHCTL_ROWS) {
      if (end > from) beyond++;
      continue;
    }
    const service = readRow(text.slice(from, end).replace(/\r$/, ''), index, problems);
    if (!service) continue;
    const whole = split.size > 0 ? wholeLabel(service.label, split, text, start) : undefined;
    if (whole !== undefined) {
      service.label = whole;
      start += whole.length - whole.indexOf('\n');
      index += lineEndsIn(whole);
    }
    records.push(service);
  }
  const named = problems.messages();
  named.push(...withoutForgedPids(records));
  if (beyond > 0)
    named.unshift(`${records.length + beyond} rows, more than launchd holds: the first ${records.length} were read`);
  return { records, problems: named };
}

/**
 * Bounds on reading labels back whole: each row whose label is the first line of one is compared with at most this many
 * labels, each at most this long (launchctl is never passed a longer one: plan.ts), so a list of 100,000 such rows
 * costs at most a few hundred million characters compared.
 */
const MAX_SPLIT_LABELS_A_LINE = 4;
const MAX_SPLIT_LABEL_LENGTH = 1024;

/** Labels with a line end, by their first line; longest first, so that one that starts another is tried last. */
function splitLabels(labels: Iterable<string>): Map<string, string[]> {
  const byFirstLine = new Map<string, string[]>();
  for (const label of labels) {
    const cut = label.indexOf('\n');
    if (cut < 0 || label.length > MAX_SPLIT_LABEL_LENGTH) continue;
    const first = label.slice(0, cut);
    const list = byFirstLine.get(first) ?? [];
    if (list.length >= MAX_SPLIT_LABELS_A_LINE) continue;
    list.push(label);
    list.sort((a, b) => b.length - a.length);
    byFirstLine.set(first, list);
  }
  return byFirstLine;
}

/** The whole label when the row's label is the first line of one and the text after the row goes on as it does. */
function wholeLabel(label: string, split: Map<string, string[]>, text: string, after: number): string | undefined {
  for (const whole of split.get(label) ?? []) {
    const rest = whole.slice(whole.indexOf('\n') + 1);
    const endsAt = after + rest.length;
    if (text.startsWith(rest, after) && (endsAt === text.length || text[endsAt] === '\n')) return whole;
  }
  return undefined;
}

function lineEndsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** A label listed more than once: every row of it kept, no pid taken from any; named. */
function withoutForgedPids(records: LoadedService[]): string[] {
  const rows = new Map<string, LoadedService[]>();
  for (const record of records) {
    const same = rows.get(record.label);
    if (same) same.push(record);
    else rows.set(record.label, [record]);
  }
  const named: string[] = [];
  for (const [label, same] of rows) {
    if (same.length < 2) continue;
    const pids = same.flatMap((r) => (r.pid === undefined ? [] : [r.pid]));
    for (const record of same) delete record.pid;
    const shown = pids.length > 8 ? `${pids.slice(0, 8).join(', ')} and ${pids.length - 8} more` : pids.join(', ');
    if (named.length < 20)
      named.push(
        `${JSON.stringify(label.slice(0, 120))} is listed ${same.length} times, which launchd never does: a label with a line end can forge a row, so none of its pids (${shown || 'none'}) is taken as the job's`,
      );
  }
  return named;
}

function readRow(line: string, index: number, problems: ProblemList): LoadedService | undefined {
  if (line.trim() === '') return undefined;
  const fields = line.split('\t');
  if (index === 0 && /^PID\s/.test(line)) return undefined;
  const label = fields.slice(2).join('\t');
  if (fields.length < 3 || label === '') {
    problems.add(() => `line ${index + 1}: expected PID, Status and Label separated by tabs`);
    return undefined;
  }
  // A row with a label says launchd has that job, whatever its other columns hold: it is kept, and a
  // column that cannot be read is left out and named.
  const service: LoadedService = { label };
  const pidField = fields[0]!.trim();
  const statusField = fields[1]!.trim();
  const unreadable: string[] = [];
  if (pidField !== '-') {
    // 0 is the kernel and 1 launchd itself: never a job's process. Taken as one, every process on the
    // Mac would descend from this job's.
    const pid = decimalPid(pidField);
    if (pid !== undefined && pid > 1) service.pid = pid;
    else unreadable.push(`PID ${JSON.stringify(pidField.slice(0, 20))} is not a job's process`);
  }
  // launchctl prints `???` for the status of a job stopped by a signal (WIFSTOPPED; the list command of
  // ProcursusTeam/launchctl, list.c, which follows Apple's): no exit status, and nothing wrong.
  if (statusField !== '-' && statusField !== '???') {
    if (STATUS.test(statusField)) service.lastExitStatus = Number(statusField);
    else unreadable.push(`Status ${JSON.stringify(statusField.slice(0, 20))} is not an exit status`);
  }
  if (unreadable.length > 0)
    problems.add(
      () => `line ${index + 1}: ${JSON.stringify(label.slice(0, 120))}: ${unreadable.join(', ')}: read as unknown`,
    );
  return service;
}
