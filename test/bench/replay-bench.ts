// Replay benchmark: a generated capture of 800 processes, 2000 sockets, 400 launch items and 60
// samples; parse, attribute and detect time per sample, and peak memory.
import { readFileSync } from 'node:fs';
import { Analyzer } from '../../main/engine/analyzer';
import { assembleSample } from '../../main/platform/macos/assemble';
import { readCapture } from '../../main/platform/capture/capture-reader';
import {
  writeCapture,
  type CaptureSpec,
  type ConnectionSpec,
  type ItemSpec,
  type ProcessSpec,
} from '../support/capture-builder';

export interface Figure {
  mean: number;
  median: number;
  p95: number;
}

export interface ReplayFigures {
  parse: Figure;
  attribute: Figure;
  detect: Figure;
  total: Figure;
  /** Building the full result (reasons, destinations, history) that a view or report reads. */
  fullResult: Figure;
  peakRssMiB: number;
  flagged: number;
}

export function benchCaptureSpec(): CaptureSpec {
  const items: ItemSpec[] = [];
  const processes: ProcessSpec[] = [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5, startedBefore: 86400 }];
  const connections: ConnectionSpec[] = [];
  for (let i = 0; i < 400; i++) {
    const daemon = i % 3 === 0;
    const label = `com.vendor${i}.agent`;
    const program = `/Library/Application Support/Vendor ${i}/agent${i}`;
    const args =
      i % 40 === 0
        ? [program, '-o', `stratum+tcp://pool.supportxmr.com:3333`, '-u', 'x', '--donate-level=1']
        : [program, '--serve', `--port=${8000 + i}`];
    items.push({
      path: daemon ? `/Library/LaunchDaemons/${label}.plist` : `/Users/alice/Library/LaunchAgents/${label}.plist`,
      plist: { Label: label, ProgramArguments: args, RunAtLoad: true, KeepAlive: i % 2 === 0 },
      binary: i % 5 === 0,
      ...(daemon ? {} : { listedPid: 1000 + i }),
    });
    // 400 launchers, 300 of them with one child: 700 item processes + 100 others = 800.
    processes.push({
      pid: 1000 + i,
      ppid: 1,
      uid: daemon ? 0 : 501,
      args: args.join(' '),
      cpu: i % 40 === 0 ? 150 : (i % 7) * 0.3,
    });
    if (i < 300)
      processes.push({
        pid: 5000 + i,
        ppid: 1000 + i,
        uid: daemon ? 0 : 501,
        args: `${program} --worker ${i}`,
        cpu: i % 11 === 0 ? 60 : 0.2,
      });
  }
  for (let i = 0; i < 99; i++)
    processes.push({ pid: 9000 + i, ppid: 1, uid: 501, args: `/Applications/App ${i}.app/Contents/MacOS/App`, cpu: 1 });
  for (let i = 0; i < 2000; i++) {
    const pid = i < 1400 ? 1000 + (i % 400) : 9000 + (i % 99);
    connections.push({
      pid,
      uid: 501,
      local: `192.168.1.20:${20000 + i}`,
      remote: `203.0.${(i >> 8) & 255}.${i & 255}:${i % 10 === 0 ? 3333 : 443}`,
    });
  }
  return {
    privileged: true,
    samples: 60,
    intervalSeconds: 5,
    items,
    processes,
    connections,
    dns: [['203.0.0.0', 'pool.supportxmr.com']],
  };
}

/**
 * The bench capture with sockets that come and go, as a Mac's do: one in ten is closed one sample in
 * four, at staggered times, so from one sample to the next 100 sockets open or close and the lsof output
 * of 50 processes differs (the readers keep what did not change; this keeps them honest).
 */
export function replayCaptureSpec(): CaptureSpec {
  const spec = benchCaptureSpec();
  spec.connections?.forEach((connection, i) => {
    if (i % 10 === 5) connection.open = (sample) => (sample + i) % 4 !== 0;
  });
  return spec;
}

export async function runReplayBench(): Promise<ReplayFigures> {
  const dir = writeCapture(replayCaptureSpec());
  const capture = await readCapture(dir);
  const raw = capture.manifest.samples.map((s) => ({
    takenAt: Date.parse(s.takenAt),
    ps: readFileSync(`${dir}/${s.dir}/ps.txt`, 'utf8'),
    lsof: readFileSync(`${dir}/${s.dir}/lsof.txt`, 'utf8'),
  }));
  const analyzer = new Analyzer(capture.inventory, { windowSeconds: 120, cpuThresholdPercent: 25 });
  const times = {
    parse: [] as number[],
    attribute: [] as number[],
    detect: [] as number[],
    total: [] as number[],
    fullResult: [] as number[],
  };
  let peak = process.memoryUsage().rss;
  let flagged = 0;
  for (const sample of raw) {
    const t0 = performance.now();
    const { sample: parsed } = assembleSample(sample.takenAt, sample.ps, sample.lsof);
    const t1 = performance.now();
    analyzer.addSample(parsed);
    const t2 = performance.now();
    const verdicts = analyzer.verdicts();
    const t3 = performance.now();
    analyzer.result();
    const t4 = performance.now();
    times.parse.push(t1 - t0);
    times.attribute.push(t2 - t1);
    times.detect.push(t3 - t2);
    times.total.push(t3 - t0);
    times.fullResult.push(t4 - t3);
    flagged = verdicts.filter((v) => v.verdict === 'mining' || v.verdict === 'suspicious').length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  return {
    parse: figure(times.parse),
    attribute: figure(times.attribute),
    detect: figure(times.detect),
    total: figure(times.total),
    fullResult: figure(times.fullResult),
    peakRssMiB: peak / 1024 / 1024,
    flagged,
  };
}

function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, median: at(0.5), p95: at(0.95) };
}
