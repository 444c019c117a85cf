// One live loop for the benchmark, run as its own process so its CPU (children included) is its own:
//   tsx test/bench/live-loop.ts <monitor|systeminformation> <seconds> <interval seconds>
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import si from 'systeminformation';
import { Monitor } from '../../main/engine/monitor';
import { LinuxLiveReader } from '../../main/platform/linux/live-reader';

/** utime + stime + cutime + cstime of this process, in seconds (Linux /proc/self/stat). */
function cpuSecondsWithChildren(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].map((i) => Number(fields[i])).reduce((a, b) => a + b, 0);
  return ticks / 100;
}

const [kind = 'monitor', secondsText = '60', intervalText = '2'] = process.argv.slice(2);
const seconds = Number(secondsText);
const interval = Number(intervalText);
const ticks = Math.floor(seconds / interval);

const tick: () => Promise<void> =
  kind === 'monitor'
    ? (() => {
        const monitor = new Monitor(new LinuxLiveReader(), {
          windowSeconds: 120,
          cpuThresholdPercent: 25,
          intervalMs: interval * 1000,
        });
        return () => monitor.tick();
      })()
    : async () => {
        await si.processes();
        await si.networkConnections();
      };

const before = cpuSecondsWithChildren();
const start = Date.now();
for (let i = 0; i < ticks; i++) {
  const wait = start + i * interval * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  await tick();
}
const wait = start + seconds * 1000 - Date.now();
if (wait > 0) await sleep(wait);
process.stdout.write(
  `${JSON.stringify({ kind, cpuSeconds: cpuSecondsWithChildren() - before, wallSeconds: (Date.now() - start) / 1000, ticks })}\n`,
);
