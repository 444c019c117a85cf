// assets/launchwatch-helper.sh run for real (POSIX sh) against the model of launchd: it runs the steps
// in order, reports each one's status, stops at the first failure, and refuses any value it would not
// pass on as exactly one argument.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseHelperOutput } from '../../main/actions/launchd-steps';
import { launchdModel } from '../support/launchd-model';

const helper = join(__dirname, '../../assets/launchwatch-helper.sh');

async function run(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('/bin/sh', [helper, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('assets/launchwatch-helper.sh', () => {
  it('runs the steps in order and reports each, counting 3 and 36 from bootout as done', async () => {
    const model = launchdModel();
    const out = await run({ ...model.env, LW_MODEL_ROOT: '1' }, [
      'bootout',
      'system/com.gone',
      '--',
      'disable',
      'system/com.gone',
    ]);
    expect(out.code).toBe(0);
    expect(parseHelperOutput(out.stdout)).toEqual([
      { status: 0, said: 'Boot-out failed: 3: No such process' },
      { status: 0, said: '' },
    ]);
    expect(model.read().disabled.system).toEqual({ 'com.gone': true });
  });

  it('stops at the first failure: launchd refuses the system domain to a user', async () => {
    const model = launchdModel();
    model.load('system', 'com.d', '/Library/LaunchDaemons/com.d.plist');
    const out = await run(model.env, ['bootout', 'system/com.d', '--', 'disable', 'system/com.d']);
    expect(out.code).toBe(1);
    expect(parseHelperOutput(out.stdout)).toEqual([{ status: 1, said: 'Boot-out failed: 1: Operation not permitted' }]);
    expect(model.read().calls.map((c) => c.argv[0])).toEqual(['bootout']);
  });

  it('refuses values it will not pass on, before running anything', async () => {
    const model = launchdModel();
    for (const args of [
      ['bootout', 'gui/501/com.x;rm -rf ~'],
      ['bootout', 'gui/abc/com.x'],
      ['bootout', 'user/501/-x'],
      ['remove', 'relative/path.plist'],
      ['remove', '/Library/LaunchAgents/../../etc/passwd'],
      ['bootstrap', 'gui/501', '/x.plist'],
      ['terminate', '12 13', '1'],
      ['restore', '/q/x.plist', '/Library/x.plist', '0', '0', '644', '2024;rm'],
      ['frobnicate', 'x'],
    ]) {
      const out = await run(model.env, args);
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr, args.join(' ')).toMatch(/^launchwatch-helper: /);
    }
    expect(model.read().calls).toEqual([]);
  });

  it('restores a file beside its place with owner, mode and time, then one rename', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
    const copy = join(dir, 'copy.plist');
    const target = join(dir, 'target.plist');
    writeFileSync(copy, '<plist>back</plist>');
    const out = await run(process.env, [
      'restore',
      copy,
      target,
      String(process.getuid?.() ?? 0),
      String(process.getgid?.() ?? 0),
      '640',
      '202401020304.05',
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('<plist>back</plist>');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(statSync(target).mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(existsSync(join(dir, '.launchwatch-restore-target.plist.tmp'))).toBe(false);
  });
});
