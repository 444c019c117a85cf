import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CMDLINE_CUT, MAX_CMDLINE_BYTES, ProcessTable } from '../../../main/platform/linux/process-table';

/** A /proc/<pid>/stat line as the kernel writes it (fields after comm as in proc(5)). */
function statLine(pid: number, comm: string, ppid: number, utime: number, startTicks: number, state = 'S'): string {
  const after = [state, ppid, pid, pid, 0, -1, 4194560, 100, 0, 0, 0, utime, 3, 0, 0, 20, 0, 1, 0, startTicks];
  return `${pid} (${comm}) ${after.join(' ')} 1000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;
}

describe('the per-tick /proc reader', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function fakeProc(): string {
    root = mkdtempSync(join(tmpdir(), 'lw-proc-'));
    return root;
  }
  function writeProcess(pid: number, comm: string, argv: string[], startTicks: number, utime = 10): void {
    mkdirSync(join(root, String(pid)), { recursive: true });
    // Rewritten in place, as the kernel regenerates the text: a held descriptor reads the new text.
    writeFileSync(join(root, String(pid), 'stat'), statLine(pid, comm, 1, utime, startTicks));
    writeFileSync(join(root, String(pid), 'cmdline'), argv.join('\0') + '\0');
    writeFileSync(join(root, String(pid), 'cgroup'), '0::/system.slice/miner.service\n');
  }

  it('reads CPU every tick through a held descriptor, argv once per process, and again when asked', () => {
    const proc = fakeProc();
    writeProcess(100, 'python3', ['/usr/bin/python3', 'a.py'], 500);
    mkdirSync(join(proc, 'self'));
    const table = new ProcessTable({ proc, clockTicks: 100, bootTime: 1_700_000_000 });
    const [first] = table.read('all');
    expect(first).toMatchObject({ pid: 100, ppid: 1, args: '/usr/bin/python3 a.py', unit: 'miner.service' });
    expect(first?.cpuSeconds).toBeCloseTo(0.13);
    expect(first?.startedAt).toBe(1_700_000_005_000);
    expect(table.heldDescriptors).toBe(1);

    // exec() keeps pid, start time and (here) comm: only a refresh sees the new command line.
    writeProcess(100, 'python3', ['/usr/bin/python3', 'xmrig.py'], 500, 900);
    const unasked = table.read(new Set());
    expect(unasked[0]?.cpuSeconds).toBeCloseTo(9.03);
    expect(unasked[0]?.args).toBe('/usr/bin/python3 a.py');
    expect(table.read(new Set([100]))[0]?.args).toBe('/usr/bin/python3 xmrig.py');
    table.close();
    expect(table.heldDescriptors).toBe(0);
  });

  it('reads at most 1 MiB of a command line, and says where it was cut', () => {
    fakeProc();
    // A miner can pad its arguments so the pool comes after megabytes of nothing.
    writeProcess(300, 'xmrig', ['/opt/x', 'A'.repeat(1536 * 1024), '-o', 'pool.example:3333'], 900);
    writeProcess(301, 'sleep', ['/bin/sleep', '9'], 900);
    const table = new ProcessTable({ proc: root, clockTicks: 100, bootTime: 0 });
    const [padded, short] = table.read('all');
    expect(padded?.args.length).toBeLessThan(MAX_CMDLINE_BYTES + 100);
    expect(padded?.args.startsWith('/opt/x AAAA')).toBe(true);
    expect(padded?.args.endsWith(CMDLINE_CUT)).toBe(true);
    expect(short?.args).toBe('/bin/sleep 9');
    table.close();
  });

  it('a changed comm, a reused pid and a process that exits are noticed without being asked', () => {
    const proc = fakeProc();
    writeProcess(200, 'sh', ['/bin/sh', '-c', 'exec worker'], 700);
    const table = new ProcessTable({ proc, clockTicks: 100, bootTime: 0 });
    expect(table.read('all')[0]?.args).toBe('/bin/sh -c exec worker');

    writeProcess(200, 'worker', ['/opt/worker', '--threads=8'], 700);
    expect(table.read(new Set())[0]?.args).toBe('/opt/worker --threads=8');

    writeProcess(200, 'worker', ['/opt/other'], 9_999);
    const reused = table.read(new Set());
    expect(reused[0]?.args).toBe('/opt/other');
    expect(reused[0]?.startedAt).toBe(99_990);

    rmSync(join(proc, '200'), { recursive: true });
    expect(table.read(new Set())).toEqual([]);
    expect(table.heldDescriptors).toBe(0);
  });

  it('reads CPU only of the processes asked for; a new one, or one whose parent is gone, is read anyway', () => {
    const proc = fakeProc();
    writeProcess(400, 'a', ['/opt/a'], 400, 100);
    writeProcess(401, 'b', ['/opt/b'], 401, 100);
    const table = new ProcessTable({ proc, clockTicks: 100, bootTime: 0 });
    table.read('all');
    writeProcess(400, 'a', ['/opt/a'], 400, 200);
    writeProcess(401, 'b', ['/opt/b'], 401, 200);
    writeProcess(402, 'c', ['/opt/c'], 402, 50);
    const rows = table.read(new Set(), new Set([400]));
    expect(rows.map((p) => [p.pid, Number.isNaN(p.cpuSeconds) ? 'unread' : p.cpuSeconds])).toEqual([
      [400, 2.03],
      [401, 'unread'],
      [402, 0.53],
    ]);
    // What was read before is still given: parent, start, command line.
    expect(rows[1]).toMatchObject({ ppid: 1, startedAt: 4010, args: '/opt/b' });
    // 403's parent 402 exits: 403 is read again (launchd or a subreaper is its parent now).
    mkdirSync(join(proc, '403'));
    writeFileSync(join(proc, '403', 'stat'), statLine(403, 'd', 402, 1, 403));
    writeFileSync(join(proc, '403', 'cmdline'), '/opt/d\0');
    writeFileSync(join(proc, '403', 'cgroup'), '0::/\n');
    table.read(new Set(), new Set());
    rmSync(join(proc, '402'), { recursive: true });
    writeFileSync(join(proc, '403', 'stat'), statLine(403, 'd', 1, 7, 403));
    const after = table.read(new Set(), new Set());
    expect(after.find((p) => p.pid === 403)).toMatchObject({ ppid: 1, cpuSeconds: 0.1 });
    table.close();
  });

  it('past its descriptor budget it reads the slow way, and misses nothing', () => {
    const proc = fakeProc();
    for (let pid = 300; pid < 310; pid++) writeProcess(pid, 'w', [`/opt/w${pid}`], pid);
    const table = new ProcessTable({ proc, clockTicks: 100, bootTime: 0, maxHeld: 3 });
    expect(table.read('all').map((p) => p.args)).toEqual(Array.from({ length: 10 }, (_, i) => `/opt/w${300 + i}`));
    expect(table.heldDescriptors).toBe(3);
    writeProcess(309, 'w', ['/opt/w309'], 309, 5_000);
    expect(table.read(new Set()).at(-1)?.cpuSeconds).toBeCloseTo(50.03);
    table.close();
  });

  it('on the real /proc: a child is read with its argv, an exec under the same comm is seen when asked, and an exit is noticed', async () => {
    if (process.platform !== 'linux') return; // /proc is Linux's; the Mac reads ps.
    // sh sleeps, then execs another sh (same comm, new argv): what a `python3 a.py` -> `python3 xmrig.py` does.
    // The marker is put together by the shell, so only the exec'd process's argv holds it whole.
    const child = spawn('/bin/sh', ['-c', 'sleep 0.3; exec /bin/sh -c "sleep 30" "lw-$1"', 'outer', 'exec-marker'], {
      stdio: 'ignore',
    });
    try {
      const table = new ProcessTable({ proc: '/proc', clockTicks: 100, bootTime: 0 });
      const pid = child.pid as number;
      const before = table.read('all').find((p) => p.pid === pid);
      expect(before?.argv?.[0]).toBe('/bin/sh');
      expect(before?.args).not.toContain('lw-exec-marker');
      expect(before?.uid).toBe(process.getuid?.());
      expect(table.heldDescriptors).toBeGreaterThan(0);
      let after = before;
      for (let i = 0; i < 50 && !after?.args.includes('lw-exec-marker'); i++) {
        await sleep(100);
        after = table.read(new Set([pid])).find((p) => p.pid === pid);
      }
      expect(after?.args).toContain('lw-exec-marker');
      expect(after?.startedAt).toBe(before?.startedAt);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await sleep(50);
      expect(table.read(new Set()).some((p) => p.pid === pid)).toBe(false);
      table.close();
      expect(table.heldDescriptors).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
