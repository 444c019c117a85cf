// The keys an item's destinations and listeners are filed under (`TCP 203.0.113.5 443`), made once for
// each endpoint rather than for each socket of each sample.
import type { Protocol } from './model';

/** Endpoints named in a generation; two are kept (see `key`). A tick sees about 2,000. */
const ENDPOINTS_PER_GENERATION = 4_096;

type Generation = Map<string, Map<number, string>>;

/**
 * A sample's 2,000 sockets would otherwise build 2,000 new strings for the maps to flatten and hash. A key
 * handed out again is the same string, whose hash V8 keeps, and sockets that persist bring the same
 * address strings each sample (the lsof reader keeps what it read), so finding a key costs two lookups.
 * Bounded like the readers' memos: endpoints named in this generation or the last one are kept, and
 * when this one is full it becomes the last, so a week of new destinations costs no more than a tick's.
 */
export class EndpointKeys {
  private newer: Generation = new Map();
  private older: Generation = new Map();
  private newerCount = 0;
  private olderCount = 0;

  key(protocol: Protocol, address: string, port: number): string {
    // TCP ports as they are, UDP's below zero: one map for both.
    const slot = protocol === 'UDP' ? -1 - port : port;
    let ports = this.newer.get(address);
    const known = ports?.get(slot);
    if (known !== undefined) return known;
    const key = this.older.get(address)?.get(slot) ?? `${protocol} ${address} ${port}`;
    if (this.newerCount >= ENDPOINTS_PER_GENERATION) {
      this.older = this.newer;
      this.olderCount = this.newerCount;
      this.newer = new Map();
      this.newerCount = 0;
      ports = undefined;
    }
    if (ports === undefined) {
      ports = new Map();
      this.newer.set(address, ports);
    }
    ports.set(slot, key);
    this.newerCount++;
    return key;
  }

  /** Endpoints kept, both generations counted. */
  get size(): number {
    return this.newerCount + this.olderCount;
  }
}
