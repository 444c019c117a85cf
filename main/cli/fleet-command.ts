// `launchwatch fleet --osquery <results.log | folder | ->`: the same analytic on osquery's results from
// many Macs. Each host's rows become an inventory and samples, judged by the same analyzer as a capture.
// Exit 0 nothing flagged, 1 a host has a miner or a suspicious item, 2 a usage error or hosts that could
// not be judged (too few snapshots, or an incomplete analysis) and nothing flagged.
import { statSync } from 'node:fs';
import { writeFileAtomic } from '../actions/atomic-file';
import { analyseSamples } from '../engine/analyzer';
import { isFlagged, isUnjudged, worstVerdict, type HostResult } from '../engine/fleet/fleet-result';
import { toEcsAlerts } from '../engine/reports/ecs';
import { toFleetReport } from '../engine/reports/fleet-report';
import { safeTerminalText as safe } from '../engine/terminal-text';
import { ingestOsquery, timesToHold } from '../platform/osquery/ingest';
import type { CommandIO } from './scan-command';
import { parseFlags, sustainedOptions, UsageError } from './usage-error';

export const FLEET_USAGE = `usage: launchwatch fleet --osquery <results.log | folder | -> [--window <s>] [--cpu-threshold <percent>]
                        [--ndjson] [--report <fleet.html>]
  Reads osquery's results log (event, snapshot or batch lines; assets/osquery/launchwatch-pack.conf
  collects what it needs) and judges every host as a capture would be judged.
  --ndjson   one Elastic Common Schema alert a line per flagged host and item, on stdout`;

export async function fleetCommand(argv: string[], io: CommandIO, stdin?: NodeJS.ReadableStream): Promise<number> {
  const values = parseFlags(
    argv,
    {
      osquery: { type: 'string' },
      window: { type: 'string' },
      'cpu-threshold': { type: 'string' },
      ndjson: { type: 'boolean' },
      report: { type: 'string' },
    },
    FLEET_USAGE,
  );
  const source = values.osquery;
  if (!source) throw new UsageError(`--osquery: the results log, a folder of them, or - for stdin\n${FLEET_USAGE}`);
  if (source !== '-') {
    try {
      statSync(source);
    } catch {
      throw new UsageError(`--osquery ${source}: no such file or folder`);
    }
  }
  if (values.report !== undefined && !values.report.toLowerCase().endsWith('.html'))
    throw new UsageError(`--report ${values.report}: the fleet report is HTML (.html)`);
  const options = sustainedOptions(values);

  // The window judges the last minutes of each host: what comes before them is folded, not held.
  const ingest = await ingestOsquery(source, stdin, timesToHold(options.windowSeconds));
  if (ingest.badLines > 0) {
    io.stderr(
      `launchwatch: ${ingest.badLines} of ${ingest.lines + ingest.badLines} lines were not osquery results and were skipped:\n`,
    );
    for (const problem of ingest.problems) io.stderr(`  ${safe(problem)}\n`);
  }
  const hosts: HostResult[] = [];
  for (const host of ingest.hosts.values()) {
    const { inventory, samples } = host.toInventoryAndSamples();
    const result = analyseSamples(inventory, samples, options);
    const enoughData = samples.length >= 2;
    if (!enoughData)
      result.incomplete = ['fewer than two processes snapshots: not enough data to judge', result.incomplete]
        .filter((r) => r !== undefined)
        .join('; ');
    hosts.push({ host: host.name, samples: samples.length, enoughData, result });
  }
  if (hosts.length === 0) throw new UsageError(`--osquery ${source}: no osquery results from any host`);

  if (values.report) {
    try {
      writeFileAtomic(values.report, toFleetReport(hosts), 0o644);
    } catch (error) {
      throw new UsageError(`--report ${values.report}: ${(error as Error).message}`);
    }
    io.stderr(`fleet report written to ${values.report}\n`);
  }
  if (values.ndjson) io.stdout(toEcsAlerts(hosts));
  else {
    for (const host of hosts.sort((a, b) => a.host.localeCompare(b.host))) {
      const verdict = worstVerdict(host);
      const flagged = host.result.items
        .filter((i) => isFlagged(i.verdict))
        .map((i) => i.item.label || i.item.plistPath);
      // An incomplete host's line says why it is not clean (the reason is cut: the report has all of it).
      const why = verdict === 'incomplete' ? [cut(host.result.incomplete ?? '', 200)] : flagged;
      io.stdout(
        `${safe(host.host)}  ${verdict}  ${host.samples} snapshots${why.length > 0 ? `  ${safe(why.join(', '))}` : ''}\n`,
      );
    }
  }
  if (hosts.some((h) => isFlagged(worstVerdict(h)))) return 1;
  const short = hosts.filter((h) => worstVerdict(h) === 'not enough data').length;
  const incomplete = hosts.filter((h) => worstVerdict(h) === 'incomplete').length;
  if (short > 0) io.stderr(`launchwatch: ${short} hosts had too few snapshots to judge\n`);
  if (incomplete > 0)
    io.stderr(`launchwatch: ${incomplete} hosts could not be cleared: their analysis is incomplete\n`);
  return hosts.some((h) => isUnjudged(worstVerdict(h))) ? 2 : 0;
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
