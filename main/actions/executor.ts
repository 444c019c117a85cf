// Carries out an approved plan, one journaled step at a time: backup first, then each step recorded as
// done; on failure the done steps are rolled back; after a crash, recover() finishes or rolls back what
// was under way; undo() puts the file back byte for byte and reloads the item. Nothing is ever deleted
// before a verified copy of it exists in the quarantine.
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  type Dir,
  existsSync,
  linkSync,
  mkdirSync,
  opendirSync,
  renameSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DisablePlan, PlanStep } from '../engine/actions/plan';
import { copyFileAtomic, fsyncFolder, io, sha256File, TEMP_PREFIX, TEMP_SUFFIX } from './atomic-file';
import { copyHeldFile, type Found, lookAt, somethingAt } from './held-file';
import type { ActionRecord, BackupRecord, Journal, StepRecord, UnreadableRecord } from './journal';
import { adminQuarantineDir } from './helper-path';
import { launchdDomainOf } from './launchd-domain';
import {
  confirmOn,
  enableAndLoad,
  type HelperResult,
  type HelperStep,
  isDisabled,
  isLoaded,
  labelOfPlist,
  labelTurnedOn,
  runHelper,
  splitTarget,
  turnOnStep,
  waitUntilLoaded,
  whatIsLeft,
} from './launchd-steps';
import { pasteable, shellQuote } from '../engine/shell-quote';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command could not run at all (not found, denied, timed out). */
  problem?: string;
}

export interface CommandRunner {
  run(argv: string[], options: { admin: boolean; reason: string }): Promise<RunResult>;
}

export interface ProcessControl {
  /** True while the process with this pid is the same one (same start time). */
  isSame(pid: number, startedAt: number): Promise<boolean>;
  signal(pid: number, signal: NodeJS.Signals): Promise<void>;
}

export interface ExecutorOptions {
  journal: Journal;
  runner: CommandRunner;
  processes: ProcessControl;
  /** Called at every step boundary, after the journal is on disk (tests kill the process here). */
  onBoundary?: (label: string) => Promise<void> | void;
  /** How long processes get after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** assets/launchwatch-helper.sh: every launchd change, and an administrator's file steps, run through it. */
  helperPath: string;
  /** How long launchd gets to confirm an outcome (a service gone after bootout, loaded after bootstrap). */
  confirmTimeoutMs?: number;
  /** The user Launchwatch acts for (launchd's gui/<uid> domain) and whether it runs as root; by default, this process's. */
  uid?: number;
  isRoot?: boolean;
}

export interface Outcome {
  record: ActionRecord;
  ok: boolean;
  message: string;
}

const NO_SYSTEMD =
  /System has not been booted with systemd|Failed to connect to (bus|user scope bus)|not been booted|systemctl not found|No medium found/i;

export class Executor {
  constructor(private readonly options: ExecutorOptions) {}

  /** Approved: journal the intent, back up the file, run the steps. */
  async execute(plan: DisablePlan): Promise<Outcome> {
    const now = new Date().toISOString();
    const record: ActionRecord = {
      id: `${now.replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(4).toString('hex')}`,
      type: 'disable',
      createdAt: now,
      updatedAt: now,
      status: 'running',
      plan,
      steps: plan.steps.map((s) => ({
        kind: s.kind,
        description: s.description,
        status: 'pending',
        ...(s.argv ? { argv: s.argv } : {}),
      })),
      messages: [],
    };
    this.save(record);
    await this.boundary('journaled');
    if (plan.keepsFile) return this.runSteps(record);
    try {
      record.backup = this.backup(record.id, plan.plistPath);
    } catch (error) {
      record.status = 'failed';
      record.messages.push(`Nothing was changed: the file could not be backed up: ${(error as Error).message}`);
      this.save(record);
      return { record, ok: false, message: record.messages.at(-1) as string };
    }
    this.save(record);
    await this.boundary('backed-up');
    return this.runSteps(record);
  }

  /** On start: finish each action a crash interrupted, or roll it back when it cannot be finished. */
  async recover(): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    removeLeftoverTemps(this.options.journal.actionsDir);
    for (const record of this.options.journal.list().records) {
      // A kill during a write or a restore leaves a temporary file beside the target: never a launch item, but litter.
      if ((record.status === 'running' || record.status === 'undoing') && record.backup)
        removeLeftoverTemps(dirname(record.backup.originalPath));
      if (record.status === 'running') {
        if (!record.backup && !record.plan.keepsFile) {
          // Interrupted before the backup was recorded: no step ran; the file is where it was.
          this.discardPartialBackup(record);
          record.status = 'rolled-back';
          record.messages.push(`Launchwatch stopped before disabling ${name(record)}: nothing was changed.`);
          this.save(record);
          outcomes.push({ record, ok: true, message: record.messages.at(-1) as string });
          continue;
        }
        if (rootStepsLeft(record)) {
          outcomes.push(await this.putBackInterruptedAdminDisable(record));
          continue;
        }
        const outcome = await this.runSteps(record);
        outcome.message = outcome.ok
          ? `Launchwatch stopped while disabling ${name(record)}; it finished the job after restarting.`
          : `Launchwatch stopped while disabling ${name(record)}; it could not finish, so it put everything back. ${outcome.message}`;
        record.messages.push(outcome.message);
        this.save(record);
        outcomes.push(outcome);
      } else if (record.status === 'undoing') {
        const outcome = await this.undo(record.id, true);
        outcome.message = `Launchwatch stopped while undoing ${name(record)}; ${outcome.ok ? 'it finished the undo after restarting.' : `the undo could not finish: ${outcome.message}`}`;
        // The undo read its own copy of the record: add to that one, never save the stale copy over it.
        outcome.record.messages.push(outcome.message);
        this.save(outcome.record);
        outcomes.push(outcome);
      }
    }
    return outcomes;
  }

  /** Put the file back byte for byte (mode and owner too), then let launchd (or systemd) load it again. */
  async undo(id: string, resuming = false): Promise<Outcome> {
    const record = this.options.journal.get(id);
    if (!record) return { record: undefined as never, ok: false, message: `no action ${id}` };
    if (record.status !== 'done' && !(resuming && record.status === 'undoing')) {
      return { record, ok: false, message: `action ${id} is ${record.status}: only a finished disable can be undone` };
    }
    if (!resuming || !record.undoSteps) {
      record.undoSteps = undoSteps(record);
      record.status = 'undoing';
      this.save(record);
      await this.boundary('undo-journaled');
    }
    const failure = isLaunchd(record) ? await this.undoLaunchd(record) : await this.undoOther(record);
    if (failure !== undefined) {
      record.status = 'done';
      record.messages.push(
        `Undo of ${name(record)} stopped: ${failure}${record.backup ? ` ${whereTheFileIs(record.backup)}` : ''}`,
      );
      this.save(record);
      return { record, ok: false, message: record.messages.at(-1) as string };
    }
    record.status = 'undone';
    const where = record.backup ? ` is back at ${record.backup.originalPath} and` : '';
    record.messages.push(
      (isLaunchd(record)
        ? `${name(record)}${where} is enabled and loaded again (launchd confirms it).`
        : `${name(record)}${where} is enabled again.`) + notAsRecorded(record.backup),
    );
    this.save(record);
    return { record, ok: true, message: record.messages.at(-1) as string };
  }

  /** launchd: the file back (by the helper when root owns the folder), then enable and bootstrap in one helper run, then launchd asked. */
  private async undoLaunchd(record: ActionRecord): Promise<string | undefined> {
    const steps = record.undoSteps as StepRecord[];
    const admin = record.plan.needsAdmin;
    const backup = record.backup;
    const restore = steps.find((s) => s.kind === 'restore');
    if (restore && restore.status !== 'done' && backup && !admin) {
      try {
        await this.restore(record.id, backup, false);
      } catch (error) {
        return this.fail(record, restore, (error as Error).message);
      }
      this.finish(record, restore);
      await this.boundary('undo-restore');
    }
    // Back already (an Undo cut short after the helper moved it back, or put back by hand): not asked for again.
    if (restore && restore.status !== 'done' && backup && admin) {
      const there = lookAtAs(backup.originalPath, true);
      if (there.kind === 'regular' && there.sha256 === backup.sha256) {
        restore.output = 'already back';
        this.finish(record, restore);
      }
    }
    const bootstrap = steps.find((s) => s.kind === 'bootstrap');
    const target = launchdTarget(record);
    // Loaded again already (by hand, or by a helper run that a kill cut short): nothing to bootstrap.
    if (bootstrap && bootstrap.status !== 'done' && (await isLoaded(this.options.runner, target))) {
      bootstrap.output = 'already loaded';
      this.finish(record, bootstrap);
    }
    if (restore && restore.status !== 'done' && backup && admin && backup.heldByAdmin !== true)
      return this.fail(record, restore, notHeldByAdmin(backup));
    // The file root loads is the one root put back (unhold checks where it was taken from): a record naming another
    // is not the one this action wrote.
    if (admin && backup && backup.originalPath !== record.plan.plistPath)
      return this.fail(
        record,
        restore ?? (steps[0] as StepRecord),
        `the record names two files (${record.plan.plistPath} and ${backup.originalPath}): it was changed since the disable, and nothing was done`,
      );
    const batch: { step: StepRecord; words: string[] }[] = [];
    for (const step of steps) {
      if (step.status === 'done' || step.status === 'skipped') continue;
      if (step.kind === 'restore' && backup) batch.push({ step, words: unholdWords(record.id, backup) });
      else if (step.kind === 'enable') batch.push({ step, words: enableWords(target, record.plan.plistPath, admin) });
      else if (step.kind === 'bootstrap')
        batch.push({
          step,
          words: ['bootstrap', splitTarget(target).domain, record.plan.plistPath, record.plan.label],
        });
    }
    const failed = await this.runBatch(record, batch, `Launchwatch is turning ${name(record)} back on.`, 'undo');
    if (failed) {
      const left = steps.filter((s) => s.status !== 'done' && s.status !== 'skipped' && s.kind !== 'restore');
      const commands = left.map((s) =>
        s.kind === 'enable'
          ? `launchctl enable ${pasteable(target)}`
          : `launchctl bootstrap ${splitTarget(target).domain} ${pasteable(record.plan.plistPath)}`,
      );
      return commands.length > 0 ? `${failed}. What is left to do: ${commands.join(' && ')}.` : failed;
    }
    if (bootstrap && !(await waitUntilLoaded(this.options.runner, target, true, this.confirmMs()))) {
      return this.fail(
        record,
        bootstrap,
        `launchd does not show ${target} loaded. What is left to do: ${whatIsLeft(splitTarget(target).domain, splitTarget(target).label, record.plan.plistPath)}`,
      );
    }
    const enable = steps.find((s) => s.kind === 'enable');
    if (enable && (await isDisabled(this.options.runner, target)) === true) {
      return this.fail(
        record,
        enable,
        `launchd still lists ${target} as disabled. What is left to do: launchctl enable ${pasteable(target)}`,
      );
    }
    this.save(record);
    return undefined;
  }

  /** systemd units and autostart entries: the file back, then each inverse command, confirmed. */
  private async undoOther(record: ActionRecord): Promise<string | undefined> {
    const backup = record.backup as BackupRecord;
    for (const step of record.undoSteps as StepRecord[]) {
      if (step.status === 'done' || step.status === 'skipped') continue;
      try {
        if (step.kind === 'restore') {
          await this.restore(record.id, backup, record.plan.needsAdmin);
          step.status = 'done';
        } else {
          const result = await this.options.runner.run(step.argv as string[], {
            admin: record.plan.needsAdmin,
            reason: `Launchwatch is turning ${name(record)} back on.`,
          });
          const words = commandWords(result);
          if ((step.kind === 'systemctl-enable' || step.kind === 'systemctl-start') && NO_SYSTEMD.test(words)) {
            step.status = 'skipped';
            step.output = words;
          } else if (result.code === 0 && !result.problem) {
            const problem = await this.confirmSystemd(step);
            if (problem) throw new Error(problem);
            step.status = 'done';
          } else throw new Error(`${(step.argv as string[]).join(' ')}: ${words}`);
        }
        step.at = new Date().toISOString();
      } catch (error) {
        return this.fail(record, step, (error as Error).message);
      }
      this.save(record);
      await this.boundary(`undo-${step.kind}`);
    }
    return undefined;
  }

  /**
   * Undo for a journal record that cannot be read: the file is put back as an ordinary Undo would (the original held in
   * the quarantine, else the copy, each checked against the hash the record gives, when it gives one; an administrator's
   * only from the administrator's quarantine), and then turned back on: a launch item's disable is kept by launchd
   * across restarts, so it is enabled and loaded again, by the Label of the file now in place (an administrator's read
   * by root in the helper run that puts it back, so one password prompt does both). The damaged record is set aside
   * once the file is back.
   */
  async restoreFromDamaged(damaged: UnreadableRecord): Promise<{ ok: boolean; message: string }> {
    const who = damaged.label ?? damaged.id;
    const folder = join(this.options.journal.quarantineDir, damaged.id);
    if (!damaged.backup)
      return {
        ok: false,
        message: `The record of ${who} (${damaged.path}) is damaged (${damaged.problem}) and does not say where its file was. Its quarantined copy, if any, is in ${folder}; an administrator's file is held in ${join(adminQuarantineDir(), damaged.id)} (only root can open it): put it back by hand.`,
      };
    const salvaged = damaged.backup;
    const { originalPath } = salvaged;
    const uid = this.options.uid ?? process.getuid?.() ?? 0;
    const isRoot = this.options.isRoot ?? process.getuid?.() === 0;
    const domain = launchdDomainOf(originalPath, uid);
    // As the plan decides: a daemon's or a root-owned folder's file is the administrator's (never put back from the
    // user's copy), whichever of the record's words survived.
    const admin =
      !isRoot &&
      (salvaged.heldByAdmin === true ||
        damaged.needsAdmin === true ||
        domain === 'system' ||
        originalPath.startsWith('/Library/'));
    const sha256 = salvaged.sha256 ?? (admin ? undefined : hashOfWhatIsHeld(salvaged));
    const backup: BackupRecord = {
      originalPath,
      backupPath: salvaged.backupPath,
      sha256: sha256 ?? '',
      size: salvaged.size ?? 0,
      mode: salvaged.mode ?? 0o644,
      uid: salvaged.uid ?? uid,
      gid: salvaged.gid ?? 0,
      ...(salvaged.mtimeMs !== undefined ? { mtimeMs: salvaged.mtimeMs } : {}),
      ...(salvaged.atimeMs !== undefined ? { atimeMs: salvaged.atimeMs } : {}),
      ...(salvaged.heldByAdmin === true ? { heldByAdmin: true } : {}),
    };
    if (!admin && sha256 === undefined)
      return {
        ok: false,
        message: `${who} could not be put back: neither its held file nor its copy is in ${folder}. Nothing is at ${originalPath}.`,
      };
    // An administrator's file is turned on in the same helper run that puts it back (one prompt), root reading its Label
    // from the file itself: the user may not be able to read it, and no record the user can write may name it.
    let turnedOn: HelperResult | undefined;
    try {
      turnedOn = await this.restore(
        damaged.id,
        backup,
        admin,
        admin && domain !== undefined ? [turnOnStep(domain, originalPath)] : [],
      );
    } catch (error) {
      return {
        ok: false,
        message: `${who} could not be put back: ${(error as Error).message}. ${whereTheFileIs(backup)}`,
      };
    }
    renameSync(damaged.path, `${damaged.path}.damaged`);
    const kept = `its damaged record was kept as ${damaged.path}.damaged`;
    const unlike =
      admin && sha256 !== undefined && notAsRecorded(backup) !== ''
        ? " It is the file the administrator's quarantine held; the damaged record described other bytes."
        : '';
    if (domain === undefined)
      return {
        ok: true,
        message: `${who} is back at ${originalPath} (${kept}). ${howToTurnOnAgain(originalPath)}${unlike}`,
      };
    if (turnedOn !== undefined) {
      const outcome = turnedOn.statuses[0];
      const label = labelTurnedOn(outcome?.said ?? '');
      if (outcome?.status !== 0 || label === undefined) {
        const why = outcome?.said || turnedOn.problem || 'the helper stopped before turning it on';
        return {
          ok: false,
          message: `${who} is back at ${originalPath} (${kept}), but it is not on again: ${why}. What is left to do: ${whatIsLeft(domain, label, originalPath)}${unlike}`,
        };
      }
      const failed = await confirmOn(
        this.options.runner,
        `${domain}/${label}`,
        whatIsLeft(domain, label, originalPath),
        this.confirmMs(),
      );
      return failed
        ? {
            ok: false,
            message: `${label} is back at ${originalPath} (${kept}), but it is not on again: ${failed}${unlike}`,
          }
        : {
            ok: true,
            message: `${label} is back at ${originalPath} and is enabled and loaded again (launchd confirms it; ${kept}).${unlike}`,
          };
    }
    const named = labelOfPlist(originalPath);
    if ('problem' in named)
      return {
        ok: false,
        message: `${who} is back at ${originalPath} (${kept}), but launchd was not asked to load it: ${named.problem}.${unlike}`,
      };
    const failed = await enableAndLoad(
      this.options.runner,
      this.options.helperPath,
      { domain, label: named.label, path: originalPath },
      {
        admin: domain === 'system' && !isRoot,
        reason: `Launchwatch is turning ${named.label} back on.`,
        confirmMs: this.confirmMs(),
      },
    );
    if (failed)
      return {
        ok: false,
        message: `${named.label} is back at ${originalPath} (${kept}), but it is not on again: ${failed}${unlike}`,
      };
    return {
      ok: true,
      message: `${named.label} is back at ${originalPath} and is enabled and loaded again (launchd confirms it; ${kept}).${unlike}`,
    };
  }

  private async runSteps(record: ActionRecord): Promise<Outcome> {
    if (isLaunchd(record)) {
      const failedAt = await this.disableLaunchd(record);
      if (failedAt !== undefined) return this.afterFailure(record, failedAt);
    }
    const planSteps = record.plan.steps;
    for (let i = 0; i < record.steps.length; i++) {
      const step = record.steps[i] as StepRecord;
      if (step.status === 'done' || step.status === 'skipped') continue;
      step.status = 'running';
      this.save(record);
      await this.boundary(`before-${step.kind}`);
      try {
        const note = await this.runStep(record, planSteps[i] as PlanStep);
        step.status = note?.skipped ? 'skipped' : 'done';
        if (note?.output) step.output = note.output;
        step.at = new Date().toISOString();
      } catch (error) {
        step.status = 'failed';
        step.output = (error as Error).message;
        this.save(record);
        return this.afterFailure(record, i);
      }
      this.save(record);
      await this.boundary(`after-${step.kind}`);
    }
    record.status = 'done';
    record.messages.push(
      record.backup?.heldByAdmin === true
        ? `${name(record)} is disabled; its file is held in the administrator's quarantine, with a copy in ${record.backup.backupPath}. Undo puts it back.`
        : `${name(record)} is disabled; its file is in quarantine (${record.backup?.backupPath}). Undo puts it back.`,
    );
    this.save(record);
    return { record, ok: true, message: record.messages.at(-1) as string };
  }

  /**
   * An administrator's disable cut short before root's steps were all done is put back, never finished: finishing
   * would have root boot out, disable and hold whatever the record names, and the record is the user's (anything
   * running as the user can edit it), read now behind a password prompt the user did not start. Putting back needs
   * nothing the record alone decides: root moves back only the file it held, to where it took it from, enables only the
   * Label that file gives, and loads only that file (rollBackLaunchd).
   */
  private async putBackInterruptedAdminDisable(record: ActionRecord): Promise<Outcome> {
    // A step cut short may have taken effect (the helper runs on after the app is gone): each is put back as if done,
    // and each inverse does nothing where nothing was done (the file moved back only if gone, loaded only if not).
    for (const step of record.steps) if (step.status === 'running') step.status = 'done';
    const last = record.steps.reduce((at, step, i) => (step.status === 'done' ? i : at), -1);
    if (last >= 0) await this.rollBack(record, last);
    const why = `an administrator's disable is not finished from its record after a restart (the record is yours to edit, and root would act on it), so what had been done was put back: disable ${name(record)} again`;
    return this.settleRollBack(record, {
      putBack: `Launchwatch stopped while disabling ${name(record)}; ${why}.`,
      held: (backup) =>
        `Launchwatch stopped while disabling ${name(record)}; ${why}. Its file could not be put back automatically; it is safe in ${backup.backupPath}, and Undo puts it back.`,
    });
  }

  /** Rolls back what was done before step `failedAt` failed, and says where everything stands. */
  private async afterFailure(record: ActionRecord, failedAt: number): Promise<Outcome> {
    const why = record.steps[failedAt]?.output ?? 'a step failed';
    await this.rollBack(record, failedAt);
    return this.settleRollBack(record, {
      putBack: `${name(record)} was not disabled: ${why}. Everything that had been done was put back.`,
      held: (backup) =>
        `${name(record)} was not fully disabled (${why}) and its file could not be put back automatically; it is safe in ${backup.backupPath}, and Undo puts it back.`,
    });
  }

  /**
   * After a rollback: rolled back, or, when the file could not be put back, done, so that the action stays undoable
   * (its file is in quarantine), each saying so.
   */
  private settleRollBack(
    record: ActionRecord,
    messages: { putBack: string; held: (backup: BackupRecord) => string },
  ): Outcome {
    const backup = record.backup;
    const held = backup !== undefined && !existsSync(backup.originalPath);
    record.status = held ? 'done' : 'rolled-back';
    const message = held ? messages.held(backup) : messages.putBack;
    record.messages.push(message);
    this.save(record);
    return { record, ok: false, message };
  }

  /**
   * launchd: bootout and disable (and, for an administrator, ending root processes and removing the
   * file) in one helper run, then launchd is asked until it agrees the service is gone and disabled.
   * Returns the index of the step that failed, if one did; steps left for the executor (ending the
   * user's own processes, the quarantine) are then run by the ordinary loop.
   */
  private async disableLaunchd(record: ActionRecord): Promise<number | undefined> {
    const admin = record.plan.needsAdmin;
    const batch: { step: StepRecord; words: string[] }[] = [];
    const target = launchdTarget(record);
    for (let i = 0; i < record.steps.length; i++) {
      const step = record.steps[i] as StepRecord;
      const planned = record.plan.steps[i] as PlanStep;
      if (step.status === 'done' || step.status === 'skipped') continue;
      if (step.kind === 'note') this.finish(record, step);
      else if (step.kind === 'bootout' || step.kind === 'disable') batch.push({ step, words: [step.kind, target] });
      else if (step.kind === 'stop-processes' && admin) {
        for (const p of planned.processes ?? [])
          batch.push({ step, words: ['terminate', String(p.pid), String(Math.round(p.startedAt / 1000))] });
      } else if (step.kind === 'quarantine' && admin && record.backup) {
        try {
          this.checkBeforeRemoving(record, record.backup);
        } catch (error) {
          return this.failAt(record, i, (error as Error).message);
        }
        // Written ahead: once the helper has run, Undo takes the file from the administrator's quarantine.
        record.backup.heldByAdmin = true;
        this.save(record);
        batch.push({ step, words: ['hold', record.backup.originalPath, record.id] });
      }
    }
    const failed = await this.runBatch(
      record,
      batch,
      `Launchwatch needs an administrator to disable ${name(record)}.`,
      'disable',
    );
    if (failed) return record.steps.findIndex((s) => s.status === 'failed');
    const bootout = record.steps.findIndex((s) => s.kind === 'bootout');
    const bootoutStep = record.steps[bootout];
    if (bootoutStep && !bootoutStep.output?.includes('confirmed: not loaded')) {
      // 36 ("Operation now in progress") and 0 alike: done only when launchd no longer has it.
      if (!(await waitUntilLoaded(this.options.runner, target, false, this.confirmMs()))) {
        return this.failAt(
          record,
          bootout,
          `launchd still has ${target} loaded ${Math.round(this.confirmMs() / 1000)} s after bootout`,
        );
      }
      bootoutStep.output = bootoutStep.output
        ? `${bootoutStep.output}; confirmed: not loaded`
        : 'confirmed: not loaded';
    }
    const disable = record.steps.findIndex((s) => s.kind === 'disable');
    if (disable >= 0 && (await isDisabled(this.options.runner, target)) === false) {
      return this.failAt(record, disable, `launchd does not list ${target} as disabled after launchctl disable`);
    }
    this.save(record);
    await this.boundary('confirmed');
    return undefined;
  }

  /**
   * Runs one helper batch (one prompt when the plan needs an administrator), recording every step's
   * outcome in the journal before and after. Returns why it failed, if it did.
   */
  private async runBatch(
    record: ActionRecord,
    batch: { step: StepRecord; words: string[] }[],
    reason: string,
    phase: 'disable' | 'undo' | 'rollback',
  ): Promise<string | undefined> {
    if (batch.length === 0) return undefined;
    for (const { step } of batch) step.status = 'running';
    this.save(record);
    const prefix = phase === 'disable' ? '' : `${phase}-`;
    await this.boundary(`${prefix}before-launchd`);
    const result = await runHelper(this.options.runner, this.options.helperPath, batch, {
      admin: record.plan.needsAdmin,
      reason,
    });
    let failure: string | undefined;
    batch.forEach(({ step, words }, i) => {
      const outcome = result.statuses[i];
      if (failure !== undefined) {
        if (step.status === 'running') step.status = 'pending';
        return;
      }
      if (!outcome) {
        failure = result.problem ?? `the helper stopped before ${words[0]}`;
        step.status = 'failed';
        step.output = failure;
        return;
      }
      if (outcome.said) step.output = outcome.said;
      if (outcome.status === 0) {
        // A step with several helper steps (ending processes) is done when the last of them is.
        if (batch.filter((b) => b.step === step).at(-1)?.words === words) this.markDone(step);
      } else {
        failure = `${words.slice(0, 2).join(' ')}: ${outcome.said || `exit status ${outcome.status}`}`;
        step.status = 'failed';
        step.output = failure;
      }
    });
    this.save(record);
    await this.boundary(`${prefix}after-launchd`);
    return failure;
  }

  private confirmMs(): number {
    return this.options.confirmTimeoutMs ?? 15_000;
  }

  private markDone(step: StepRecord): void {
    step.status = 'done';
    step.at = new Date().toISOString();
  }

  private finish(record: ActionRecord, step: StepRecord): void {
    this.markDone(step);
    this.save(record);
  }

  private fail(record: ActionRecord, step: StepRecord, why: string): string {
    step.status = 'failed';
    step.output = why;
    this.save(record);
    return why;
  }

  private failAt(record: ActionRecord, index: number, why: string): number {
    this.fail(record, record.steps[index] as StepRecord, why);
    return index;
  }

  /** systemd: a stopped unit is inactive, a disabled one not enabled, a started one active (systemctl is-active / is-enabled). */
  private async confirmSystemd(step: StepRecord): Promise<string | undefined> {
    const argv = step.argv ?? [];
    const unit = argv.at(-1) as string;
    const base = argv.slice(0, -2);
    const verb = argv.at(-2) as string;
    const check = verb === 'stop' || verb === 'start' ? 'is-active' : 'is-enabled';
    const result = await this.options.runner.run([...base, check, unit], { admin: false, reason: '' });
    if (NO_SYSTEMD.test(commandWords(result))) return undefined;
    const state = result.stdout.trim().split('\n')[0] ?? '';
    const good: Record<string, string[]> = {
      stop: ['inactive', 'failed', 'unknown'],
      start: ['active', 'activating', 'reloading'],
      disable: ['disabled', 'masked', 'static', 'indirect', 'not-found'],
      enable: ['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'linked'],
    };
    if (good[verb]?.includes(state)) return undefined;
    return `${[...base, check, unit].join(' ')} says "${state || commandWords(result)}" after ${verb}`;
  }

  private async runStep(
    record: ActionRecord,
    step: PlanStep,
  ): Promise<{ skipped?: boolean; output?: string } | undefined> {
    const admin = record.plan.needsAdmin;
    const reason = `Launchwatch needs an administrator to disable ${name(record)}.`;
    switch (step.kind) {
      case 'note':
        return undefined;
      case 'systemctl-stop':
      case 'systemctl-disable': {
        const result = await this.options.runner.run(step.argv as string[], { admin, reason });
        const words = commandWords(result);
        if (result.code === 0 && !result.problem) {
          const problem = await this.confirmSystemd({
            kind: step.kind,
            description: '',
            status: 'running',
            argv: step.argv as string[],
          });
          if (problem) throw new Error(problem);
          return undefined;
        }
        // No systemd (a container, a minimal system): nothing to stop or disable there; the process
        // step and the quarantine still take the item out.
        if (NO_SYSTEMD.test(words) || /not loaded|does not exist|No such file/i.test(words))
          return { skipped: true, output: words };
        throw new Error(`${(step.argv as string[]).join(' ')} failed: ${words}`);
      }
      case 'stop-processes':
        await this.stopProcesses(step.processes ?? []);
        return undefined;
      case 'quarantine':
        await this.quarantine(record, admin);
        return undefined;
      default:
        throw new Error(`unknown step ${(step as PlanStep).kind}`);
    }
  }

  private async stopProcesses(processes: { pid: number; startedAt: number }[]): Promise<void> {
    const alive = async () =>
      (
        await Promise.all(
          processes.map(async (p) => ((await this.options.processes.isSame(p.pid, p.startedAt)) ? p : undefined)),
        )
      ).filter((p) => p !== undefined);
    for (const p of await alive()) await this.options.processes.signal(p.pid, 'SIGTERM');
    const deadline = Date.now() + (this.options.stopGraceMs ?? 3000);
    while (Date.now() < deadline && (await alive()).length > 0) await new Promise((r) => setTimeout(r, 100));
    for (const p of await alive()) await this.options.processes.signal(p.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const left = await alive();
    if (left.length > 0) throw new Error(`processes ${left.map((p) => p.pid).join(', ')} would not stop`);
  }

  /**
   * A verified copy in the quarantine, with what it takes to put it back exactly: the bytes, hash, mode, owner and
   * times all come from one open descriptor of the original (held-file.ts), never from a second look by name.
   */
  private backup(id: string, original: string): BackupRecord {
    const folder = join(this.options.journal.quarantineDir, id);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const backupPath = join(folder, basename(original));
    const { sha256, info } = copyHeldFile(original, backupPath);
    // The copy and the folders that name it reach the disk before anything else happens (on macOS,
    // Node's fsync is F_FULLFSYNC, which flushes the drive's cache too).
    fsyncFolder(folder);
    fsyncFolder(this.options.journal.quarantineDir);
    return {
      originalPath: original,
      backupPath,
      mode: info.mode & 0o7777,
      uid: info.uid,
      gid: info.gid,
      sha256,
      size: info.size,
      atimeMs: info.atimeMs,
      mtimeMs: info.mtimeMs,
    };
  }

  private async quarantine(record: ActionRecord, admin: boolean): Promise<void> {
    const backup = record.backup as BackupRecord;
    const found = this.checkBeforeRemoving(record, backup);
    if (found.kind === 'missing') return;
    if (admin) {
      backup.heldByAdmin = true;
      this.save(record);
      const result = await runHelper(
        this.options.runner,
        this.options.helperPath,
        [{ words: ['hold', backup.originalPath, record.id] }],
        { admin: true, reason: `Launchwatch needs an administrator to move ${backup.originalPath} into quarantine.` },
      );
      const outcome = result.statuses[0];
      if (!outcome || outcome.status !== 0)
        throw new Error(
          `moving the file into quarantine failed: ${outcome?.said || result.problem || 'the helper did not run'}`,
        );
      if (somethingAt(backup.originalPath)) throw new Error(`${backup.originalPath} could not be removed`);
      return;
    }
    // The file itself goes beside its copy when it is the file backed up: a rename keeps its inode, so Undo gives back
    // the very file (extended attributes, ACLs and birth time too, which a copy loses). Anything else, or a quarantine
    // on another volume, is removed by name (the copy and, for a changed file, its changed version are kept).
    if (found.kind === 'regular' && found.sha256 === backup.sha256 && this.moveIntoQuarantine(backup)) return;
    unlinkSync(backup.originalPath);
  }

  /** The original renamed to its held name in the quarantine; false when the quarantine is on another volume. */
  private moveIntoQuarantine(backup: BackupRecord): boolean {
    const held = heldFileOf(backup);
    try {
      io.renameSync(backup.originalPath, held);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EXDEV') return false;
      throw error;
    }
    fsyncFolder(dirname(held));
    fsyncFolder(dirname(backup.originalPath));
    return true;
  }

  /**
   * The held original linked back at its place (never over anything there: link(2) fails with EEXIST) and its held
   * name removed; false when there is no held file with the backed-up bytes (an older record, another volume, or a
   * held file changed since), and the copy is put back instead.
   */
  private putHeldBack(backup: BackupRecord): boolean {
    const held = heldFileOf(backup);
    const found = lookAt(held);
    if (found.kind !== 'regular' || found.sha256 !== backup.sha256) return false;
    mkdirSync(dirname(backup.originalPath), { recursive: true });
    try {
      linkSync(held, backup.originalPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new Error(`a different file is already at ${backup.originalPath}; it was left alone`, { cause: error });
      // A volume without hard links: the copy goes back instead.
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP') return false;
      throw error;
    }
    unlinkSync(held);
    // Reading it to check it may have moved its access time on: the recorded one goes back, as for a copy.
    if (backup.mtimeMs !== undefined)
      utimesSync(backup.originalPath, new Date(backup.atimeMs ?? backup.mtimeMs), new Date(backup.mtimeMs));
    fsyncFolder(dirname(backup.originalPath));
    fsyncFolder(dirname(held));
    return true;
  }

  /**
   * Before the original goes: a version changed since the backup is kept too, and the backup still matches. What is
   * at the path now, as one open descriptor saw it. A name that became a FIFO, a device or a symbolic link since the
   * backup holds nothing to keep (unlink(2) takes the name, never what a link points at); the record says what it was.
   */
  private checkBeforeRemoving(record: ActionRecord, backup: BackupRecord): Found {
    if (!somethingAt(backup.originalPath)) return { kind: 'missing' };
    const found = lookAt(backup.originalPath);
    if (found.kind === 'other')
      record.messages.push(
        `${backup.originalPath} had become ${found.what} after it was backed up; that name was removed (what a link points at is left alone), and the file backed up is what Undo puts back.`,
      );
    else if (found.kind === 'regular' && found.sha256 !== backup.sha256) {
      // Changed since the backup (the malware rewrote it): keep that version too, copied from the same open file.
      const changedCopy = `${backup.backupPath}.changed-${Date.now()}`;
      copyHeldFile(backup.originalPath, changedCopy);
      fsyncFolder(dirname(changedCopy));
    }
    if (sha256File(backup.backupPath) !== backup.sha256)
      throw new Error(`the quarantined copy ${backup.backupPath} no longer matches: the original stays in place`);
    return found;
  }

  /**
   * The file back at its place. An administrator's file comes back only from the administrator's quarantine, which
   * only root can change (the helper's hold and unhold): the user's copy and this record are files whatever runs as
   * the user could rewrite, so they never decide what goes into a root-owned folder, nor where (a record could be
   * edited to look older, or to name another place).
   */
  private async restore(
    id: string,
    backup: BackupRecord,
    admin: boolean,
    /** For an administrator's file: helper steps to run after the unhold, in the same run (one prompt). */
    thenAsRoot: HelperStep[] = [],
  ): Promise<HelperResult | undefined> {
    const there = lookAtAs(backup.originalPath, admin);
    if (there.kind === 'regular' && there.sha256 === backup.sha256) return undefined;
    if (there.kind === 'regular')
      throw new Error(`a different file is already at ${backup.originalPath}; it was left alone`);
    if (there.kind === 'other')
      throw new Error(`${there.what} is already at ${backup.originalPath}; it was left alone`);
    if (there.kind === 'unreadable')
      throw new Error(`a file Launchwatch cannot read is already at ${backup.originalPath}; it was left alone`);
    if (admin) {
      if (backup.heldByAdmin !== true) throw new Error(notHeldByAdmin(backup));
      // Root-owned folders: one prompt; the helper moves the held file back (one rename), so the target is never a
      // partial file.
      const result = await runHelper(
        this.options.runner,
        this.options.helperPath,
        [{ words: unholdWords(id, backup) }, ...thenAsRoot],
        { admin: true, reason: `Launchwatch needs an administrator to put ${backup.originalPath} back.` },
      );
      const outcome = result.statuses[0];
      if (!outcome || outcome.status !== 0)
        throw new Error(`putting the file back failed: ${outcome?.said || result.problem || 'the helper did not run'}`);
      const restored = lookAtAs(backup.originalPath, admin);
      if (restored.kind !== 'regular' && restored.kind !== 'unreadable')
        throw new Error(`${backup.originalPath} is not there after it was put back`);
      return thenAsRoot.length > 0
        ? { statuses: result.statuses.slice(1), ...(result.problem ? { problem: result.problem } : {}) }
        : undefined;
    } else if (!this.putHeldBack(backup)) {
      checkCopy(backup);
      mkdirSync(dirname(backup.originalPath), { recursive: true });
      copyFileAtomic(backup.backupPath, backup.originalPath, backup.mode);
      if (process.getuid?.() === 0) chownSync(backup.originalPath, backup.uid, backup.gid);
      if (backup.mtimeMs !== undefined)
        utimesSync(backup.originalPath, new Date(backup.atimeMs ?? backup.mtimeMs), new Date(backup.mtimeMs));
    }
    const restored = lookAt(backup.originalPath);
    if (restored.kind !== 'regular') throw new Error(`${backup.originalPath} is not there after it was put back`);
    if (restored.sha256 !== backup.sha256)
      throw new Error(`${backup.originalPath} was restored but does not match its backup`);
    return undefined;
  }

  private async rollBack(record: ActionRecord, failedAt: number): Promise<void> {
    if (isLaunchd(record)) return this.rollBackLaunchd(record, failedAt);
    for (let i = failedAt; i >= 0; i--) {
      const step = record.steps[i] as StepRecord;
      // The failed step is undone too when its effect shows: a quarantine that removed the file and
      // then failed to say so.
      const failedButVisible =
        i === failedAt &&
        step.kind === 'quarantine' &&
        record.backup !== undefined &&
        !existsSync(record.backup.originalPath);
      if (step.status !== 'done' && !failedButVisible) continue;
      try {
        const inverse = inverseOf(step, record.plan);
        if (step.kind === 'quarantine' && record.backup)
          await this.restore(record.id, record.backup, record.plan.needsAdmin);
        else if (inverse?.argv)
          await this.options.runner.run(inverse.argv, {
            admin: record.plan.needsAdmin,
            reason: 'Launchwatch is putting things back.',
          });
        step.status = 'rolled-back';
      } catch (error) {
        record.messages.push(`Could not roll back "${step.description}": ${(error as Error).message}`);
      }
      this.save(record);
    }
  }

  /** launchd: the file back, then enable and bootstrap in one helper run, for the steps whose effect shows. */
  private async rollBackLaunchd(record: ActionRecord, failedAt: number): Promise<void> {
    const target = launchdTarget(record);
    const admin = record.plan.needsAdmin;
    const took = (kind: StepRecord['kind']): StepRecord | undefined => {
      const index = record.steps.findIndex((s) => s.kind === kind);
      const step = record.steps[index];
      return step && (step.status === 'done' || (index === failedAt && step.status === 'failed')) ? step : undefined;
    };
    if (admin && record.backup && record.backup.originalPath !== record.plan.plistPath) {
      record.messages.push(
        `Could not roll back: the record names two files (${record.plan.plistPath} and ${record.backup.originalPath}); it was changed since the disable began, and nothing was done as root.`,
      );
      this.save(record);
      return;
    }
    const quarantine = took('quarantine');
    const batch: { step: StepRecord; words: string[] }[] = [];
    if (quarantine && record.backup && !existsSync(record.backup.originalPath)) {
      if (admin) batch.push({ step: quarantine, words: unholdWords(record.id, record.backup) });
      else {
        try {
          await this.restore(record.id, record.backup, false);
          quarantine.status = 'rolled-back';
        } catch (error) {
          record.messages.push(`Could not roll back "${quarantine.description}": ${(error as Error).message}`);
        }
      }
    }
    const disable = took('disable');
    // Enabled already (a disable cut short before it ran): nothing to ask an administrator for.
    if (disable && (await isDisabled(this.options.runner, target)) === false) disable.status = 'rolled-back';
    else if (disable) batch.push({ step: disable, words: enableWords(target, record.plan.plistPath, admin) });
    const bootout = took('bootout');
    if (bootout && !(await isLoaded(this.options.runner, target))) {
      batch.push({
        step: bootout,
        words: ['bootstrap', splitTarget(target).domain, record.plan.plistPath, record.plan.label],
      });
    }
    if (batch.length > 0) {
      const result = await runHelper(this.options.runner, this.options.helperPath, batch, {
        admin,
        reason: 'Launchwatch is putting things back.',
      });
      batch.forEach(({ step, words }, i) => {
        const outcome = result.statuses[i];
        if (outcome?.status === 0) step.status = 'rolled-back';
        else
          record.messages.push(
            `Could not roll back "${step.description}": ${outcome?.said || result.problem || `the helper stopped before ${words[0]}`}`,
          );
      });
    }
    this.save(record);
  }

  private discardPartialBackup(record: ActionRecord): void {
    const folder = join(this.options.journal.quarantineDir, record.id);
    const copy = join(folder, basename(record.plan.plistPath));
    // Only a copy whose original is still in place is ever removed.
    if (existsSync(copy) && existsSync(record.plan.plistPath)) unlinkSync(copy);
  }

  private save(record: ActionRecord): void {
    this.options.journal.save(record);
  }

  private async boundary(label: string): Promise<void> {
    await this.options.onBoundary?.(label);
  }
}

/**
 * The command that reverses one disable step, for rollback and for undo alike. `launchctl bootout`
 * leaves the service disabled, so undo runs the inverses in reverse order: enable before bootstrap,
 * and systemctl enable before start.
 */
function inverseOf(step: StepRecord, plan: ActionRecord['plan']): StepRecord | undefined {
  const argv = step.argv;
  if (!argv) return undefined;
  const [tool, verb, target = ''] = argv;
  if (tool === 'launchctl' && verb === 'disable') return command('enable', ['launchctl', 'enable', target]);
  if (tool === 'launchctl' && verb === 'bootout')
    return command('bootstrap', ['launchctl', 'bootstrap', target.slice(0, target.lastIndexOf('/')), plan.plistPath]);
  const base = argv.slice(0, -2);
  const unit = argv.at(-1) as string;
  if (step.kind === 'systemctl-disable') return command('systemctl-enable', [...base, 'enable', unit]);
  if (step.kind === 'systemctl-stop') return command('systemctl-start', [...base, 'start', unit]);
  return undefined;
}

function command(kind: StepRecord['kind'], argv: string[]): StepRecord {
  return { kind, argv, description: argv.join(' '), status: 'pending' };
}

function undoSteps(record: ActionRecord): StepRecord[] {
  const inverses = [...record.steps]
    .reverse()
    .map((step) => inverseOf(step, record.plan))
    .filter((s): s is StepRecord => s !== undefined);
  // An item inside an app bundle kept its file: only launchd is asked to take it back.
  if (!record.backup) return inverses;
  const restore: StepRecord = {
    kind: 'restore',
    description: `Put ${record.plan.plistPath} back, byte for byte, with its mode, owner and modification time`,
    status: 'pending',
  };
  return [restore, ...inverses];
}

function commandWords(result: RunResult): string {
  return (result.problem ?? (`${result.stderr}\n${result.stdout}`.trim() || `exit status ${result.code}`)).trim();
}

function name(record: ActionRecord): string {
  return record.plan.label || record.plan.plistPath;
}

/**
 * lookAt, where an administrator's file may be one the user cannot read (a plist root keeps at mode 0600 is loaded by
 * launchd all the same): then it is there, unread, rather than an error.
 */
function lookAtAs(path: string, admin: boolean): Found | { kind: 'unreadable' } {
  try {
    return lookAt(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (admin && (code === 'EACCES' || code === 'EPERM')) return { kind: 'unreadable' };
    throw error;
  }
}

/** Where the file stands after a failed undo, in words that are true whatever went wrong. */
function whereTheFileIs(backup: BackupRecord): string {
  if (existsSync(backup.originalPath)) return `The file at ${backup.originalPath} is in place.`;
  // Looked at through one descriptor each: a copy that became a FIFO is named, never waited on or thrown over.
  const intact = (path: string): boolean => {
    const found = lookAt(path);
    return found.kind === 'regular' && found.sha256 === backup.sha256;
  };
  if (backup.heldByAdmin === true)
    return `It is held in the administrator's quarantine, which Undo puts it back from; your copy is ${backup.backupPath}.`;
  if (intact(heldFileOf(backup))) return `It is still safe in ${heldFileOf(backup)}.`;
  if (intact(backup.backupPath)) return `It is still safe in ${backup.backupPath}.`;
  if (!somethingAt(backup.backupPath))
    return `The quarantined copy ${backup.backupPath} is gone, and nothing is at ${backup.originalPath}.`;
  return `The quarantined copy ${backup.backupPath} is not the original any more; nothing is at ${backup.originalPath}.`;
}

/** Temporary files Launchwatch's own writes leave when killed (`.launchwatch-*.tmp`); nothing else is touched. */
function removeLeftoverTemps(folder: string): void {
  // Read name by name: the folder (a user's LaunchAgents) may hold any number of names; only ours are kept in hand.
  let dir: Dir;
  try {
    dir = opendirSync(folder);
  } catch {
    return;
  }
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      const name = entry.name;
      if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) continue;
      try {
        unlinkSync(join(folder, name));
      } catch {
        // A root-owned folder: the leftover is harmless (launchd reads only *.plist) and goes with the next admin restore.
      }
    }
  } catch {
    // A folder that cannot be read to its end keeps its leftovers for the next start.
  } finally {
    dir.closeSync();
  }
}

/** An administrator's launchd disable with a step root runs (bootout, disable, ending processes, hold) not yet done. */
function rootStepsLeft(record: ActionRecord): boolean {
  if (!record.plan.needsAdmin || !isLaunchd(record)) return false;
  const asRoot = new Set<StepRecord['kind']>(['bootout', 'disable', 'stop-processes', 'quarantine']);
  return record.steps.some((s) => asRoot.has(s.kind) && s.status !== 'done' && s.status !== 'skipped');
}

function isLaunchd(record: ActionRecord): boolean {
  return record.plan.kind === 'LaunchAgent' || record.plan.kind === 'LaunchDaemon';
}

/** `gui/501/<label>` or `system/<label>`, as the plan's bootout and disable steps name it. */
function launchdTarget(record: ActionRecord): string {
  const step = record.plan.steps.find((s) => s.kind === 'bootout' || s.kind === 'disable');
  return (step?.argv?.[2] as string | undefined) ?? '';
}

/**
 * What the administrator's quarantine gave back is the truth; a record that disagrees was changed since the disable
 * (by whatever runs as the user, who owns it), and the user is told.
 */
function notAsRecorded(backup: BackupRecord | undefined): string {
  if (backup?.heldByAdmin !== true) return '';
  const there = lookAt(backup.originalPath);
  if (there.kind !== 'regular' || there.sha256 === backup.sha256) return '';
  return ` The file put back is the one the administrator's quarantine held, but this action's record describes other bytes: the record or the quarantined copy in ${dirname(backup.backupPath)} was changed after the disable (anything running as you can change them).`;
}

/** The quarantined copy is there and holds the original's bytes, or the Undo that would use it stops, saying which. */
function checkCopy(backup: BackupRecord): void {
  if (!existsSync(backup.backupPath))
    throw new Error(`the quarantined copy ${backup.backupPath} is gone, so there is nothing to put back`);
  if (sha256File(backup.backupPath) !== backup.sha256)
    throw new Error(
      `the quarantined copy ${backup.backupPath} was changed after it was made (its SHA-256 is not the original's), so it was not put back`,
    );
}

/**
 * The hash of what the quarantine holds of a file whose record gives none: the original itself when it is held, else
 * its copy (a damaged record, the only kind that lacks one); undefined when neither is a regular file.
 */
function hashOfWhatIsHeld(backup: Pick<BackupRecord, 'backupPath'>): string | undefined {
  for (const path of [heldFileOf(backup), backup.backupPath]) {
    const found = lookAt(path);
    if (found.kind === 'regular') return found.sha256;
  }
  return undefined;
}

/** What turns a file that is not a launchd job's back on, when Undo cannot tell what its record would have done. */
function howToTurnOnAgain(path: string): string {
  const unit = basename(path);
  if (dirname(path).includes('/systemd/')) {
    const user = dirname(path).includes('/systemd/user');
    const why = 'Its record cannot say what was turned off: if it is a unit that ran, turn it on again';
    try {
      return `${why} with: ${user ? 'systemctl --user' : 'sudo systemctl'} enable --now ${shellQuote(unit)}`;
    } catch {
      return `${why} (systemctl enable --now).`;
    }
  }
  if (basename(dirname(path)) === 'autostart') return 'It starts again at the next login.';
  return 'Its record cannot say what else was turned off.';
}

/** Where the quarantine holds the original itself (renamed, not copied), beside its copy. */
function heldFileOf(backup: Pick<BackupRecord, 'backupPath'>): string {
  return `${backup.backupPath}.held`;
}

/**
 * The helper's enable. Run as root, it names the plist too, so that root enables only the Label the file itself gives:
 * the journal is the user's to edit, and a record naming another label must not have root enable that job.
 */
function enableWords(target: string, plistPath: string, admin: boolean): string[] {
  return admin ? ['enable', target, plistPath] : ['enable', target];
}

/** The helper's words for putting an administrator's file back from where it holds it: only to where it came from. */
function unholdWords(id: string, backup: BackupRecord): string[] {
  return ['unhold', id, backup.originalPath];
}

/**
 * Why an administrator's file with no held copy is not put back by Launchwatch: the only copy is the user's, which
 * anything running as the user can change, and its record too (made to look like this one, or to name another place).
 */
function notHeldByAdmin(backup: BackupRecord): string {
  const why = `the administrator's quarantine holds no file for ${backup.originalPath} (an earlier Launchwatch kept only your copy, ${backup.backupPath}, or this record was changed). As anything running as you can change that copy and this record, Launchwatch does not put it into a root-owned folder itself.`;
  let copy: string;
  let original: string;
  try {
    copy = shellQuote(backup.backupPath);
    original = shellQuote(backup.originalPath);
  } catch {
    return why;
  }
  return `${why} If it is the file you disabled, check it and put it back with: sudo cp ${copy} ${original} && sudo launchctl bootstrap system ${original}`;
}
