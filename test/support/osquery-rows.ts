// A capture turned into osquery's results log, as a host running assets/osquery/launchwatch-pack.conf
// would have written it (osquery docs/wiki/deployment/logging.md): launchd and signature rows as
// snapshots, processes as differential events (added/removed, as osquery logs a changed user_time), and
// process_open_sockets as snapshots. The engine's view of the capture is the source, so a scenario judged
// from its capture and from its osquery rows can be compared.
import type { Inventory, Sample } from '../../main/engine/model';

type Row = Record<string, string>;
export type Line = Record<string, unknown>;

export function osqueryLines(
  host: string,
  inventory: Inventory,
  samples: Sample[],
  format: 'event' | 'batch' = 'event',
): Line[] {
  const lines: Line[] = [];
  const at = (ms: number) => String(Math.floor(ms / 1000));
  const first = samples[0]?.takenAt ?? Date.now();
  lines.push({
    name: 'pack_launchwatch_launchd',
    hostIdentifier: host,
    unixTime: at(first),
    action: 'snapshot',
    snapshot: inventory.items.map((item): Row => ({
      path: item.plistPath,
      name: item.plistPath.slice(item.plistPath.lastIndexOf('/') + 1),
      label: item.label,
      program: item.arguments.length > 0 && item.program === item.arguments[0] ? '' : (item.program ?? ''),
      program_arguments: item.arguments.join(' '),
      run_at_load: item.runAtLoad ? '1' : '',
      keep_alive: item.keepAlive ? '1' : '',
      disabled: item.disabledInPlist ? '1' : '',
      username: item.userName ?? '',
    })),
  });
  lines.push({
    name: 'pack_launchwatch_system_info',
    hostIdentifier: host,
    unixTime: at(first),
    action: 'snapshot',
    snapshot: [
      {
        hostname: host,
        cpu_brand: 'Apple M1 Pro',
        cpu_logical_cores: String(inventory.host.cpuCount),
        hardware_model: 'MacBookPro18,3',
        physical_memory: '17179869184',
      },
    ],
  });
  lines.push({
    name: 'pack_launchwatch_signature',
    hostIdentifier: host,
    unixTime: at(first),
    action: 'snapshot',
    snapshot: [...inventory.signing.values()].map((s): Row => ({
      path: s.path,
      signed: s.status === 'unsigned' ? '0' : '1',
      identifier: s.identifier ?? '',
      team_identifier: s.teamId ?? '',
      authority: s.status === 'adhoc' ? '' : (s.authorities[0] ?? ''),
    })),
  });
  let previous = new Map<string, Row>();
  for (const sample of samples) {
    const rows = new Map<string, Row>();
    for (const p of sample.processes) {
      const ms = Math.round(p.cpuSeconds * 1000);
      const row: Row = {
        pid: String(p.pid),
        parent: String(p.ppid),
        uid: String(p.uid),
        path: p.argv?.[0] ?? p.args.split(' ')[0] ?? '',
        cmdline: p.args,
        user_time: String(Math.floor(ms * 0.8)),
        system_time: String(ms - Math.floor(ms * 0.8)),
        start_time: String(Math.floor(p.startedAt / 1000)),
      };
      rows.set(JSON.stringify(row), row);
    }
    const added = [...rows.entries()].filter(([k]) => !previous.has(k)).map(([, r]) => r);
    const removed = [...previous.entries()].filter(([k]) => !rows.has(k)).map(([, r]) => r);
    const base = {
      name: 'pack_launchwatch_processes',
      hostname: host,
      unixTime: at(sample.takenAt),
      epoch: '0',
      counter: '1',
    };
    if (format === 'batch') lines.push({ ...base, diffResults: { added, removed } });
    else {
      for (const columns of removed) lines.push({ ...base, action: 'removed', columns });
      for (const columns of added) lines.push({ ...base, action: 'added', columns });
    }
    previous = rows;
    if (sample.connections)
      lines.push({
        name: 'pack_launchwatch_sockets',
        hostIdentifier: host,
        unixTime: at(sample.takenAt),
        action: 'snapshot',
        snapshot: sample.connections.map((c): Row => ({
          pid: String(c.pid),
          family: c.family === 'IPv6' ? '30' : '2',
          protocol: c.protocol === 'TCP' ? '6' : '17',
          local_address: c.localAddress,
          local_port: String(c.localPort ?? 0),
          remote_address: c.remoteAddress ?? (c.family === 'IPv6' ? '::' : '0.0.0.0'),
          remote_port: String(c.remotePort ?? 0),
        })),
      });
  }
  return lines;
}
