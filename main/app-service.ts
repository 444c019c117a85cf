// What the app does, whatever shows it: a live monitor or an opened capture, turned into snapshots and
// item details, with the commands the views send. The Electron shell and the web bridge are thin
// adapters over this; it imports no Electron.
import type { ItemDetail, ScanOptionsInput, Snapshot } from './api/contract';
import { toDetail, toSnapshot } from './api/view-model';
import { Analyzer } from './engine/analyzer';
import type { ScanOptions, ScanResult } from './engine/model';
import { Monitor, type MonitorEvent, type MonitorOptions } from './engine/monitor';
import type { SystemReader } from './engine/reader';
import { readCapture, type Capture } from './platform/capture/capture-reader';

type Listener<T> = (value: T) => void;

export class AppService {
  private monitor: Monitor | undefined;
  private capture: { capture: Capture; origin: string } | undefined;
  private captureResult: ScanResult | undefined;
  private paused = false;
  private options: ScanOptions;
  private readonly snapshotListeners = new Set<Listener<Snapshot>>();
  private readonly eventListeners = new Set<Listener<MonitorEvent>>();
  private error: string | undefined;

  private constructor(options: ScanOptions) {
    this.options = { ...options };
  }

  static live(reader: SystemReader, options: ScanOptions & Omit<MonitorOptions, keyof ScanOptions>): AppService {
    const service = new AppService(options);
    service.monitor = new Monitor(reader, options);
    service.monitor.onResult(() => service.publish());
    service.monitor.onEvent((event) => service.eventListeners.forEach((l) => l(event)));
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

  stop(): void {
    this.monitor?.stop();
  }

  get isCapture(): boolean {
    return this.capture !== undefined;
  }

  result(): ScanResult | undefined {
    return this.captureResult ?? this.monitor?.result();
  }

  snapshot(): Snapshot {
    const result = this.result();
    if (!result) {
      return {
        source: { kind: 'live', hostname: '', os: '', osVersion: '', privileged: false },
        paused: this.paused, options: this.options, samples: 0, notes: [], items: [], loading: !this.error, ...(this.error ? { error: this.error } : {}),
      };
    }
    return toSnapshot(result, { paused: this.paused, ...(this.capture ? { origin: this.capture.origin } : {}) });
  }

  item(id: string): ItemDetail | undefined {
    const found = this.result()?.items.find((i) => i.item.id === id);
    return found ? toDetail(found, this.options.cpuThresholdPercent) : undefined;
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

  onSnapshot(listener: Listener<Snapshot>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onEvent(listener: Listener<MonitorEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private replay(): void {
    if (!this.capture) return;
    const { inventory, samples } = this.capture.capture;
    const analyzer = new Analyzer(inventory, { ...this.options, historyCapacity: Math.max(2, samples.length) });
    for (const sample of samples) analyzer.addSample(sample);
    this.captureResult = analyzer.result();
  }

  private publish(): void {
    const snapshot = this.snapshot();
    for (const listener of this.snapshotListeners) listener(snapshot);
  }
}
