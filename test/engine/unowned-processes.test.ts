// A busy process no launch item owns, whose parent is launchd and which no job lists: what a miner looks like
// once the launcher that started it and let it go has exited. Nothing names the item, so it is said in the notes.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { defaultIndicators } from '../../main/engine/indicators';
import { DEFAULT_SCAN_OPTIONS, type ScanResult } from '../../main/engine/model';
import { toEcsAlerts } from '../../main/engine/reports/ecs';
import { MAX_FOLLOWED, UnownedBusyProcesses } from '../../main/engine/unowned-processes';
import { writeCapture, type CaptureSpec, type ProcessSpec } from '../support/capture-builder';

const LAUNCHER = '/Users/alice/Library/Application Support/.helper/launcher';

/** A launcher agent that has run and exited (launchd lists it with status 0), and `others` running. */
const mac = (others: ProcessSpec[], extra: Partial<CaptureSpec> = {}): CaptureSpec => ({
  items: [
    {
      path: '/Users/alice/Library/LaunchAgents/com.helper.launcher.plist',
      listedStatus: 0,
      plist: { Label: 'com.helper.launcher', ProgramArguments: [LAUNCHER], RunAtLoad: true },
    },
  ],
  processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5, startedBefore: 86400 }, ...others],
  ...extra,
});

const busyNotes = async (spec: CaptureSpec): Promise<string[]> =>
  (await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS)).notes.filter((n) => n.includes('no launch item owns it'));

describe('busy processes that no launch item owns', () => {
  it('a detached miner its compiled launcher left behind is named in the notes with its CPU; the item stays ok', async () => {
    const spec = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd -o 1.2.3.4:443', cpu: 300 }]);
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes).toContain(
      'pid 700 "/Users/alice/.cache/kworkerd -o 1.2.3.4:443" used 300% of one core for 120 s and no launch item owns it: its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)',
    );
    // Nothing ties it to the launcher (README, Limits): the item is judged by its plist and program alone.
    expect(result.items.find((i) => i.item.label === 'com.helper.launcher')?.verdict).toBe('ok');
    // Busy, but with no pool seen: a note, and the scan's answer stands.
    expect(result.incomplete).toBeUndefined();
  });

  it('connected to a mining pool, it is named with the pool, and the scan is no all-clear (incomplete)', async () => {
    const spec = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 }], {
      connections: [
        { pid: 700, local: '192.168.1.20:51150', remote: '172.67.137.15:443' },
        { pid: 700, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' },
        { pid: 700, local: '192.168.1.20:51152', remote: '93.184.216.34:443' },
      ],
      dns: [['172.67.137.15', 'pool.moneroocean.stream']],
    });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes).toContain(
      'pid 700 "/Users/alice/.cache/kworkerd" used 300% of one core for 120 s connected to mining pools "pool.moneroocean.stream:443" and Stratum ports "198.51.100.7:3333", and no launch item owns it: its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)',
    );
    expect(result.incomplete).toBe(
      'a busy process that no launch item owns reaches a mining service: pid 700, 300% of one core, "pool.moneroocean.stream:443", "198.51.100.7:3333" (see the notes)',
    );
    // The same, for a tool to alert on: the pool and the Stratum endpoint, not the web traffic.
    expect(result.unownedMiners).toEqual([
      {
        pid: 700,
        args: '/Users/alice/.cache/kworkerd',
        cpuPercent: 300,
        endpoints: [
          { address: '172.67.137.15', port: 443, hostname: 'pool.moneroocean.stream', classification: 'mining-pool' },
          { address: '198.51.100.7', port: 3333, classification: 'stratum-port' },
        ],
      },
    ]);
  });

  it('one that caps its CPU under the threshold is said once it reaches a known mining pool', async () => {
    const spec = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd --max-cpu-usage=15', cpu: 15 }], {
      connections: [{ pid: 700, local: '192.168.1.20:51150', remote: '172.67.137.15:443' }],
      dns: [['172.67.137.15', 'pool.moneroocean.stream']],
    });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes).toContain(
      'pid 700 "/Users/alice/.cache/kworkerd --max-cpu-usage=15" used 15% of one core for 120 s, under the 25% threshold (a miner can cap its own CPU), connected to mining pools "pool.moneroocean.stream:443", and no launch item owns it: its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)',
    );
    expect(result.incomplete).toBe(
      'a quiet process that no launch item owns reaches a mining service: pid 700, 15% of one core, "pool.moneroocean.stream:443" (see the notes)',
    );
    expect(result.unownedMiners).toEqual([expect.objectContaining({ pid: 700, cpuPercent: 15, belowThreshold: true })]);
    // A fleet's alert: suspicious, as an item with a pool and no sustained CPU is.
    const alert = JSON.parse(toEcsAlerts([{ host: 'h', samples: 3, enoughData: true, result }]));
    expect(alert).toMatchObject({
      event: { severity: 47 },
      launchwatch: { verdict: 'suspicious', below_threshold: true },
    });
  });

  it('not one under the threshold on a Stratum port alone or on ordinary hosts: too weak a sign without CPU', async () => {
    const spec = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 15 }], {
      connections: [
        { pid: 700, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' },
        { pid: 700, local: '192.168.1.20:51152', remote: '93.184.216.34:443' },
      ],
    });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes.filter((n) => n.includes('no launch item owns'))).toEqual([]);
    expect(result.incomplete).toBeUndefined();
    expect(result.unownedMiners).toBeUndefined();
  });

  it("not for macOS in the folders SIP protects, an app launchd lists, a child of a live parent, an item's own, or a burst", async () => {
    const notes = await busyNotes(
      mac(
        [
          { pid: 710, ppid: 1, uid: 0, args: '/usr/libexec/busyd', cpu: 300 },
          { pid: 711, ppid: 1, args: '/Applications/Tool.app/Contents/MacOS/Tool', cpu: 300 },
          { pid: 402, ppid: 1, args: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder', cpu: 1 },
          { pid: 712, ppid: 402, args: '/Applications/Render.app/Contents/MacOS/render', cpu: 300 },
          { pid: 713, ppid: 1, args: `${LAUNCHER} --again`, cpu: 300 },
          { pid: 714, ppid: 1, args: '/Users/alice/.cache/burst', cpu: 300, alive: (i) => i >= 9 },
        ],
        { extraListed: [['711', 0, 'application.com.example.Tool.1234.5678']] },
      ),
    );
    expect(notes).toEqual([]);
  });

  it("a user's process whose argv[0] claims a system path is not taken at its word", async () => {
    // execve(2) takes argv[0] from the caller: a launcher can start ~/.cache/kworkerd as "/usr/libexec/trustd".
    const spec = mac([{ pid: 720, ppid: 1, uid: 501, args: '/usr/libexec/trustd --daemon', cpu: 300 }], {
      connections: [{ pid: 720, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' }],
    });
    expect((await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS)).incomplete).toBe(
      'a busy process that no launch item owns reaches a mining service: pid 720, 300% of one core, "198.51.100.7:3333" (see the notes)',
    );
  });

  it('a root process whose argv[0] claims a system path is said when it reaches a mining service', async () => {
    // Root's argv[0] is its starter's choice too (execve(2)): busy, a system path is macOS at work and no news;
    // on a Stratum port it is not. Beside it, a real busy daemon on the web stays unsaid.
    const spec = mac(
      [
        { pid: 730, ppid: 1, uid: 0, args: '/usr/libexec/trustd', cpu: 300 },
        { pid: 731, ppid: 1, uid: 0, args: '/usr/libexec/busyd', cpu: 300 },
      ],
      {
        connections: [
          { pid: 730, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' },
          { pid: 731, local: '192.168.1.20:51152', remote: '17.253.144.10:443' },
        ],
        // Root's sockets are seen only by a privileged lsof.
        privileged: true,
      },
    );
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes.filter((n) => n.includes('no launch item owns it'))).toEqual([
      'pid 730 "/usr/libexec/trustd" used 300% of one core for 120 s connected to Stratum ports "198.51.100.7:3333", and no launch item owns it: its command line names a program in the folders SIP protects, but a command line is whatever its starter chose (execve(2)), and macOS has no reason to reach a mining service',
    ]);
    expect(result.incomplete).toMatch(/^a busy process that no launch item owns reaches a mining service: pid 730,/);
    expect(result.unownedMiners?.map((m) => m.pid)).toEqual([730]);
  });

  it('on a Stratum port with no name for its address (a live scan resolves no peers): incomplete too', async () => {
    const spec = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 }], {
      connections: [{ pid: 700, local: '192.168.1.20:51151', remote: '198.51.100.7:14444' }],
    });
    expect((await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS)).incomplete).toBe(
      'a busy process that no launch item owns reaches a mining service: pid 700, 300% of one core, "198.51.100.7:14444" (see the notes)',
    );
    // Web traffic alone is no mining service: a note, no more.
    const web = mac([{ pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 }], {
      connections: [{ pid: 700, local: '192.168.1.20:51151', remote: '198.51.100.7:443' }],
    });
    const onWeb = await replay(writeCapture(web), DEFAULT_SCAN_OPTIONS);
    expect(onWeb.incomplete).toBeUndefined();
    expect(onWeb.unownedMiners).toBeUndefined();
  });

  it("a job submitted under an app's label (launchctl submit -l application.…) is said when it reaches a mining service", async () => {
    // launchd lists the apps a user opened as application.<bundle id>.<numbers>; any program can take such a
    // label with `launchctl submit -l` (launchctl(1)). A busy app is no news, one on a Stratum port is.
    const spec = mac(
      [
        { pid: 700, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300 },
        { pid: 711, ppid: 1, args: '/Applications/Tool.app/Contents/MacOS/Tool', cpu: 300 },
      ],
      {
        extraListed: [
          ['700', 0, 'application.com.apple.Safari.1234.5678'],
          ['711', 0, 'application.com.example.Tool.1234.5678'],
        ],
        connections: [
          { pid: 700, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' },
          { pid: 711, local: '192.168.1.20:51152', remote: '93.184.216.34:443' },
        ],
      },
    );
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.notes.filter((n) => n.includes('no launch item owns it'))).toEqual([
      'pid 700 "/Users/alice/.cache/kworkerd" used 300% of one core for 120 s connected to Stratum ports "198.51.100.7:3333", and no launch item owns it: launchd lists it as an app the user opened ("application.com.apple.Safari.1234.5678"), a label any program can take (launchctl submit -l)',
    ]);
    expect(result.incomplete).toMatch(/^a busy process that no launch item owns reaches a mining service: pid 700,/);
    expect(result.unownedMiners?.map((m) => m.pid)).toEqual([700]);
  });

  it("one user's program split into processes each under the threshold is followed as one, its CPU theirs together", async () => {
    // Each at 15% stays under the 25% threshold; the six together use 90% of a core, as an item's would add up.
    const split = [740, 741, 742, 743, 744, 745].map((pid) => ({
      pid,
      ppid: 1,
      args: '/Users/alice/.cache/kworkerd',
      cpu: 15,
    }));
    const spec = mac(
      [
        ...split,
        // Two programs of one user, and one program of two users, at 20% each: no program is busy.
        { pid: 760, ppid: 1, args: '/Users/alice/.cache/a', cpu: 20 },
        { pid: 761, ppid: 1, args: '/Users/alice/.cache/b', cpu: 20 },
        { pid: 762, ppid: 1, uid: 501, args: '/usr/local/bin/tool', cpu: 20 },
        { pid: 763, ppid: 1, uid: 502, args: '/usr/local/bin/tool', cpu: 20 },
      ],
      { connections: [{ pid: 742, local: '192.168.1.20:51151', remote: '198.51.100.7:3333' }], privileged: true },
    );
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    // Five pids are named and the rest counted; the scan document keeps them all (up to 16).
    expect(result.notes.filter((n) => /no launch item owns (it|them)/.test(n))).toEqual([
      'pids 740, 741, 742, 743, 744 and 1 more "/Users/alice/.cache/kworkerd" used 90% of one core between them for 120 s connected to Stratum ports "198.51.100.7:3333", and no launch item owns them: for each, its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)',
    ]);
    expect(result.incomplete).toBe(
      'a busy process that no launch item owns reaches a mining service: pids 740, 741, 742, 743, 744 and 1 more, 90% of one core, "198.51.100.7:3333" (see the notes)',
    );
    expect(result.unownedMiners).toEqual([
      {
        pid: 740,
        pids: [740, 741, 742, 743, 744, 745],
        args: '/Users/alice/.cache/kworkerd',
        cpuPercent: 90,
        endpoints: [{ address: '198.51.100.7', port: 3333, classification: 'stratum-port' }],
      },
    ]);
    // A fleet's alert names every process of it, the busiest as the ECS process.
    const [alert] = toEcsAlerts([{ host: 'alices-mbp', samples: 13, enoughData: true, result }])
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(alert).toMatchObject({
      message:
        'pids 740, 741, 742, 743, 744, 745 (one program of one user) on alices-mbp reach a mining service at 90% of one core between them, and no launch item owns them',
      process: { pid: 740, parent: { pid: 1 } },
      launchwatch: { unowned: true, pids: [740, 741, 742, 743, 744, 745] },
    });
  });

  it('a miner that exits and starts again under a new pid, even after a sample with none, is one program busy over the window', async () => {
    // Neither process lives the whole window, and no sample holds both: one by one, neither is sustained.
    const spec = mac(
      [
        { pid: 750, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300, alive: (i) => i <= 5 },
        { pid: 751, ppid: 1, args: '/Users/alice/.cache/kworkerd', cpu: 300, startedBefore: -65, alive: (i) => i >= 7 },
      ],
      {
        connections: [
          { pid: 750, local: '192.168.1.20:51150', remote: '198.51.100.7:3333', open: (i) => i <= 5 },
          { pid: 751, local: '192.168.1.20:51151', remote: '198.51.100.7:3333', open: (i) => i >= 7 },
        ],
      },
    );
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    // 300% for 50 s, nothing for 10 s, then 300% for 55 s: 263% of one core over the 120 s window.
    expect(result.notes.filter((n) => /no launch item owns (it|them)/.test(n))).toEqual([
      'pids 750, 751 "/Users/alice/.cache/kworkerd" used 263% of one core between them for 120 s connected to Stratum ports "198.51.100.7:3333", and no launch item owns them: for each, its parent is pid 1 and no job lists it, so whatever started it let it go (a miner that detaches from its launcher leaves no name to follow back)',
    ]);
    expect(result.unownedMiners?.map((m) => [m.pid, m.pids])).toEqual([[751, [750, 751]]]);
  });

  it('keeps sixteen pids of a program and counts each of the rest once, however many samples they live', () => {
    const watch = new UnownedBusyProcesses(10, 25);
    const processes = Array.from({ length: 20 }, (_, i) => ({
      pid: 1000 + i,
      ppid: 1,
      uid: 501,
      startedAt: 0,
      cpuSeconds: 0,
      args: '/Users/alice/.cache/kworkerd',
    }));
    // 5% each of a 5 s interval: 100% of a core between the twenty.
    const byPid = new Map(processes.map((p) => [p.pid, 0.25]));
    for (const at of [5_000, 10_000, 15_000]) {
      watch.observe(processes, { intervalSeconds: 5, byPid, impossible: [] }, at, () => false, new Map());
      watch.observeConnections(
        [
          {
            pid: 1019,
            protocol: 'TCP',
            family: 'IPv4',
            localAddress: '192.168.1.20',
            remoteAddress: '198.51.100.7',
            remotePort: 3333,
          },
        ],
        { indicators: defaultIndicators(), dns: new Map() },
      );
    }
    expect(watch.followedPids().size).toBe(20);
    const { notes, miners } = watch.findings((seconds) => seconds >= 10, {
      indicators: defaultIndicators(),
      dns: new Map(),
    });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^pids 1000, 1001, 1002, 1003, 1004 and 15 more "\/Users\/alice\/\.cache\/kworkerd" used 100% of one core between them for 10 s connected to Stratum ports "198\.51\.100\.7:3333"/,
    );
    expect(miners[0]?.pids).toEqual(processes.slice(0, 16).map((p) => p.pid));
    expect(miners[0]?.morePids).toBe(4);
    // A fleet's alert counts them too: sixteen named, four more.
    const result = { items: [], endedAt: 15_000, unownedMiners: miners } as unknown as ScanResult;
    const alert = JSON.parse(toEcsAlerts([{ host: 'h', samples: 3, enoughData: true, result }]));
    expect(alert.message).toMatch(/^pids 1000, 1001, .*, 1015 and 4 more \(one program of one user\) on h reach/);
    expect(alert.launchwatch).toMatchObject({ pids: miners[0]?.pids, more_pids: 4 });
  });

  it('follows a bounded number, counting the rest, and names the busiest twenty', () => {
    const watch = new UnownedBusyProcesses(10, 25);
    const processes = Array.from({ length: MAX_FOLLOWED + 500 }, (_, i) => ({
      pid: 1000 + i,
      ppid: 1,
      uid: 501,
      startedAt: 0,
      cpuSeconds: 0,
      args: `/opt/p${i}`,
    }));
    const byPid = new Map(processes.map((p, i) => [p.pid, 5 + i / 1000]));
    for (const at of [5_000, 10_000, 15_000])
      watch.observe(processes, { intervalSeconds: 5, byPid, impossible: [] }, at, () => false, new Map());
    const { notes } = watch.findings((seconds) => seconds >= 10, { indicators: defaultIndicators(), dns: new Map() });
    expect(notes).toHaveLength(22);
    expect(notes[0]).toContain(`pid ${1000 + MAX_FOLLOWED - 1} `);
    expect(notes[20]).toBe(`${MAX_FOLLOWED - 20} more busy processes that no launch item owns`);
    expect(notes[21]).toBe(`500 processes that no launch item owns were not followed (more than ${MAX_FOLLOWED})`);
  });
});
