import { describe, expect, it } from 'vitest';
import { parseThreadTotals } from './callgrind';

describe('the bench reads callgrind_control -e', () => {
  it('sums every thread of the totals', () => {
    // Verbatim from `callgrind_control -e <pid>` (valgrind 3.19, Debian 12) on node --predictable, counting on.
    const text = `PID 21941: /usr/bin/node --predictable t.mjs

  Totals:        Ir 
   Th 1  17,388,341 
   Th 2         131
`;
    expect(parseThreadTotals(text)).toBe(17_388_472);
  });

  it('says what it got when counting was off', () => {
    // Verbatim, the same command when instrumentation is switched off.
    const text = `PID 21941: /usr/bin/node --predictable t.mjs
  No information available as instrumentation is switched off.`;
    expect(() => parseThreadTotals(text)).toThrow(/no thread totals: PID 21941.*switched off/s);
  });
});
