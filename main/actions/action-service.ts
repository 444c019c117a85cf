// Disable with approval, undo and the approved inventory, for the app, web mode and the command line
// alike: one planner, one executor, one journal. Plans wait for approval by id; nothing runs without it.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { approvalFor, type Approval } from '../engine/approvals';
import { planDisable, type DisablePlan, type PlanOutcome } from '../engine/actions/plan';
import type { ItemResult } from '../engine/model';
import { ApprovalsStore } from './approvals-store';
import { Executor, type CommandRunner, type Outcome, type ProcessControl } from './executor';
import { Journal, type ActionRecord, type UnreadableRecord } from './journal';
import { sampleSocketsAsAdmin, type SocketSampling } from './daemon-sockets';
import { defaultHelperPath } from './helper-path';
import { NotPossible } from './not-possible';
import { StateLock, StateLockBusy } from './state-lock';

export interface ActionServiceOptions {
  stateDir: string;
  runner: CommandRunner;
  processes: ProcessControl;
  uid?: number;
  isRoot?: boolean;
  onBoundary?: (label: string) => Promise<void> | void;
  stopGraceMs?: number;
  /** assets/launchwatch-helper.sh (default: beside the app). */
  helperPath?: string;
  /** How long launchd gets to confirm an outcome (default 15 s). */
  confirmTimeoutMs?: number;
}

const PLAN_LIFETIME_MS = 10 * 60 * 1000;

export class ActionService {
  readonly journal: Journal;
  readonly approvals: ApprovalsStore;
  private readonly executor: Executor;
  private readonly pending = new Map<string, { plan: DisablePlan; createdAt: number }>();
  private readonly uid: number;
  private readonly isRoot: boolean;
  private readonly lock: StateLock;
  private readonly runner: CommandRunner;
  private readonly helperPath: string;

  constructor(options: ActionServiceOptions) {
    this.journal = new Journal(options.stateDir);
    this.approvals = new ApprovalsStore(join(options.stateDir, 'approvals.json'));
    this.uid = options.uid ?? userInfo().uid;
    this.isRoot = options.isRoot ?? process.getuid?.() === 0;
    this.lock = new StateLock(options.stateDir, options.processes);
    this.runner = options.runner;
    this.helperPath = options.helperPath ?? defaultHelperPath();
    this.executor = new Executor({
      journal: this.journal,
      uid: this.uid,
      isRoot: this.isRoot,
      runner: options.runner,
      processes: options.processes,
      helperPath: options.helperPath ?? defaultHelperPath(),
      ...(options.confirmTimeoutMs !== undefined ? { confirmTimeoutMs: options.confirmTimeoutMs } : {}),
      ...(options.onBoundary ? { onBoundary: options.onBoundary } : {}),
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
  }

  /** The exact steps, for the approval sheet; the plan waits under its id until approved or expired. */
  plan(result: ItemResult): PlanOutcome & { planId?: string } {
    const outcome = planDisable(result.item, {
      uid: this.uid,
      isRoot: this.isRoot,
      processes: result.processes.map((p) => ({ pid: p.pid, startedAt: p.startedAt, args: p.args })),
      ...(result.signing ? { signing: result.signing } : {}),
    });
    if (!outcome.ok) return outcome;
    const planId = randomBytes(12).toString('hex');
    this.pending.set(planId, { plan: outcome.plan, createdAt: Date.now() });
    return { ...outcome, planId };
  }

  async approvePlan(planId: string): Promise<Outcome> {
    for (const [id, p] of this.pending) if (Date.now() - p.createdAt > PLAN_LIFETIME_MS) this.pending.delete(id);
    const pending = this.pending.get(planId);
    if (!pending)
      throw new NotPossible(
        'this plan is no longer waiting for approval (it expired or ran already): open Disable again',
      );
    this.pending.delete(planId);
    return this.lock.withLock(() => this.executor.execute(pending.plan));
  }

  cancelPlan(planId: string): void {
    this.pending.delete(planId);
  }

  async undo(idOrLast: string): Promise<{ ok: boolean; message: string; record?: ActionRecord }> {
    const id = idOrLast === 'last' ? this.actions().find((a) => a.status === 'done')?.id : idOrLast;
    if (!id)
      throw new NotPossible('there is no disabled item to undo ("launchwatch actions" lists what Launchwatch did)');
    return this.lock.withLock(async () => {
      const damaged = this.journal.list().unreadable.find((u) => u.id === id);
      if (damaged) return this.executor.restoreFromDamaged(damaged);
      if (!this.journal.get(id))
        throw new NotPossible(`there is no action ${JSON.stringify(id)} ("launchwatch actions" lists them)`);
      return this.executor.undo(id);
    });
  }

  /** Finishes or rolls back what a crash interrupted; while another process holds the lock, says so and waits for a later start. */
  async recover(): Promise<{ ok: boolean; message: string }[]> {
    try {
      return await this.lock.withLock(() => this.executor.recover());
    } catch (error) {
      if (error instanceof StateLockBusy)
        return [{ ok: false, message: `Recovery of interrupted actions waits: ${error.message}.` }];
      throw error;
    }
  }

  /** Root processes' sockets through the helper, with one administrator prompt (daemon-sockets.ts). */
  sampleSockets(pids: number[], sampling: SocketSampling): ReturnType<typeof sampleSocketsAsAdmin> {
    return sampleSocketsAsAdmin(this.runner, this.helperPath, pids, sampling);
  }

  /** Journal records that cannot be read, with the problem and the quarantined copy they point at. */
  damagedActions(): UnreadableRecord[] {
    return this.journal.list().unreadable;
  }

  actions(): ActionRecord[] {
    return this.journal.list().records;
  }

  /** Approves the item; with `cpuLimitPercent`, accepts its CPU only, up to that figure. */
  approve(result: ItemResult, note?: string, cpuLimitPercent?: number): Approval {
    // An item whose file could not be read has nothing an approval could be checked against.
    if (!result.item.sha256)
      throw new NotPossible(
        `${result.item.label || result.item.plistPath} could not be read in full, so it cannot be approved; it stays judged`,
      );
    const approval = approvalFor(result.item, note, userInfo().username, new Date(), cpuLimitPercent);
    this.approvals.approve(approval);
    return approval;
  }

  unapprove(plistPath: string, label: string): number {
    return this.approvals.unapprove((a) => a.plistPath === plistPath && a.label === label).length;
  }
}
