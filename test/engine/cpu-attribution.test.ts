import { describe, expect, it } from 'vitest';
import { attributeProcesses, buildProcessTable, templateOfUnit } from '../../main/engine/attribution';
import { CpuTracker } from '../../main/engine/cpu';
import { programsStartedBy } from '../../main/engine/started-programs';
import type { LaunchItem, LoadedService, ProcessRecord } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';

const T0 = Date.parse('2026-11-30T09:15:00Z');
const proc = (
  pid: number,
  ppid: number,
  args: string,
  cpuSeconds: number,
  startedAt = T0 - 3600_000,
  extra: Partial<ProcessRecord> = {},
): ProcessRecord => ({ pid, ppid, uid: 501, startedAt, cpuSeconds, args, ...extra });
const item = (id: string, label: string, args: string[], extra: Partial<LaunchItem> = {}): LaunchItem =>
  launchAgent(id, label, { arguments: args, ...extra });

describe('CPU from cumulative time', () => {
  it('divides the difference of CPU time by the wall time between samples', () => {
    const tracker = new CpuTracker();
    expect(tracker.update({ takenAt: T0, processes: [proc(10, 1, 'a', 100)] }).byPid.size).toBe(0);
    const deltas = tracker.update({ takenAt: T0 + 10_000, processes: [proc(10, 1, 'a', 139)] });
    expect(deltas.intervalSeconds).toBe(10);
    expect(deltas.byPid.get(10)).toBeCloseTo(39, 5);
  });

  it('never joins a reused pid to the old process: the newcomer counts only what it used itself', () => {
    const tracker = new CpuTracker();
    tracker.update({ takenAt: T0, processes: [proc(10, 1, 'old', 5000)] });
    // pid 10 now belongs to a process started 4 s ago that used 2 s of CPU.
    const deltas = tracker.update({ takenAt: T0 + 10_000, processes: [proc(10, 1, 'new', 2, T0 + 6_000)] });
    expect(deltas.byPid.get(10)).toBe(2);
  });

  it('gives no figure for a process that existed before the previous sample but was not in it', () => {
    const tracker = new CpuTracker();
    tracker.update({ takenAt: T0, processes: [] });
    const deltas = tracker.update({ takenAt: T0 + 10_000, processes: [proc(11, 1, 'x', 900, T0 - 60_000)] });
    expect(deltas.byPid.has(11)).toBe(false);
  });

  it('a process whose CPU time was not read (NaN) gives no figure then, nor one spanning the gap after', () => {
    const tracker = new CpuTracker();
    tracker.update({ takenAt: T0, processes: [proc(13, 1, 'x', 10)] });
    expect(tracker.update({ takenAt: T0 + 5_000, processes: [proc(13, 1, 'x', Number.NaN)] }).byPid.has(13)).toBe(
      false,
    );
    // 30 s of CPU since the last read, but only 5 s since the last sample: no figure, a baseline.
    expect(tracker.update({ takenAt: T0 + 10_000, processes: [proc(13, 1, 'x', 40)] }).byPid.has(13)).toBe(false);
    expect(tracker.update({ takenAt: T0 + 15_000, processes: [proc(13, 1, 'x', 44)] }).byPid.get(13)).toBe(4);
  });

  it('tolerates the one-second wobble of start times estimated from elapsed time', () => {
    const tracker = new CpuTracker();
    tracker.update({ takenAt: T0, processes: [proc(12, 1, 'x', 10, T0 - 100_000)] });
    const deltas = tracker.update({ takenAt: T0 + 5_000, processes: [proc(12, 1, 'x', 14, T0 - 101_000)] });
    expect(deltas.byPid.get(12)).toBe(4);
  });
});

describe('attribution', () => {
  const none = new Map<string, LoadedService>();

  it('uses launchctl PIDs and takes every descendant', () => {
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(50, 1, 'sh -c x', 0),
      proc(51, 50, '/tmp/x', 0),
      proc(52, 51, '/tmp/y', 0),
      proc(60, 1, '/other', 0),
    ]);
    const loaded = new Map([['a', { label: 'a', pid: 50 }]]);
    const result = attributeProcesses([item('/a', 'a', ['sh', '-c', 'x'])], loaded, table);
    expect(result.get('/a')).toEqual({ method: 'launchctl-pid', rootPids: [50], pids: [50, 51, 52] });
  });

  it('matches daemons (absent from a user list) by their exact arguments, preferring the topmost copy', () => {
    const root = { uid: 0 };
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0, T0, root),
      proc(70, 1, '/usr/local/bin/d --serve', 0, T0, root),
      proc(71, 70, '/usr/local/bin/d --serve', 0, T0, root),
    ]);
    const result = attributeProcesses(
      [item('/d', 'd', ['/usr/local/bin/d', '--serve'], { kind: 'LaunchDaemon' })],
      none,
      table,
    );
    expect(result.get('/d')).toEqual({ method: 'arguments', rootPids: [70], pids: [70, 71] });
  });

  it("never gives a root daemon a user's process that shows its command line (argv is the starter's choice)", () => {
    // A user's miner started with the daemon's exact argv (execve(2) takes argv from the caller), or with its
    // program as argv[0]: a daemon with no UserName runs as root (launchd.plist(5)), so neither is its.
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0, T0, { uid: 0 }),
      proc(70, 1, '/usr/local/bin/d --serve', 0),
      proc(72, 1, '/Library/Application Support/v/daemon --mine', 0),
      proc(73, 1, '/usr/local/bin/e --serve', 0),
    ]);
    const daemons = [
      item('/d', 'd', ['/usr/local/bin/d', '--serve'], { kind: 'LaunchDaemon' }),
      item('/v', 'v', ['/Library/Application Support/v/daemon'], { kind: 'LaunchDaemon' }),
      // One that runs as a user (UserName) may run as one.
      item('/e', 'e', ['/usr/local/bin/e', '--serve'], { kind: 'LaunchDaemon', userName: 'alice' }),
    ];
    const result = attributeProcesses(daemons, none, table);
    expect(result.get('/d')).toBeUndefined();
    expect(result.get('/v')).toBeUndefined();
    expect(result.get('/e')).toMatchObject({ method: 'arguments', rootPids: [73] });
  });

  it('matches by program path (spaces included) only for processes launchd started', () => {
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(80, 1, '/Library/Application Support/v/agent --changed-at-runtime', 0),
      proc(81, 400, '/Library/Application Support/v/agent --run-by-hand', 0),
    ]);
    const result = attributeProcesses([item('/v', 'v', ['/Library/Application Support/v/agent'])], none, table);
    expect(result.get('/v')).toMatchObject({ method: 'program', rootPids: [80] });
  });

  it('never matches an interpreter by program alone', () => {
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(90, 1, '/bin/bash /Users/alice/other.sh', 0),
    ]);
    expect(attributeProcesses([item('/s', 's', ['/bin/bash', '/Users/alice/mine.sh'])], none, table).has('/s')).toBe(
      false,
    );
  });

  describe("a process that detached from its job (forked, setsid, parent gone: now launchd's child)", () => {
    // XMRig's --background forks and lets its parent exit; sh execs the last command of `-c`.
    const miner = ['/bin/sh', '-c', 'exec /Users/alice/.config/.coreservice --background -o pool.example:3333'];
    const started = (items: LaunchItem[], files = new Map<string, string>()) =>
      new Map(items.map((i) => [i.id, programsStartedBy(i, files, '/Users/alice')]));
    const detached = proc(700, 1, '/Users/alice/.config/.coreservice --background -o pool.example:3333', 0);

    it('is the item whose command starts its program by name', () => {
      const items = [item('/m', 'm', miner, { program: '/bin/sh' })];
      const table = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), detached, proc(701, 700, '/bin/ps', 0)]);
      expect(attributeProcesses(items, none, table, new Set(), undefined, started(items)).get('/m')).toEqual({
        method: 'detached-program',
        rootPids: [700],
        pids: [700, 701],
      });
    });

    it('is found through the shell script the item runs, with ~ and $HOME as the shell expands them', () => {
      const items = [item('/s', 's', ['/bin/bash', '~/.config/start.sh'], { program: '/bin/bash' })];
      const script = '#!/bin/bash\ncd "$HOME/.config"\nMINER=1 nohup $HOME/.config/.coreservice --background &\n';
      const files = new Map([['/Users/alice/.config/start.sh', script]]);
      const table = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), detached]);
      const result = attributeProcesses(items, none, table, new Set(), undefined, started(items, files));
      expect(result.get('/s')).toMatchObject({ method: 'detached-program', rootPids: [700] });
    });

    it('is not taken while it is under another parent, or when launchd lists it as a job of its own (an app)', () => {
      const items = [item('/m', 'm', miner, { program: '/bin/sh' })];
      const underApp = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), { ...detached, ppid: 402 }]);
      expect(attributeProcesses(items, none, underApp, new Set(), undefined, started(items)).has('/m')).toBe(false);
      const app = new Map([
        ['application.com.example.tool.1.2', { label: 'application.com.example.tool.1.2', pid: 700 }],
      ]);
      const listed = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), detached]);
      expect(attributeProcesses(items, app, listed, new Set(), undefined, started(items)).has('/m')).toBe(false);
    });

    it('is found by the relative path its command runs it by, as ps shows it; a bare name or a shared word is not', () => {
      // `cd ~/.v && ./kworker`: the shell gives the word as argv[0], so the detached process shows `./kworker`.
      const relative = item('/r', 'r', ['/bin/sh', '-c', 'cd ~/.v && nohup ./kworker --background &'], {
        program: '/bin/sh',
      });
      const table = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), proc(720, 1, './kworker --background', 0)]);
      expect(attributeProcesses([relative], none, table, new Set(), undefined, started([relative])).get('/r')).toEqual({
        method: 'detached-program',
        rootPids: [720],
        pids: [720],
      });
      // A bare name is looked up in PATH: anything could show it.
      const bare = item('/b', 'b', ['/bin/sh', '-c', 'cd ~/.v && nohup kworker --background &'], {
        program: '/bin/sh',
      });
      const bareTable = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), proc(721, 1, 'kworker --background', 0)]);
      expect(attributeProcesses([bare], none, bareTable, new Set(), undefined, started([bare])).has('/b')).toBe(false);
      // Two items that start `./kworker` from folders of their own: which one a process is cannot be told.
      const other = item('/o', 'o', ['/bin/sh', '-c', 'cd ~/.w && exec ./kworker'], { program: '/bin/sh' });
      const both = attributeProcesses([relative, other], none, table, new Set(), undefined, started([relative, other]));
      expect(both.has('/r') || both.has('/o')).toBe(false);
    });

    it("is a root daemon's only when it runs as root, as a match by arguments or program is", () => {
      const daemon = item('/d', 'd', miner, { program: '/bin/sh', kind: 'LaunchDaemon', scope: 'system' });
      const asUser = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), detached]);
      expect(attributeProcesses([daemon], none, asUser, new Set(), undefined, started([daemon])).has('/d')).toBe(false);
      const asRoot = buildProcessTable([proc(1, 0, '/sbin/launchd', 0), { ...detached, uid: 0 }]);
      expect(
        attributeProcesses([daemon], none, asRoot, new Set(), undefined, started([daemon])).get('/d'),
      ).toMatchObject({
        method: 'detached-program',
        rootPids: [700],
      });
    });

    it('comes after the pid launchd lists for the item, and never takes a process running an interpreter', () => {
      const items = [
        item('/m', 'm', miner, { program: '/bin/sh' }),
        item('/p', 'p', ['/bin/sh', '-c', '/usr/bin/python3 /Users/alice/x.py'], { program: '/bin/sh' }),
      ];
      const loaded = new Map([['m', { label: 'm', pid: 700 }]]);
      const table = buildProcessTable([
        proc(1, 0, '/sbin/launchd', 0),
        detached,
        proc(710, 1, '/usr/bin/python3 /Users/alice/other.py', 0),
      ]);
      const result = attributeProcesses(items, loaded, table, new Set(), undefined, started(items));
      expect(result.get('/m')).toMatchObject({ method: 'launchctl-pid', rootPids: [700] });
      expect(result.has('/p')).toBe(false);
    });
  });

  it("gives a child that is another item's root to that item", () => {
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(20, 1, '/a', 0),
      proc(21, 20, '/b', 0),
      proc(22, 21, '/c', 0),
    ]);
    const loaded = new Map([
      ['a', { label: 'a', pid: 20 }],
      ['b', { label: 'b', pid: 21 }],
    ]);
    const result = attributeProcesses([item('/a', 'a', ['/a']), item('/b', 'b', ['/b'])], loaded, table);
    expect(result.get('/a')?.pids).toEqual([20]);
    expect(result.get('/b')?.pids).toEqual([21, 22]);
  });

  it('does not trust a listed pid that a later process now holds (pid reuse)', () => {
    const listedAt = T0 - 60_000;
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(50, 1, '/usr/bin/unrelated', 0, T0 - 10_000),
    ]);
    const loaded = new Map([['a', { label: 'a', pid: 50 }]]);
    expect(attributeProcesses([item('/a', 'a', ['/opt/a'])], loaded, table, new Set(), listedAt).has('/a')).toBe(false);
    expect(attributeProcesses([item('/a', 'a', ['/opt/a'])], loaded, table, new Set(), T0).get('/a')?.method).toBe(
      'launchctl-pid',
    );
  });

  it("never takes the kernel (0) or launchd (1) as a listed root: every process would be the item's", () => {
    const table = buildProcessTable([
      proc(0, 0, 'kernel_task', 0),
      proc(1, 0, '/sbin/launchd', 0),
      proc(20, 1, '/opt/real', 0),
      proc(30, 1, '/Applications/Some.app/Contents/MacOS/Some', 0),
    ]);
    const loaded = new Map([
      ['kernel', { label: 'kernel', pid: 0 }],
      ['launchd', { label: 'launchd', pid: 1 }],
      ['real', { label: 'real', pid: 20 }],
    ]);
    const items = [item('/kernel', 'kernel', ['/opt/k']), item('/launchd', 'launchd', ['/opt/l'])];
    const result = attributeProcesses([...items, item('/real', 'real', ['/opt/real'])], loaded, table);
    expect([...result.keys()]).toEqual(['/real']);
    expect(result.get('/real')).toEqual({ method: 'launchctl-pid', rootPids: [20], pids: [20] });
    // Matching by program still works for such an item: only the listed pid is refused.
    const byProgram = attributeProcesses([item('/l', 'launchd', ['/opt/real'])], loaded, table);
    expect(byProgram.get('/l')?.pids).toEqual([20]);
  });

  it('never lets a decoy with the same arguments take a child out of a tree launchd named', () => {
    const table = buildProcessTable([
      proc(1, 0, '/sbin/launchd', 0),
      proc(20, 1, '/opt/real', 0),
      proc(21, 20, '/bin/worker --x', 0),
    ]);
    const loaded = new Map([['real', { label: 'real', pid: 20 }]]);
    const result = attributeProcesses(
      [item('/real', 'real', ['/opt/real']), item('/decoy', 'decoy', ['/bin/worker', '--x'])],
      loaded,
      table,
    );
    expect(result.get('/real')?.pids).toEqual([20, 21]);
    expect(result.has('/decoy')).toBe(false);
  });

  it('uses the systemd unit from the cgroup where there is one, and excludes given pids', () => {
    const table = buildProcessTable([
      proc(1, 0, 'init', 0),
      proc(30, 1, '/usr/bin/x', 0, undefined, { unit: 'x.service' }),
      proc(31, 30, '/usr/bin/y', 0, undefined, { unit: 'x.service' }),
      proc(32, 30, '/usr/bin/z', 0),
    ]);
    const result = attributeProcesses(
      [item('/x', 'x.service', ['/usr/bin/other'], { unitName: 'x.service', kind: 'systemd-service' })],
      none,
      table,
      new Set([32]),
    );
    expect(result.get('/x')).toEqual({ method: 'cgroup', rootPids: [30], pids: [30, 31] });
  });

  it("gives a template unit (x@.service) its instances' processes, unless an instance has its own unit file", () => {
    const table = buildProcessTable([
      proc(1, 0, 'init', 0),
      proc(40, 1, '/opt/.m/kworker a', 0, undefined, { unit: 'miner@a.service' }),
      proc(41, 1, '/opt/.m/kworker b', 0, undefined, { unit: 'miner@b.service' }),
      proc(42, 1, '/usr/bin/own', 0, undefined, { unit: 'miner@own.service' }),
      proc(43, 1, '/usr/bin/other', 0, undefined, { unit: 'minerx@a.service' }),
    ]);
    const unit = (name: string) =>
      item(`/etc/systemd/system/${name}`, name, ['/x'], { unitName: name, kind: 'systemd-service' });
    const result = attributeProcesses([unit('miner@.service'), unit('miner@own.service')], none, table);
    expect(result.get('/etc/systemd/system/miner@.service')).toEqual({
      method: 'cgroup',
      rootPids: [40, 41],
      pids: [40, 41],
    });
    expect(result.get('/etc/systemd/system/miner@own.service')?.pids).toEqual([42]);
    expect(templateOfUnit('getty@tty1.service')).toBe('getty@.service');
    expect(templateOfUnit('getty@.service')).toBeUndefined();
    expect(templateOfUnit('cron.service')).toBeUndefined();
    expect(templateOfUnit('@a.service')).toBeUndefined();
  });
});

describe('the window means what it says', () => {
  it('flags CPU only once samples cover the window, and says "measuring" until then', async () => {
    const { replay } = await import('../../main/cli/scan-command');
    const { writeCapture } = await import('../support/capture-builder');
    const { scenarios } = await import('../support/scenarios');
    const backblaze = scenarios.find((s) => s.name.startsWith('Backblaze'))!.spec;
    // 13 samples 10 s apart cover 120 s exactly: sustained, and no "less than the window" note.
    const full = await replay(writeCapture(backblaze), { windowSeconds: 120, cpuThresholdPercent: 25 });
    const busy = full.items.find((i) => i.verdict === 'high-cpu');
    expect(busy?.cpu).toMatchObject({ sustained: true, coveredSeconds: 120 });
    expect(busy?.cpu.measuring).toBeUndefined();
    expect(full.notes.join('\n')).not.toMatch(/less than the 120 s window/);
    // 4 samples (30 s) of a 120 s window: measured, shown, not flagged.
    const short = await replay(writeCapture({ ...backblaze, samples: 4 }), {
      windowSeconds: 120,
      cpuThresholdPercent: 25,
    });
    const measuring = short.items.find((i) => i.item.label === busy?.item.label);
    expect(measuring?.cpu).toMatchObject({ sustained: false, measuring: true, coveredSeconds: 30 });
    expect(measuring?.verdict).toBe('ok');
    expect(measuring?.cpu.avgPercent).toBeGreaterThan(25);
    expect(short.notes.join('\n')).toMatch(
      /samples span 30 s, less than the 120 s window: CPU is still being measured/,
    );
    const { toSnapshot } = await import('../../main/api/view-model');
    const row = toSnapshot(short, { paused: false }).items.find((i) => i.label === busy?.item.label);
    expect(row?.measuring).toBe('measuring (30 of 120 s)');
  });
});
