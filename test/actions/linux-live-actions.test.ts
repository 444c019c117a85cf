// The Linux flow live: a unit whose process the test starts, disabled and undone through the command
// line with the same planner, executor and journal as the app; systemctl is a shim (no systemd here).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeShims } from '../support/shims';

const root = join(__dirname, '../..');
const run = promisify(execFile);

describe.runIf(process.platform === 'linux')('disable and undo on Linux, live', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  it('stops the unit, ends its process, quarantines the unit file; undo puts it back byte for byte', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lw-act-home-'));
    const units = join(home, '.config/systemd/user');
    mkdirSync(units, { recursive: true });
    const argv = [process.execPath, join(root, 'test/e2e/programs/idle.mjs'), '--lw-actions-test'];
    const unitText = `[Unit]\nDescription=test\n\n[Service]\nExecStart=${argv.join(' ')}\n\n[Install]\nWantedBy=default.target\n`;
    const unitPath = join(units, 'lw-act.service');
    writeFileSync(unitPath, unitText);
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
    children.push(child);
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise((r) => setTimeout(r, 300));
    const shims = makeShims({
      systemctl: {
        stderr:
          "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n",
        exitCode: 1,
      },
    });
    const state = join(home, 'state');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      LAUNCHWATCH_STATE_DIR: state,
      PATH: `${shims.dir}:${process.env.PATH}`,
    };
    delete env.XDG_CONFIG_HOME;
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', join(root, 'main/cli.ts'), ...args], { env, cwd: root });

    const refused = await cli('disable', 'lw-act.service').catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('pass --yes') });
    expect(existsSync(unitPath)).toBe(true);

    const disabled = await cli('disable', 'lw-act.service', '--yes');
    expect(disabled.stdout).toContain('systemctl --user stop lw-act.service');
    expect(disabled.stdout).toContain(`End what is left of its processes: ${child.pid}`);
    expect(disabled.stdout).toContain('is disabled');
    expect(await exited).toBe('SIGTERM');
    expect(existsSync(unitPath)).toBe(false);
    const quarantined = readdirSync(join(state, 'quarantine')).map((d) =>
      join(state, 'quarantine', d, 'lw-act.service'),
    );
    expect(readFileSync(quarantined[0] as string, 'utf8')).toBe(unitText);
    expect(readFileSync(shims.log, 'utf8')).toContain('systemctl\t--user\tstop\tlw-act.service');
    expect(readFileSync(shims.log, 'utf8')).toContain('systemctl\t--user\tdisable\tlw-act.service');

    expect((await cli('actions')).stdout).toMatch(/done\s+\S+\s+lw-act\.service/);
    const undone = await cli('undo', 'last');
    expect(undone.stdout).toContain('is back at');
    expect(readFileSync(unitPath, 'utf8')).toBe(unitText);
    expect(readFileSync(shims.log, 'utf8')).toContain('systemctl\t--user\tenable\tlw-act.service');
  }, 60_000);
});
