// Nothing the user owns is lost, and the user is told the truth, when the disk fills, the journal is
// damaged, the quarantine is tampered with, a kill leaves litter, or two Launchwatch processes meet.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import { io, TEMP_PREFIX, writeFileAtomic } from '../../main/actions/atomic-file';
import { localRunner } from '../../main/actions/runners';
import { StateLock } from '../../main/actions/state-lock';
import { toDamagedActionView } from '../../main/api/view-model';
import { actionCommand } from '../../main/cli/action-commands';
import { damageRecord, PLIST, setup } from '../support/executor-setup';

afterEach(() => vi.restoreAllMocks());

/** A full disk as write(2) shows it: a short write, then ENOSPC (for the writes `which` picks, else all). */
function fillTheDiskAfter(bytes: number, which: (buffer: Uint8Array) => boolean = () => true): void {
  const real = io.writeSync;
  let left = bytes;
  vi.spyOn(io, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    if (!which(buffer)) return real(fd, buffer, offset, length);
    if (left <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const wrote = real(fd, buffer, offset, Math.min(length, left));
    left -= wrote;
    return wrote;
  }) as typeof io.writeSync);
}

/** Where the quarantine holds the original itself (renamed into it, beside its copy). */
const held = (record: { backup?: { backupPath: string } }): string => `${record.backup!.backupPath}.held`;

async function disabled() {
  const context = setup();
  const plan = context.service.plan(context.result);
  const outcome = await context.service.approvePlan(plan.planId as string);
  expect(outcome.ok).toBe(true);
  return { ...context, record: outcome.record };
}

describe('atomic writes on a full disk', () => {
  it('a short write never replaces the target, and leaves no temporary file', () => {
    const { root } = setup();
    const target = join(root, 'file.json');
    writeFileSync(target, 'the old content');
    fillTheDiskAfter(10);
    expect(() => writeFileAtomic(target, 'a much longer new content')).toThrow(/the disk took 10 of 25 bytes/);
    expect(readFileSync(target, 'utf8')).toBe('the old content');
    expect(readdirSync(root).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
  });

  it('undo on a full disk does not put a truncated plist in place, and says the copy is still safe', async () => {
    const { service, plistPath, record } = await disabled();
    const original = readFileSync(record.backup!.backupPath);
    // The copy is what goes back when the original itself is not held (a quarantine on another volume).
    rmSync(held(record));
    // The disk fills while the plist is copied back: 20 bytes land, then ENOSPC. The journal's own small
    // writes still fit.
    vi.spyOn(io, 'copyFileSync').mockImplementation(((source: string, destination: string) => {
      writeFileSync(destination, readFileSync(source).subarray(0, 20));
      throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), { code: 'ENOSPC' });
    }) as typeof io.copyFileSync);
    const undone = await service.undo('last');
    vi.restoreAllMocks();
    expect(undone.ok).toBe(false);
    expect(existsSync(plistPath)).toBe(false);
    expect(undone.message).toContain(`It is still safe in ${record.backup!.backupPath}`);
    expect(readFileSync(record.backup!.backupPath)).toEqual(original);
    // With room again, undo finishes.
    expect((await service.undo(record.id)).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(original);
  });
});

describe('undo tells the truth about the quarantine', () => {
  it('a quarantined copy that is gone: undo fails and says nothing is at the original path', async () => {
    const { service, record, plistPath } = await disabled();
    rmSync(record.backup!.backupPath);
    rmSync(held(record));
    const undone = await service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toMatch(/quarantined copy .* is gone, so there is nothing to put back/);
    expect(undone.message).toContain(`is gone, and nothing is at ${plistPath}`);
    expect(undone.message).not.toMatch(/still safe/);
  });

  it('a quarantined copy that was altered is not put back, and undo says so', async () => {
    const { service, record, plistPath } = await disabled();
    writeFileSync(record.backup!.backupPath, '<plist>tampered</plist>');
    writeFileSync(held(record), '<plist>tampered</plist>');
    const undone = await service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toMatch(/was changed after it was made/);
    expect(existsSync(plistPath)).toBe(false);
  });

  it('a quarantined copy that became a FIFO: undo says so and returns, nothing waits or throws', async () => {
    const { service, record, plistPath } = await disabled();
    rmSync(held(record));
    rmSync(record.backup!.backupPath);
    execFileSync('mkfifo', [record.backup!.backupPath]);
    const undone = await service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain(`${record.backup!.backupPath} is a FIFO, not a regular file`);
    expect(undone.message).toContain(`The quarantined copy ${record.backup!.backupPath} is not the original any more`);
    expect(existsSync(plistPath)).toBe(false);
  });

  it('undo gives back the very file: its inode, so its extended attributes, ACLs and birth time', async () => {
    const context = setup();
    const before = statSync(context.plistPath);
    const { record } = await context.service.approvePlan(context.service.plan(context.result).planId as string);
    expect(statSync(held(record)).ino).toBe(before.ino);
    expect((await context.service.undo('last')).ok).toBe(true);
    expect(statSync(context.plistPath).ino).toBe(before.ino);
    expect(statSync(context.plistPath).birthtimeMs).toBe(before.birthtimeMs);
    expect(existsSync(held(record))).toBe(false);
  });

  it('a held original changed since: the checked copy goes back instead', async () => {
    const { service, record, plistPath } = await disabled();
    writeFileSync(held(record), '<plist>tampered</plist>');
    expect((await service.undo('last')).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });

  it('a copy altered while the held original is intact: undo gives back the original', async () => {
    const { service, record, plistPath } = await disabled();
    writeFileSync(record.backup!.backupPath, '<plist>tampered</plist>');
    expect((await service.undo('last')).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });

  it('a quarantine on another volume: the file is removed by name after its copy, and the copy goes back', async () => {
    const context = setup();
    const rename = io.renameSync;
    vi.spyOn(io, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('.held'))
        throw Object.assign(new Error('EXDEV: cross-device link not permitted, rename'), { code: 'EXDEV' });
      rename(from, to);
    });
    const { record, ok } = await context.service.approvePlan(context.service.plan(context.result).planId as string);
    vi.restoreAllMocks();
    expect(ok).toBe(true);
    expect(existsSync(context.plistPath)).toBe(false);
    expect(existsSync(held(record))).toBe(false);
    expect((await context.service.undo('last')).ok).toBe(true);
    expect(readFileSync(context.plistPath)).toEqual(PLIST);
  });

  it('undo restores the modification time as well as bytes and mode', async () => {
    const context = setup();
    utimesSync(context.plistPath, new Date('2024-05-06T07:08:09Z'), new Date('2024-05-06T07:08:09Z'));
    const plan = context.service.plan(context.result);
    await context.service.approvePlan(plan.planId as string);
    expect((await context.service.undo('last')).ok).toBe(true);
    expect(statSync(context.plistPath).mtime.toISOString()).toBe('2024-05-06T07:08:09.000Z');
  });
});

describe("the item's own file, changed by its program between the backup and its removal", () => {
  /** Disables the item, doing `change` to its file right before the quarantine step removes it. */
  async function disabledWith(change: (plistPath: string) => void) {
    let plistPath = '';
    const context = setup({ onBoundary: (label) => (label === 'before-quarantine' ? change(plistPath) : undefined) });
    plistPath = context.plistPath;
    const outcome = await context.service.approvePlan(context.service.plan(context.result).planId as string);
    return { ...context, outcome, backup: outcome.record.backup! };
  }

  it('rewritten: that version is kept beside the backup, and undo puts back the file as it was backed up', async () => {
    const { service, outcome, backup, plistPath } = await disabledWith((path) => writeFileSync(path, 'pool: evil'));
    expect(outcome.ok).toBe(true);
    expect(existsSync(plistPath)).toBe(false);
    const folder = dirname(backup.backupPath);
    const kept = readdirSync(folder).filter((n) => n.includes('.changed-'));
    expect(kept.map((n) => readFileSync(join(folder, n), 'utf8'))).toEqual(['pool: evil']);
    expect(readFileSync(backup.backupPath)).toEqual(PLIST);
    expect((await service.undo('last')).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });

  it('a link: the link is removed and named with what it points at, which is neither read nor touched', async () => {
    const elsewhere = join(setup().root, 'elsewhere.plist');
    writeFileSync(elsewhere, 'not the plist');
    const { service, outcome, backup, plistPath } = await disabledWith((path) => {
      rmSync(path);
      symlinkSync(elsewhere, path);
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.record.messages.join('\n')).toContain(
      `${plistPath} had become a symbolic link (to ${elsewhere}) after it was backed up; that name was removed`,
    );
    expect(existsSync(plistPath)).toBe(false);
    expect(readFileSync(elsewhere, 'utf8')).toBe('not the plist');
    expect(readdirSync(dirname(backup.backupPath)).filter((n) => n.includes('.changed-'))).toEqual([]);
    expect((await service.undo('last')).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });
});

describe('a damaged journal record', () => {
  it('is listed with its problem, and undo restores the file from the quarantined copy it points at', async () => {
    const { service, record, plistPath, root } = await disabled();
    const path = join(root, 'state/actions', `${record.id}.json`);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    delete json.status;
    writeFileSync(path, JSON.stringify(json));
    const damaged = service.damagedActions();
    expect(damaged).toEqual([
      expect.objectContaining({
        id: record.id,
        problem: expect.stringMatching(/field "status"/),
        backup: expect.objectContaining({ originalPath: plistPath }),
      }),
    ]);
    expect(service.actions()).toEqual([]);
    let printed = '';
    await actionCommand('actions', [], { stdout: (t) => (printed += t), stderr: () => undefined }, { service });
    expect(printed).toContain(`${record.id}  damaged`);
    expect(printed).toContain(
      `belongs at ${plistPath}; "launchwatch undo ${record.id}" puts it back and turns it on again`,
    );
    expect(toDamagedActionView(damaged[0]!)).toMatchObject({
      status: 'damaged',
      canUndo: true,
      message: expect.stringContaining('cannot be read'),
    });
    const undone = await service.undo(record.id);
    expect(undone).toMatchObject({ ok: true, message: expect.stringContaining(`is back at ${plistPath}`) });
    expect(readFileSync(plistPath)).toEqual(readFileSync(record.backup!.backupPath));
    expect(statSync(plistPath).mode & 0o777).toBe(0o640);
    expect(service.damagedActions()).toEqual([]);
  });

  it('a record that is not even JSON is named, and undo says where its copies are instead of guessing', async () => {
    const { service, record, root } = await disabled();
    writeFileSync(join(root, 'state/actions', `${record.id}.json`), '{"id": "trunc');
    expect(service.damagedActions()[0]).toMatchObject({
      id: record.id,
      problem: expect.stringMatching(/not readable JSON/),
    });
    const undone = await service.undo(record.id);
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain(join(root, 'state/quarantine', record.id));
  });

  it('a record that points outside the quarantine is never trusted', async () => {
    const { service, record, root } = await disabled();
    const path = join(root, 'state/actions', `${record.id}.json`);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.status = 'weird';
    json.backup.backupPath = '/etc/passwd';
    json.backup.originalPath = join(root, 'passwd');
    writeFileSync(path, JSON.stringify(json));
    expect(service.damagedActions()[0]?.backup).toBeUndefined();
    expect((await service.undo(record.id)).ok).toBe(false);
    expect(existsSync(join(root, 'passwd'))).toBe(false);
  });
});

describe('undo of a damaged record turns the item back on', () => {
  it("an agent: launchd keeps a disable across restarts, so it is enabled and loaded again, by its file's Label", async () => {
    const { service, record, plistPath, root, model } = await disabled();
    damageRecord(root, record.id, (json) => (json.plan.label = 'com.apple.Finder'));
    const undone = await service.undo(record.id);
    expect(undone, undone.message).toMatchObject({ ok: true, message: expect.stringMatching(/loaded again/) });
    expect(model.read().domains['gui/501']?.['com.evil.miner']?.path).toBe(plistPath);
    expect(model.read().disabled['gui/501']).toEqual({ 'com.evil.miner': false });
    // The label launchd is told about is the file's own, never the record's (which anything running as the user edits).
    expect(model.read().calls.some((c) => c.argv.join(' ').includes('com.apple.Finder'))).toBe(false);
    expect(existsSync(`${join(root, 'state/actions', record.id)}.json.damaged`)).toBe(true);
  });

  it('the original is put back from where it is held when its copy is gone, as the very file it was', async () => {
    const { service, record, plistPath, root } = await disabled();
    const inode = statSync(held(record)).ino;
    rmSync(record.backup!.backupPath);
    damageRecord(root, record.id, (json) => delete json.backup.sha256);
    const undone = await service.undo(record.id);
    expect(undone.ok, undone.message).toBe(true);
    expect(statSync(plistPath).ino).toBe(inode);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });
});

describe('recovery and the lock between processes', () => {
  it('recovery removes temporary files a kill left beside the plist and in the journal', async () => {
    const { service, record, root } = await disabled();
    const folder = join(root, 'Users/alice/Library/LaunchAgents');
    writeFileSync(join(folder, `${TEMP_PREFIX}restore-com.evil.miner.plist.tmp`), 'half');
    writeFileSync(join(folder, 'unrelated.tmp'), 'not ours');
    writeFileSync(join(root, 'state/actions', `${TEMP_PREFIX}abc.tmp`), '{');
    const path = join(root, 'state/actions', `${record.id}.json`);
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), status: 'undoing', undoSteps: undefined }),
    );
    await service.recover();
    expect(readdirSync(folder).sort()).toEqual(['com.evil.miner.plist', 'unrelated.tmp']);
    expect(readdirSync(join(root, 'state/actions')).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
  });

  it('a second process does not recover or undo while the first holds the lock; a dead holder is taken over', async () => {
    const { service, root, record, env } = await disabled();
    const stateDir = join(root, 'state');
    const alive = { isSame: async (pid: number) => pid === 4242, signal: async () => undefined };
    const other = new ActionService({ stateDir, runner: localRunner(env), processes: alive, uid: 501, isRoot: false });
    writeFileSync(join(stateDir, 'actions.lock'), JSON.stringify({ pid: 4242, startedAt: 1 }));
    const recovered = await other.recover();
    expect(recovered).toEqual([
      { ok: false, message: expect.stringMatching(/waits: another Launchwatch \(pid 4242\) is disabling or undoing/) },
    ]);
    await expect(other.undo(record.id)).rejects.toThrow(/another Launchwatch \(pid 4242\)/);
    expect(service.actions()[0]?.status).toBe('done');
    // The holder died (its pid is not the same process any more): the lock is stale and taken over.
    writeFileSync(join(stateDir, 'actions.lock'), JSON.stringify({ pid: 5555, startedAt: 1 }));
    expect((await other.undo(record.id)).ok).toBe(true);
    expect(existsSync(join(stateDir, 'actions.lock'))).toBe(false);
  });

  it('the lock is held while an action runs and released after', async () => {
    const { root } = setup();
    const lock = new StateLock(join(root, 'state'), { isSame: async () => true, signal: async () => undefined });
    let during = false;
    await lock.withLock(async () => {
      during = existsSync(lock.path) && JSON.parse(readFileSync(lock.path, 'utf8')).pid === process.pid;
    });
    expect(during).toBe(true);
    expect(existsSync(lock.path)).toBe(false);
  });
});

describe('an item that could not be read', () => {
  it('cannot be approved: a message, not a crash, and it stays judged', async () => {
    const { service, result } = setup();
    const unreadable = {
      ...result,
      item: { ...result.item, sha256: undefined, unreadable: 'cannot parse property list' },
    } as typeof result;
    expect(() => service.approve(unreadable)).toThrow(/could not be read in full, so it cannot be approved/);
    expect(service.approvals.list()).toEqual([]);
  });
});
