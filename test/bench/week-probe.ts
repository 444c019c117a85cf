// Run under callgrind, instrumentation off, by `npm run bench`: the simulated week of week-bench.ts, with
// the last ticks of each day in a window the bench counts the instructions of (countWindows in callgrind.ts).
// At each window's edge the probe says so on stdout and waits for a line on stdin, while the bench
// switches callgrind's counting on or off.
//   valgrind --tool=callgrind --instr-atstart=no node --predictable dist/bench/week-probe.mjs <days> <interval s> <ticks>
import { createInterface } from 'node:readline';
import { runWeekBench } from './week-bench';

const [days = '7', interval = '60', ticks = '60'] = process.argv.slice(2);
const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const handOver = async (line: string): Promise<void> => {
  process.stdout.write(`${line}\n`);
  if ((await answers.next()).done) throw new Error('week-probe: the bench closed stdin');
};
await runWeekBench({
  days: Number(days),
  intervalSeconds: Number(interval),
  window: {
    ticks: Number(ticks),
    open: (day) => handOver(`open ${day}`),
    close: (day) => handOver(`close ${day}`),
  },
});
process.exit(0);
