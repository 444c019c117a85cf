// Fleets: osquery results (the three shapes osquery's logger writes) judged host by host with the same
// analyzer as a capture. The threat cases, turned into osquery rows, get the verdicts their captures get.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fleetCommand } from '../../main/cli/fleet-command';
import { analyseSamples } from '../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS, type Inventory } from '../../main/engine/model';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { FleetHost } from '../../main/platform/osquery/fleet-host';
import { ingestOsquery } from '../../main/platform/osquery/ingest';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { osqueryLines, type Line } from '../support/osquery-rows';
import { scenarios } from '../support/scenarios';

const spec = (name: string): CaptureSpec => scenarios.find((s) => s.name.startsWith(name))!.spec;

async function linesFor(host: string, s: CaptureSpec, format: 'event' | 'batch' = 'event', samples?: number) {
  const capture = await readCapture(writeCapture(s));
  return osqueryLines(host, capture.inventory, capture.samples.slice(0, samples), format);
}

function logFile(lines: (Line | string)[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lw-fleet-')), 'osqueryd.results.log');
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  return file;
}

/** One JSON document a line, as --ndjson writes them. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function run(argv: string[], stdin?: NodeJS.ReadableStream) {
  let stdout = '';
  let stderr = '';
  const code = await fleetCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, stdin);
  return { code, stdout, stderr };
}

/** Backblaze's items, not running, and a miner no launch item owns on a Stratum port (osquery has no names). */
const unowned = (): CaptureSpec => ({
  items: spec('Backblaze').items,
  processes: [
    { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
    { pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 },
  ],
  connections: [{ pid: 700, local: '192.168.1.20:51150', remote: '172.67.137.15:3333' }],
});

describe('launchwatch fleet --osquery', () => {
  it('every threat case, as osquery rows, gets the verdict its capture gets', async () => {
    // osquery's sockets carry addresses, not the names the collector resolves: both sides go without names.
    for (const scenario of scenarios) {
      const s = { ...scenario.spec, dns: [] };
      const capture = await readCapture(writeCapture(s));
      const fromCapture = analyseSamples(capture.inventory, capture.samples, DEFAULT_SCAN_OPTIONS);
      const file = logFile(osqueryLines('mac-1', capture.inventory, capture.samples));
      const host = (await ingestOsquery(file)).hosts.get('mac-1');
      const { inventory, samples } = host!.toInventoryAndSamples();
      const fromOsquery = analyseSamples(inventory, samples, DEFAULT_SCAN_OPTIONS);
      for (const label of Object.keys(scenario.expect)) {
        const verdict = (r: typeof fromCapture) => r.items.find((i) => i.item.label === label)?.verdict;
        const differs = scenario.fromOsquery?.expect[label];
        expect(verdict(fromOsquery), `${scenario.name}: ${label} ${differs ? scenario.fromOsquery?.why : ''}`).toBe(
          differs ?? verdict(fromCapture),
        );
      }
      // osquery has no launchd job list: that alone leaves nothing incomplete.
      expect(fromOsquery.incomplete, scenario.name).toBe(fromCapture.incomplete);
    }
  });

  it('a host that cannot be cleared is "incomplete" with its reason, never ok: a busy unowned miner, no launchd rows', async () => {
    const clean = await readCapture(writeCapture(spec('Backblaze')));
    const file = logFile([
      ...(await linesFor('alices-mbp', unowned())),
      // Within the first hour the hourly launchd query may not have run: processes and sockets only.
      ...osqueryLines('bobs-mbp', { ...clean.inventory, items: [] }, clean.samples),
      ...(await linesFor('carols-mbp', spec('Backblaze'))),
    ]);
    const report = join(mkdtempSync(join(tmpdir(), 'lw-fleet-report-')), 'fleet.html');
    const { code, stdout, stderr } = await run(['--osquery', file, '--report', report]);
    expect(code).toBe(2);
    expect(stdout).toBe(
      [
        'alices-mbp  incomplete  13 snapshots  a busy process that no launch item owns reaches a mining service: pid 700, 300% of one core, "172.67.137.15:3333" (see the notes)',
        "bobs-mbp  incomplete  13 snapshots  osquery sent no launchd rows for this host (the pack's launchwatch_launchd query runs hourly: it has not run yet, or its results are missing)",
        'carols-mbp  high-cpu  13 snapshots',
        '',
      ].join('\n'),
    );
    expect(stderr).toContain('2 hosts could not be cleared: their analysis is incomplete');
    const page = readFileSync(report, 'utf8');
    expect(page).toContain('No miner found on 1 hosts; 2 could not be cleared (incomplete analysis, below).');
    expect(page).toContain('Hosts that could not be cleared');
    // The whole reason and the notes that name the process, which the line leaves out.
    expect(page).toContain('pid 700 &#34;/Users/alice/.cache/kworkerd&#34; used 300% of one core');
  });

  it('rows past a bound are counted and make the host incomplete: 5,000 decoy launch items before the miner', async () => {
    // A host writes its own rows: an owner who plants 5,000 plists ahead of the miner's pushes it past the bound.
    const capture = await readCapture(writeCapture(spec('CookieMiner: a fake')));
    const decoys = Array.from({ length: 5_000 }, (_, i) => ({
      plistPath: `/Library/LaunchAgents/a.decoy.${i}.plist`,
      label: `a.decoy.${i}`,
      program: '/usr/bin/true',
      arguments: ['/usr/bin/true'],
      runAtLoad: false,
      keepAlive: false,
    })) as unknown as Inventory['items'];
    const inventory = { ...capture.inventory, items: [...decoys, ...capture.inventory.items] };
    const file = logFile(osqueryLines('alices-mbp', inventory, capture.samples));
    const host = (await ingestOsquery(file)).hosts.get('alices-mbp')!;
    const judged = host.toInventoryAndSamples();
    expect(judged.inventory.items).toHaveLength(5_000);
    expect(judged.inventory.notes).toContain('1 launchd rows past 5,000 launch items were not read');
    const result = analyseSamples(judged.inventory, judged.samples, DEFAULT_SCAN_OPTIONS);
    expect(result.incomplete).toMatch(/^1 launchd rows past 5,000 launch items were not read/);
    const { code, stdout } = await run(['--osquery', file]);
    expect(stdout).toMatch(/^alices-mbp {2}incomplete {2}13 snapshots {2}1 launchd rows past 5,000 launch items/);
    expect(code).toBe(2);
  });

  it('launchd rows with no absolute path are counted, never dropped in silence', () => {
    const host = new FleetHost('alices-mbp');
    const row = (path: string) => ({
      action: 'added' as const,
      columns: {
        path,
        name: 'x.plist',
        label: 'x',
        program: '',
        program_arguments: '/x',
        run_at_load: '1',
        keep_alive: '',
        disabled: '',
        username: '',
      },
    });
    host.add({
      host: 'alices-mbp',
      name: 'launchwatch_launchd',
      unixTime: 1,
      rows: [row(''), row('x.plist'), row('/Library/LaunchAgents/x.plist')],
    });
    const { inventory } = host.toInventoryAndSamples();
    expect(inventory.items.map((i) => i.plistPath)).toEqual(['/Library/LaunchAgents/x.plist']);
    expect(inventory.incomplete).toBe('2 launchd rows without an absolute path were not read');
  });

  it('--ndjson: a busy process no launch item owns on a mining service is an alert of its own', async () => {
    const file = logFile([
      ...(await linesFor('alices-mbp', unowned())),
      ...(await linesFor('carols-mbp', spec('Backblaze'))),
    ]);
    const { code, stdout } = await run(['--osquery', file, '--ndjson']);
    expect(code).toBe(2);
    const alerts = jsonLines(stdout);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      event: { kind: 'alert', module: 'launchwatch', severity: 73 },
      message: 'pid 700 on alices-mbp reaches a mining service at 300% of one core, and no launch item owns it',
      host: { name: 'alices-mbp' },
      rule: { name: 'launchwatch unowned miner', id: 'unowned.mining' },
      process: { pid: 700, parent: { pid: 1 }, command_line: '/Users/alice/.cache/kworkerd' },
      destination: { ip: '172.67.137.15', port: 3333 },
      threat: { technique: { id: ['T1496'] } },
      launchwatch: { verdict: 'mining', unowned: true },
    });
  });

  it('event, batch and snapshot lines, out of order, from three hosts: a miner, a look-alike, too little data', async () => {
    const miner = await linesFor('alices-mbp', spec('CookieMiner: a fake'));
    // Differential rows arrive out of order (a forwarder that batches): reversed.
    const shuffled = [...miner.slice(0, 3), ...miner.slice(3).reverse()];
    const lookAlike = await linesFor('bobs-mbp', spec('Backblaze'), 'batch');
    // One snapshot: CPU cannot be measured, so the busy backup there is "not enough data", not clean.
    // (A miner's configuration would still flag it: evidence needs no second snapshot.)
    const short = await linesFor('carols-mbp', spec('Backblaze'), 'event', 1);
    const file = logFile([...shuffled, '{"not": "a result"}', 'garbage', ...lookAlike, ...short]);
    const { code, stdout, stderr } = await run(['--osquery', file]);
    expect(code).toBe(1);
    expect(stdout).toBe(
      'alices-mbp  mining  13 snapshots  com.apple.rig2\nbobs-mbp  high-cpu  13 snapshots\ncarols-mbp  not enough data  1 snapshots\n',
    );
    // A corrupt line is counted and named, never fatal.
    expect(stderr).toContain('2 of');
    expect(stderr).toMatch(/osqueryd\.results\.log:\d+: no hostIdentifier or hostname/);
    expect(stderr).toMatch(/osqueryd\.results\.log:\d+: not JSON/);
  });

  it('holds only the last snapshots a host needs, folding older ones in: the same verdict, memory by hosts', async () => {
    const lines = await linesFor('alices-mbp', spec('CookieMiner: a fake'));
    const folded = (await ingestOsquery(logFile(lines), undefined, 4)).hosts.get('alices-mbp')!;
    const { inventory, samples } = folded.toInventoryAndSamples();
    expect(samples).toHaveLength(4);
    expect(inventory.notes).toContain('9 older snapshots were folded away (the last 4 are judged)');
    const result = analyseSamples(inventory, samples, { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 30 });
    expect(result.items.find((i) => i.item.label === 'com.apple.rig2')?.verdict).toBe('mining');
  });

  it('--ndjson: one Elastic Common Schema alert per flagged host and item; --report: the fleet page', async () => {
    const file = logFile([
      ...(await linesFor('alices-mbp', spec('CookieMiner: a fake'))),
      ...(await linesFor('bobs-mbp', spec('Backblaze'))),
    ]);
    const report = join(mkdtempSync(join(tmpdir(), 'lw-fleet-report-')), 'fleet.html');
    const { code, stdout } = await run(['--osquery', file, '--ndjson', '--report', report]);
    expect(code).toBe(1);
    const alerts = jsonLines(stdout);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      event: { kind: 'alert', module: 'launchwatch' },
      host: { name: 'alices-mbp' },
      process: { pid: 820, executable: '/Users/Shared/xmrig2' },
      destination: { ip: '45.76.100.7', port: 3032 },
      threat: { framework: 'MITRE ATT&CK', technique: { id: expect.arrayContaining(['T1496', 'T1543.001']) } },
      launchwatch: { label: 'com.apple.rig2', verdict: 'mining' },
    });
    const page = readFileSync(report, 'utf8');
    expect(page).toContain('1 of 2 hosts have a launch item that mines or looks like a miner.');
    expect(page).toContain('com.apple.rig2 on alices-mbp');
    expect(page).not.toContain('<script');
  });

  it('reads stdin, and a host name or label that is markup stays text', async () => {
    const lines = (await linesFor('<img src=x onerror=alert(1)>', spec('CookieMiner: a fake'))).map((l) =>
      JSON.stringify(l),
    );
    const report = join(mkdtempSync(join(tmpdir(), 'lw-fleet-report-')), 'fleet.html');
    const { code } = await run(['--osquery', '-', '--report', report], Readable.from([lines.join('\n')]));
    expect(code).toBe(1);
    expect(readFileSync(report, 'utf8')).not.toContain('<img');
  });

  it('a usage mistake names the flag or file', async () => {
    await expect(run(['--osquery', '/nonexistent/results.log'])).rejects.toThrow(
      '--osquery /nonexistent/results.log: no such file or folder',
    );
    await expect(run([])).rejects.toThrow(/--osquery: the results log/);
    await expect(run(['--osquery', logFile(['garbage'])])).rejects.toThrow(/no osquery results from any host/);
  });
});
