// One live loop for the benchmark, run as its own process so its CPU (children included) is its own:
//   tsx test/bench/live-loop.ts <monitor|systeminformation|proc-floor> <seconds> <interval seconds> [warm-up ticks]
// The first ticks warm up (first reads of every process) and are not counted. Three ticks (the default)
// leave the JIT still compiling: V8 keeps optimizing the tick's functions for about 200 ticks (a quarter
// of an hour at 5 s), on its own threads, at some milliseconds a tick. A larger count runs that many
// ticks back to back before the measured stretch, as an app that has been up a while has.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import si from 'systeminformation';
import { Monitor } from '../../main/engine/monitor';
import { LinuxLiveReader } from '../../main/platform/linux/live-reader';
import { watchFolders } from '../../main/platform/watch-folders';

/** utime + stime + cutime + cstime of this process, in seconds (Linux /proc/self/stat). */
function cpuSecondsWithChildren(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].map((i) => Number(fields[i])).reduce((a, b) => a + b, 0);
  return ticks / 100;
}

const WARM_UP_TICKS = 3;
const [kind = 'monitor', secondsText = '60', intervalText = '5', warmText = '3'] = process.argv.slice(2);
const warmUpTicks = Number(warmText);
const seconds = Number(secondsText);
const interval = Number(intervalText);
const ticks = Math.floor(seconds / interval);

let monitor: Monitor | undefined;
const tick: () => Promise<void> =
  kind === 'monitor'
    ? (() => {
        // As the app runs it: its folders watched, ticks on a timer.
        monitor = new Monitor(new LinuxLiveReader(), {
          windowSeconds: 120,
          cpuThresholdPercent: 25,
          intervalMs: interval * 1000,
          watch: watchFolders,
        });
        monitor.start();
        // The monitor's own timer ticks: the loop below only waits.
        return async () => undefined;
      })()
    : kind === 'proc-floor'
      ? // What any reader of every process's CPU pays at least: open, read and close /proc/<pid>/stat.
        async () => {
          for (const name of readdirSync('/proc')) {
            if (!/^\d+$/.test(name)) continue;
            try {
              readFileSync(`/proc/${name}/stat`, 'latin1');
            } catch {
              // Gone since readdir.
            }
          }
        }
      : async () => {
          await si.processes();
          await si.networkConnections();
        };

if (monitor) {
  await sleep(Math.min(warmUpTicks, WARM_UP_TICKS) * interval * 1000);
  // The rest back to back (a tick that finds the timer's running joins it).
  for (let i = WARM_UP_TICKS; i < warmUpTicks; i++) await monitor.tick();
} else for (let i = 0; i < warmUpTicks; i++) await tick();
const before = cpuSecondsWithChildren();
const start = Date.now();
for (let i = 0; i < ticks; i++) {
  const wait = start + i * interval * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  await tick();
}
const wait = start + seconds * 1000 - Date.now();
if (wait > 0) await sleep(wait);
const processes = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
// The monitor's timer would keep the process alive.
if (kind === 'monitor') setImmediate(() => process.exit(0));
process.stdout.write(
  `${JSON.stringify({ kind, warmUpTicks, cpuSeconds: cpuSecondsWithChildren() - before, wallSeconds: (Date.now() - start) / 1000, ticks, processes })}\n`,
);
