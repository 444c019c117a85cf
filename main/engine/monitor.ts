// The sampling loop shared by the app and live `scan`: a tick reads the process table once, reads
// connections of the processes attributed to launch items, re-reads launch items when their folders
// change and at least every minute, and never overlaps itself. A tick builds verdicts only: the detailed
// result is built when something asks for it.
import { Analyzer, type ItemVerdict } from './analyzer';
import type { Approval } from './approvals';
import type { BaselineOptions, ItemBaseline } from './baseline';
import type { Indicators } from './indicators';
import { Listeners } from './listeners';
import type { ConnectionRecord, HistoryInput, Inventory, LaunchItem, ScanOptions, ScanResult, Verdict } from './model';
import type { SampleRequest, SystemReader } from './reader';

export type MonitorEvent =
  | { type: 'item-added'; item: LaunchItem }
  | { type: 'item-removed'; item: LaunchItem }
  /** files: the scripts and configs it names (its arguments, and the scripts among them). */
  | { type: 'item-changed'; item: LaunchItem; what: ('plist' | 'program' | 'files')[] }
  | { type: 'verdict-changed'; item: LaunchItem; from: Verdict | undefined; to: Verdict };

export interface MonitorOptions extends ScanOptions {
  intervalMs?: number;
  /** How often the attributed processes' sockets are read even where nothing changed (default 30 s). */
  fullSweepMs?: number;
  /** How often every process's details (argv, user) are read afresh, not only attributed ones' (default 5 min). */
  detailsSweepMs?: number;
  inventoryMs?: number;
  historyCapacity?: number;
  /** Process ids never attributed: the monitor's own. */
  excludePids?: Set<number>;
  /** Watches folders and calls back on change; returns a function that stops watching. */
  watch?: (folders: string[], onChange: () => void) => () => void;
  now?: () => number;
  indicators?: Indicators;
  approvals?: Approval[];
  /** This Mac's memory: each result is recorded, and baselines come back for the analyzer. */
  history?: HistoryPort;
  /** How much history a baseline needs (default 3 days with 24 hours observed). */
  baseline?: BaselineOptions;
}

/** What every tick gives its listeners: verdicts only (the tray, notifications). The detail is `result()`. */
export interface MonitorTick {
  at: number;
  verdicts: ItemVerdict[];
}

/** What the monitor needs of a history store (main/history/ has the one on disk). */
export interface HistoryPort {
  /** A tick's worth: what the samples since the last record added. */
  record(input: HistoryInput, now: number): void;
  baselines(items: LaunchItem[], now: number, options?: BaselineOptions): Map<string, ItemBaseline>;
}

/** Baselines change slowly: re-read from the store once an hour, and whenever the inventory changes. */
const BASELINE_REFRESH_MS = 3_600_000;

export class Monitor {
  private analyzer: Analyzer | undefined;
  private inventory: Inventory | undefined;
  private inventoryReadAt = -Infinity;
  private inventoryDirty = true;
  private lastFullSweep = -Infinity;
  private lastDetailsSweep = -Infinity;
  private sampled = false;
  private ticking: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;
  private lastVerdicts = new Map<string, Verdict>();
  private baselinesReadAt = -Infinity;
  private historyProblem: string | undefined;
  private tickNotes: string[] = [];
  /** The detailed result, built when asked and kept until the next tick. */
  private latest: ScanResult | undefined;
  private latestVerdicts: ItemVerdict[] = [];
  private recordedUntil = -Infinity;
  /** The attributed processes whose sockets were last read (for readers that start a process to read them). */
  private connectionsReadFor: Set<number> | undefined;
  private readonly ticks = new Listeners<MonitorTick>();
  private readonly events = new Listeners<MonitorEvent>();
  private publishedOnce = false;
  /** Ticks skipped because the previous one was still running. */
  skippedTicks = 0;

  constructor(
    private readonly reader: SystemReader,
    private options: MonitorOptions,
  ) {}

  /** Called after every tick with the verdicts; nothing detailed is built for it. */
  onTick(listener: (tick: MonitorTick) => void): () => void {
    return this.ticks.add(listener);
  }

  onEvent(listener: (event: MonitorEvent) => void): () => void {
    return this.events.add(listener);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.stopWatching = this.options.watch?.(this.reader.watchedFolders(), () => {
      this.inventoryDirty = true;
    });
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 5000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Re-read launch items at the next tick (after an action changed them). */
  refreshInventory(): void {
    this.inventoryDirty = true;
  }

  /** The approved inventory changed (approve, unapprove, import). */
  setApprovals(approvals: Approval[]): void {
    this.options = { ...this.options, approvals };
    if (this.analyzer) this.analyzer.options.approvals = approvals;
  }

  /** The window and threshold can change while running; history is kept. */
  setScanOptions(options: ScanOptions): void {
    this.options = { ...this.options, ...options };
    if (this.analyzer) Object.assign(this.analyzer.options, options);
  }

  /** The detailed result (reasons, destinations, history): built on demand, once per tick at most. */
  result(): ScanResult | undefined {
    if (!this.latest && this.analyzer && this.publishedOnce) this.latest = this.buildResult(this.analyzer);
    return this.latest;
  }

  /** Whether a tick has judged anything yet. */
  get judged(): boolean {
    return this.publishedOnce;
  }

  /** The verdicts of the last tick (what the tray shows). */
  verdicts(): ItemVerdict[] {
    return this.latestVerdicts;
  }

  /** Sockets read with administrator rights (root processes'): they join the items' destinations, marked so. */
  addPrivilegedConnections(samples: { takenAt: number; connections: ConnectionRecord[] }[]): void {
    const analyzer = this.analyzer;
    if (!analyzer) return;
    for (const sample of samples) analyzer.addPrivilegedConnections(sample.connections, sample.takenAt);
    this.publish(analyzer);
  }

  /** One tick. A tick that finds the previous one still running returns that one instead of overlapping. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.skippedTicks++;
      return this.ticking;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    const now = this.now();
    const notes: string[] = [];
    const inventoryMs =
      this.options.inventoryMs ?? (this.stopWatching ? this.reader.inventoryPollMs : undefined) ?? 60_000;
    if (this.inventoryDirty || now - this.inventoryReadAt >= inventoryMs) {
      this.inventoryDirty = false;
      this.inventoryReadAt = now;
      try {
        this.applyInventory(await this.reader.readInventory());
      } catch (error) {
        notes.push(`launch items could not be read: ${(error as Error).message}`);
      }
    }
    const analyzer = this.analyzer;
    if (!analyzer) {
      this.tickNotes = notes;
      return;
    }
    const fullSweep = now - this.lastFullSweep >= (this.options.fullSweepMs ?? 30_000);
    if (fullSweep) this.lastFullSweep = now;
    const detailsSweep = now - this.lastDetailsSweep >= (this.options.detailsSweepMs ?? 300_000);
    if (detailsSweep) this.lastDetailsSweep = now;
    try {
      const request = this.sampleRequest(analyzer, fullSweep, detailsSweep);
      const reading = await this.reader.readSample(request);
      if (!request.skipConnections && this.reader.socketsCostAProcess)
        this.connectionsReadFor = new Set(analyzer.pidsToRead());
      // Skipped on purpose: no connections is not a failure to read them.
      else reading.sample.connections ??= [];
      analyzer.addSample(reading.sample);
      this.sampled = true;
      notes.push(...reading.notes);
    } catch (error) {
      notes.push(`sample failed: ${(error as Error).message}`);
    }
    const inventoryChanged = this.baselinesReadAt === -Infinity;
    if (this.options.history && now - this.baselinesReadAt >= BASELINE_REFRESH_MS) this.refreshBaselines(analyzer, now);
    this.tickNotes = notes;
    this.publish(analyzer);
    this.recordHistory(now);
    // A new or changed item's first sighting or change is in the store only now: judged again with it.
    if (this.options.history && inventoryChanged) {
      this.refreshBaselines(analyzer, now);
      this.publish(analyzer);
    }
  }

  /**
   * The first sample reads everything. Then sockets are read of the processes attributed to launch items
   * and of the busy ones no item owns (analyzer.pidsToRead: only theirs are ever judged or named; a
   * process attributed in this sample has its sockets read at the next tick), and where reading them
   * starts a process (lsof on a Mac) only when that set changed or a sweep is due, so a steady tick starts
   * one process (ps). CPU time and details (argv, user) are read afresh for those processes every tick
   * and, with every process's sockets, at a slower sweep.
   */
  private sampleRequest(analyzer: Analyzer, fullSweep: boolean, detailsSweep: boolean): SampleRequest {
    if (!this.sampled) return {};
    // Everyone's CPU time, details and sockets at the slow sweep: exec()s that kept their comm are seen then, and
    // a quiet process no item owns is followed from the sweep that sees it on a mining pool (a miner can cap its
    // CPU under the threshold; only a sweep reads sockets beyond those followed). A new process is read in full.
    if (detailsSweep) return {};
    const toRead = analyzer.pidsToRead();
    const details = { detailsOf: toRead, cpuOf: toRead };
    if (
      this.reader.socketsCostAProcess &&
      !fullSweep &&
      this.connectionsReadFor &&
      sameSet(toRead, this.connectionsReadFor)
    )
      return { skipConnections: true, ...details };
    return { connectionsOf: toRead, ...details };
  }

  private refreshBaselines(analyzer: Analyzer, now: number): void {
    this.baselinesReadAt = now;
    try {
      analyzer.options.baselines = this.options.history?.baselines(
        this.inventory?.items ?? [],
        now,
        this.options.baseline,
      );
    } catch (error) {
      this.historyProblem = `the history could not be read: ${(error as Error).message}`;
    }
  }

  /** The history never stops the watch: a failure is a note on the next result, and the next tick tries again. */
  private recordHistory(now: number): void {
    const analyzer = this.analyzer;
    if (!this.options.history || !analyzer || !this.publishedOnce) return;
    try {
      this.options.history.record(analyzer.historySince(this.recordedUntil, this.latestVerdicts), now);
      this.recordedUntil = analyzer.lastSampleAt ?? this.recordedUntil;
      this.historyProblem = undefined;
    } catch (error) {
      this.historyProblem = `the history could not be written: ${(error as Error).message}`;
    }
  }

  private applyInventory(inventory: Inventory): void {
    const previous = this.inventory;
    this.inventory = inventory;
    if (!this.analyzer) {
      this.analyzer = new Analyzer(
        inventory,
        {
          windowSeconds: this.options.windowSeconds,
          cpuThresholdPercent: this.options.cpuThresholdPercent,
          historyCapacity: this.options.historyCapacity ?? 720,
          excludePids: this.options.excludePids ?? new Set([process.pid]),
          approvals: this.options.approvals ?? [],
          ...(this.options.baseline ? { baselineOptions: this.options.baseline } : {}),
        },
        this.options.indicators,
      );
    } else this.analyzer.setInventory(inventory);
    if (!previous) {
      this.baselinesReadAt = -Infinity;
      return;
    }
    const before = new Map(previous.items.map((i) => [i.id, i]));
    const after = new Map(inventory.items.map((i) => [i.id, i]));
    let newOrChanged = false;
    for (const [id, item] of after) {
      const old = before.get(id);
      if (!old) {
        this.emit({ type: 'item-added', item });
        newOrChanged = true;
      } else {
        const what: ('plist' | 'program' | 'files')[] = [];
        if (old.sha256 !== item.sha256) what.push('plist');
        if (old.programSha256 !== item.programSha256 || old.program !== item.program) what.push('program');
        if (
          old.referencedSha256 !== item.referencedSha256 ||
          old.scriptNamedSha256 !== item.scriptNamedSha256 ||
          old.scriptChainSha256 !== item.scriptChainSha256
        )
          what.push('files');
        if (what.length > 0) {
          this.emit({ type: 'item-changed', item, what });
          newOrChanged = true;
        }
      }
    }
    // New or changed items get their past (first seen, last change) at once; a read that found the same
    // items (every minute) asks the history nothing.
    if (newOrChanged) this.baselinesReadAt = -Infinity;
    for (const [id, item] of before)
      if (!after.has(id)) {
        this.emit({ type: 'item-removed', item });
        this.lastVerdicts.delete(id);
      }
  }

  private publish(analyzer: Analyzer): void {
    const verdicts = analyzer.verdicts();
    let items: Map<string, LaunchItem> | undefined;
    for (const { id, verdict } of verdicts) {
      const before = this.lastVerdicts.get(id);
      if (before === verdict) continue;
      // Looked up only when a verdict changed, not every tick.
      items ??= new Map((this.inventory?.items ?? []).map((i) => [i.id, i]));
      const item = items.get(id);
      if (item) {
        // The first verdict of an item is an event too, unless it is ok: the app notifies on flags.
        if (before !== undefined || verdict !== 'ok')
          this.emit({ type: 'verdict-changed', item, from: before, to: verdict });
        this.lastVerdicts.set(id, verdict);
      }
    }
    this.latestVerdicts = verdicts;
    this.latest = undefined;
    this.publishedOnce = true;
    this.ticks.emit({ at: analyzer.lastSampleAt ?? this.now(), verdicts });
  }

  private buildResult(analyzer: Analyzer): ScanResult {
    const result = analyzer.result();
    result.source = 'live';
    result.notes = [
      ...new Set([...result.notes, ...this.tickNotes, ...(this.historyProblem ? [this.historyProblem] : [])]),
    ];
    if (this.skippedTicks > 0) result.notes.push(`${this.skippedTicks} ticks skipped because a tick was still running`);
    return result;
  }

  private emit(event: MonitorEvent): void {
    this.events.emit(event);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

function sameSet(a: Set<number>, b: Set<number>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
