// "Check Daemons as Administrator": one administrator prompt runs the helper's bounded `sockets` step
// (lsof of the daemons' processes every interval, until the count or the stop file), and what it sees
// joins the daemon's destinations, marked as seen with administrator rights.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSocketSamples, sampleSocketsAsAdmin } from '../../main/actions/daemon-sockets';
import { defaultHelperPath } from '../../main/actions/helper-path';
import { localRunner } from '../../main/actions/runners';
import { Analyzer } from '../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { writeCapture } from '../support/capture-builder';
import { makeShims } from '../support/shims';

const LSOF =
  'p840\ncminerd\nu0\nf9\ntIPv4\nPTCP\nn192.168.1.20:50900->94.130.12.27:3333\nTST=ESTABLISHED\nTQR=0\nTQS=0\n';

function counting(env: NodeJS.ProcessEnv) {
  const local = localRunner(env);
  const runner = {
    prompts: 0,
    run: async (argv: string[], options: { admin: boolean; reason: string }) => {
      if (options.admin) runner.prompts++;
      return local.run(argv, options);
    },
  };
  return runner;
}

describe('checking daemons as administrator', () => {
  it('samples with one prompt, as often as asked, and stops early when the stop file appears', async () => {
    const shims = makeShims({ lsof: { stdout: LSOF } });
    const runner = counting({ ...process.env, PATH: `${shims.dir}:/usr/bin:/bin` });
    const stopFile = join(mkdtempSync(join(tmpdir(), 'lw-stop-')), 'stop');
    const { samples, problem } = await sampleSocketsAsAdmin(runner, defaultHelperPath(), [840, 841], {
      intervalSeconds: 1,
      count: 3,
      stopFile,
    });
    expect(problem).toBeUndefined();
    expect(runner.prompts).toBe(1);
    expect(samples).toHaveLength(3);
    expect(samples[0]?.connections[0]).toMatchObject({ pid: 840, remoteAddress: '94.130.12.27', remotePort: 3333 });
    const calls = (await import('node:fs')).readFileSync(shims.log, 'utf8');
    expect(calls).toContain('lsof\t-nP\t-iTCP\t-iUDP\t-F\tpcuftPnT\t-a\t-p\t840,841');

    writeFileSync(stopFile, '');
    const stopped = await sampleSocketsAsAdmin(runner, defaultHelperPath(), [840], {
      intervalSeconds: 1,
      count: 3,
      stopFile,
    });
    expect(stopped.samples).toHaveLength(0);
    expect(existsSync(stopFile)).toBe(true);
  });

  it('refuses pids and counts it would not pass on', async () => {
    const runner = counting(process.env);
    const stopFile = join(tmpdir(), 'lw-never');
    expect(
      (await sampleSocketsAsAdmin(runner, defaultHelperPath(), [], { intervalSeconds: 1, count: 1, stopFile })).problem,
    ).toMatch(/no daemon process/);
    const tooMany = await sampleSocketsAsAdmin(runner, defaultHelperPath(), [1], {
      intervalSeconds: 1,
      count: 500,
      stopFile,
    });
    expect(tooMany.problem).toMatch(/count 1-120/);
  });

  it("a root miner's pool connection, invisible to the user, flags its daemon once seen with administrator rights", async () => {
    const capture = await readCapture(
      writeCapture({
        privileged: false,
        items: [
          {
            path: '/Library/LaunchDaemons/com.evil.d.plist',
            plist: { Label: 'com.evil.d', Program: '/usr/local/bin/minerd' },
          },
        ],
        processes: [
          { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.3, startedBefore: 86400 },
          { pid: 840, ppid: 1, uid: 0, args: '/usr/local/bin/minerd', cpu: 390 },
        ],
        connections: [{ pid: 840, uid: 0, local: '192.168.1.20:50900', remote: '94.130.12.27:3333' }],
        dns: [['94.130.12.27', 'pool.supportxmr.com']],
      }),
    );
    const analyzer = new Analyzer(capture.inventory, DEFAULT_SCAN_OPTIONS);
    for (const sample of capture.samples) analyzer.addSample(sample);
    const before = analyzer.result().items.find((i) => i.item.label === 'com.evil.d');
    expect(before?.destinations).toEqual([]);
    analyzer.addPrivilegedConnections(
      parseSocketSamples(`@sample 1796000000\n${LSOF}`)[0]!.connections,
      capture.samples.at(-1)!.takenAt,
    );
    const after = analyzer.result().items.find((i) => i.item.label === 'com.evil.d');
    expect(after?.destinations[0]).toMatchObject({ remoteAddress: '94.130.12.27', seenWithAdmin: true });
    expect(after?.verdict).toBe('mining');
    expect(after?.reasons.map((r) => r.code)).toContain('net.pool-host');
  });
});
