// What an item remembers is bounded: 256 destinations (evicted ones come back when seen again) and 64 command
// lines of its processes. What goes past a bound is what is no evidence: a miner that reaches hundreds of web
// hosts, or starts a hundred children, after its pool must not push the pool out of memory and its verdict down.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { writeCapture, type CaptureSpec, type ConnectionSpec } from '../support/capture-builder';

const AGENT = '/Users/alice/.sync/agent';

/** A busy agent on a pool for the first three samples, then on `others` (40 more from each sample on). */
function agent(others: (i: number) => string, count: number): CaptureSpec {
  const flood: ConnectionSpec[] = Array.from({ length: count }, (_, i) => ({
    pid: 700,
    local: `192.168.1.20:${20000 + i}`,
    remote: others(i),
    open: (sample) => sample >= 3 + Math.floor(i / 40),
  }));
  return {
    items: [
      {
        path: '/Users/alice/Library/LaunchAgents/com.sync.agent.plist',
        listedPid: 700,
        plist: { Label: 'com.sync.agent', ProgramArguments: [AGENT], RunAtLoad: true, KeepAlive: true },
      },
    ],
    processes: [
      { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
      { pid: 700, ppid: 1, args: AGENT, cpu: 300 },
    ],
    connections: [{ pid: 700, local: '192.168.1.20:51150', remote: '172.67.137.15:443', open: (s) => s < 3 }, ...flood],
    dns: [['172.67.137.15', 'pool.moneroocean.stream']],
  };
}

const webHost = (i: number) => `93.184.${Math.floor(i / 250)}.${(i % 250) + 1}:443`;

describe('the bound on an item’s destinations', () => {
  it('300 web hosts after the pool: the pool stays, the verdict stays mining, web hosts go past the bound', async () => {
    const [item] = (await replay(writeCapture(agent(webHost, 300)), DEFAULT_SCAN_OPTIONS)).items;
    expect(item?.verdict).toBe('mining');
    expect(item?.reasons.map((r) => r.code)).toContain('net.pool-host');
    expect(item?.destinations.filter((d) => d.classification === 'mining-pool').map((d) => d.hostname)).toEqual([
      'pool.moneroocean.stream',
    ]);
    // 301 seen, 256 kept.
    expect(item?.destinations).toHaveLength(256);
  });

  it('when every destination is evidence, the bound still holds: the least recently seen goes', async () => {
    const stratum = (i: number) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}:3333`;
    const [item] = (await replay(writeCapture(agent(stratum, 300)), DEFAULT_SCAN_OPTIONS)).items;
    expect(item?.destinations).toHaveLength(256);
    // The pool was seen least recently of all: it went first.
    expect(item?.destinations.some((d) => d.classification === 'mining-pool')).toBe(false);
  });
});

describe('the bound on the command lines an item’s processes showed', () => {
  it('a worker that named its pool and wallet, then a hundred children: what it said stays, mining', async () => {
    const spec: CaptureSpec = {
      items: agent(webHost, 0).items,
      processes: [
        { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
        { pid: 700, ppid: 1, args: AGENT, cpu: 1 },
        // The first worker says where it mines; its restart says nothing.
        {
          pid: 701,
          ppid: 700,
          args: '/Users/alice/.sync/worker -o stratum+tcp://pool.minexmr.com:4444 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A',
          cpu: 300,
          alive: (s) => s < 3,
        },
        { pid: 702, ppid: 700, args: '/Users/alice/.sync/worker', cpu: 300, alive: (s) => s >= 3 },
        // 100 short-lived children, each with a command line of its own.
        ...Array.from({ length: 100 }, (_, i) => ({
          pid: 2000 + i,
          ppid: 700,
          args: `/bin/sleep ${i}.${i}`,
          cpu: 0,
          alive: (s: number) => s === 3 + (i % 9),
        })),
      ],
    };
    const [item] = (await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS)).items;
    expect(item?.verdict).toBe('mining');
    expect(item?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['args.stratum-url', 'args.wallet']));
  });
});
