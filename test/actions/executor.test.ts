// The executor against a model of launchd that answers as a real Mac does (test/support/launchctl-model.mjs:
// 36 for a slow exit, 5 for seconds after a bootout, 119 for a disabled service, 113 from print), and
// against the files on disk: every test checks launchd's final state in the model and the file's
// bytes, mode and time.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import type { ItemResult, LaunchItem } from '../../main/engine/model';
import { agentItem, damageRecord, PLIST, plistFor, setup } from '../support/executor-setup';
import { launchdModel } from '../support/launchd-model';

const mutating = (calls: { argv: string[] }[]) =>
  calls.filter((c) => !['print', 'print-disabled'].includes(c.argv[0] as string)).map((c) => c.argv.join(' '));

/** A root daemon in /Library/LaunchDaemons (of the test's tree), loaded, then disabled with the administrator. */
async function disabledDaemon() {
  const context = setup({ loaded: false });
  const daemons = join(context.root, 'Library/LaunchDaemons');
  mkdirSync(daemons, { recursive: true });
  const plistPath = join(daemons, 'com.evil.d.plist');
  writeFileSync(plistPath, plistFor('com.evil.d'));
  chmodSync(plistPath, 0o644);
  utimesSync(plistPath, new Date('2024-05-06T07:08:09Z'), new Date('2024-05-06T07:08:09Z'));
  context.model.load('system', 'com.evil.d', plistPath);
  const item = agentItem(plistPath, 'com.evil.d', { kind: 'LaunchDaemon', scope: 'system' });
  const plan = context.service.plan({ item, processes: [] } as unknown as ItemResult);
  expect(plan.ok && plan.plan).toMatchObject({ needsAdmin: true, adminPrompts: 1 });
  const done = await context.service.approvePlan(plan.planId as string);
  return { context, plistPath, daemons, done };
}

async function disable(context: ReturnType<typeof setup>, result = context.result) {
  const plan = context.service.plan(result);
  expect(plan.ok, plan.ok ? '' : plan.refusal).toBe(true);
  return context.service.approvePlan(plan.planId as string);
}

describe('disable and undo against a model of launchd', () => {
  it('a user agent: unloaded, disabled and quarantined; undo puts back bytes, mode and time, and launchd loads it', async () => {
    const context = setup();
    const { plistPath, service, model } = context;
    utimesSync(plistPath, new Date('2025-01-02T03:04:05Z'), new Date('2025-01-02T03:04:05Z'));
    const done = await disable(context);
    expect(done.ok, done.message).toBe(true);
    expect(model.read().domains['gui/501']).toEqual({});
    expect(model.read().disabled['gui/501']).toEqual({ 'com.evil.miner': true });
    expect(existsSync(plistPath)).toBe(false);
    expect(readFileSync(done.record.backup!.backupPath)).toEqual(PLIST);
    expect(mutating(model.read().calls)).toEqual(['bootout gui/501/com.evil.miner', 'disable gui/501/com.evil.miner']);
    expect(done.record.steps.find((s) => s.kind === 'bootout')?.output).toContain('confirmed: not loaded');

    const undone = await service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    expect(undone.message).toMatch(/loaded again \(launchd confirms it\)/);
    expect(readFileSync(plistPath)).toEqual(PLIST);
    expect(statSync(plistPath).mode & 0o777).toBe(0o640);
    expect(statSync(plistPath).mtime.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(model.read().domains['gui/501']?.['com.evil.miner']?.path).toBe(plistPath);
    expect(model.read().disabled['gui/501']).toEqual({ 'com.evil.miner': false });
    // enable before bootstrap: launchd refuses to bootstrap a disabled service (119).
    expect(mutating(model.read().calls).slice(2)).toEqual([
      'enable gui/501/com.evil.miner',
      `bootstrap gui/501 ${plistPath}`,
    ]);
  });

  it('a service slow to exit (36): the executor waits until launchd confirms it is gone', async () => {
    const context = setup({ slowExitMs: 1500 });
    const started = Date.now();
    const done = await disable(context);
    expect(done.ok, done.message).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(done.record.steps.find((s) => s.kind === 'bootout')?.output).toMatch(
      /36: Operation now in progress[\s\S]*confirmed: not loaded/,
    );
    expect(context.model.read().domains['gui/501']).toEqual({});
  });

  it('a bootstrap that fails with 5 for three seconds after the bootout: undo retries and reports success only once loaded', async () => {
    const context = setup({ settleMs: 3000 });
    expect((await disable(context)).ok).toBe(true);
    const started = Date.now();
    const undone = await context.service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    const bootstraps = context.model.read().calls.filter((c) => c.argv[0] === 'bootstrap');
    expect(bootstraps.length).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(context.model.read().domains['gui/501']?.['com.evil.miner']).toBeDefined();
  }, 30_000);

  it('undo of an item already loaded again by hand: nothing is bootstrapped twice, and undo says it is loaded', async () => {
    const context = setup();
    const done = await disable(context);
    // The user put the plist back and loaded it themselves.
    writeFileSync(context.plistPath, PLIST);
    chmodSync(context.plistPath, 0o640);
    context.model.update((s) => (s.disabled['gui/501'] = { 'com.evil.miner': false }));
    context.model.load('gui/501', 'com.evil.miner', context.plistPath);
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok, undone.message).toBe(true);
    expect(context.model.read().calls.filter((c) => c.argv[0] === 'bootstrap')).toEqual([]);
    expect(undone.record?.undoSteps?.find((s) => s.kind === 'bootstrap')?.output).toBe('already loaded');
  });

  it('undo says exactly what is left when launchd will not load the item within 15 s', async () => {
    // launchd keeps answering 5 (headroomlabs-ai/headroom#1289 measured ~5 s; here it never stops).
    const context = setup({ settleMs: 120_000 });
    const done = await disable(context);
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toMatch(/Bootstrap failed: 5: Input\/output error/);
    expect(undone.message).toContain(`What is left to do: launchctl bootstrap gui/501 ${context.plistPath}.`);
    expect(undone.message).toContain(`The file at ${context.plistPath} is in place.`);
    expect(readFileSync(context.plistPath)).toEqual(PLIST);
    expect(context.model.read().domains['gui/501']).toEqual({});
    expect(context.service.actions()[0]?.status).toBe('done');
  }, 40_000);

  it('a root daemon: one administrator prompt for the disable and one for the undo', async () => {
    const { context, plistPath, daemons, done } = await disabledDaemon();
    expect(done.ok, done.message).toBe(true);
    expect(context.runner.prompts).toBe(1);
    expect(existsSync(plistPath)).toBe(false);
    // Moved, not copied, into the administrator's quarantine: bytes, mode and time as they were.
    const held = join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id);
    expect(readFileSync(join(held, 'file'))).toEqual(plistFor('com.evil.d'));
    expect(statSync(join(held, 'file')).mode & 0o777).toBe(0o644);
    expect(statSync(join(held, 'file')).mtime.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(readFileSync(join(held, 'origin'), 'utf8')).toBe(`${plistPath}\n`);
    expect(context.model.read().domains.system).toEqual({});
    expect(context.model.read().disabled.system).toEqual({ 'com.evil.d': true });
    // Without the administrator, launchd refuses changes to the system domain.
    expect(
      context.model
        .read()
        .calls.filter((c) => c.argv[0] !== 'print' && c.argv[0] !== 'print-disabled')
        .every((c) => c.root),
    ).toBe(true);

    const undone = await context.service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    expect(context.runner.prompts).toBe(2);
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d'));
    expect(statSync(plistPath).mode & 0o777).toBe(0o644);
    expect(statSync(plistPath).mtime.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(existsSync(join(daemons, '.launchwatch-restore-com.evil.d.plist.tmp'))).toBe(false);
    expect(existsSync(held)).toBe(false);
    expect(context.model.read().domains.system?.['com.evil.d']).toBeDefined();
  });

  // The user's quarantine and journal are files whatever runs as the user can rewrite, and the Undo of a daemon runs
  // as root: were they to decide what goes back, a user's program could have a daemon of its own loaded as root.
  it("a root daemon whose user-side copy and record were rewritten: Undo puts back the administrator's copy", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    const evil = plistFor('com.evil.d.root-shell');
    const recordPath = join(context.root, 'state/actions', `${done.record.id}.json`);
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    writeFileSync(record.backup.backupPath, evil);
    record.backup.sha256 = createHash('sha256').update(evil).digest('hex');
    writeFileSync(recordPath, JSON.stringify(record));
    const undone = await context.service.undo('last');
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d'));
    expect(undone.message).toContain("The file put back is the one the administrator's quarantine held");
    expect(context.model.read().domains.system?.['com.evil.d']).toBeDefined();
  });

  it("a root daemon's Undo cut short after its file was moved back: the next Undo loads it", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    // What the helper's unhold did before the kill: the held file moved back to its place.
    renameSync(join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id, 'file'), plistPath);
    const undone = await context.service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d'));
    expect(context.model.read().domains.system?.['com.evil.d']).toBeDefined();
  });

  // A record made to look as if an earlier Launchwatch wrote it (no file held by the administrator), and to name
  // another place: were Undo to fall back to the user's copy, a user's program could choose what root writes where.
  it.each([
    [
      'as an earlier version wrote it',
      (record: { backup: Record<string, unknown> }) => delete record.backup.heldByAdmin,
    ],
    [
      'naming another place',
      (record: { backup: Record<string, unknown> }) => {
        delete record.backup.heldByAdmin;
        record.backup.originalPath = String(record.backup.originalPath).replace('com.evil.d', 'com.evil.other');
      },
    ],
  ])(
    "a root daemon's record %s, with no file held by the administrator: nothing is written as root, the way back is said",
    async (_what, edit) => {
      const { context, plistPath, done } = await disabledDaemon();
      const recordPath = join(context.root, 'state/actions', `${done.record.id}.json`);
      const record = JSON.parse(readFileSync(recordPath, 'utf8'));
      edit(record);
      writeFileSync(recordPath, JSON.stringify(record));
      const prompts = context.runner.prompts;
      const undone = await context.service.undo('last');
      expect(undone.ok).toBe(false);
      expect(undone.message).toContain("the administrator's quarantine holds no file for");
      expect(undone.message).toContain(`check it and put it back with: sudo cp '${record.backup.backupPath}'`);
      expect(context.runner.prompts).toBe(prompts);
      expect(existsSync(plistPath)).toBe(false);
      expect(existsSync(record.backup.originalPath)).toBe(false);
      // The held file stays where it is, for an Undo of the record as it was.
      expect(existsSync(join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id, 'file'))).toBe(true);
    },
  );

  it("an administrator's Undo never has root enable a label the user's journal was edited to name", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    // Anything running as the user can rewrite the journal: here to have root enable a job the administrator disabled.
    const path = join(context.root, 'state/actions', `${done.record.id}.json`);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.plan.label = 'com.apple.victim';
    for (const step of json.plan.steps) if (step.argv?.[0] === 'launchctl') step.argv[2] = 'system/com.apple.victim';
    writeFileSync(path, JSON.stringify(json));
    context.model.update((s) => (s.disabled.system = { ...s.disabled.system, 'com.apple.victim': true }));
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain(`the Label in ${plistPath} is not the one to enable: nothing was enabled`);
    expect(context.model.read().disabled.system).toEqual({ 'com.evil.d': true, 'com.apple.victim': true });
    expect(mutating(context.model.read().calls.filter((c) => c.argv[1]?.includes('victim')))).toEqual([]);
    // The file root held is back where it was taken from; what is left is said.
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d'));

    // And a record naming another file to load than the one root put back is refused before any prompt.
    const second = await disabledDaemon();
    const secondPath = join(second.context.root, 'state/actions', `${second.done.record.id}.json`);
    const edited = JSON.parse(readFileSync(secondPath, 'utf8'));
    edited.plan.plistPath = '/System/Library/LaunchDaemons/com.apple.victim.plist';
    writeFileSync(secondPath, JSON.stringify(edited));
    const prompts = second.context.runner.prompts;
    const refused = await second.context.service.undo(second.done.record.id);
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('the record names two files');
    expect(second.context.runner.prompts).toBe(prompts);
  });

  it("a root daemon's damaged record with its user copy gone: root's held file goes back, enabled and loaded", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    rmSync(done.record.backup!.backupPath);
    damageRecord(context.root, done.record.id);
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok, undone.message).toBe(true);
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d'));
    expect(statSync(plistPath).mtime.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(context.model.read().domains.system?.['com.evil.d']?.path).toBe(plistPath);
    expect(context.model.read().disabled.system).toEqual({ 'com.evil.d': false });
    // One prompt for the disable and one for the Undo: root moves the file back, reads its Label from it (the
    // record's is the user's to write) and enables and loads that, in one helper run.
    expect(context.runner.prompts).toBe(2);
    expect(
      context.model
        .read()
        .calls.filter((c) => c.root && c.argv[0] !== 'print')
        .map((c) => c.argv.join(' ')),
    ).toEqual([
      'bootout system/com.evil.d',
      'disable system/com.evil.d',
      'enable system/com.evil.d',
      `bootstrap system ${plistPath}`,
    ]);
  });

  it("a root daemon's damaged record whose held file has no Label launchctl takes: put back, not loaded, and said", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    const held = join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id, 'file');
    writeFileSync(held, plistFor('com.evil.d\trm -rf ~'));
    damageRecord(context.root, done.record.id, (json) => {
      delete json.backup.sha256;
    });
    const before = context.model.read().calls.length;
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain(`is back at ${plistPath}`);
    expect(undone.message).toContain('has no Label launchctl takes');
    expect(undone.message).toContain(
      `What is left to do: launchctl enable system/<its Label> && launchctl bootstrap system '${plistPath}'`,
    );
    expect(readFileSync(plistPath)).toEqual(plistFor('com.evil.d\trm -rf ~'));
    expect(context.runner.prompts).toBe(2);
    expect(mutating(context.model.read().calls.slice(before))).toEqual([]);
  });

  it("a root daemon's damaged record, its file already back and loaded by hand: undone with no prompt", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    renameSync(join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id, 'file'), plistPath);
    context.model.update((s) => (s.disabled.system = { 'com.evil.d': false }));
    context.model.load('system', 'com.evil.d', plistPath);
    damageRecord(context.root, done.record.id);
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok, undone.message).toBe(true);
    expect(context.runner.prompts).toBe(1);
  });

  it("a damaged record's words cannot have a file in the user's folders loaded by root", async () => {
    const context = setup();
    const done = await disable(context);
    const elsewhere = join(context.root, 'Users/alice/evil/LaunchDaemons');
    damageRecord(context.root, done.record.id, (json) => {
      json.backup.originalPath = join(elsewhere, 'com.evil.miner.plist');
      json.plan.needsAdmin = false;
    });
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain("the administrator's quarantine holds no file for");
    expect(context.runner.prompts).toBe(0);
    expect(existsSync(elsewhere)).toBe(false);
    expect(context.model.read().calls.filter((c) => c.root)).toEqual([]);
  });

  it("a damaged record's Undo whose password is not given: nothing moved, and the message says where the file is", async () => {
    const { context, plistPath, done } = await disabledDaemon();
    damageRecord(context.root, done.record.id);
    const run = context.runner.run.bind(context.runner);
    // The password prompt cancelled: @vscode/sudo-prompt fails with "User did not grant permission." (its
    // PERMISSION_DENIED), which macRunner (runners.ts) turns into this problem.
    context.runner.run = async (argv, options) =>
      options.admin
        ? { code: 1, stdout: '', stderr: '', problem: 'the administrator password was not given' }
        : run(argv, options);
    const undone = await context.service.undo(done.record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain('putting the file back failed: the administrator password was not given');
    expect(existsSync(plistPath)).toBe(false);
    expect(existsSync(join(context.env.LAUNCHWATCH_HELD_DIR as string, done.record.id, 'file'))).toBe(true);
    expect(context.model.read().disabled.system).toEqual({ 'com.evil.d': true });
    // The record stays as it was, for another Undo.
    expect(existsSync(join(context.root, 'state/actions', `${done.record.id}.json`))).toBe(true);
  });

  it('an agent whose Label has spaces and shell syntax (launchd takes any string): disabled and undone all the same', async () => {
    const label = "com.evil miner;touch pwned $(id) 'q'";
    const context = setup({ loaded: false });
    const plistPath = join(context.root, 'Users/alice/Library/LaunchAgents/odd.plist');
    writeFileSync(plistPath, plistFor(label.replace(/'/g, '&apos;')));
    context.model.load('gui/501', label, plistPath);
    const item = agentItem(plistPath, label);
    const done = await disable(context, { item, processes: [] } as unknown as ItemResult);
    expect(done.ok, done.message).toBe(true);
    expect(context.model.read().domains['gui/501']).toEqual({});
    expect(context.model.read().disabled['gui/501']).toEqual({ [label]: true });
    const undone = await context.service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    expect(context.model.read().domains['gui/501']?.[label]?.path).toBe(plistPath);
    expect(context.model.read().disabled['gui/501']).toEqual({ [label]: false });
    expect(mutating(context.model.read().calls)).toEqual([
      `bootout gui/501/${label}`,
      `disable gui/501/${label}`,
      `enable gui/501/${label}`,
      `bootstrap gui/501 ${plistPath}`,
    ]);
    expect(existsSync(join(context.root, 'pwned'))).toBe(false);
  });

  it('an interpreter-run agent (/bin/bash -c) can be disabled, although bash is signed by Apple', async () => {
    const context = setup();
    const item = agentItem(context.plistPath, 'com.evil.miner', {
      program: '/bin/bash',
      arguments: ['/bin/bash', '-c', 'curl x | sh'],
    });
    const signing = { path: '/bin/bash', status: 'apple', authorities: ['Software Signing'] };
    const done = await disable(context, { item, processes: [], signing } as unknown as ItemResult);
    expect(done.ok, done.message).toBe(true);
    expect(context.model.read().domains['gui/501']).toEqual({});
  });

  it('an app-bundle agent: booted out and disabled, no file inside the app changed; undo enables and bootstraps it', async () => {
    const context = setup({ loaded: false });
    const bundleAgents = join(context.root, 'Applications/Tool.app/Contents/Library/LaunchAgents');
    mkdirSync(bundleAgents, { recursive: true });
    const plistPath = join(bundleAgents, 'com.tool.helper.plist');
    writeFileSync(plistPath, plistFor('com.tool.helper'));
    context.model.load('gui/501', 'com.tool.helper', plistPath);
    const item = agentItem(plistPath, 'com.tool.helper', { scope: 'app-bundle' });
    const plan = context.service.plan({ item, processes: [] } as unknown as ItemResult);
    expect(plan.ok && plan.plan.keepsFile).toBe(true);
    expect(plan.ok && plan.plan.steps.map((s) => s.kind)).toEqual(['bootout', 'disable', 'note']);
    expect(plan.ok && plan.plan.steps.at(-1)?.description).toMatch(
      /No file inside the app is changed[\s\S]*Login Items & Extensions/,
    );
    const done = await context.service.approvePlan(plan.planId as string);
    expect(done.ok, done.message).toBe(true);
    expect(readFileSync(plistPath)).toEqual(plistFor('com.tool.helper'));
    expect(done.record.backup).toBeUndefined();
    expect(context.model.read().disabled['gui/501']).toEqual({ 'com.tool.helper': true });
    const undone = await context.service.undo('last');
    expect(undone.ok, undone.message).toBe(true);
    expect(context.model.read().domains['gui/501']?.['com.tool.helper']).toBeDefined();
    expect(context.model.read().disabled['gui/501']).toEqual({ 'com.tool.helper': false });
  });

  it('treats "Boot-out failed: 3: No such process" as done once launchd confirms the service is not loaded', async () => {
    const context = setup({ loaded: false });
    const done = await disable(context);
    expect(done.ok, done.message).toBe(true);
    expect(done.record.steps.find((s) => s.kind === 'bootout')?.output).toMatch(/3: No such process/);
  });

  it('rolls back when launchd never lets go: the service is loaded and enabled again, the plist stays', async () => {
    const context = setup({ slowExitMs: 60_000 });
    const short = new ActionService({
      stateDir: join(context.root, 'state-short'),
      runner: context.runner,
      processes: { isSame: async () => false, signal: async () => undefined },
      uid: 501,
      isRoot: false,
      confirmTimeoutMs: 800,
    });
    const plan = short.plan(context.result);
    const done = await short.approvePlan(plan.planId as string);
    expect(done.ok).toBe(false);
    expect(done.message).toMatch(/still has gui\/501\/com.evil.miner loaded/);
    expect(done.record.status).toBe('rolled-back');
    expect(readFileSync(context.plistPath)).toEqual(PLIST);
    expect(context.model.read().disabled['gui/501']).toEqual({ 'com.evil.miner': false });
  });

  it('refuses to undo over a different file that appeared at the same path', async () => {
    const context = setup();
    await disable(context);
    writeFileSync(context.plistPath, 'something else');
    const undone = await context.service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toMatch(/a different file is already at/);
    expect(readFileSync(context.plistPath, 'utf8')).toBe('something else');
  });

  it('both forms of print-disabled confirm the disable', async () => {
    const context = setup({ model: launchdModel({ printDisabledForm: 'words' }) });
    expect((await disable(context)).ok).toBe(true);
  });

  it('ends what is left of the process tree, and only the processes it planned for', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    const signals: [number, string][] = [];
    const context = setup({
      processes: {
        isSame: async (pid) => pid === child.pid && child.exitCode === null && child.signalCode === null,
        signal: async (pid, signal) => {
          signals.push([pid, signal]);
          process.kill(pid, signal);
        },
      },
    });
    const result = {
      ...context.result,
      processes: [{ pid: child.pid!, ppid: 1, args: 'node', startedAt: Date.now() }],
    };
    const done = await disable(context, result as unknown as ItemResult);
    expect(done.ok, done.message).toBe(true);
    expect(await exited).toBe('SIGTERM');
    expect(signals).toEqual([[child.pid, 'SIGTERM']]);
  });

  it('the Apple rule reads the property list: under /System is refused, an Apple-signed tool is not enough', () => {
    const context = setup();
    const refuse = (item: Partial<LaunchItem>, status = 'apple') =>
      context.service.plan({
        item: agentItem('/x.plist', 'com.x', item),
        processes: [],
        signing: { status, authorities: [] },
      } as unknown as ItemResult);
    expect(refuse({ plistPath: '/System/Library/LaunchAgents/com.apple.x.plist', label: 'com.apple.x' })).toMatchObject(
      { ok: false, refusal: expect.stringMatching(/System Integrity Protection/) },
    );
    expect(
      refuse({
        plistPath: '/Library/Apple/System/Library/LaunchDaemons/com.apple.y.plist',
        label: 'com.apple.y',
        program: '/usr/libexec/y',
      }),
    ).toMatchObject({ ok: false });
    // An Apple label in the user's folder, or an Apple tool run from Apple's folder, is not Apple's own.
    expect(
      refuse({
        plistPath: '/Users/a/Library/LaunchAgents/com.apple.z.plist',
        label: 'com.apple.z',
        program: '/usr/libexec/z',
      }).ok,
    ).toBe(true);
    expect(
      refuse({
        plistPath: '/Library/Apple/System/Library/LaunchDaemons/com.apple.w.plist',
        label: 'com.apple.w',
        program: '/usr/bin/python3',
      }).ok,
    ).toBe(true);
    for (const program of [
      '/bin/sh',
      '/bin/zsh',
      '/usr/bin/osascript',
      '/usr/bin/ruby',
      '/usr/bin/perl',
      '/usr/bin/caffeinate',
      '/usr/bin/nice',
      '/usr/bin/open',
    ]) {
      expect(
        refuse({ plistPath: '/Library/LaunchAgents/com.miner.plist', label: 'com.miner', program }).ok,
        program,
      ).toBe(true);
    }
  });
});
