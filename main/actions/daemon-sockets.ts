// "Check Daemons as Administrator": the app runs as the user, and macOS shows a user only its own
// processes' sockets, so a miner installed as a Launch Daemon shows no pool connection. One
// administrator prompt runs the fixed helper's bounded `sockets` step (lsof of the daemons' processes
// every interval, for a minute or until asked to stop); nothing keeps running with root rights after it.
import type { ConnectionRecord } from '../engine/model';
import { parseLsof } from '../platform/macos/lsof';
import type { CommandRunner } from './executor';
import { runHelper } from './launchd-steps';

export interface SocketSample {
  takenAt: number;
  connections: ConnectionRecord[];
}

export interface SocketSampling {
  intervalSeconds: number;
  count: number;
  /** The helper stops before its next lsof once this file exists. */
  stopFile: string;
}

/** At most this many processes are asked about (lsof takes them as one comma-separated argument). */
export const MAX_SAMPLED_PIDS = 256;

export async function sampleSocketsAsAdmin(
  runner: CommandRunner,
  helperPath: string,
  pids: number[],
  sampling: SocketSampling,
): Promise<{ samples: SocketSample[]; problem?: string }> {
  const list = [...new Set(pids.filter((p) => Number.isInteger(p) && p > 0))].slice(0, MAX_SAMPLED_PIDS);
  if (list.length === 0) return { samples: [], problem: 'no daemon process to look at' };
  const words = [
    'sockets',
    list.join(','),
    String(sampling.intervalSeconds),
    String(sampling.count),
    sampling.stopFile,
  ];
  const result = await runHelper(runner, helperPath, [{ words }], {
    admin: true,
    reason: 'Launchwatch needs an administrator to see the network connections of Launch Daemons.',
  });
  const outcome = result.statuses[0];
  if (!outcome || outcome.status !== 0)
    return { samples: [], problem: outcome?.said || result.problem || 'the helper did not run' };
  return { samples: parseSocketSamples(outcome.said) };
}

/** `@sample <epoch seconds>` then lsof -F lines, as many times as the helper sampled. */
export function parseSocketSamples(text: string): SocketSample[] {
  const samples: SocketSample[] = [];
  let takenAt: number | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (takenAt !== undefined) samples.push({ takenAt, connections: parseLsof(lines.join('\n')).records });
    lines = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('@sample ')) {
      flush();
      const seconds = Number(line.slice('@sample '.length));
      takenAt = Number.isFinite(seconds) ? seconds * 1000 : undefined;
    } else lines.push(line);
  }
  flush();
  return samples;
}
