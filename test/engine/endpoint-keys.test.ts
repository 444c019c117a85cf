import { describe, expect, it } from 'vitest';
import { EndpointKeys } from '../../main/engine/endpoint-keys';

describe('EndpointKeys', () => {
  it('names an endpoint by protocol, address and port, the same string each time', () => {
    const keys = new EndpointKeys();
    const first = keys.key('TCP', '203.0.113.5', 443);
    expect(first).toBe('TCP 203.0.113.5 443');
    // Another string with the same address finds the same key.
    expect(keys.key('TCP', ['203', '0', '113', '5'].join('.'), 443)).toBe(first);
    expect(keys.key('UDP', '203.0.113.5', 443)).toBe('UDP 203.0.113.5 443');
    expect(keys.key('TCP', '203.0.113.5', 0)).toBe('TCP 203.0.113.5 0');
    expect(keys.key('UDP', '203.0.113.5', 0)).toBe('UDP 203.0.113.5 0');
  });

  it('keeps at most two generations of endpoints, and names each the same way throughout', () => {
    const keys = new EndpointKeys();
    const inUse = keys.key('TCP', '198.51.100.7', 3333);
    for (let i = 0; i < 120_000; i++) {
      keys.key('TCP', `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 443);
      if (i % 2_000 === 0) expect(keys.key('TCP', '198.51.100.7', 3333)).toBe(inUse);
    }
    expect(keys.size).toBeLessThanOrEqual(2 * 4_096);
    expect(keys.key('UDP', '10.0.0.1', 53)).toBe('UDP 10.0.0.1 53');
  });
});
