// Builds capture bundles (capture-format.md) for scenario tests and the benchmark: the text of each file
// is written in the exact shape the real commands print, from a description of items and processes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, buildBinary } from 'plist';
import { create as createTar } from 'tar';
import type { ScanResult } from '../../main/engine/model';

export interface ProcessSpec {
  pid: number;
  ppid: number;
  uid?: number;
  args: string;
  /** CPU use in percent of one core, per sample index (a number = constant). */
  cpu: number | ((sampleIndex: number) => number);
  /** Seconds the process had been running when the capture started (negative: starts later). */
  startedBefore?: number;
  /** Sample indexes in which the process exists (default: all from its start). */
  alive?: (sampleIndex: number) => boolean;
  /** CPU seconds used before the capture started. */
  priorCpuSeconds?: number;
}

export interface ConnectionSpec {
  pid: number;
  command?: string;
  uid?: number;
  protocol?: 'TCP' | 'UDP';
  local: string;
  remote?: string;
  state?: string;
  ipv6?: boolean;
  /** Sample indexes in which the socket is open (default: all). */
  open?: (sampleIndex: number) => boolean;
}

export interface ItemSpec {
  /** Absolute path on the Mac. */
  path: string;
  /** plist content (built as XML, or binary with `binary`), or raw bytes. */
  plist: Record<string, unknown> | Buffer;
  binary?: boolean;
  /** PID shown in `launchctl list` (only for items in the capturing user's domain). */
  listedPid?: number;
  /** Listed but not running, with this last exit status. */
  listedStatus?: number;
}

export interface CaptureSpec {
  hostname?: string;
  user?: { name: string; uid: number; home: string };
  privileged?: boolean;
  samples?: number;
  intervalSeconds?: number;
  startAt?: string;
  items: ItemSpec[];
  processes: ProcessSpec[];
  connections?: ConnectionSpec[];
  /** `### path` blocks for codesign.txt: path -> codesign stderr. */
  codesign?: Record<string, string>;
  dns?: [string, string][];
  /** Extra files under fs/ (configs, scripts): absolute path -> content. */
  files?: Record<string, string | Buffer>;
  printDisabled?: string;
  /** Extra launchctl list rows: [pid or '-', status, label]. */
  extraListed?: [string, number, string][];
  /** Leave lsof.txt out of every sample. */
  noLsof?: boolean;
  /** A launchctl-list.txt with its header only (launchctl list failed or printed nothing). */
  emptyLaunchctlList?: boolean;
  /** host.machine of the manifest, as collect.sh writes it (bootedAt in seconds). */
  machine?: Record<string, unknown>;
  /** file-dates.txt: absolute path -> seconds since the epoch. */
  fileDates?: Record<string, number>;
  /** users.txt: `dscl . -list /Users UniqueID` output. */
  users?: string;
  /** not-copied.txt, verbatim: `<why>\t<path>` lines for files the collector found and left out. */
  notCopied?: string;
  /** partly-followed.txt, verbatim: `<why>\t<path>` lines for plists and scripts followed up to a bound. */
  partlyFollowed?: string;
  /** hashes.txt, verbatim: `<sha256>\t<path>` lines for the programs and libraries the collector hashed. */
  hashes?: string;
}

export const ALICE = { name: 'alice', uid: 501, home: '/Users/alice' };

export function buildCaptureFiles(spec: CaptureSpec): Map<string, Buffer | string> {
  const files = new Map<string, Buffer | string>();
  const user = spec.user ?? ALICE;
  const count = spec.samples ?? 13;
  const interval = spec.intervalSeconds ?? 10;
  const start = Date.parse(spec.startAt ?? '2026-11-30T09:15:00Z');
  const samples = Array.from({ length: count }, (_, i) => ({
    dir: `samples/${String(i).padStart(4, '0')}`,
    takenAt: new Date(start + i * interval * 1000).toISOString(),
  }));
  files.set(
    'manifest.json',
    JSON.stringify(
      {
        format: 'launchwatch-capture',
        version: 1,
        createdAt: new Date(start).toISOString(),
        host: {
          hostname: spec.hostname ?? 'alices-mbp',
          os: 'macOS',
          osVersion: '14.6.1',
          arch: 'arm64',
          cpuCount: 8,
          ...(spec.machine ? { machine: spec.machine } : {}),
        },
        user,
        privileged: spec.privileged ?? false,
        samples,
      },
      null,
      2,
    ),
  );

  // Every Mac's launchd lists Apple services that are not running: two rows of a real list
  // (sosedoff/lunchy-go#7), so no capture has an empty list unless a test says so.
  const listRows = ['PID\tStatus\tLabel', '-\t0\tcom.apple.CoreAuthentication.daemon', '-\t0\tcom.apple.quicklook'];
  for (const item of spec.items) {
    const label = Buffer.isBuffer(item.plist) ? undefined : (item.plist.Label as string | undefined);
    if (label === undefined) continue;
    if (item.listedPid !== undefined) listRows.push(`${item.listedPid}\t0\t${label}`);
    else if (item.listedStatus !== undefined) listRows.push(`-\t${item.listedStatus}\t${label}`);
  }
  for (const [pid, status, label] of spec.extraListed ?? []) listRows.push(`${pid}\t${status}\t${label}`);
  files.set('launchctl-list.txt', `${(spec.emptyLaunchctlList ? listRows.slice(0, 1) : listRows).join('\n')}\n`);
  if (spec.users !== undefined) files.set('users.txt', spec.users);
  if (spec.notCopied !== undefined) files.set('not-copied.txt', spec.notCopied);
  if (spec.hashes !== undefined) files.set('hashes.txt', spec.hashes);
  if (spec.partlyFollowed !== undefined) files.set('partly-followed.txt', spec.partlyFollowed);
  if (spec.fileDates)
    files.set(
      'file-dates.txt',
      Object.entries(spec.fileDates)
        .map(([path, seconds]) => `${seconds}\t${path}\n`)
        .join(''),
    );
  if (spec.printDisabled !== undefined) files.set('launchctl-print-disabled.txt', spec.printDisabled);
  if (spec.codesign)
    files.set(
      'codesign.txt',
      Object.entries(spec.codesign)
        .map(([path, out]) => `### ${path}\n${out.replace(/\n?$/, '\n')}`)
        .join(''),
    );
  if (spec.dns)
    files.set('dns.txt', `# resolved by the collector\n${spec.dns.map(([ip, host]) => `${ip}\t${host}`).join('\n')}\n`);

  for (const item of spec.items) {
    const bytes = Buffer.isBuffer(item.plist)
      ? item.plist
      : item.binary
        ? Buffer.from(buildBinary(item.plist as never))
        : Buffer.from(build(item.plist as never));
    files.set(`fs${item.path}`, bytes);
  }
  for (const [path, content] of Object.entries(spec.files ?? {})) files.set(`fs${path}`, content);

  samples.forEach((sample, index) => {
    const elapsedSinceStart = index * interval;
    files.set(`${sample.dir}/ps.txt`, psText(spec.processes, index, elapsedSinceStart, interval));
    if (!spec.noLsof)
      files.set(
        `${sample.dir}/lsof.txt`,
        lsofText(spec.connections ?? [], spec.processes, index, spec.privileged ?? false, user.uid),
      );
  });
  return files;
}

export function writeCapture(spec: CaptureSpec, dir = mkdtempSync(join(tmpdir(), 'lw-capture-'))): string {
  for (const [name, content] of buildCaptureFiles(spec)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

export async function writeCaptureArchive(spec: CaptureSpec): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'lw-archive-'));
  writeCapture(spec, join(parent, 'capture-alices-mbp'));
  const archive = join(parent, 'capture-alices-mbp.tar.gz');
  await createTar({ gzip: true, file: archive, cwd: parent }, ['capture-alices-mbp']);
  return archive;
}

function cpuAt(process: ProcessSpec, index: number): number {
  return typeof process.cpu === 'number' ? process.cpu : process.cpu(index);
}

function psText(processes: ProcessSpec[], index: number, elapsedSinceStart: number, interval: number): string {
  const lines: string[] = [];
  for (const p of processes) {
    const before = p.startedBefore ?? 600;
    const elapsed = before + elapsedSinceStart;
    if (elapsed < 0) continue;
    if (p.alive && !p.alive(index)) continue;
    // Cumulative CPU: what it used before the capture, plus each interval's share since.
    let cpuSeconds = p.priorCpuSeconds ?? (cpuAt(p, 0) / 100) * Math.max(0, Math.min(before, 600));
    for (let i = 1; i <= index; i++) {
      const intervalStart = before + (i - 1) * interval;
      const portion = intervalStart >= 0 ? interval : Math.max(0, interval + intervalStart);
      cpuSeconds += (cpuAt(p, i) / 100) * portion;
    }
    lines.push(
      `${String(p.pid).padStart(5)} ${String(p.ppid).padStart(5)} ${String(p.uid ?? 501).padStart(5)} ${formatElapsed(elapsed).padStart(11)} ${formatCpuTime(cpuSeconds).padStart(9)} ${p.args}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function lsofText(
  connections: ConnectionSpec[],
  processes: ProcessSpec[],
  index: number,
  privileged: boolean,
  uid: number,
): string {
  const out: string[] = [];
  const byPid = new Map<number, ConnectionSpec[]>();
  for (const c of connections) {
    if (c.open && !c.open(index)) continue;
    const owner = processes.find((p) => p.pid === c.pid);
    // Unprivileged lsof sees only the capturing user's own processes: "Root privileges (or sudo) is required to
    // list files opened by others" (tldr-pages, pages/common/lsof.md), which is why captures say `privileged`.
    if (!privileged && (c.uid ?? owner?.uid ?? 501) !== uid) continue;
    const list = byPid.get(c.pid) ?? [];
    list.push(c);
    byPid.set(c.pid, list);
  }
  for (const [pid, list] of byPid) {
    const owner = processes.find((p) => p.pid === pid);
    out.push(
      `p${pid}`,
      `c${(list[0]?.command ?? owner?.args.split(' ')[0]?.split('/').pop() ?? 'proc').slice(0, 16)}`,
      `u${list[0]?.uid ?? owner?.uid ?? 501}`,
    );
    list.forEach((c, i) => {
      const protocol = c.protocol ?? 'TCP';
      out.push(
        `f${10 + i}`,
        `t${c.ipv6 ? 'IPv6' : 'IPv4'}`,
        `P${protocol}`,
        `n${c.remote ? `${c.local}->${c.remote}` : c.local}`,
      );
      if (protocol === 'TCP') out.push(`TST=${c.state ?? (c.remote ? 'ESTABLISHED' : 'LISTEN')}`, 'TQR=0', 'TQS=0');
    });
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** `[[DD-]HH:]MM:SS`, as ps prints etime. */
export function formatElapsed(seconds: number): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}`;
  if (days > 0) return `${days}-${String(hours).padStart(2, '0')}:${mmss}`;
  if (hours > 0) return `${String(hours).padStart(2, '0')}:${mmss}`;
  return mmss;
}

/** `M:SS.cc` with minutes never rolled into hours, as macOS ps prints time. */
export function formatCpuTime(seconds: number): string {
  const centis = Math.round(seconds * 100);
  const minutes = Math.floor(centis / 6000);
  const rest = centis - minutes * 6000;
  return `${minutes}:${String(Math.floor(rest / 100)).padStart(2, '0')}.${String(rest % 100).padStart(2, '0')}`;
}

/** The reasons given for the item labelled `label` in a scan result, one a line ('' when there is no such item). */
export function reasonsOf(result: ScanResult, label: string): string {
  return (
    result.items
      .find((i) => i.item.label === label)
      ?.reasons.map((r) => r.text)
      .join('\n') ?? ''
  );
}
