// An approvals file moves between Macs and between versions of Launchwatch (docs/approvals.md): within version 1 a
// field this version does not know is kept and said, never dropped; what must not be ignored is refused by name.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import {
  ApprovalError,
  ApprovalsStore,
  closeTo,
  readApprovals,
  readApprovalsFile,
  serializeApprovals,
} from '../../main/actions/approvals-store';
import { AppService } from '../../main/app-service';
import { MAX_APPROVALS, MAX_APPROVALS_TEXT } from '../../main/engine/approval-limits';
import { replay } from '../../main/cli/scan-command';
import { approvalFor, type Approval } from '../../main/engine/approvals';
import { DEFAULT_SCAN_OPTIONS, type Inventory, type Sample } from '../../main/engine/model';
import type { SampleReading, SystemReader } from '../../main/engine/reader';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { writeCapture } from '../support/capture-builder';
import { runCli } from '../support/cli';
import { launchdModel } from '../support/launchd-model';
import { scenarios } from '../support/scenarios';

const ownMiner = scenarios.find((s) => s.name.startsWith("A user's own XMRig"))!.spec;

const approval = (label: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  label,
  plistPath: `/Library/LaunchAgents/${label}.plist`,
  plistSha256: 'a'.repeat(64),
  programSha256: 'b'.repeat(64),
  approvedBy: 'it@example.com',
  approvedAt: '2026-12-01T09:00:00Z',
  ...extra,
});
const fileOf = (approvals: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ format: 'launchwatch-approvals', version: 1, approvals, ...extra }, null, 2);

/** What a newer Launchwatch may write: a digest this one does not take, an object, a field of the file itself. */
const NEWER = fileOf(
  [
    approval('com.example.backup', { entitlementsSha256: 'c'.repeat(64), signedBy: { team: 'ABCDE12345' } }),
    approval('com.example.sync', { entitlementsSha256: 'd'.repeat(64) }),
  ],
  { exportedFrom: 'jamf' },
);

describe('an approvals file a newer Launchwatch wrote', () => {
  it('is read for what this version checks, and says which fields it keeps without checking', () => {
    const read = readApprovals(NEWER, 'it.json');
    // The approvals as this version knows them: nothing it does not check reaches the engine.
    expect(read.approvals[0]).toEqual(approval('com.example.backup'));
    expect(read.notes).toEqual([
      expect.stringMatching(/^it\.json: fields this Launchwatch does not know, kept in the file but not checked/),
      'it.json: fields of the file this Launchwatch does not know: exportedFrom',
    ]);
    expect(read.notes[0]).toContain('entitlementsSha256 (2 approvals), signedBy (1 approval)');
    expect(read.fileFields).toEqual({ exportedFrom: 'jamf' });
  });

  it('loses none of them when this version writes the file again (approve, unapprove, import, export)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-compat-'));
    const store = new ApprovalsStore(join(dir, 'approvals.json'));
    writeFileSync(store.path, NEWER);
    const onDisk = (): { approvals: Record<string, unknown>[]; exportedFrom?: string } =>
      JSON.parse(readFileSync(store.path, 'utf8'));

    store.approve(
      approvalFor({ id: 'x', label: 'x', plistPath: '/L/x.plist', sha256: 'e'.repeat(64) } as never, '', 'me'),
    );
    expect(onDisk().approvals).toHaveLength(3);
    expect(onDisk().approvals[0]).toEqual(
      approval('com.example.backup', { entitlementsSha256: 'c'.repeat(64), signedBy: { team: 'ABCDE12345' } }),
    );
    expect(onDisk().exportedFrom).toBe('jamf');

    store.unapprove((a) => a.label === 'x');
    expect(onDisk()).toEqual(JSON.parse(NEWER));

    // An import keeps the fields its approvals carry, and says them.
    const other = new ApprovalsStore(join(dir, 'other.json'));
    const outcome = other.import(store.export(), 'exported.json');
    expect(outcome).toEqual({ count: 2, notes: [expect.stringContaining('entitlementsSha256'), expect.any(String)] });
    expect(JSON.parse(readFileSync(other.path, 'utf8')).approvals).toEqual(JSON.parse(NEWER).approvals);

    // Approved again by this version, an item's approval is this version's: what it did not make goes with the old.
    const again = readApprovals(NEWER, 'it.json').approvals[0] as Approval;
    store.approve({ ...again, note: 'again' });
    expect(onDisk().approvals.find((a) => a.label === 'com.example.backup')).toEqual(
      approval('com.example.backup', { note: 'again' }),
    );
    expect(onDisk().approvals.find((a) => a.label === 'com.example.sync')).toMatchObject({
      entitlementsSha256: 'd'.repeat(64),
    });
  });

  it('an approval it made still holds in a scan, and the scan says what it did not check', async () => {
    const capture = writeCapture(ownMiner);
    const miner = (await replay(capture, DEFAULT_SCAN_OPTIONS)).items.find(
      (i) => i.item.label === 'homebrew.mxcl.xmrig',
    )!;
    const file = join(mkdtempSync(join(tmpdir(), 'lw-compat-')), 'approvals.json');
    const made = approvalFor(miner.item, 'my own miner', 'alice', new Date('2026-11-30T10:00:00Z'));
    writeFileSync(file, fileOf([{ ...made, teamIdentifier: 'ABCDE12345' }]));
    const scan = await runCli(['scan', '--replay', capture, '--approvals', file, '--json']);
    expect(scan.code).toBe(0);
    const shown = JSON.parse(scan.stdout).items.find((i: { label: string }) => i.label === 'homebrew.mxcl.xmrig');
    expect(shown).toMatchObject({ verdict: 'approved', judgedVerdict: 'mining' });
    expect(scan.stderr).toContain(`note: --approvals ${file}: fields this Launchwatch does not know`);
    expect(scan.stderr).toContain('teamIdentifier (1 approval)');
  });
});

describe('what an approvals file must not leave to chance', () => {
  const NOT_PLAIN = "not a field of version 1 (a field's name is a letter, then letters, digits and _)";
  const refused = (text: string): string => {
    try {
      readApprovals(text, 'a.json');
    } catch (error) {
      expect(error).toBeInstanceOf(ApprovalError);
      return (error as Error).message;
    }
    throw new Error('the file was read');
  };

  it('a known field misspelt is refused, not kept: ignored, it would vouch for any program', () => {
    expect(refused(fileOf([approval('x', { programSHA256: 'b'.repeat(64) })]))).toBe(
      'a.json: field "approvals.0.programSHA256": not a field of version 1; did you mean "programSha256"?',
    );
    expect(refused(fileOf([approval('x', { scriptChainFileSha256: 'b'.repeat(64) })]))).toContain(
      'did you mean "scriptChainFilesSha256"?',
    );
    expect(refused(fileOf([approval('x', { cpuLimitPrecent: 100 })]))).toContain('did you mean "cpuLimitPercent"?');
    expect(refused(fileOf([approval('x', { nots: 'x' })]))).toContain('did you mean "note"?');
    expect(refused(fileOf([approval('x')], { verison: 1 }))).toBe(
      'a.json: field "verison": not a field of version 1; did you mean "version"?',
    );
    expect(closeTo('librariesSha256', 'librariesSha256')).toBe(true);
    // A new field's name is not a misspelling when it differs by more (docs/approvals.md asks new names to).
    expect(closeTo('programSha512', 'programSha256')).toBe(false);
    expect(closeTo('tags', 'note')).toBe(false);
    expect(readApprovals(fileOf([approval('x', { programSha512: 'f'.repeat(128) })]), 'a.json').notes).toHaveLength(1);
  });

  it('a newer version, a name that is not plain, too many or too large unknown fields, too many approvals', () => {
    expect(refused(fileOf([]).replace('"version": 1', '"version": 2'))).toBe(
      'a.json: field "version": version 1 is the one this Launchwatch reads (a newer Launchwatch wrote this file)',
    );
    // A name with a terminal escape is shown by its codes, never as it is.
    expect(refused(fileOf([approval('x', { '\u001b[2Jx': 1 })]))).toBe(
      `a.json: field "approvals.0.\\x1b[2Jx": ${NOT_PLAIN}`,
    );
    // Names JavaScript gives a meaning: `__proto__` is refused (a schema's output drops it, so it would go unsaid),
    // and `constructor` is a field like any other, kept and said, never taken for a known one.
    const proto = fileOf([approval('x')]).replace('"label"', '"__proto__": {"polluted": true}, "label"');
    expect(refused(proto)).toBe(`a.json: field "approvals.0.__proto__": ${NOT_PLAIN}`);
    const constructor = readApprovals(fileOf([approval('x', { constructor: 1 })]), 'a.json');
    expect(constructor.approvals[0]).toEqual(approval('x'));
    expect(Object.hasOwn(constructor.approvals[0]!, 'constructor')).toBe(false);
    expect(constructor.notes[0]).toContain('constructor (1 approval)');
    expect(JSON.parse(serializeApprovals(constructor.approvals)).approvals[0].constructor).toBe(1);
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`future${i}`, i]));
    expect(refused(fileOf([approval('x', many)]))).toBe(
      'a.json: field "approvals.0.future16": more than 16 fields this Launchwatch does not know',
    );
    expect(refused(fileOf([approval('x', { future: 'y'.repeat(5000) })]))).toContain(
      'field "approvals.0.future": a field this Launchwatch does not know, larger than 4096 characters as JSON',
    );
    const tooMany = fileOf(Array.from({ length: MAX_APPROVALS + 1 }, () => ({})));
    expect(refused(tooMany)).toBe('a.json: field "approvals": at most 10000 approvals');
    // Every known field is still checked as before.
    expect(refused(fileOf([approval('x', { plistSha256: 'nope' })]))).toBe(
      'a.json: field "approvals.0.plistSha256": a SHA-256 in hex',
    );
  });

  it('an item approved twice in one file: the last approval counts, and it is said', () => {
    const read = readApprovals(
      fileOf([approval('x', { note: 'first' }), approval('y'), approval('x', { note: 'second' })]),
      'a.json',
    );
    expect(read.approvals.map((a) => [a.label, a.note])).toEqual([
      ['y', undefined],
      ['x', 'second'],
    ]);
    expect(read.notes).toEqual(['a.json: approved more than once, the last approval counts: x']);
  });

  it('a file that is not one, or too large, is refused before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-compat-'));
    expect(readApprovalsFile(join(dir, 'none.json'))).toBeUndefined();
    mkdirSync(join(dir, 'folder.json'));
    expect(() => readApprovalsFile(join(dir, 'folder.json'))).toThrow(`${join(dir, 'folder.json')}: not a file`);
    // A device reads forever; it is refused by what it is.
    expect(() => readApprovalsFile('/dev/zero')).toThrow('/dev/zero: not a file');
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(MAX_APPROVALS_TEXT + 1));
    expect(() => readApprovalsFile(big)).toThrow(`${big}: larger than 4 MiB`);
    expect(() => new ApprovalsStore(big).list()).toThrow(`${big}: larger than 4 MiB`);
  });
});

/** A Mac with one launch item, read again at every tick. */
class OneItemReader implements SystemReader {
  constructor(
    private readonly inventory: Inventory,
    private readonly sample: Sample,
  ) {}
  async readInventory(): Promise<Inventory> {
    return this.inventory;
  }
  async readSample(): Promise<SampleReading> {
    return { sample: { ...this.sample, takenAt: Date.now() }, notes: [] };
  }
  watchedFolders(): string[] {
    return [];
  }
}

describe('the app and the command line with such a file', () => {
  const liveApp = async (stateDir: string): Promise<AppService> => {
    const capture = await readCapture(writeCapture(ownMiner));
    const actions = new ActionService({
      stateDir,
      runner: launchdModel().runner(),
      processes: { isSame: async () => false, signal: async () => undefined },
      uid: 501,
      isRoot: false,
    });
    const service = AppService.live(
      new OneItemReader(capture.inventory, capture.samples[0] as Sample),
      { windowSeconds: 10, cpuThresholdPercent: 25, intervalMs: 50, excludePids: new Set() },
      actions,
    );
    service.start();
    for (let i = 0; i < 200 && !service.result(); i++) await sleep(20);
    return service;
  };

  it('the app says at start what it keeps unchecked, and its import says it too', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lw-compat-app-'));
    writeFileSync(join(stateDir, 'approvals.json'), NEWER);
    const service = await liveApp(stateDir);
    try {
      expect(service.snapshot().notices).toEqual(
        expect.arrayContaining([expect.stringContaining('entitlementsSha256 (2 approvals)')]),
      );
      const outcome = service.importApprovalsOutcome(fileOf([approval('z', { future: 1 })]), 'z.json');
      expect(outcome).toEqual({
        ok: true,
        message: expect.stringMatching(
          /^Imported 1 approvals from z\.json\. z\.json: fields .* future \(1 approval\)$/,
        ),
      });
    } finally {
      service.stop();
    }
  });

  it('an inventory the app cannot read is said and never written over by an approval', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lw-compat-app-'));
    const path = join(stateDir, 'approvals.json');
    const damaged = NEWER.replace('"version": 1', '"version": 2');
    writeFileSync(path, damaged);
    const service = await liveApp(stateDir);
    try {
      expect(service.snapshot().notices).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^The approved inventory could not be read, so no item counts as approved: .*version/),
        ]),
      );
      const id = service.result()!.items[0]!.item.id;
      expect(service.approveItem(id)).toEqual({
        ok: false,
        message: expect.stringContaining(`${path}: field "version"`),
      });
      expect(service.unapproveItem(id)).toMatchObject({ ok: false });
      expect(readFileSync(path, 'utf8')).toBe(damaged);
    } finally {
      service.stop();
    }
  });

  it('the command line: import says what it keeps; a live scan says an inventory it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-compat-cli-'));
    vi.stubEnv('LAUNCHWATCH_STATE_DIR', join(dir, 'state'));
    try {
      const file = join(dir, 'it.json');
      writeFileSync(file, NEWER);
      const imported = await runCli(['approvals', 'import', file]);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain(`Imported 2 approvals from ${file}.\nnote: ${file}: fields this Launchwatch`);
      expect(JSON.parse(readFileSync(join(dir, 'state', 'approvals.json'), 'utf8'))).toMatchObject({
        approvals: [{ entitlementsSha256: 'c'.repeat(64) }, { entitlementsSha256: 'd'.repeat(64) }],
      });

      const stored = join(dir, 'state', 'approvals.json');
      writeFileSync(stored, '{"format": "launchwatch-approvals"');
      const scan = await runCli(['scan', '--duration', '1', '--interval', '1', '--json', '--no-history']);
      expect(scan.stderr).toContain(
        `launchwatch: the approved inventory could not be read, so no item counts as approved: ${stored}: not JSON`,
      );
      expect(JSON.parse(scan.stdout).source).toBe('live');
    } finally {
      vi.unstubAllEnvs();
    }
  }, 30_000);
});
