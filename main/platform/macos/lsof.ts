// `lsof -nP -iTCP -iUDP -F pcuftPnT`: one field a line, the first character names it. `p` starts a
// process, `f` starts a file; unknown letters are skipped. An empty output is valid (nothing matched).
import { normaliseAddress } from '../../engine/address';
import type { ConnectionRecord, Protocol } from '../../engine/model';
import type { ParseOutcome } from './ps';
import { detached } from '../detached-string';
import { ProblemList } from '../problem-list';
import { RecentMemo } from '../recent-memo';
import { decimalPid } from '../decimal-pid';

export function parseLsof(text: string): ParseOutcome<ConnectionRecord> {
  const records: ConnectionRecord[] = [];
  const problems = new ProblemList();
  // Process by process: a block runs from one `p` line to the next. Most processes' sockets are the
  // same from one tick to the next, and so is their block: comparing it with the block the same pid had
  // last time costs far less than reading its lines again.
  let line = 1;
  for (let start = 0; start < text.length;) {
    const next = text.indexOf('\np', start);
    const end = next < 0 ? text.length : next + 1;
    const pid = end - start <= LONGEST_BLOCK_KEPT ? blockPid(text, start) : undefined;
    const block = pid === undefined ? undefined : text.slice(start, end);
    const kept = pid === undefined ? undefined : processBlocks.find(pid);
    if (kept !== undefined && kept.text === block) {
      for (const record of kept.records) records.push(copyConnection(record));
      line += kept.lines;
    } else {
      const read = readBlock(text, start, end, line, records, problems);
      // A block with a problem is read again each time, so that its message names the right line.
      if (pid !== undefined && block !== undefined && read.problems === 0)
        processBlocks.keep(pid, {
          text: detached(block),
          records: records.slice(records.length - read.records).map(copyConnection),
          lines: read.lines,
        });
      line += read.lines;
    }
    start = end;
  }
  return { records, problems: problems.messages() };
}

/** A process's block as last read: its text, its records (copied out each time) and its line count. */
interface ReadBlock {
  readonly text: string;
  readonly records: readonly ConnectionRecord[];
  readonly lines: number;
}

/**
 * The block each pid had when last read, its text copied (see `detached`). Bounded in entries and in
 * the length of a block kept: at most 2 x 1,024 x 16 Ki characters whatever lsof prints.
 */
const processBlocks = new RecentMemo<number, ReadBlock>(1_024);
const LONGEST_BLOCK_KEPT = 16_384;

/** The pid a block's `p` line names, if it starts with one that is all digits. */
function blockPid(text: string, start: number): number | undefined {
  if (text.charCodeAt(start) !== 112) return undefined;
  let pid = 0;
  let at = start + 1;
  for (let c = text.charCodeAt(at); c >= 48 && c <= 57 && at - start <= 10; c = text.charCodeAt(++at))
    pid = pid * 10 + (c - 48);
  const c = text.charCodeAt(at);
  return at > start + 1 && (c === 10 || c === 13 || Number.isNaN(c)) ? pid : undefined;
}

function copyConnection(record: ConnectionRecord): ConnectionRecord {
  const copy: ConnectionRecord = {
    pid: record.pid,
    protocol: record.protocol,
    family: record.family,
    localAddress: record.localAddress,
  };
  if (record.localPort !== undefined) copy.localPort = record.localPort;
  if (record.remoteAddress !== undefined) copy.remoteAddress = record.remoteAddress;
  if (record.remotePort !== undefined) copy.remotePort = record.remotePort;
  if (record.state !== undefined) copy.state = record.state;
  return copy;
}

/**
 * Reads the lines from `blockStart` to `blockEnd` (whole lines), the first being line `firstLine`, into
 * `records` and `problems`; says how many of each it added and how many lines it read.
 */
function readBlock(
  text: string,
  blockStart: number,
  blockEnd: number,
  firstLine: number,
  records: ConnectionRecord[],
  problems: ProblemList,
): { records: number; problems: number; lines: number } {
  const recordsBefore = records.length;
  const problemsBefore = problems.count;
  let pid: number | undefined;
  // The file being read: plain variables rather than an object, and fields compared where they lie
  // rather than copied out, as this runs for every socket of every sample.
  let inFile = false;
  let fdFrom = 0;
  let fdTo = 0;
  let ipv6 = false;
  let protocol: Protocol | undefined;
  let name: string | undefined;
  let state = '';

  const finish = (): void => {
    if (!inFile || pid === undefined) return;
    inFile = false;
    if (protocol === undefined || name === undefined) return;
    const record = toConnection(pid, protocol, ipv6, name, state);
    if (record) records.push(record);
    else {
      const named = name;
      problems.add(
        () =>
          `pid ${pid} fd ${text.slice(fdFrom, Math.min(fdTo, fdFrom + 20))}: cannot read address ${JSON.stringify(named.slice(0, 120))}`,
      );
    }
  };

  // Walked by index rather than split: lsof output runs to tens of thousands of lines a sample, and
  // most fields are skipped without being copied.
  let lineNumber = firstLine - 1;
  for (let start = blockStart; start < blockEnd;) {
    let end = text.indexOf('\n', start);
    if (end < 0 || end > blockEnd) end = blockEnd;
    lineNumber++;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const tag = text.charCodeAt(start);
    const from = start + 1;
    start = end + 1;
    if (stop < from) continue;
    switch (tag) {
      case 112 /* p */: {
        finish();
        const value = text.slice(from, stop);
        pid = decimalPid(value);
        if (pid === undefined) problems.add(() => `line ${lineNumber}: bad pid ${JSON.stringify(value.slice(0, 120))}`);
        break;
      }
      case 102 /* f */:
        finish();
        inFile = pid !== undefined;
        fdFrom = from;
        fdTo = stop;
        ipv6 = false;
        protocol = undefined;
        name = undefined;
        state = '';
        break;
      case 116 /* t */:
        if (inFile) ipv6 = field(text, from, stop, 'IPv6');
        break;
      case 80 /* P */:
        if (inFile)
          protocol = field(text, from, stop, 'TCP') ? 'TCP' : field(text, from, stop, 'UDP') ? 'UDP' : undefined;
        break;
      case 110 /* n */:
        if (inFile) name = text.slice(from, stop);
        break;
      case 84 /* T */:
        if (inFile && text.startsWith('ST=', from)) state = text.slice(from + 3, stop);
        break;
      default:
        // c (command), u (uid), g, R, L, ... carry nothing the engine needs.
        break;
    }
  }
  finish();
  return {
    records: records.length - recordsBefore,
    problems: problems.count - problemsBefore,
    lines: lineNumber - firstLine + 1,
  };
}

/** The field from `from` to `stop` is exactly `value`. */
function field(text: string, from: number, stop: number, value: string): boolean {
  return stop - from === value.length && text.startsWith(value, from);
}

function toConnection(
  pid: number,
  protocol: Protocol,
  ipv6: boolean,
  name: string,
  state: string,
): ConnectionRecord | undefined {
  const endpoints = socketName(name);
  if (!endpoints) return undefined;
  const family = ipv6 || endpoints.localIsV6 ? 'IPv6' : 'IPv4';
  const record: ConnectionRecord = { pid, protocol, family, localAddress: endpoints.localAddress };
  if (endpoints.localPort !== undefined) record.localPort = endpoints.localPort;
  if (endpoints.remoteAddress !== undefined) {
    record.remoteAddress = endpoints.remoteAddress;
    if (endpoints.remotePort !== undefined) record.remotePort = endpoints.remotePort;
  }
  // Kept with the block's reading: a copy, not a view into the output (see `detached`).
  if (protocol === 'TCP' && state) record.state = detached(state);
  return record;
}

/** What a socket's name field says: its endpoints, read once for each distinct name (see `socketNames`). */
interface SocketName {
  readonly localAddress: string;
  readonly localPort: number | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localIsV6: boolean;
}

/**
 * Names read lately. Most sockets outlive a tick (connections, listeners), so a sample's names are nearly
 * all the last sample's: looking one up costs a fraction of reading it again. The entries are immutable
 * and depend only on the name, so parseLsof stays a function of its text.
 */
// Exported for the test of its bound.
export const socketNames = new RecentMemo<string, SocketName | false>(16_384, detached);
/** Longer than any address lsof prints (IPv6 with a zone, both ends): read, never kept. */
const LONGEST_NAME_KEPT = 128;

function socketName(name: string): SocketName | undefined {
  const known = name.length <= LONGEST_NAME_KEPT ? socketNames.get(name, readSocketName) : readSocketName(name);
  return known || undefined;
}

function readSocketName(name: string): SocketName | false {
  const arrow = name.indexOf('->');
  const local = parseEndpoint(arrow < 0 ? name : name.slice(0, arrow));
  if (!local) return false;
  const remote = arrow < 0 ? undefined : parseEndpoint(name.slice(arrow + 2));
  if (arrow >= 0 && !remote) return false;
  // The addresses outlive the sample (an item's destinations are kept for hours): copies, not views.
  return {
    localAddress: detached(local.address),
    localPort: local.port,
    remoteAddress: remote && detached(remote.address),
    remotePort: remote?.port,
    localIsV6: local.address.includes(':'),
  };
}

/** `10.0.0.5:50123`, `*:5432`, `[::1]:631`, `[fe80::1%lo0]:123`, `*:*`. */
function parseEndpoint(text: string): { address: string; port?: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  // A bare IPv6 address without brackets would split inside itself: lsof always brackets them.
  if (host.includes(':') && !(host.startsWith('[') && host.endsWith(']'))) return undefined;
  if (port !== '*' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535)) return undefined;
  const address = host === '*' ? '*' : normaliseAddress(host);
  return port === '*' ? { address } : { address, port: Number(port) };
}
