// What the parsers hand out must not keep the command output it was read from alive. V8 makes a
// substring of 13 characters or more a view into its parent string, so an address or a command line
// sliced out of a sample's lsof or ps text would keep that whole text in memory for as long as the
// engine keeps the address (a destination, hours) or the command line (a process's life): one pinned
// text for every sample that brought something new, hundreds of megabytes over a day on a busy Mac.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseLsof } from '../../../main/platform/macos/lsof';
import { parsePs, toProcessRecord } from '../../../main/platform/macos/ps';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap growth (MiB) while keeping what `read` returns from each of `count` texts of about 1 MiB. */
function heapKept(count: number, text: (i: number) => string, read: (text: string) => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) kept.push(read(text(i)));
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  expect(kept).toHaveLength(count);
  return grown;
}

const filler = (i: number): string => `${i}`.padEnd(1 << 20, 'x');

describe('parsed records keep no command output alive', () => {
  it('lsof addresses', () => {
    const grown = heapKept(
      80,
      (i) =>
        `p${i + 1}\nc${filler(i)}\nf3\ntIPv6\nPTCP\nn[2001:db8::${i}]:443->[2001:db8:ffff::${i}]:50000\nTST=ESTABLISHED\n` +
        `f4\ntIPv4\nPTCP\nn192.168.100.${i}:6000->203.0.113.${i}:3333\nTST=ESTABLISHED\n`,
      (text) => parseLsof(text).records,
    );
    expect(grown).toBeLessThan(20);
  });

  it('ps command lines', () => {
    const grown = heapKept(
      80,
      (i) => `  ${i + 10}     1   501   01:00   0:00.10 /usr/local/bin/agent-${i} --serve\n${filler(i)}\n`,
      (text) => parsePs(text).records.map((row) => toProcessRecord(row, 0)),
    );
    expect(grown).toBeLessThan(20);
  });
});
