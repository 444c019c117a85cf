// Fleet benchmark: 1,000 hosts x 1 hour of 60 s snapshots, about 40 busy processes a host with sockets,
// written as osquery's results log (differential processes, snapshot sockets), then `fleet` ingest and
// judgement: time and peak memory.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseSamples } from '../../main/engine/analyzer';
import { ingestOsquery, timesToHold } from '../../main/platform/osquery/ingest';
import { fullGc } from './full-gc';

export interface FleetFigures {
  hosts: number;
  logMiB: number;
  ingestSeconds: number;
  judgeSeconds: number;
  peakRssMiB: number;
  /** The heap after a full collection once every host is read: what the hosts hold. */
  heldMiB: number;
  flaggedHosts: number;
}

async function writeLog(path: string, hosts: number, minutes: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (line: unknown) =>
    out.write(`${JSON.stringify(line)}\n`) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  const start = 1_796_000_000;
  for (let h = 0; h < hosts; h++) {
    const host = `mac-${String(h).padStart(4, '0')}`;
    const miner = h % 100 === 0;
    await write({
      name: 'pack_launchwatch_launchd',
      hostIdentifier: host,
      unixTime: start,
      action: 'snapshot',
      snapshot: [
        {
          path: '/Library/LaunchDaemons/com.vendor.agent.plist',
          label: 'com.vendor.agent',
          program: '',
          program_arguments: '/Library/Vendor/agent --daemon',
          run_at_load: '1',
          keep_alive: '1',
          disabled: '',
          username: '',
        },
        ...(miner
          ? [
              {
                path: `/Users/u${h}/Library/LaunchAgents/com.apple.rig.plist`,
                label: 'com.apple.rig',
                program: '',
                program_arguments: '/Users/Shared/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u x',
                run_at_load: '1',
                keep_alive: '',
                disabled: '',
                username: '',
              },
            ]
          : []),
      ],
    });
    await write({
      name: 'pack_launchwatch_system_info',
      hostIdentifier: host,
      unixTime: start,
      action: 'snapshot',
      snapshot: [
        {
          hostname: host,
          cpu_brand: 'Apple M2',
          cpu_logical_cores: '8',
          hardware_model: 'Mac14,2',
          physical_memory: '17179869184',
        },
      ],
    });
    let previous: Record<string, string>[] = [];
    for (let m = 0; m < minutes; m++) {
      const t = start + m * 60;
      const rows = Array.from({ length: 40 }, (_, p) => {
        const busy = miner && p === 0 ? 380 : p === 1 ? 60 : 2;
        const cpu = Math.round(busy * 10 * 60 * m + 20_000);
        return {
          pid: String(500 + p),
          parent: '1',
          // The vendor's launch daemon runs as root, as one without UserName does; the rest are the user's.
          uid: p === 1 ? '0' : '501',
          path: miner && p === 0 ? '/Users/Shared/xmrig' : p === 1 ? '/Library/Vendor/agent' : `/usr/libexec/proc${p}`,
          cmdline:
            miner && p === 0
              ? '/Users/Shared/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u x'
              : p === 1
                ? '/Library/Vendor/agent --daemon'
                : `/usr/libexec/proc${p}`,
          user_time: String(Math.floor(cpu * 0.8)),
          system_time: String(cpu - Math.floor(cpu * 0.8)),
          start_time: '1000',
        };
      });
      for (const columns of previous)
        await write({ name: 'pack_launchwatch_processes', hostname: host, unixTime: t, action: 'removed', columns });
      for (const columns of rows)
        await write({ name: 'pack_launchwatch_processes', hostname: host, unixTime: t, action: 'added', columns });
      previous = rows;
      await write({
        name: 'pack_launchwatch_sockets',
        hostIdentifier: host,
        unixTime: t,
        action: 'snapshot',
        snapshot: rows.slice(0, 10).map((r, i) => ({
          pid: r.pid,
          family: '2',
          protocol: '6',
          local_address: '192.168.1.20',
          local_port: String(50000 + i),
          remote_address: miner && i === 0 ? '141.94.96.71' : `17.253.${i}.1`,
          remote_port: miner && i === 0 ? '3333' : '443',
        })),
      });
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

export async function runFleetBench(hosts = 1000, minutes = 60): Promise<FleetFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-fleet-bench-'));
  try {
    const log = join(dir, 'osqueryd.results.log');
    await writeLog(log, hosts, minutes);
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    // As `fleet` holds them for a 600 s window (60 snapshot times a host, older ones folded away).
    const ingest = await ingestOsquery(log, undefined, timesToHold(600));
    const t1 = performance.now();
    // What the hosts hold once read: the heap after a full collection.
    fullGc();
    const heldMiB = process.memoryUsage().heapUsed / 2 ** 20;
    let flagged = 0;
    for (const host of ingest.hosts.values()) {
      const { inventory, samples } = host.toInventoryAndSamples();
      const result = analyseSamples(inventory, samples, { windowSeconds: 600, cpuThresholdPercent: 25 });
      if (result.items.some((i) => i.verdict === 'mining' || i.verdict === 'suspicious')) flagged++;
    }
    const t2 = performance.now();
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      hosts,
      logMiB: statSync(log).size / 2 ** 20,
      ingestSeconds: (t1 - t0) / 1000,
      judgeSeconds: (t2 - t1) / 1000,
      peakRssMiB: peak / 2 ** 20,
      heldMiB,
      flaggedHosts: flagged,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
