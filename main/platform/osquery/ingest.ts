// Streams osquery results (a file, a folder of them, or stdin) into one FleetHost per host. Lines are
// read with a bounded buffer: a line over the limit is skipped and named, never held whole; a line that is
// not a result is counted and the first few are named; nothing stops the rest.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openRegularFile } from '../regular-file';
import { FleetHost } from './fleet-host';
import { MAX_LINE_BYTES, parseResultLine } from './results';

const MAX_HOSTS = 100_000;
const NAMED_PROBLEMS = 10;

/**
 * Snapshot times `fleet` holds a host for a judging window of `windowSeconds`: four windows of 60 s
 * snapshots, an hour at least; older ones are folded into the host's tables, not held.
 */
export function timesToHold(windowSeconds: number): number {
  return Math.max(60, Math.ceil(windowSeconds / 60) * 4);
}

export interface IngestOutcome {
  hosts: Map<string, FleetHost>;
  lines: number;
  badLines: number;
  /** The first few bad lines, as "<file>:<line>: <why>". */
  problems: string[];
}

export async function ingestOsquery(
  source: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  maxTimesPerHost?: number,
): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { hosts: new Map(), lines: 0, badLines: 0, problems: [] };
  if (source === '-') {
    await readLines(stdin, '<stdin>', outcome, maxTimesPerHost);
    return outcome;
  }
  // One file given by name is read as it is (a named pipe a log shipper writes is a source too).
  if (!statSync(source).isDirectory()) {
    await readLines(createReadStream(source), source, outcome, maxTimesPerHost);
    return outcome;
  }
  const names = readdirSync(source)
    .filter((name) => /\.(log|json|ndjson|jsonl)$/.test(name))
    .sort();
  for (const name of names) {
    // A folder's files each through one open file: one that is not a regular file (or became a FIFO since the
    // folder was listed) is passed over, not waited on.
    const file = join(source, name);
    const { handle, close } = await openRegularFile(file);
    try {
      if (handle !== undefined)
        await readLines(handle.createReadStream({ start: 0, autoClose: false }), file, outcome, maxTimesPerHost);
    } finally {
      await close();
    }
  }
  return outcome;
}

async function readLines(
  stream: NodeJS.ReadableStream,
  origin: string,
  outcome: IngestOutcome,
  maxTimes?: number,
): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let lineNumber = 0;
  const bad = (why: string) => {
    outcome.badLines++;
    if (outcome.problems.length < NAMED_PROBLEMS) outcome.problems.push(`${origin}:${lineNumber}: ${why}`);
  };
  const finish = (tail: Buffer) => {
    lineNumber++;
    if (skipping) {
      skipping = false;
      bad(`a line over ${MAX_LINE_BYTES} bytes, skipped`);
      return;
    }
    const line = Buffer.concat([...pending, tail])
      .toString('utf8')
      .trim();
    pending = [];
    pendingBytes = 0;
    if (line === '') return;
    outcome.lines++;
    const parsed = parseResultLine(line);
    if ('problem' in parsed) return bad(parsed.problem);
    let host = outcome.hosts.get(parsed.host);
    if (!host) {
      if (outcome.hosts.size >= MAX_HOSTS)
        return bad(`over ${MAX_HOSTS} hosts: host ${JSON.stringify(parsed.host)} skipped`);
      host = new FleetHost(parsed.host, maxTimes);
      outcome.hosts.set(parsed.host, host);
    }
    host.add(parsed);
  };
  for await (const piece of stream as AsyncIterable<Buffer | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      finish(chunk.subarray(start, i));
      start = i + 1;
    }
    const rest = chunk.subarray(start);
    if (skipping) continue;
    pendingBytes += rest.length;
    if (pendingBytes > MAX_LINE_BYTES) {
      skipping = true;
      pending = [];
      pendingBytes = 0;
    } else if (rest.length > 0) pending.push(Buffer.from(rest));
  }
  if (pendingBytes > 0 || skipping) finish(Buffer.alloc(0));
}
