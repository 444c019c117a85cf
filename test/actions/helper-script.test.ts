// assets/launchwatch-helper.sh run for real (POSIX sh) against the model of launchd: it runs the steps
// in order, reports each one's status, stops at the first failure, and refuses any value it would not
// pass on as exactly one argument.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
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
      ['bootout', 'gui/501/com.x\nrm -rf ~'],
      ['bootout', 'gui/501/'],
      ['bootout', `gui/501/${'x'.repeat(4200)}`],
      ['bootout', 'gui/abc/com.x'],
      ['bootout', 'user/501/-x'],
      ['hold', 'relative/path.plist', 'a1'],
      ['hold', '/Library/LaunchAgents/../../etc/passwd', 'a1'],
      ['hold', '/Library/LaunchDaemons/x.plist', '../a1'],
      ['hold', '/Library/LaunchDaemons/x.plist', '-rf'],
      ['unhold', 'a1', '/Library/LaunchDaemons/../x.plist'],
      ['unhold', 'a/1', '/Library/LaunchDaemons/x.plist'],
      ['bootstrap', 'gui/501', '/x.plist'],
      ['terminate', '12 13', '1'],
      // A file copied as root from the user's quarantine is no step: the user's files never choose what root writes.
      ['restore', '/q/x.plist', '/Library/x.plist', '0', '0', '644', '202401020304.05', 'a'.repeat(64)],
      ['frobnicate', 'x'],
    ]) {
      const out = await run(model.env, args);
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr, args.join(' ')).toMatch(/^launchwatch-helper: /);
    }
    expect(model.read().calls).toEqual([]);
  });

  describe('turnon: the Label read by root from the file, then enable and bootstrap', () => {
    const plist = (label: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>${label}</string></dict></plist>\n`;

    it('enables and loads the service the file names, and says the Label it read', async () => {
      const model = launchdModel();
      const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      const path = join(dir, 'com.x.plist');
      writeFileSync(path, plist('com.x.d'));
      model.update((state) => (state.disabled.system = { 'com.x.d': true }));
      const out = await run({ ...model.env, LW_MODEL_ROOT: '1' }, ['turnon', 'system', path]);
      expect(out.code).toBe(0);
      expect(parseHelperOutput(out.stdout)).toEqual([{ status: 0, said: 'label com.x.d' }]);
      expect(model.read().disabled.system).toEqual({ 'com.x.d': false });
      expect(model.read().domains.system?.['com.x.d']?.path).toBe(path);
      // Loaded already (by hand, or by a run cut short): launchd's 5 then print counts as done.
      const again = await run({ ...model.env, LW_MODEL_ROOT: '1' }, ['turnon', 'system', path]);
      expect(again.code).toBe(0);
      expect(parseHelperOutput(again.stdout)[0]?.said).toMatch(
        /^label com\.x\.d\nBootstrap failed: 5: .*\nalready loaded$/s,
      );
    });

    it('passes a Label with spaces and shell syntax on as one argument: launchd takes any string', async () => {
      const model = launchdModel();
      const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      const path = join(dir, 'odd.plist');
      const label = "com.x d;rm -rf ~ $(id) `id` 'q' -rf";
      writeFileSync(path, plist(label));
      const out = await run({ ...model.env, LW_MODEL_ROOT: '1' }, ['turnon', 'system', path]);
      expect(out.code).toBe(0);
      expect(parseHelperOutput(out.stdout)).toEqual([{ status: 0, said: `label ${label}` }]);
      expect(Object.keys(model.read().domains.system ?? {})).toEqual([label]);
      const both = await run({ ...model.env, LW_MODEL_ROOT: '1' }, [
        'bootout',
        `system/${label}`,
        '--',
        'disable',
        `system/${label}`,
      ]);
      expect(both.code).toBe(0);
      expect(model.read().disabled.system).toEqual({ [label]: true });
      expect(model.read().calls.map((c) => c.argv[1])).toContain(`system/${label}`);
    });

    it('enable with a plist enables only the Label that file gives (read by root), so no record names another', async () => {
      const model = launchdModel();
      const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      const path = join(dir, 'com.x.plist');
      writeFileSync(path, plist('com.x.d'));
      model.update((state) => (state.disabled.system = { 'com.x.d': true, 'com.apple.victim': true }));
      const root = { ...model.env, LW_MODEL_ROOT: '1' };
      const other = await run(root, ['enable', 'system/com.apple.victim', path]);
      expect(other.code).toBe(1);
      expect(parseHelperOutput(other.stdout)).toEqual([
        { status: 1, said: `the Label in ${path} is not the one to enable: nothing was enabled` },
      ]);
      const link = join(dir, 'link.plist');
      symlinkSync(path, link);
      const linked = await run(root, ['enable', 'system/com.x.d', link]);
      expect(parseHelperOutput(linked.stdout)[0]?.said).toContain('is not a regular file');
      expect(model.read().calls).toEqual([]);
      expect((await run(root, ['enable', 'system/com.x.d', path])).code).toBe(0);
      expect(model.read().disabled.system).toEqual({ 'com.x.d': false, 'com.apple.victim': true });
    });

    it('loads nothing for a file with no Label launchctl takes, a link, or no file', async () => {
      const model = launchdModel();
      const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      const cases: [string, string][] = [
        ['com.x\trm -rf ~', 'has no Label launchctl takes'],
        ['com.x/../y', 'has no Label launchctl takes'],
        ['', 'has no Label launchctl takes'],
      ];
      for (const [i, [label, said]] of cases.entries()) {
        const path = join(dir, `${i}.plist`);
        writeFileSync(path, plist(label));
        const out = await run({ ...model.env, LW_MODEL_ROOT: '1' }, ['turnon', 'system', path]);
        expect(out.code, label).toBe(1);
        expect(parseHelperOutput(out.stdout)[0]?.said, label).toContain(said);
      }
      const noLabel = join(dir, 'none.plist');
      writeFileSync(noLabel, '<plist version="1.0"><dict><key>Program</key><string>/x</string></dict></plist>');
      const link = join(dir, 'link.plist');
      symlinkSync(join(dir, '0.plist'), link);
      for (const [path, said] of [
        [noLabel, 'has no Label launchctl takes'],
        [link, 'is not a regular file'],
        [join(dir, 'gone.plist'), 'is not a regular file'],
      ] as const) {
        const out = await run({ ...model.env, LW_MODEL_ROOT: '1' }, ['turnon', 'system', path]);
        expect(out.code, path).toBe(1);
        expect(parseHelperOutput(out.stdout)[0]?.said, path).toContain(said);
      }
      for (const args of [
        ['turnon', 'system'],
        ['turnon', 'user/501', join(dir, '0.plist')],
        ['turnon', 'system', 'relative.plist'],
      ]) {
        const out = await run(model.env, args);
        expect(out.code, args.join(' ')).toBe(2);
        expect(out.stderr, args.join(' ')).toContain('turnon needs a domain and a plist path');
      }
      expect(model.read().calls).toEqual([]);
    });
  });

  describe("the administrator's quarantine (hold, unhold)", () => {
    /** A plist in a folder, and the helper's environment with its own administrator's quarantine. */
    function placed(text = '<plist>daemon</plist>') {
      const dir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      const path = join(dir, 'com.x.plist');
      writeFileSync(path, text, { mode: 0o644 });
      utimesSync(path, new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
      const held = join(dir, 'held');
      return { dir, path, held, env: { ...process.env, LAUNCHWATCH_HELD_DIR: held } };
    }

    it('holds a file whole (bytes, mode, time) where only its owner can reach, and puts it back where it was', async () => {
      const { path, held, env } = placed();
      expect((await run(env, ['hold', path, 'a1'])).code).toBe(0);
      expect(existsSync(path)).toBe(false);
      expect(readFileSync(join(held, 'a1/file'), 'utf8')).toBe('<plist>daemon</plist>');
      expect(statSync(join(held, 'a1')).mode & 0o777).toBe(0o700);
      expect((await run(env, ['unhold', 'a1', path])).code).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe('<plist>daemon</plist>');
      expect(statSync(path).mode & 0o777).toBe(0o644);
      expect(statSync(path).mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
      expect(existsSync(join(held, 'a1'))).toBe(false);
    });

    it('puts a held file back only where it was taken from, and never over something there', async () => {
      const { dir, path, held, env } = placed();
      await run(env, ['hold', path, 'a1']);
      const elsewhere = await run(env, ['unhold', 'a1', join(dir, 'other.plist')]);
      expect(elsewhere.code).toBe(1);
      expect(parseHelperOutput(elsewhere.stdout)[0]?.said).toContain(`was taken from ${path}, not`);
      writeFileSync(path, 'written since');
      const occupied = await run(env, ['unhold', 'a1', path]);
      expect(occupied.code).toBe(1);
      expect(parseHelperOutput(occupied.stdout)[0]?.said).toContain(`something is already at ${path}`);
      expect(readFileSync(path, 'utf8')).toBe('written since');
      expect(readFileSync(join(held, 'a1/file'), 'utf8')).toBe('<plist>daemon</plist>');
      const none = await run(env, ['unhold', 'b2', path]);
      expect(parseHelperOutput(none.stdout)[0]?.said).toContain('holds no file for b2');
    });

    it('a second hold for the same action keeps both files; the first is what goes back', async () => {
      const { path, held, env } = placed();
      await run(env, ['hold', path, 'a1']);
      writeFileSync(path, 'written again');
      expect((await run(env, ['hold', path, 'a1'])).code).toBe(0);
      const again = readdirSync(join(held, 'a1')).filter((n) => n.startsWith('file.again-'));
      expect(again.map((n) => readFileSync(join(held, 'a1', n), 'utf8'))).toEqual(['written again']);
      expect((await run(env, ['hold', path, 'a1'])).code).toBe(0);
      expect((await run(env, ['unhold', 'a1', path])).code).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe('<plist>daemon</plist>');
    });

    it('a link at the path is removed, never followed: what it points at stays where it is', async () => {
      const { dir, path, held, env } = placed();
      writeFileSync(join(dir, 'target'), 'pointed at');
      rmSync(path);
      symlinkSync(join(dir, 'target'), path);
      expect((await run(env, ['hold', path, 'a1'])).code).toBe(0);
      expect(existsSync(path)).toBe(false);
      expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('pointed at');
      expect(existsSync(join(held, 'a1/file'))).toBe(false);
    });
  });
});
