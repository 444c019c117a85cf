// --ndjson for a fleet: one alert a line per flagged host and item (and per busy process no item owns
// that reaches a mining service), in Elastic Common Schema field names
// (host.name, process.*, destination.*, threat.technique.id, event.kind: alert), so a SIEM files it
// beside its other alerts without a mapping of its own.
import type { HostResult } from '../fleet/fleet-result';
import { isFlagged } from '../fleet/fleet-result';
import { reasonDocument } from '../launch-item';
import type { UnownedMiner } from '../model';

export function toEcsAlerts(hosts: HostResult[], now = new Date()): string {
  const lines: string[] = [];
  for (const host of hosts) {
    for (const item of host.result.items) {
      if (!isFlagged(item.verdict)) continue;
      const process = item.processes[0];
      const destination = item.destinations.find((d) => d.classification !== 'other') ?? item.destinations[0];
      const techniques = item.attack.filter((id) => /^T\d{4}(\.\d{3})?$/.test(id));
      const doc = {
        '@timestamp': new Date(host.result.endedAt ?? now.getTime()).toISOString(),
        event: alertEvent(item.verdict === 'mining' ? 73 : 47),
        message: `${item.item.label || item.item.plistPath} on ${host.host} is ${item.verdict === 'mining' ? 'mining cryptocurrency' : 'suspicious of mining'}: ${item.reasons[0]?.text ?? ''}`,
        host: { name: host.host, os: { type: 'macos' } },
        rule: {
          name: `launchwatch ${item.verdict}`,
          id: item.reasons.map((r) => r.code).join(','),
          category: 'AN0743',
        },
        threat: {
          framework: 'MITRE ATT&CK',
          technique: { id: techniques },
        },
        ...(process
          ? {
              process: {
                pid: process.pid,
                parent: { pid: process.ppid },
                command_line: process.args,
                ...(item.item.program ? { executable: item.item.program } : {}),
                ...(item.item.arguments.length > 0 ? { args: item.item.arguments } : {}),
              },
            }
          : {}),
        ...(destination
          ? {
              destination: {
                ip: destination.remoteAddress,
                address: destination.hostname ?? destination.remoteAddress,
                port: destination.remotePort,
                ...(destination.hostname ? { domain: destination.hostname } : {}),
              },
              network: { transport: destination.protocol.toLowerCase() },
            }
          : {}),
        launchwatch: {
          label: item.item.label,
          plist_path: item.item.plistPath,
          verdict: item.verdict,
          score: item.score,
          reasons: item.reasons.map(reasonDocument),
          cpu: { avg_percent: item.cpu.avgPercent, max_percent: item.cpu.maxPercent },
        },
      };
      lines.push(JSON.stringify(doc));
    }
    for (const miner of host.result.unownedMiners ?? [])
      lines.push(JSON.stringify(unownedMinerAlert(host, miner, now)));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * A busy process that no launch item owns, on a mining service: judged as an item would be (sustained CPU
 * and a pool or a Stratum endpoint is mining), with no label or plist to name, so the process is the subject.
 */
function unownedMinerAlert(host: HostResult, miner: UnownedMiner, now: Date) {
  const destination = miner.endpoints.find((e) => e.classification === 'mining-pool') ?? miner.endpoints[0];
  // As for an item: a pool without sustained CPU (a capped or paused miner) is suspicious, not mining.
  const quiet = miner.belowThreshold === true;
  return {
    '@timestamp': new Date(host.result.endedAt ?? now.getTime()).toISOString(),
    event: alertEvent(quiet ? 47 : 73),
    message: miner.pids
      ? `pids ${miner.pids.join(', ')}${miner.morePids ? ` and ${miner.morePids} more` : ''} (one program of one user) on ${host.host} reach a mining service at ${miner.cpuPercent}% of one core between them, and no launch item owns them`
      : `pid ${miner.pid} on ${host.host} reaches a mining service at ${miner.cpuPercent}% of one core, and no launch item owns it`,
    host: { name: host.host, os: { type: 'macos' } },
    rule: { name: 'launchwatch unowned miner', id: 'unowned.mining', category: 'AN0743' },
    threat: { framework: 'MITRE ATT&CK', technique: { id: ['T1496'] } },
    process: { pid: miner.pid, parent: { pid: 1 }, command_line: miner.args },
    ...(destination
      ? {
          destination: {
            ip: destination.address,
            address: destination.hostname ?? destination.address,
            port: destination.port,
            ...(destination.hostname ? { domain: destination.hostname } : {}),
          },
        }
      : {}),
    launchwatch: {
      verdict: quiet ? 'suspicious' : 'mining',
      unowned: true,
      ...(quiet ? { below_threshold: true } : {}),
      ...(miner.pids ? { pids: miner.pids } : {}),
      ...(miner.morePids ? { more_pids: miner.morePids } : {}),
      cpu: { avg_percent: miner.cpuPercent },
      endpoints: miner.endpoints,
    },
  };
}

/** ECS `event` of an alert: severity 73 for mining, 47 for suspicious. */
function alertEvent(severity: number) {
  return {
    kind: 'alert',
    category: ['malware', 'process'],
    type: ['indicator'],
    module: 'launchwatch',
    dataset: 'launchwatch.fleet',
    severity,
  };
}
