// Live `scan`: the monitor's loop for --duration seconds, one tick every --interval seconds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Approval } from '../engine/approvals';
import type { ScanResult } from '../engine/model';
import type { BaselineOptions } from '../engine/baseline';
import { Monitor, type HistoryPort } from '../engine/monitor';
import type { SystemReader } from '../engine/reader';
import { MacLiveReader } from '../platform/macos/live-reader';
import { runCommand } from '../platform/run-command';
import type { Progress } from './progress';
import { UsageError } from './usage-error';

export interface LiveScanOptions {
  approvals?: Approval[];
  /** This machine's history: the scan is recorded, and baselines judge it. */
  history?: HistoryPort;
  baseline?: BaselineOptions;
  windowSeconds: number;
  cpuThresholdPercent: number;
  durationSeconds: number;
  intervalSeconds: number;
}

export async function liveScan(
  reader: SystemReader,
  options: LiveScanOptions,
  progress: Progress,
): Promise<ScanResult> {
  const intervalMs = options.intervalSeconds * 1000;
  const monitor = new Monitor(reader, {
    ...options,
    intervalMs,
    historyCapacity: Math.max(720, Math.ceil(options.durationSeconds / options.intervalSeconds) + 2),
  });
  const ticks = Math.floor(options.durationSeconds / options.intervalSeconds) + 1;
  const start = Date.now();
  try {
    for (let i = 0; i < ticks; i++) {
      const wait = start + i * intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      await monitor.tick();
      progress.update(i + 1, ticks);
    }
  } finally {
    progress.stop();
  }
  const result = monitor.result();
  if (!result) throw new UsageError('no sample could be taken on this machine');
  return result;
}

export async function liveReaderForThisMachine(env: NodeJS.ProcessEnv = process.env): Promise<SystemReader> {
  if (process.platform === 'darwin') {
    const user = await sudoUser(env);
    return new MacLiveReader(user ? { ...user, asRootFor: true } : {});
  }
  if (process.platform === 'linux') {
    const { LinuxLiveReader } = await import('../platform/linux/live-reader');
    return new LinuxLiveReader();
  }
  throw new UsageError(`live scanning is not available on ${process.platform}; use --replay <capture>`);
}

/**
 * Run through sudo: the user who ran it (SUDO_USER, SUDO_UID), whose items a Mac owner means, with the
 * home folder from the directory service (root's HOME may be handed over by sudo).
 */
export async function sudoUser(
  env: NodeJS.ProcessEnv,
): Promise<{ userName: string; uid: number; home: string } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.SUDO_USER ?? '';
  const uid = Number(env.SUDO_UID);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name) || name === 'root' || !Number.isInteger(uid) || uid <= 0) return undefined;
  const out = await runCommand('dscl', ['.', '-read', `/Users/${name}`, 'NFSHomeDirectory'], { timeoutMs: 5000 });
  const home = homeFromDscl(out.stdout) ?? `/Users/${name}`;
  return { userName: name, uid, home };
}

/** `NFSHomeDirectory: /Users/alice` (dscl . -read /Users/alice NFSHomeDirectory). */
export function homeFromDscl(text: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith('NFSHomeDirectory:'));
  const home = line?.slice('NFSHomeDirectory:'.length).trim();
  return home?.startsWith('/') ? home : undefined;
}
