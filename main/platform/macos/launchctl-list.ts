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

export function parseLaunchctlList(text: string): ParseOutcome<LoadedService> {
  const records: LoadedService[] = [];
  const problems = new ProblemList();
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
    readRow(text.slice(from, end).replace(/\r$/, ''), index, records, problems);
  }
  const named = problems.messages();
  if (beyond > 0)
    named.unshift(`${records.length + beyond} rows, more than launchd holds: the first ${records.length} were read`);
  return { records, problems: named };
}

function readRow(line: string, index: number, records: LoadedService[], problems: ProblemList): void {
  if (line.trim() === '') return;
  const fields = line.split('\t');
  if (index === 0 && /^PID\s/.test(line)) return;
  const label = fields.slice(2).join('\t');
  if (fields.length < 3 || label === '') {
    problems.add(() => `line ${index + 1}: expected PID, Status and Label separated by tabs`);
    return;
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
  records.push(service);
}
