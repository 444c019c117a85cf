// The executor against a temporary tree, with launchctl and systemctl shims that record their argv.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import { localRunner } from '../../main/actions/runners';
import type { ItemResult, LaunchItem } from '../../main/engine/model';
import { PLIST, setup } from '../support/executor-setup';
import { makeShims } from '../support/shims';

describe('the executor', () => {
  it('disables: runs the approved steps in order, then the plist is in quarantine byte for byte', async () => {
    const { plistPath, service, result, calls } = setup();
    const outcome = service.plan(result);
    expect(outcome.ok).toBe(true);
    const done = await service.approvePlan(outcome.planId as string);
    expect(done.ok).toBe(true);
    expect(calls()).toEqual(['launchctl bootout gui/501/com.evil.miner', 'launchctl disable gui/501/com.evil.miner']);
    expect(existsSync(plistPath)).toBe(false);
    const backup = done.record.backup!;
    expect(readFileSync(backup.backupPath)).toEqual(PLIST);
    expect(backup).toMatchObject({ originalPath: plistPath, mode: 0o640, size: PLIST.length });
    expect(service.actions()[0]).toMatchObject({
      status: 'done',
      steps: [{ status: 'done' }, { status: 'done' }, { status: 'done' }],
    });
    // A plan runs once.
    await expect(service.approvePlan(outcome.planId as string)).rejects.toThrow(/no longer waiting/);
  });

  it('undo restores the file byte for byte with its mode, then enables before bootstrapping', async () => {
    const { plistPath, service, result, calls } = setup();
    const outcome = service.plan(result);
    await service.approvePlan(outcome.planId as string);
    const undone = await service.undo('last');
    expect(undone.ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
    expect(statSync(plistPath).mode & 0o777).toBe(0o640);
    expect(calls().slice(2)).toEqual([
      'launchctl enable gui/501/com.evil.miner',
      `launchctl bootstrap gui/501 ${plistPath}`,
    ]);
    expect(service.actions()[0]?.status).toBe('undone');
    await expect(service.undo('last')).rejects.toThrow(/no disabled item/);
  });

  it('treats "Boot-out failed: 3: No such process" as a step already done', async () => {
    const { service, result, plistPath } = setup({
      launchctl: { script: `case "$1" in bootout) echo 'Boot-out failed: 3: No such process' >&2; exit 3 ;; esac` },
    });
    const done = await service.approvePlan(service.plan(result).planId as string);
    expect(done.ok).toBe(true);
    expect(done.record.steps[0]).toMatchObject({
      kind: 'bootout',
      status: 'done',
      output: expect.stringContaining('already unloaded (Boot-out failed: 3: No such process)'),
    });
    expect(existsSync(plistPath)).toBe(false);
  });

  it("rolls back and reports launchctl's own words when a step fails; the plist stays", async () => {
    const { plistPath, service, result } = setup({
      launchctl: {
        stderr: 'Boot-out failed: 150: Operation not permitted while System Integrity Protection is engaged\n',
        exitCode: 150,
      },
    });
    const plan = service.plan(result);
    const done = await service.approvePlan(plan.planId as string);
    expect(done.ok).toBe(false);
    expect(done.message).toContain('Operation not permitted while System Integrity Protection is engaged');
    expect(readFileSync(plistPath)).toEqual(PLIST);
    expect(service.actions()[0]?.status).toBe('rolled-back');
  });

  it('refuses to undo over a different file that appeared at the same path', async () => {
    const { plistPath, service, result } = setup();
    await service.approvePlan(service.plan(result).planId as string);
    writeFileSync(plistPath, 'reinstalled by the malware');
    const undone = await service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain('a different file is already at');
    expect(readFileSync(plistPath, 'utf8')).toBe('reinstalled by the malware');
  });
});

describe('the executor, harder paths', () => {
  it('rolls back the steps that had finished when a later one fails: bootout is undone by bootstrap', async () => {
    const { plistPath, service, result, calls } = setup({
      launchctl: {
        script: `case "$1" in disable) echo 'Could not disable: 1: Operation not permitted' >&2; exit 1 ;; esac`,
      },
    });
    const done = await service.approvePlan(service.plan(result).planId as string);
    expect(done.ok).toBe(false);
    expect(done.message).toContain('Could not disable: 1: Operation not permitted');
    expect(calls()).toEqual([
      'launchctl bootout gui/501/com.evil.miner',
      'launchctl disable gui/501/com.evil.miner',
      `launchctl bootstrap gui/501 ${plistPath}`,
    ]);
    expect(done.record.steps.map((s) => s.status)).toEqual(['rolled-back', 'failed', 'pending']);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });

  it('runs root-owned file steps through the administrator runner, restoring through a temporary file and one rename', async () => {
    const { root } = setup();
    const daemons = join(root, 'Library/LaunchDaemons');
    mkdirSync(daemons, { recursive: true });
    const plistPath = join(daemons, 'com.evil.d.plist');
    writeFileSync(plistPath, PLIST);
    chmodSync(plistPath, 0o644);
    const admin: string[] = [];
    const local = localRunner({ ...process.env, PATH: `${makeShims({ launchctl: {} }).dir}:/usr/bin:/bin` });
    const runner = {
      run: async (argv: string[], options: { admin: boolean; reason: string }) => {
        if (options.admin) admin.push(argv.join(' '));
        // As root here, the "administrator" commands simply run.
        return argv[0] === 'launchctl'
          ? local.run(argv, options)
          : local.run(
              argv.map((a) => (a === '/usr/sbin/chown' ? 'chown' : a)),
              options,
            );
      },
    };
    const service = new ActionService({
      stateDir: join(root, 'state2'),
      runner,
      processes: { isSame: async () => false, signal: async () => undefined },
      uid: 501,
      isRoot: false,
    });
    const item = {
      id: plistPath,
      label: 'com.evil.d',
      plistPath,
      kind: 'LaunchDaemon',
      scope: 'system',
      program: '/x',
      arguments: ['/x'],
      problems: [],
    } as unknown as LaunchItem;
    const outcome = service.plan({ item, processes: [] } as unknown as ItemResult);
    expect(outcome.ok && outcome.plan.needsAdmin).toBe(true);
    const done = await service.approvePlan(outcome.planId as string);
    expect(done.ok).toBe(true);
    expect(admin).toEqual([
      'launchctl bootout system/com.evil.d',
      'launchctl disable system/com.evil.d',
      `/bin/rm -f ${plistPath}`,
    ]);
    expect(existsSync(plistPath)).toBe(false);
    admin.length = 0;
    expect((await service.undo('last')).ok).toBe(true);
    const temp = join(daemons, '.launchwatch-restore-com.evil.d.plist.tmp');
    expect(admin.slice(0, 4)).toEqual([
      `/bin/cp ${done.record.backup!.backupPath} ${temp}`,
      `/usr/sbin/chown 0:0 ${temp}`,
      `/bin/chmod 644 ${temp}`,
      `/bin/mv -f ${temp} ${plistPath}`,
    ]);
    expect(readFileSync(plistPath)).toEqual(PLIST);
    expect(existsSync(temp)).toBe(false);
  });

  it('ends what is left of the process tree, and only the processes it planned for', async () => {
    const { result } = setup();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    const signals: [number, string][] = [];
    const live = new ActionService({
      stateDir: join(setup().root, 'state3'),
      runner: localRunner({ ...process.env, PATH: `${makeShims({ launchctl: {} }).dir}:/usr/bin:/bin` }),
      uid: 501,
      isRoot: false,
      stopGraceMs: 2000,
      processes: {
        isSame: async (pid) => pid === child.pid && child.exitCode === null && child.signalCode === null,
        signal: async (pid, signal) => {
          signals.push([pid, signal]);
          process.kill(pid, signal);
        },
      },
    });
    const plan = live.plan({
      ...result,
      processes: [{ pid: child.pid!, ppid: 1, args: 'node', startedAt: Date.now() }],
    } as unknown as ItemResult);
    expect(plan.ok && plan.plan.steps.map((s) => s.kind)).toContain('stop-processes');
    expect((await live.approvePlan(plan.planId as string)).ok).toBe(true);
    expect(await exited).toBe('SIGTERM');
    expect(signals).toEqual([[child.pid, 'SIGTERM']]);
  });
});
