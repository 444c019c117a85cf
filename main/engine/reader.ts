// What the monitor and the live scan need from a platform: the slow-changing inventory and one sample.
import type { Inventory, Sample } from './model';

export interface SampleRequest {
  /** Read connections only of these processes (undefined: of every process). */
  connectionsOf?: Set<number>;
  /**
   * The processes whose details (argv, user) must be read afresh this tick: those attributed to launch
   * items. Others keep what was read when they were first seen, until the next full read (undefined).
   */
  detailsOf?: Set<number>;
  /** Skip connections entirely this tick. */
  skipConnections?: boolean;
}

export interface SampleReading {
  sample: Sample;
  /** Missing commands, permission denials, timeouts: shown on the result, never fatal. */
  notes: string[];
}

export interface SystemReader {
  /** Reading sockets starts a process (lsof on a Mac): the monitor then reads them only when it must. */
  readonly socketsCostAProcess?: boolean;
  readInventory(): Promise<Inventory>;
  readSample(request?: SampleRequest): Promise<SampleReading>;
  /** Folders whose changes mean the inventory must be re-read. */
  watchedFolders(): string[];
}
