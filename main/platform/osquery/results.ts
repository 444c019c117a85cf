// osquery's results log, one JSON object a line, in the three shapes its filesystem logger writes and Fleet
// forwards (osquery docs/wiki/deployment/logging.md): the event format (`columns` and `action` "added" or
// "removed"), the snapshot format (`snapshot` rows, `action` "snapshot") and the batch format
// (`diffResults.added` / `.removed`). Values are strings unless numerics are on; both are taken.
// Pure: a line in, rows out, or why the line is not one.

export type Row = Record<string, string>;

export interface ResultRows {
  host: string;
  /** The query's name as configured (the table is recognised from the columns, not from this). */
  name: string;
  /** Seconds since the epoch when the query ran. */
  unixTime: number;
  /** "snapshot": the whole table at that time; "added"/"removed": a change to it. */
  rows: { action: 'snapshot' | 'added' | 'removed'; columns: Row }[];
}

/** Bounds on what one line may hold (a log is written by the hosts, so by whoever owns one). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const MAX_ROWS_PER_LINE = 100_000;
const MAX_VALUE = 256 * 1024;
const MAX_HOST = 255;

export function parseResultLine(line: string): ResultRows | { problem: string } {
  if (line.length > MAX_LINE_BYTES)
    return { problem: `a line of ${line.length} bytes, over the ${MAX_LINE_BYTES} limit` };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message.slice(0, 80)})` };
  }
  if (!isObject(value)) return { problem: 'not a JSON object' };
  const decorations = isObject(value.decorations) ? value.decorations : {};
  const host =
    text(value.hostIdentifier) ?? text(value.hostname) ?? text(decorations.hostname) ?? text(decorations.host_uuid);
  if (!host) return { problem: 'no hostIdentifier or hostname' };
  if (host.length > MAX_HOST) return { problem: 'a host name over 255 characters' };
  const unixTime = Number(value.unixTime);
  if (!Number.isFinite(unixTime) || unixTime <= 0) return { problem: 'no unixTime' };
  const name = text(value.name) ?? '';
  const rows: ResultRows['rows'] = [];
  const add = (action: 'snapshot' | 'added' | 'removed', list: unknown): string | undefined => {
    if (!Array.isArray(list)) return `"${action}" rows are not a list`;
    for (const item of list) {
      if (rows.length >= MAX_ROWS_PER_LINE) return `over ${MAX_ROWS_PER_LINE} rows in one line`;
      const columns = columnsOf(item);
      if (columns) rows.push({ action, columns });
    }
    return undefined;
  };
  let problem: string | undefined;
  if (value.action === 'snapshot') problem = add('snapshot', value.snapshot);
  else if (value.action === 'added' || value.action === 'removed') problem = add(value.action, [value.columns]);
  else if (isObject(value.diffResults)) {
    problem = add('added', value.diffResults.added ?? []) ?? add('removed', value.diffResults.removed ?? []);
  } else return { problem: 'neither an event, a snapshot nor a batch of results' };
  if (problem) return { problem };
  return { host, name, unixTime, rows };
}

function columnsOf(value: unknown): Row | undefined {
  if (!isObject(value)) return undefined;
  const row: Row = Object.create(null) as Row;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') row[key] = v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v;
    else if (typeof v === 'number' || typeof v === 'boolean') row[key] = String(v);
  }
  return row;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The tables Launchwatch reads, recognised by their columns whatever the query was called. */
export type OsqueryTable =
  'launchd' | 'processes' | 'process_open_sockets' | 'signature' | 'system_info' | 'os_version';

const SIGNATURES: [OsqueryTable, string[]][] = [
  ['launchd', ['path', 'label', 'program_arguments']],
  ['process_open_sockets', ['pid', 'remote_address', 'remote_port']],
  ['signature', ['path', 'signed', 'team_identifier']],
  ['processes', ['pid', 'parent', 'cmdline', 'user_time', 'system_time']],
  ['system_info', ['cpu_logical_cores', 'hardware_model']],
  ['os_version', ['major', 'minor', 'build', 'platform']],
];

export function tableOf(columns: Row): OsqueryTable | undefined {
  return SIGNATURES.find(([, needed]) => needed.every((c) => c in columns))?.[0];
}
