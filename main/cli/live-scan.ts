// Live `scan`: the monitor's loop for --duration seconds, one tick every --interval seconds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Approval } from '../engine/approvals';
import type { ScanResult } from '../engine/model';
import { Monitor } from '../engine/monitor';
import type { SystemReader } from '../engine/reader';
import { MacLiveReader } from '../platform/macos/live-reader';
import { UsageError } from './usage-error';

export interface LiveScanOptions {
  approvals?: Approval[];
  windowSeconds: number;
  cpuThresholdPercent: number;
  durationSeconds: number;
  intervalSeconds: number;
}

export async function liveScan(
  reader: SystemReader,
  options: LiveScanOptions,
  progress: (text: string) => void,
): Promise<ScanResult> {
  const intervalMs = options.intervalSeconds * 1000;
  const monitor = new Monitor(reader, {
    ...options,
    intervalMs,
    historyCapacity: Math.max(720, Math.ceil(options.durationSeconds / options.intervalSeconds) + 2),
  });
  const ticks = Math.floor(options.durationSeconds / options.intervalSeconds) + 1;
  const start = Date.now();
  for (let i = 0; i < ticks; i++) {
    const wait = start + i * intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    await monitor.tick();
    progress(`sample ${i + 1} of ${ticks}\n`);
  }
  const result = monitor.result();
  if (!result) throw new UsageError('no sample could be taken on this machine');
  return result;
}

export async function liveReaderForThisMachine(): Promise<SystemReader> {
  if (process.platform === 'darwin') return new MacLiveReader();
  if (process.platform === 'linux') {
    const { LinuxLiveReader } = await import('../platform/linux/live-reader');
    return new LinuxLiveReader();
  }
  throw new UsageError(`live scanning is not available on ${process.platform}; use --replay <capture>`);
}
