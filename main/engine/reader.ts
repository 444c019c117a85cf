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
  /**
   * The processes whose CPU time must be read this tick: those attributed to launch items (only theirs
   * is judged). A reader may give others with an unknown CPU time (NaN) to save reading them; undefined:
   * everyone's.
   */
  cpuOf?: Set<number>;
  /** Skip connections entirely this tick. */
  skipConnections?: boolean;
}

export interface SampleReading {
  sample: Sample;
  /** Missing commands, permission denials, timeouts: shown on the result, never fatal. */
  notes: string[];
}

export interface SystemReader {
  /**
   * How often launch items must be read again while their folders are watched (default a minute: a Mac's
   * `launchctl list` says which jobs run with which pid, and nothing tells when that changes).
   */
  readonly inventoryPollMs?: number;
  /** Reading sockets starts a process (lsof on a Mac): the monitor then reads them only when it must. */
  readonly socketsCostAProcess?: boolean;
  readInventory(): Promise<Inventory>;
  readSample(request?: SampleRequest): Promise<SampleReading>;
  /** Folders whose changes mean the inventory must be re-read. */
  watchedFolders(): string[];
}
