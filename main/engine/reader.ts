// What the monitor and the live scan need from a platform: the slow-changing inventory and one sample.
import type { Inventory, Sample } from './model';

export interface SampleRequest {
  /** Read connections only of these processes (undefined: of every process). */
  connectionsOf?: Set<number>;
  /** Skip connections entirely this tick. */
  skipConnections?: boolean;
}

export interface SampleReading {
  sample: Sample;
  /** Missing commands, permission denials, timeouts: shown on the result, never fatal. */
  notes: string[];
}

export interface SystemReader {
  readInventory(): Promise<Inventory>;
  readSample(request?: SampleRequest): Promise<SampleReading>;
  /** Folders whose changes mean the inventory must be re-read. */
  watchedFolders(): string[];
}
