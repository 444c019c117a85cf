import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

const run = runCli;
const byName = (name: string) => scenarios.find((s) => s.name.startsWith(name))!.spec;

describe('launchwatch scan', () => {
  it('--json prints exactly one document on stdout and exits 1 when an item is mining', async () => {
    const { code, stdout } = await run(['scan', '--replay', writeCapture(byName('CookieMiner: a fake')), '--json']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      tool: 'launchwatch',
      schemaVersion: 1,
      source: 'capture',
      window: { seconds: 120, cpuThresholdPercent: 25, samples: 13 },
    });
    const item = doc.items.find((i: { label: string }) => i.label === 'com.apple.rig2');
    expect(item).toMatchObject({
      kind: 'LaunchAgent',
      scope: 'user',
      verdict: 'mining',
      loaded: true,
      running: true,
      program: '/Users/Shared/xmrig2',
    });
    expect(item.attack).toEqual(expect.arrayContaining(['AN0743', 'T1496', 'T1543.001']));
    expect(item.cpu.sustained).toBe(true);
    expect(item.destinations[0]).toMatchObject({
      remoteAddress: '45.76.100.7',
      remotePort: 3032,
      protocol: 'TCP',
      state: 'ESTABLISHED',
      hostname: 'koto-pool.work',
      classification: 'mining-pool',
    });
  });

  it('says how the last run ended, and when launchctl cannot say whether a daemon is loaded', async () => {
    const paused = JSON.parse(
      (await run(['scan', '--replay', writeCapture(byName('CookieMiner, paused')), '--json'])).stdout,
    );
    expect(paused.items[0]).toMatchObject({
      label: 'com.apple.rig2',
      loaded: true,
      loadedKnown: true,
      running: false,
      lastExitStatus: -15,
    });
    const spec = byName('OSX.CpuMeaner, dormant');
    const daemon = {
      ...spec,
      items: [{ path: '/Library/LaunchDaemons/com.x.plist', plist: { Label: 'com.x', Program: '/usr/local/bin/x' } }],
    };
    const doc = JSON.parse((await run(['scan', '--replay', writeCapture(daemon), '--json'])).stdout);
    expect(doc.items[0]).toMatchObject({
      kind: 'LaunchDaemon',
      loaded: false,
      loadedKnown: false,
      lastExitStatus: null,
    });
  });

  it('exits 0 when nothing is flagged, with a table for people', async () => {
    const { code, stdout } = await run(['scan', '--replay', writeCapture(byName('Backblaze'))]);
    expect(code).toBe(0);
    expect(stdout).toContain('No launch item is mining or suspicious');
    expect(stdout).toMatch(/high-cpu\s+\d+\.\d\s+LaunchDaemon\s+system\s+com\.backblaze\.bzserv/);
  });

  it('--window and --cpu-threshold are the knobs of "sustained"', async () => {
    const capture = writeCapture(byName('Backblaze'));
    const strict = JSON.parse((await run(['scan', '--replay', capture, '--json', '--cpu-threshold', '500'])).stdout);
    expect(strict.items.find((i: { label: string }) => i.label === 'com.backblaze.bzserv').verdict).toBe('ok');
    expect(strict.window.cpuThresholdPercent).toBe(500);
    const short = JSON.parse((await run(['scan', '--replay', capture, '--json', '--window', '30'])).stdout);
    expect(short.window.seconds).toBe(30);
    // A job that was busy and went quiet 40 s before the end: sustained over 120 s, not over the last 30 s.
    const quieted = {
      items: [
        {
          path: '/Users/alice/Library/LaunchAgents/q.plist',
          listedPid: 7,
          plist: { Label: 'com.quieted', ProgramArguments: ['/opt/q'] },
        },
      ],
      processes: [{ pid: 7, ppid: 1, args: '/opt/q', cpu: (i: number) => (i <= 8 ? 90 : 0) }],
    };
    const busyThenQuiet = writeCapture(quieted);
    const verdict = async (window: string) =>
      JSON.parse((await run(['scan', '--replay', busyThenQuiet, '--json', '--window', window])).stdout).items[0]
        .verdict;
    expect(await verdict('120')).toBe('high-cpu');
    expect(await verdict('30')).toBe('ok');
  });

  it('exits 2 naming the flag or file on bad input', async () => {
    expect(await run(['scan', '--window', 'soon', '--replay', '/x'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--window must be a positive number'),
    });
    expect(await run(['scan', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("'--bogus'") });
    expect(await run(['scan', '--replay', '/nonexistent'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('/nonexistent'),
    });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
  });

  it('strips control characters from attacker-controlled text in the table', async () => {
    const spec = {
      items: [
        {
          path: '/Users/alice/Library/LaunchAgents/x.plist',
          listedPid: 5,
          binary: true,
          plist: { Label: 'evil\u001b[2J\u001b]0;pwned\u0007', ProgramArguments: ['/tmp/x'] },
        },
      ],
      processes: [{ pid: 5, ppid: 1, args: '/tmp/x', cpu: 90 }],
    };
    const { stdout } = await run(['scan', '--replay', writeCapture(spec)]);
    expect(stdout.includes('\u001b')).toBe(false);
    expect(stdout).toContain('evil\\x1b[2J');
  });

  it('runs as a real process through npm run scan with only JSON on stdout', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'scan', '--', '--replay', writeCapture(byName('Spotlight')), '--json'],
      { cwd: `${__dirname}/../..` },
    );
    expect(JSON.parse(stdout).items[0]).toMatchObject({
      label: 'com.apple.metadata.mds',
      verdict: 'high-cpu',
      scope: 'apple',
    });
  });
});

describe('an incomplete scan is never an all-clear', () => {
  it('no launchctl list, or no launch items: says why, and exits 2', async () => {
    const noList = await run(['scan', '--replay', writeCapture({ ...byName('Backblaze'), emptyLaunchctlList: true })]);
    expect(noList.code).toBe(2);
    expect(noList.stdout).toContain('The scan is incomplete: launchctl list gave no services');
    expect(noList.stdout).not.toContain('No launch item is mining or suspicious');
    expect(noList.stderr).toMatch(/^launchwatch: the scan is incomplete: launchctl list gave no services/m);
    const report = join(mkdtempSync(join(tmpdir(), 'lw-inc-')), 'r.html');
    await run([
      'scan',
      '--replay',
      writeCapture({ ...byName('Backblaze'), emptyLaunchctlList: true }),
      '--report',
      report,
    ]);
    expect(readFileSync(report, 'utf8')).toContain(
      'The scan is incomplete, so this is not an all-clear: launchctl list gave no services',
    );
    const { toSnapshot } = await import('../../main/api/view-model');
    const { replay } = await import('../../main/cli/scan-command');
    const result = await replay(writeCapture({ ...byName('Backblaze'), emptyLaunchctlList: true }), {
      windowSeconds: 120,
      cpuThresholdPercent: 25,
    });
    expect(toSnapshot(result, { paused: false }).incomplete).toMatch(/launchctl list gave no services/);
    const noItems = await run(['scan', '--replay', writeCapture({ ...byName('Backblaze'), items: [] }), '--json']);
    expect(noItems.code).toBe(2);
    expect(JSON.parse(noItems.stdout).incomplete).toMatch(/no launch items were found/);
    // A flagged miner is still exit 1, complete or not.
    const flagged = await run([
      'scan',
      '--replay',
      writeCapture({ ...byName('CookieMiner: a fake'), emptyLaunchctlList: true }),
    ]);
    expect(flagged.code).toBe(1);
  });

  it('a busy process no launch item owns, on a mining pool: exits 2, and the MDM line says so', async () => {
    // Backblaze's items, not running: nothing is flagged, and the miner is no item's.
    const spec = {
      items: byName('Backblaze').items,
      processes: [
        { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
        { pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 },
      ],
      connections: [{ pid: 700, local: '192.168.1.20:51150', remote: '172.67.137.15:443' }],
      dns: [['172.67.137.15', 'pool.moneroocean.stream']] as [string, string][],
    };
    const { code, stdout } = await run(['scan', '--replay', writeCapture(spec), '--summary']);
    expect(code).toBe(2);
    expect(stdout).toBe(
      // Cut at 120 characters, as every MDM line is.
      'incomplete: a busy process that no launch item owns reaches a mining service: pid 700, 300% of one core, "pool.moneroocean.stream:44\n',
    );
    // --ndjson: a line of its own after the items', for a SIEM.
    const lines = (await run(['scan', '--replay', writeCapture(spec), '--ndjson'])).stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      tool: 'launchwatch',
      unownedMiner: { pid: 700, cpuPercent: 300, endpoints: [{ hostname: 'pool.moneroocean.stream' }] },
    });
    // With launchctl list missing too, each reason is said: one does not hide the other.
    const both = await run(['scan', '--replay', writeCapture({ ...spec, emptyLaunchctlList: true }), '--json']);
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout).incomplete).toMatch(
      /^launchctl list gave no services .*; a busy process that no launch item owns reaches a mining service: pid 700,/,
    );
    expect(JSON.parse(both.stdout).unownedMiners).toEqual([
      {
        pid: 700,
        args: '/Users/alice/.cache/kworkerd',
        cpuPercent: 300,
        endpoints: [
          { address: '172.67.137.15', port: 443, hostname: 'pool.moneroocean.stream', classification: 'mining-pool' },
        ],
      },
    ]);
  });
});

describe("a user's mistakes get a message, never a stack trace", () => {
  it('--help on every subcommand, nothing to undo, an unknown action, a port in use', async () => {
    process.env.LAUNCHWATCH_STATE_DIR = mkdtempSync(join(tmpdir(), 'lw-cli-state-'));
    for (const command of [
      'scan',
      'web',
      'disable',
      'undo',
      'approve',
      'unapprove',
      'actions',
      'approvals',
      'review',
    ]) {
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^usage: launchwatch ${command}`));
    }
    const nothing = await run(['undo', 'last']);
    expect(nothing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^launchwatch: there is no disabled item to undo/),
    });
    const unknown = await run(['undo', 'no-such-id']);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^launchwatch: there is no action "no-such-id"/),
    });
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const web = await run(['web', '--replay', writeCapture(byName('Backblaze')), '--port', String(port)]);
    busy.close();
    expect(web).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(new RegExp(`^launchwatch: --port ${port}: the port is in use`)),
    });
    for (const out of [nothing, unknown, web]) expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the launchwatch command (package.json bin)', () => {
  it('runs the built CLI: a replay with the scan exit status and only JSON on stdout', async () => {
    const capture = writeCapture(byName('CookieMiner: a fake'));
    const out = await promisify(execFile)(process.execPath, [
      join(__dirname, '../../bin/launchwatch.mjs'),
      'scan',
      '--replay',
      capture,
      '--json',
    ]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout).items[0]).toMatchObject({ verdict: 'mining' });
  });

  it('stops quietly when its reader closes the pipe (`| head`), with the status SIGPIPE would give', async () => {
    const capture = writeCapture(byName('CookieMiner: a fake'));
    const child = spawn(
      process.execPath,
      [join(__dirname, '../../bin/launchwatch.mjs'), 'scan', '--replay', capture, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Closed before the scan writes anything: its write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    // Not 0 or 1: a scan cut short must not read as clean (or as a finished verdict) under pipefail.
    expect(code).toBe(141);
  });
});
