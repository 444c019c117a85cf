// The keys an item's destinations and listeners are filed under (`TCP 203.0.113.5 443`), made once for
// each endpoint rather than for each socket of each sample.
import type { Protocol } from './model';

/** Past this many endpoints the table starts again: a flood of one-off addresses costs no more. */
const MOST_ENDPOINTS = 50_000;

/**
 * A sample's 2,000 sockets would otherwise build 2,000 new strings for the maps to flatten and hash. A key
 * handed out again is the same string, whose hash V8 keeps, and sockets that persist bring the same
 * address strings each sample (the lsof reader keeps what it read), so finding a key costs two lookups.
 */
export class EndpointKeys {
  private byAddress = new Map<string, Map<number, string>>();
  private count = 0;

  key(protocol: Protocol, address: string, port: number): string {
    let ports = this.byAddress.get(address);
    if (ports === undefined) {
      if (this.count >= MOST_ENDPOINTS) {
        this.byAddress = new Map();
        this.count = 0;
      }
      ports = new Map();
      this.byAddress.set(address, ports);
    }
    // TCP ports as they are, UDP's below zero: one map for both.
    const slot = protocol === 'UDP' ? -1 - port : port;
    let key = ports.get(slot);
    if (key === undefined) {
      key = `${protocol} ${address} ${port}`;
      ports.set(slot, key);
      this.count++;
    }
    return key;
  }

  /** Endpoints named since the table last started again. */
  get size(): number {
    return this.count;
  }
}
