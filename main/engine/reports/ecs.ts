// --ndjson for a fleet: one alert a line per flagged host and item, in Elastic Common Schema field names
// (host.name, process.*, destination.*, threat.technique.id, event.kind: alert), so a SIEM files it
// beside its other alerts without a mapping of its own.
import type { HostResult } from '../fleet/fleet-result';
import { isFlagged } from '../fleet/fleet-result';
import { reasonDocument } from '../launch-item';

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
        event: {
          kind: 'alert',
          category: ['malware', 'process'],
          type: ['indicator'],
          module: 'launchwatch',
          dataset: 'launchwatch.fleet',
          severity: item.verdict === 'mining' ? 73 : 47,
        },
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
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
