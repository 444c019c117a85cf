// Kill the executor (a real child process, SIGKILL) at every step boundary of disable and of undo,
// restart, and prove the plist is always in place or in quarantine, byte-identical, never gone.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import type { ItemResult } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';
import { launchdModel } from '../support/launchd-model';

const root = join(__dirname, '../..');
const PLIST = Buffer.from(
  '<?xml version="1.0"?>\n<plist version="1.0"><dict><key>Label</key><string>com.evil.miner</string><key>Program</key><string>/x</string></dict></plist>\n',
);

/**
 * A user agent (or a root daemon, which the administrator's steps take out), loaded in a model of launchd that answers
 * as a real Mac does (test/support/launchctl-model.mjs).
 */
function world(settleMs = 0, kind: 'agent' | 'daemon' = 'agent') {
  const dir = mkdtempSync(join(tmpdir(), 'lw-fault-'));
  const folder = join(dir, kind === 'agent' ? 'LaunchAgents' : 'Library/LaunchDaemons');
  mkdirSync(folder, { recursive: true });
  const plistPath = join(folder, 'com.evil.miner.plist');
  writeFileSync(plistPath, PLIST);
  const model = launchdModel({ bootstrapSettleMs: settleMs });
  const domain = kind === 'agent' ? 'gui/501' : 'system';
  model.load(domain, 'com.evil.miner', plistPath);
  return { stateDir: join(dir, 'state'), plistPath, model, kind, domain };
}

const loaded = (w: ReturnType<typeof world>) => w.model.read().domains[w.domain]?.['com.evil.miner'] !== undefined;

function child(
  w: ReturnType<typeof world>,
  mode: 'disable' | 'undo',
  killAt: number,
  killAfterMs = 0,
): Promise<{ labels: string[]; killed: boolean }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'fault-child.ts'),
        w.stateDir,
        w.plistPath,
        mode,
        String(killAt),
        String(killAfterMs),
        w.kind,
      ],
      { cwd: root, env: w.model.env },
      (error, stdout) => {
        resolve({
          labels: stdout
            .trim()
            .split('\n')
            .filter((l) => l !== 'finished'),
          killed: (error as { signal?: string } | null)?.signal === 'SIGKILL',
        });
      },
    );
  });
}

/**
 * The one thing that must hold at every instant: the file exists, intact, in place or in quarantine (the user's, or for
 * a daemon the administrator's).
 */
function assertNeverLost(w: ReturnType<typeof world>): 'in-place' | 'quarantined' {
  const inPlace = existsSync(w.plistPath) && readFileSync(w.plistPath).equals(PLIST);
  const copiesIn = (folder: string, name: string): string[] =>
    existsSync(folder)
      ? readdirSync(folder)
          .map((d) => join(folder, d, name))
          .filter((p) => existsSync(p))
      : [];
  const copies = [
    ...copiesIn(join(w.stateDir, 'quarantine'), 'com.evil.miner.plist'),
    ...copiesIn(w.model.env.LAUNCHWATCH_HELD_DIR as string, 'file'),
  ];
  const quarantined = copies.some((p) => readFileSync(p).equals(PLIST));
  expect(inPlace || quarantined, 'the plist is in place or quarantined, byte-identical').toBe(true);
  if (existsSync(w.plistPath))
    expect(readFileSync(w.plistPath).equals(PLIST), 'a plist in place is never partial').toBe(true);
  return inPlace ? 'in-place' : 'quarantined';
}

function restart(w: ReturnType<typeof world>): ActionService {
  return new ActionService({
    stateDir: w.stateDir,
    runner: w.model.runner(),
    processes: { isSame: async () => false, signal: async () => undefined },
    uid: 501,
    isRoot: false,
  });
}

const result = (w: ReturnType<typeof world>) =>
  ({
    item:
      w.kind === 'daemon'
        ? launchAgent(w.plistPath, 'com.evil.miner', { kind: 'LaunchDaemon', scope: 'system' })
        : launchAgent(w.plistPath, 'com.evil.miner'),
    processes: [],
    reasons: [],
  }) as unknown as ItemResult;

describe('fault injection: SIGKILL at every step boundary', () => {
  it.each(['user agent', 'root daemon'] as const)(
    'disable of a %s: recovery finishes or rolls back; the file is never lost; undo always brings it back',
    async (kind) => {
      const dry = world(0, kind === 'user agent' ? 'agent' : 'daemon');
      const { labels } = await child(dry, 'disable', 0);
      // A daemon's file goes into the administrator's quarantine in the helper's run, with the launchd steps.
      expect(labels).toEqual([
        'journaled',
        'backed-up',
        'before-launchd',
        'after-launchd',
        'confirmed',
        ...(kind === 'user agent' ? ['before-quarantine', 'after-quarantine'] : []),
      ]);
      for (let killAt = 1; killAt <= labels.length; killAt++) {
        const w = world(0, kind === 'user agent' ? 'agent' : 'daemon');
        const run = await child(w, 'disable', killAt);
        expect(run.killed, `killed at ${labels[killAt - 1]}`).toBe(true);
        assertNeverLost(w);
        const service = restart(w);
        const outcomes = await service.recover();
        const after = assertNeverLost(w);
        const record = service.actions()[0];
        expect(
          record?.status === 'done' || record?.status === 'rolled-back',
          `status after recovery at ${labels[killAt - 1]}`,
        ).toBe(true);
        expect(after).toBe(record?.status === 'done' ? 'quarantined' : 'in-place');
        // launchd agrees with the journal: disabled means unloaded and disabled; rolled back means loaded.
        expect(loaded(w), `loaded after recovery at ${labels[killAt - 1]}`).toBe(record?.status !== 'done');
        if (record?.status === 'done' && killAt < labels.length)
          expect(outcomes[0]?.message).toMatch(/finished the job after restarting/);
        if (record?.status === 'done') {
          expect((await service.undo(record.id)).ok).toBe(true);
          expect(readFileSync(w.plistPath).equals(PLIST)).toBe(true);
        }
      }
    },
    120_000,
  );

  it.each(['user agent', 'root daemon'] as const)(
    'undo of a %s: a kill at any boundary leaves the file safe, and recovery completes the undo',
    async (kind) => {
      const prepare = async () => {
        const w = world(0, kind === 'user agent' ? 'agent' : 'daemon');
        const service = restart(w);
        await service.approvePlan(service.plan(result(w)).planId as string);
        return w;
      };
      const dry = await prepare();
      const { labels } = await child(dry, 'undo', 0);
      expect(labels).toEqual([
        'undo-journaled',
        ...(kind === 'user agent' ? ['undo-restore'] : []),
        'undo-before-launchd',
        'undo-after-launchd',
      ]);
      for (let killAt = 1; killAt <= labels.length; killAt++) {
        const w = await prepare();
        expect((await child(w, 'undo', killAt)).killed).toBe(true);
        assertNeverLost(w);
        const service = restart(w);
        await service.recover();
        expect(service.actions()[0]?.status, `after a kill at ${labels[killAt - 1]}`).toBe('undone');
        expect(readFileSync(w.plistPath).equals(PLIST)).toBe(true);
        expect(loaded(w)).toBe(true);
      }
    },
    120_000,
  );

  // For a root daemon the helper has moved the file back from the administrator's quarantine by then: recovery must
  // see it back, not ask the helper for a held file that is no longer held.
  it.each(['user agent', 'root daemon'] as const)(
    'undo of a %s: a kill while the helper is retrying a bootstrap that launchd answers with 5; recovery loads it once',
    async (kind) => {
      // launchd says 5 for eight seconds after the bootout: the child, a new Node process, must be retrying
      // when it is killed, however long a loaded machine takes to start it (three seconds were not enough
      // for a run beside a valgrind job), and the recovery's own retries (15 s) outlast what is left.
      const w = world(8000, kind === 'user agent' ? 'agent' : 'daemon');
      const first = restart(w);
      await first.approvePlan(first.plan(result(w)).planId as string);
      // Killed one second into the helper's retries.
      const labels = ['undo-journaled', ...(kind === 'user agent' ? ['undo-restore'] : []), 'undo-before-launchd'];
      const run = await child(w, 'undo', labels.length, 1000);
      expect(run.killed).toBe(true);
      expect(run.labels).toEqual(labels);
      assertNeverLost(w);
      expect(existsSync(w.plistPath), 'the helper had put the file back').toBe(true);
      const service = restart(w);
      await service.recover();
      expect(service.actions()[0]?.status).toBe('undone');
      expect(loaded(w)).toBe(true);
      expect(readFileSync(w.plistPath).equals(PLIST)).toBe(true);
    },
    60_000,
  );

  // The journal is the user's: a record of a daemon's disable, cut short and then edited to name another daemon (an
  // endpoint agent's), must not have root boot that one out when the app starts again.
  it("a root daemon's disable cut short and its record edited: recovery puts back, root never acts on what it names", async () => {
    const w = world(0, 'daemon');
    w.model.load('system', 'com.security.agent', '/Library/LaunchDaemons/com.security.agent.plist');
    const run = await child(w, 'disable', 3);
    expect(run.labels.at(-1)).toBe('before-launchd');
    const [file] = readdirSync(join(w.stateDir, 'actions')).filter((n) => n.endsWith('.json'));
    const path = join(w.stateDir, 'actions', file as string);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    for (const step of json.plan.steps) if (step.argv?.[0] === 'launchctl') step.argv[2] = 'system/com.security.agent';
    json.plan.label = 'com.security.agent';
    writeFileSync(path, JSON.stringify(json));
    const service = restart(w);
    const [outcome] = await service.recover();
    expect(outcome?.ok).toBe(false);
    expect(outcome?.message).toContain("an administrator's disable is not finished from its record after a restart");
    expect(service.actions()[0]?.status).toBe('rolled-back');
    expect(w.model.read().domains.system?.['com.security.agent']).toBeDefined();
    expect(w.model.read().disabled.system?.['com.security.agent']).not.toBe(true);
    expect(
      w.model
        .read()
        .calls.filter((c) => c.root && c.argv[0] !== 'print')
        .map((c) => c.argv.join(' ')),
    ).toEqual([]);
    expect(assertNeverLost(w)).toBe('in-place');
    expect(loaded(w)).toBe(true);

    // Edited to name another file to load than the one root holds: nothing is done as root at all, and it is said.
    const v = world(0, 'daemon');
    expect((await child(v, 'disable', 3)).killed).toBe(true);
    const [other] = readdirSync(join(v.stateDir, 'actions')).filter((n) => n.endsWith('.json'));
    const otherPath = join(v.stateDir, 'actions', other as string);
    const edited = JSON.parse(readFileSync(otherPath, 'utf8'));
    edited.plan.plistPath = '/Library/LaunchDaemons/com.security.agent.plist';
    writeFileSync(otherPath, JSON.stringify(edited));
    await restart(v).recover();
    expect(restart(v).actions()[0]?.messages.join(' ')).toContain('Could not roll back: the record names two files');
    expect(v.model.read().calls.filter((c) => c.root)).toEqual([]);
    expect(assertNeverLost(v)).toBe('in-place');
  }, 60_000);
});
