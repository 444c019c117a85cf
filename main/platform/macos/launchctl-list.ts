// `launchctl list`: a header `PID\tStatus\tLabel`, then TAB-separated rows; PID `-` = not running.
import type { LoadedService } from '../../engine/model';
import { ProblemList } from '../problem-list';
import type { ParseOutcome } from './ps';

export function parseLaunchctlList(text: string): ParseOutcome<LoadedService> {
  const records: LoadedService[] = [];
  const problems = new ProblemList();
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fields = line.split('\t');
    if (index === 0 && /^PID\s/.test(line)) return;
    if (fields.length < 3) {
      problems.add(() => `line ${index + 1}: expected PID, Status and Label separated by tabs`);
      return;
    }
    const [pidField = '', statusField = ''] = fields;
    const label = fields.slice(2).join('\t');
    const pid = pidField.trim() === '-' ? undefined : Number(pidField.trim());
    const status = statusField.trim() === '-' ? undefined : Number(statusField.trim());
    if (
      (pid !== undefined && !Number.isInteger(pid)) ||
      (status !== undefined && !Number.isInteger(status)) ||
      label === ''
    ) {
      problems.add(() => `line ${index + 1}: not a launchctl list row: ${JSON.stringify(line.slice(0, 120))}`);
      return;
    }
    const service: LoadedService = { label };
    if (pid !== undefined) service.pid = pid;
    if (status !== undefined) service.lastExitStatus = status;
    records.push(service);
  });
  return { records, problems: problems.messages() };
}
