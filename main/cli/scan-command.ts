// `launchwatch scan`: the engine without a window (scan-json.md).
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApprovalError, ApprovalsStore, readApprovals, readApprovalsFile } from '../actions/approvals-store';
import type { Approval } from '../engine/approvals';
import { stateDir } from '../platform/state-dir';
import { analyseSamples } from '../engine/analyzer';
import type { ScanResult } from '../engine/model';
import { sortItems, toScanDocument } from '../engine/scan-document';
import { renderTable } from '../engine/terminal-table';
import { safeTerminalText } from '../engine/terminal-text';
import { toNdjson } from '../engine/reports/ndjson';
import { redactResult } from '../engine/reports/redact';
import { REPORT_EXTENSIONS, writeReport } from './report-files';
import { CaptureError, readCapture } from '../platform/capture/capture-reader';
import { HistoryStore } from '../history/history-store';
import type { ProgressStream } from './progress';
import { positiveNumber, UsageError, sustainedOptions } from './usage-error';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The terminal behind stderr, when there is one: live progress is drawn there as a bar. */
  stderrStream?: ProgressStream;
}

export const SCAN_USAGE = `usage: launchwatch scan [--replay <capture dir or .tar.gz>] [--duration <s>] [--interval <s>]
                       [--window <s>] [--cpu-threshold <percent of one core>] [--approvals <file>]
                       [--json | --ndjson] [--report <file.html|.json|.csv|.pdf>] [--redact] [--no-history] [--summary]
                       [--baseline-days <n> (history a baseline needs: default 3 days, 24 hours observed)]`;

export async function scanCommand(argv: string[], io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        replay: { type: 'string' },
        duration: { type: 'string' },
        interval: { type: 'string' },
        window: { type: 'string' },
        'cpu-threshold': { type: 'string' },
        approvals: { type: 'string' },
        'no-history': { type: 'boolean' },
        'baseline-days': { type: 'string' },
        report: { type: 'string' },
        redact: { type: 'boolean', default: false },
        summary: { type: 'boolean' },
        ndjson: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${SCAN_USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout(`${SCAN_USAGE}\n`);
    return 0;
  }
  const options = {
    ...sustainedOptions(values),
    approvals:
      values.approvals !== undefined
        ? approvalsFromFile(values.approvals, io)
        : values.replay === undefined
          ? storedApprovals(io)
          : [],
  };
  if ([values.json, values.ndjson, values.summary].filter(Boolean).length > 1)
    throw new UsageError('--json, --ndjson and --summary: choose one');
  if (values.report !== undefined && !REPORT_EXTENSIONS.includes(extname(values.report).toLowerCase()))
    throw new UsageError(`--report ${values.report}: the file must end in ${REPORT_EXTENSIONS.join(', ')}`);
  const duration = positiveNumber('--duration', values.duration, 120);
  const interval = positiveNumber('--interval', values.interval, 5);

  let result: ScanResult;
  if (values.replay !== undefined) {
    if (values.duration !== undefined || values.interval !== undefined)
      io.stderr("note: --duration and --interval apply to live scans; a replay uses the capture's own samples\n");
    result = await replay(values.replay, options);
  } else {
    // Loaded only for a live scan: the readers bring systeminformation, the largest module there is.
    const { liveReaderForThisMachine, liveScan } = await import('./live-scan');
    const { progressOn } = await import('./progress');
    const reader = await liveReaderForThisMachine();
    // A live scan adds to this machine's history (--no-history: a scan that leaves no trace).
    const history = values['no-history'] ? undefined : openHistory(io);
    const baselineDays =
      values['baseline-days'] === undefined ? undefined : positiveNumber('--baseline-days', values['baseline-days'], 3);
    try {
      result = await liveScan(
        reader,
        {
          ...options,
          durationSeconds: duration,
          intervalSeconds: interval,
          ...(history ? { history } : {}),
          ...(baselineDays !== undefined
            ? { baseline: { periodDays: baselineDays, minObservedHours: Math.min(24, baselineDays * 8) } }
            : {}),
        },
        progressOn(io.stderrStream, io.stderr),
      );
    } finally {
      history?.close();
    }
  }

  const shown = values.redact ? redactResult(result) : result;
  if (values.report !== undefined) {
    await writeReport(values.report, shown);
    io.stderr(`report written to ${values.report}\n`);
  }
  if (values.json) io.stdout(`${JSON.stringify(toScanDocument(shown), null, 2)}\n`);
  else if (values.ndjson) io.stdout(toNdjson(shown));
  else if (values.summary) io.stdout(`${summaryLine(shown)}\n`);
  else io.stdout(renderTable(shown));
  if (result.items.some((i) => i.verdict === 'mining' || i.verdict === 'suspicious')) return 1;
  if (result.incomplete) {
    io.stderr(`launchwatch: the scan is incomplete: ${result.incomplete}\n`);
    return 2;
  }
  return 0;
}

function approvalsFromFile(path: string, io: CommandIO): Approval[] {
  try {
    const text = readApprovalsFile(path);
    if (text === undefined) throw new UsageError(`--approvals ${path}: no such file`);
    const read = readApprovals(text, path);
    for (const note of read.notes) io.stderr(`note: --approvals ${safeTerminalText(note)}\n`);
    return read.approvals;
  } catch (error) {
    if (error instanceof ApprovalError) throw new UsageError(`--approvals ${error.message}`);
    throw error;
  }
}

/**
 * A live scan honours this machine's approved inventory, as the app does. One it cannot read approves nothing (every
 * item is judged in full) and is said, never passed over in silence.
 */
function storedApprovals(io: CommandIO): Approval[] {
  try {
    const read = new ApprovalsStore(join(stateDir(), 'approvals.json')).read();
    for (const note of read.notes) io.stderr(`note: ${safeTerminalText(note)}\n`);
    return read.approvals;
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    const why = safeTerminalText(error.message);
    io.stderr(`launchwatch: the approved inventory could not be read, so no item counts as approved: ${why}\n`);
    return [];
  }
}

export async function replay(
  path: string,
  options: { windowSeconds: number; cpuThresholdPercent: number; approvals?: Approval[] },
): Promise<ScanResult> {
  let capture;
  try {
    capture = await readCapture(path);
  } catch (error) {
    if (error instanceof CaptureError) throw new UsageError(error.message);
    throw error;
  }
  return analyseSamples(capture.inventory, capture.samples, options);
}

/** The history store in the state folder; a machine where it cannot open scans without it, and says so. */
export function openHistory(io: Pick<CommandIO, 'stderr'>): HistoryStore | undefined {
  try {
    const store = HistoryStore.open(stateDir());
    for (const note of store.notes) io.stderr(`note: ${note}\n`);
    return store;
  } catch (error) {
    io.stderr(`note: no history this time: ${(error as Error).message}\n`);
    return undefined;
  }
}

/**
 * --summary: one line for an MDM (a Jamf extension attribute): the worst verdict, then the flagged items.
 * Labels come from the Mac under suspicion: control characters shown by code, and no <, > or & that could
 * end the <result> element an MDM wraps the line in.
 */
export function summaryLine(result: ScanResult): string {
  const flagged = sortItems(result.items).filter((i) => i.verdict === 'mining' || i.verdict === 'suspicious');
  // One line an MDM stores: each label cut at 120 characters.
  const clean = (text: string) => safeTerminalText(text.slice(0, 120)).replace(/[<>&]/g, '_');
  if (flagged.length > 0)
    return `${flagged[0]?.verdict}: ${flagged
      .slice(0, 10)
      .map((i) => `${clean(i.item.label || i.item.plistPath)} (${i.verdict})`)
      .join(', ')}${flagged.length > 10 ? `, and ${flagged.length - 10} more` : ''}`;
  if (result.incomplete) return `incomplete: ${clean(result.incomplete)}`;
  return result.items.some((i) => i.verdict === 'high-cpu') ? 'ok (busy items, no sign of mining)' : 'ok';
}
