// What the app does, whatever shows it: a live monitor or an opened capture, turned into snapshots and
// item details, with the commands the views send. The Electron shell and the web bridge are thin
// adapters over this; it imports no Electron.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminPromptNote } from './engine/actions/plan';
import { ApprovalError } from './actions/approvals-store';
import { NotPossible } from './actions/not-possible';
import type { ActionService } from './actions/action-service';
import type {
  ActionOutcomeView,
  ItemDetail,
  ItemHistoryView,
  PlanResponse,
  ReviewView,
  ScanOptionsInput,
  Snapshot,
  SnapshotUpdate,
  StatusSummary,
} from './api/contract';
import { SnapshotEncoder } from './api/snapshot-stream';
import type { Approval } from './engine/approvals';
import type { HistoryStore } from './history/history-store';
import { toActionView, toDamagedActionView, toDetail, toSnapshot } from './api/view-model';
import { analyseSamples } from './engine/analyzer';
import { redactResult } from './engine/reports/redact';
import { Listeners } from './engine/listeners';
import type { ScanOptions, ScanResult } from './engine/model';
import { Monitor, type MonitorEvent, type MonitorOptions } from './engine/monitor';
import type { SystemReader } from './engine/reader';
import { readCapture, type Capture } from './platform/capture/capture-reader';

export class AppService {
  private monitor: Monitor | undefined;
  private capture: { capture: Capture; origin: string } | undefined;
  private captureResult: ScanResult | undefined;
  private paused = false;
  private options: ScanOptions;
  private readonly snapshots = new Listeners<SnapshotUpdate>();
  private readonly encoder = new SnapshotEncoder();
  private readonly statuses = new Listeners<StatusSummary>();
  private readonly events = new Listeners<MonitorEvent>();
  private error: string | undefined;
  private actions: ActionService | undefined;
  private notices: string[] = [];
  private history: HistoryStore | undefined;
  /** The item the page shows: its detail goes with every snapshot. */
  private watchedItem: string | undefined;
  /** The list's rows on screen (undefined: all): only their figures go with every update. */
  private watchedRows: ReadonlySet<string> | undefined;

  private constructor(options: ScanOptions) {
    this.options = { ...options };
  }

  /** A live machine; with an action service, disable, undo and approvals too. */
  static live(
    reader: SystemReader,
    options: ScanOptions & Omit<MonitorOptions, keyof ScanOptions | 'history'>,
    actions?: ActionService,
    history?: HistoryStore,
  ): AppService {
    const service = new AppService(options);
    service.actions = actions;
    service.history = history;
    let approvals: MonitorOptions['approvals'] = [];
    if (actions) {
      try {
        const read = actions.approvals.read();
        approvals = read.approvals;
        service.notices.push(...read.notes);
      } catch (error) {
        service.notices.push(
          `The approved inventory could not be read, so no item counts as approved: ${(error as Error).message}`,
        );
      }
    }
    service.monitor = new Monitor(reader, { ...options, approvals, ...(history ? { history } : {}) });
    service.monitor.onTick(() => service.publish());
    service.monitor.onEvent((event) => service.events.emit(event));
    return service;
  }

  static async fromCapture(path: string, options: ScanOptions): Promise<AppService> {
    const service = new AppService(options);
    service.capture = { capture: await readCapture(path), origin: path };
    service.replay();
    return service;
  }

  start(): void {
    if (!this.paused) this.monitor?.start();
  }

  /** Finish or roll back what a crash interrupted, and tell the user which. */
  async recover(): Promise<void> {
    if (!this.actions) return;
    for (const outcome of await this.actions.recover()) this.notices.push(outcome.message);
    this.publish();
  }

  stop(): void {
    this.monitor?.stop();
  }

  get isCapture(): boolean {
    return this.capture !== undefined;
  }

  result(): ScanResult | undefined {
    return this.captureResult ?? this.monitor?.result();
  }

  /** What the menu-bar icon needs after every tick: verdicts, without building the detailed result. */
  status(): StatusSummary {
    const items = this.captureResult?.items ?? this.monitor?.verdicts() ?? [];
    return {
      loading: !this.captureResult && !this.error && !this.monitor?.judged,
      paused: this.paused,
      items: items.map((i) => ({ verdict: i.verdict })),
    };
  }

  snapshot(): Snapshot {
    const result = this.result();
    const actions = this.actions
      ? [
          ...this.actions.damagedActions().map(toDamagedActionView),
          ...this.actions.actions().slice(0, 20).map(toActionView),
        ]
      : [];
    if (!result) {
      return {
        source: { kind: 'live', hostname: '', os: '', osVersion: '', privileged: false },
        actionsAvailable: this.actions !== undefined,
        actions,
        notices: this.notices,
        paused: this.paused,
        options: this.options,
        samples: 0,
        notes: [],
        items: [],
        loading: !this.error,
        ...(this.error ? { error: this.error } : {}),
      };
    }
    const snapshot = toSnapshot(result, {
      paused: this.paused,
      actionsAvailable: this.actions !== undefined,
      actions,
      notices: this.notices,
      ...(this.capture ? { origin: this.capture.origin } : {}),
    });
    if (this.watchedItem) {
      const detail = this.item(this.watchedItem);
      if (detail) snapshot.detail = detail;
    }
    if (this.history && !this.capture) snapshot.historyRevision = this.history.revision();
    return snapshot;
  }

  /** The page shows this item (or none): its detail comes with the snapshots, so it never asks again. */
  watchItem(id: string | null): void {
    this.watchedItem = id ?? undefined;
  }

  item(id: string): ItemDetail | undefined {
    const result = this.result();
    const found = result?.items.find((i) => i.item.id === id);
    return found ? toDetail(found, this.options.cpuThresholdPercent, result?.host.cpuCount) : undefined;
  }

  setOptions(options: ScanOptionsInput): Snapshot {
    this.options = { ...options };
    if (this.capture) this.replay();
    else this.monitor?.setScanOptions(options);
    this.publish();
    return this.snapshot();
  }

  setPaused(paused: boolean): Snapshot {
    this.paused = paused;
    if (this.monitor) {
      if (paused) this.monitor.stop();
      else this.monitor.start();
    }
    this.publish();
    return this.snapshot();
  }

  planDisable(itemId: string): PlanResponse {
    const actions = this.requireActions();
    const result = this.result()?.items.find((i) => i.item.id === itemId);
    if (!result) return { ok: false, refusal: 'This launch item is gone.' };
    const outcome = actions.plan(result);
    if (!outcome.ok) return outcome;
    const { plan } = outcome;
    return {
      ok: true,
      plan: {
        planId: outcome.planId as string,
        itemId,
        label: plan.label,
        plistPath: plan.plistPath,
        needsAdmin: plan.needsAdmin,
        adminPrompts: plan.adminPrompts,
        ...(adminPromptNote(plan) ? { adminNote: adminPromptNote(plan) as string } : {}),
        steps: plan.steps.map((step) => ({
          kind: step.kind,
          description: step.description,
          ...(step.argv ? { command: step.argv.join(' ') } : {}),
        })),
      },
    };
  }

  async approvePlan(planId: string): Promise<ActionOutcomeView> {
    const outcome = await this.requireActions().approvePlan(planId);
    this.afterAction(outcome.message);
    return { ok: outcome.ok, message: outcome.message, actionId: outcome.record.id };
  }

  cancelPlan(planId: string): void {
    this.actions?.cancelPlan(planId);
  }

  async undo(actionId: string): Promise<ActionOutcomeView> {
    const outcome = await this.requireActions().undo(actionId);
    this.afterAction(outcome.message);
    return { ok: outcome.ok, message: outcome.message, actionId };
  }

  approveItem(itemId: string, note?: string, cpuLimitPercent?: number): ActionOutcomeView {
    const actions = this.requireActions();
    const result = this.result()?.items.find((i) => i.item.id === itemId);
    if (!result) return { ok: false, message: 'This launch item is gone.' };
    try {
      actions.approve(result, note, cpuLimitPercent);
    } catch (error) {
      // A file it cannot read is not written over: the person is told which and why.
      if (error instanceof NotPossible || error instanceof ApprovalError) return { ok: false, message: error.message };
      throw error;
    }
    this.monitor?.setApprovals(actions.approvals.list());
    this.monitor?.refreshInventory();
    const name = result.item.label || result.item.plistPath;
    const message =
      cpuLimitPercent === undefined
        ? `${name} is approved: it stays quiet until its plist or program changes.`
        : `The CPU of ${name} is accepted up to ${cpuLimitPercent}% of one core: any sign of mining still flags it.`;
    this.publish();
    return { ok: true, message };
  }

  unapproveItem(itemId: string): ActionOutcomeView {
    const actions = this.requireActions();
    const result = this.result()?.items.find((i) => i.item.id === itemId);
    if (!result) return { ok: false, message: 'This launch item is gone.' };
    let removed: number;
    try {
      removed = actions.unapprove(result.item.plistPath, result.item.label);
    } catch (error) {
      if (error instanceof ApprovalError) return { ok: false, message: error.message };
      throw error;
    }
    this.monitor?.setApprovals(actions.approvals.list());
    this.monitor?.refreshInventory();
    this.publish();
    return {
      ok: removed > 0,
      message: removed > 0 ? 'The approval was removed: the item is judged again.' : 'This item was not approved.',
    };
  }

  /** What a report shows now: the result as measured, or redacted for posting in public. */
  reportResult(redacted: boolean): ScanResult {
    const result = this.result();
    if (!result) throw new NotPossible('There is nothing to report yet: the first samples are still being taken.');
    return redacted ? redactResult(result) : result;
  }

  /** A file name for a report: launchwatch-<host>.<ext>, with nothing from the host that a file system minds. */
  reportFileName(format: string, redacted: boolean): string {
    const host = redacted ? 'redacted' : (this.result()?.host.hostname ?? 'mac');
    return `launchwatch-${host.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64)}.${format}`;
  }

  /** The approved inventory as JSON (for IT to hand to other Macs). */
  exportApprovals(): string {
    return this.requireActions().approvals.export();
  }

  importApprovals(text: string, origin: string): string {
    const actions = this.requireActions();
    const { count, notes } = actions.approvals.import(text, origin);
    this.monitor?.setApprovals(actions.approvals.list());
    this.publish();
    return [`Imported ${count} approvals from ${origin}.`, ...notes].join(' ');
  }

  /** Items new or changed in the last `days` and not approved since; undefined without a history. */
  review(days: number, now = Date.now()): ReviewView | undefined {
    if (!this.history || this.capture) return undefined;
    const since = now - days * 86_400_000;
    let approvals: Approval[] = [];
    try {
      approvals = this.actions?.approvals.list() ?? [];
    } catch {
      // An unreadable inventory approves nothing: everything new is listed.
    }
    const items = this.history.review(since).filter((entry) => {
      const at = entry.lastChange?.at ?? entry.firstSeen;
      return !approvals.some(
        (a) => a.plistPath === entry.plistPath && a.label === entry.label && Date.parse(a.approvedAt) >= at,
      );
    });
    return { since, items };
  }

  itemHistory(id: string, now = Date.now()): ItemHistoryView | undefined {
    if (!this.history || this.capture) return undefined;
    return this.history.itemHistory(id, now);
  }

  /** The item's property list or program on this Mac (live only): what Show in Finder may show. */
  itemFilePath(id: string, which: 'plist' | 'program'): string | undefined {
    if (this.capture) return undefined;
    const item = this.result()?.items.find((i) => i.item.id === id)?.item;
    const path = which === 'plist' ? item?.plistPath : item?.program;
    return path?.startsWith('/') ? path : undefined;
  }

  /** Approvals from a file the user picked, as an outcome the window shows (never a thrown error). */
  importApprovalsOutcome(text: string, origin: string): ActionOutcomeView {
    if (!this.actions)
      return {
        ok: false,
        message:
          'Approvals belong to the Mac being watched: they can be imported or exported live, not while a capture is shown.',
      };
    try {
      return { ok: true, message: this.importApprovals(text, origin) };
    } catch (error) {
      if (error instanceof ApprovalError || error instanceof NotPossible) return { ok: false, message: error.message };
      throw error;
    }
  }

  private requireActions(): ActionService {
    if (!this.actions)
      throw new Error(
        this.capture
          ? 'A capture is another Mac: its items cannot be disabled from here.'
          : 'Actions are not available.',
      );
    return this.actions;
  }

  /** While "Check Daemons as Administrator" runs: the file that tells the helper to stop. */
  private daemonCheckStop: string | undefined;

  get checkingDaemons(): boolean {
    return this.daemonCheckStop !== undefined;
  }

  /**
   * One administrator prompt, then a minute of the daemons' sockets (root's, which the user cannot see),
   * joined to their items' destinations and marked as seen with administrator rights.
   */
  async checkDaemonsAsAdmin(
    sampling: { intervalSeconds: number; count: number } = { intervalSeconds: 5, count: 12 },
  ): Promise<ActionOutcomeView> {
    const actions = this.requireActions();
    if (this.daemonCheckStop) return { ok: false, message: 'The daemons are being checked already.' };
    const running = (this.monitor?.result()?.items ?? []).filter(
      (i) => i.item.kind === 'LaunchDaemon' && i.processes.length > 0,
    );
    const pids = running.flatMap((i) => i.processes.map((p) => p.pid));
    if (pids.length === 0) return { ok: false, message: 'No Launch Daemon is running now: there is nothing to check.' };
    const stopFile = join(tmpdir(), `launchwatch-stop-${randomBytes(8).toString('hex')}`);
    this.daemonCheckStop = stopFile;
    try {
      const { samples, problem } = await actions.sampleSockets(pids, { ...sampling, stopFile });
      if (problem) return this.notice(false, `The daemons could not be checked: ${problem}`);
      this.monitor?.addPrivilegedConnections(samples);
      const seen = samples.reduce(
        (n, s) => n + s.connections.filter((c) => c.remoteAddress && c.remoteAddress !== '*').length,
        0,
      );
      return this.notice(
        true,
        `Checked ${running.length} running daemon${running.length === 1 ? '' : 's'} with administrator rights (${samples.length} samples, ${seen} connections seen); nothing runs as administrator any more.`,
      );
    } finally {
      this.daemonCheckStop = undefined;
      await rm(stopFile, { force: true });
    }
  }

  /** Asks a running daemon check to stop before its next sample. */
  async stopDaemonCheck(): Promise<void> {
    if (this.daemonCheckStop) await writeFile(this.daemonCheckStop, '');
  }

  private notice(ok: boolean, message: string): ActionOutcomeView {
    this.notices = [...this.notices.slice(-4), message];
    this.publish();
    return { ok, message };
  }

  private afterAction(message: string): void {
    this.notices = [...this.notices.slice(-4), message];
    this.monitor?.refreshInventory();
    void this.monitor?.tick();
    this.publish();
  }

  /**
   * Snapshot updates after every tick, for a view that shows them: the whole snapshot at once when a
   * listener joins, then what changed. Built only while someone listens: a hidden popover unsubscribes,
   * and nothing is built, serialised or sent for it.
   */
  onSnapshot(listener: (update: SnapshotUpdate) => void): () => void {
    const off = this.snapshots.add(listener);
    this.resendSnapshot();
    return off;
  }

  /** The rows the page shows (null: all). Rows that came on screen get their latest figures now. */
  watchRows(ids: string[] | null): void {
    const before = this.watchedRows;
    this.watchedRows = ids ? new Set(ids) : undefined;
    const shown = this.watchedRows;
    if (!before || !shown || [...shown].some((id) => !before.has(id))) this.publishSnapshot();
  }

  /** Every listener gets the whole snapshot now (one of them lost track, or joined). */
  resendSnapshot(): void {
    this.encoder.restart();
    this.publishSnapshot();
  }

  /** The tray's summary after every tick (cheap: verdicts only). */
  onStatus(listener: (status: StatusSummary) => void): () => void {
    return this.statuses.add(listener);
  }

  onEvent(listener: (event: MonitorEvent) => void): () => void {
    return this.events.add(listener);
  }

  private replay(): void {
    if (!this.capture) return;
    const { inventory, samples } = this.capture.capture;
    this.captureResult = analyseSamples(inventory, samples, this.options);
  }

  private publish(): void {
    this.statuses.emit(this.status());
    this.publishSnapshot();
  }

  private publishSnapshot(): void {
    if (this.snapshots.size > 0) this.snapshots.emit(this.encoder.encode(this.snapshot(), this.watchedRows));
  }
}
