// `sfltool dumpbtm` (macOS 13 and later, as root): every login item and background item Background Task
// Management has registered, for every user. Records start `#<n>:`, then `Key: value` lines; the
// disposition is a bracketed list of words and a number in decimal (13) or hex (14 and later).

export interface BtmRecord {
  name: string;
  /** `legacy daemon`, `curated legacy daemon`, `agent`, `app`, `login item`, ... (without the hex code). */
  type: string;
  developer?: string;
  teamId?: string;
  identifier?: string;
  /** A file path, from `URL: file:///...` (percent-decoded). */
  path?: string;
  executablePath?: string;
  bundleId?: string;
  parent?: string;
  enabled: boolean;
  /** false: the user turned it off in System Settings > General > Login Items & Extensions. */
  allowed: boolean;
  /** The user id whose records these are, when the dump says (`Records for UID 501`). */
  uid?: number;
}

const MAX_RECORDS = 10_000;

export function parseBtmDump(text: string): { records: BtmRecord[]; problems: string[] } {
  const records: BtmRecord[] = [];
  const problems: string[] = [];
  let fields: Map<string, string> | undefined;
  let uid: number | undefined;
  const finish = (): void => {
    if (!fields) return;
    const record = toRecord(fields, uid);
    fields = undefined;
    if (record === undefined) return;
    if (records.length >= MAX_RECORDS) {
      if (problems.length === 0) problems.push(`more than ${MAX_RECORDS} records: the rest were not read`);
      return;
    }
    records.push(record);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    const records_for = line.startsWith('Records for UID ')
      ? Number(line.slice('Records for UID '.length).split(' ')[0])
      : NaN;
    if (!Number.isNaN(records_for)) {
      finish();
      uid = records_for;
      continue;
    }
    if (isRecordHeader(line)) {
      finish();
      fields = new Map();
      continue;
    }
    if (!fields) continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (!fields.has(key)) fields.set(key, line.slice(colon + 2).trim());
  }
  finish();
  return { records, problems };
}

/** `#12:` or `#12` alone on its line. */
function isRecordHeader(line: string): boolean {
  if (!line.startsWith('#')) return false;
  const digits = line.endsWith(':') ? line.slice(1, -1) : line.slice(1);
  return digits !== '' && [...digits].every((c) => c >= '0' && c <= '9');
}

function toRecord(fields: Map<string, string>, uid: number | undefined): BtmRecord | undefined {
  const value = (key: string): string | undefined => {
    const v = fields.get(key);
    return v === undefined || v === '' || v === '(null)' ? undefined : v;
  };
  const name = value('Name');
  if (name === undefined) return undefined;
  const typeText = value('Type') ?? '';
  const paren = typeText.indexOf(' (');
  const type = (paren < 0 ? typeText : typeText.slice(0, paren)).trim();
  const disposition = value('Disposition') ?? '';
  const open = disposition.indexOf('[');
  const close = disposition.indexOf(']', open);
  const words =
    open >= 0 && close > open
      ? disposition
          .slice(open + 1, close)
          .split(',')
          .map((w) => w.trim())
      : [];
  const record: BtmRecord = { name, type, enabled: words.includes('enabled'), allowed: words.includes('allowed') };
  const set = <K extends keyof BtmRecord>(key: K, v: BtmRecord[K] | undefined): void => {
    if (v !== undefined) record[key] = v;
  };
  set('developer', value('Developer Name'));
  set('teamId', value('Team Identifier'));
  set('identifier', value('Identifier'));
  set('path', fileUrlPath(value('URL')));
  set('executablePath', value('Executable Path'));
  set('bundleId', value('Bundle Identifier'));
  set('parent', value('Parent Identifier'));
  set('uid', uid);
  return record;
}

function fileUrlPath(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  if (url.startsWith('/')) return url;
  if (!url.startsWith('file://')) return undefined;
  try {
    return decodeURIComponent(url.slice('file://'.length));
  } catch {
    return url.slice('file://'.length);
  }
}

/** A record for something launchd runs (an agent or a daemon), rather than an app opened at login. */
export function isLaunchdRecord(record: BtmRecord): boolean {
  return record.type.endsWith('daemon') || record.type.endsWith('agent');
}
