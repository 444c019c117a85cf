// `npm run bench`: performance targets as figures, not as timed tests.
//   npm run bench [-- --live-seconds 60]    (--live-seconds 0 skips the live comparison)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { runFleetBench } from './fleet-bench';
import { runHistoryBench } from './history-bench';
import { runReplayBench, type Figure } from './replay-bench';

const { values } = parseArgs({ options: { 'live-seconds': { type: 'string', default: '60' } } });
const liveSeconds = Number(values['live-seconds']);

const replay = await runReplayBench();
const row = (name: string, f: Figure): string =>
  `  ${name.padEnd(11)} median ${f.median.toFixed(2).padStart(6)}  mean ${f.mean.toFixed(2).padStart(6)}  p95 ${f.p95.toFixed(2).padStart(6)}  ms/sample`;
console.log('Replay: 800 processes, 2000 sockets, 400 launch items, 60 samples');
console.log(row('parse', replay.parse));
console.log(row('attribute', replay.attribute));
console.log(row('detect', replay.detect));
console.log(row('total', replay.total));
console.log(
  `  target: parse + attribute + detect under 5 ms a sample: ${replay.total.median < 5 ? 'met' : 'MISSED'} (median; the mean includes the first sample's cold start)`,
);
console.log(row('full result', replay.fullResult));
console.log('              (reasons, destinations and history for a view or report, built only when one is open)');
console.log(
  `  peak RSS ${replay.peakRssMiB.toFixed(0)} MiB (the generated capture included); ${replay.flagged} items flagged`,
);

const history = runHistoryBench();
console.log(`History: ${history.days} days for ${history.items} launch items, one recorded tick an hour`);
console.log(
  `  write a tick      median ${history.writeMsPerTick.median.toFixed(2)} ms, p95 ${history.writeMsPerTick.p95.toFixed(2)} ms (one transaction, full sync)`,
);
console.log(`  store on disk     ${history.storeMiB.toFixed(1)} MiB`);
console.log(`  baselines, all    ${history.baselinesMs.toFixed(0)} ms (once an hour, and when launch items change)`);
console.log(
  `  one item page     ${history.itemPageMs.toFixed(1)} ms (changes, verdicts, destinations, 30 days of CPU)`,
);

const fleet = await runFleetBench();
console.log(`Fleet: ${fleet.hosts} hosts x 1 hour of 60 s osquery snapshots, 40 busy processes a host with sockets`);
console.log(`  results log       ${fleet.logMiB.toFixed(0)} MiB (event format processes, snapshot sockets)`);
console.log(`  ingest            ${fleet.ingestSeconds.toFixed(1)} s`);
console.log(
  `  judge all hosts   ${fleet.judgeSeconds.toFixed(1)} s; ${fleet.flaggedHosts} hosts flagged (1 in 100 runs a miner)`,
);
console.log(`  peak RSS          ${fleet.peakRssMiB.toFixed(0)} MiB (grows with hosts, not with the log)`);

// The command line from its built bundle (the `launchwatch` command): a replay of a small capture.
const bundle = join(import.meta.dirname ?? __dirname, '../../dist/cli/launchwatch.mjs');
if (existsSync(bundle)) {
  const { writeCapture } = await import('../support/capture-builder');
  const { scenarios } = await import('../support/scenarios');
  const capture = writeCapture(scenarios[0]!.spec);
  const walls: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await promisify(execFile)(process.execPath, [
      join(import.meta.dirname ?? __dirname, '../../bin/launchwatch.mjs'),
      'scan',
      '--replay',
      capture,
      '--json',
    ]).catch(() => undefined);
    walls.push(performance.now() - t0);
  }
  walls.sort((a, b) => a - b);
  console.log(`CLI: launchwatch scan --replay <small capture> --json, from the built bundle`);
  console.log(`  wall time         median ${(walls[2] ?? 0).toFixed(0)} ms of 5 runs (target 500 ms)`);
} else console.log('CLI: no built bundle (npm run build): the start-up figure is skipped');

if (liveSeconds > 0 && process.platform === 'linux') {
  const loop = (kind: string) =>
    promisify(execFile)(
      process.execPath,
      [
        join(import.meta.dirname ?? __dirname, '../../node_modules/tsx/dist/cli.mjs'),
        join(import.meta.dirname ?? __dirname, 'live-loop.ts'),
        kind,
        String(liveSeconds),
        '2',
      ],
      { maxBuffer: 1 << 20 },
    ).then(
      ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { cpuSeconds: number; ticks: number },
    );
  console.log(`Live: own CPU over ${liveSeconds} s at a 2 s interval, side by side in one run`);
  const [monitor, si] = await Promise.all([loop('monitor'), loop('systeminformation')]);
  console.log(
    `  Launchwatch monitor                               ${monitor.cpuSeconds.toFixed(2)} s CPU (${monitor.ticks} ticks)`,
  );
  console.log(
    `  systeminformation processes()+networkConnections() ${si.cpuSeconds.toFixed(2)} s CPU (${si.ticks} ticks)`,
  );
  console.log(
    `  ratio (systeminformation / monitor)               ${(si.cpuSeconds / Math.max(monitor.cpuSeconds, 0.01)).toFixed(1)}x`,
  );
}
