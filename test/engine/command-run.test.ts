// launchd runs `Program` and hands it `ProgramArguments`, whose first element is only the name the process shows
// (launchd.plist(5), Program); systemd's `@` does the same (systemd.service(5), Command lines). What the program does
// with its arguments is the program's: a name that is not a shell's cannot hide a shell's -c, and a shell's name
// cannot turn a miner's `-c config.json` into a command.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { commandRunBy } from '../../main/engine/launch-item';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { reasonsOf, writeCapture } from '../support/capture-builder';
import { launchAgent } from '../support/launch-items';

describe('the command a job runs, when Program is set apart from argv[0]', () => {
  it('is Program followed by the arguments after argv[0]', () => {
    const item = (program: string | undefined, args: string[]) =>
      launchAgent('/x.plist', 'x', { ...(program ? { program } : {}), arguments: args });
    expect(commandRunBy(item('/bin/sh', ['update', '-c', 'x']))).toEqual(['/bin/sh', '-c', 'x']);
    expect(commandRunBy(item('/bin/sh', ['/bin/sh', '-c', 'x']))).toEqual(['/bin/sh', '-c', 'x']);
    expect(commandRunBy(item(undefined, ['/bin/sh', '-c', 'x']))).toEqual(['/bin/sh', '-c', 'x']);
    expect(commandRunBy(item('/bin/sh', []))).toEqual([]);
  });

  it("reads a shell's -c behind another name, a miner's -c behind a shell's name, and the name it shows", async () => {
    const result = await replay(
      writeCapture({
        items: [
          {
            path: '/Users/alice/Library/LaunchAgents/com.apple.mdworker.plist',
            plist: {
              Label: 'com.apple.mdworker',
              Program: '/bin/sh',
              ProgramArguments: ['com.apple.mdworker', '-c', '~/.p/kworker --config ~/.p/p.json'],
              RunAtLoad: true,
            },
          },
          {
            path: '/Library/LaunchDaemons/com.m.helper.plist',
            plist: {
              Label: 'com.m.helper',
              Program: '/Users/Shared/.m/helper',
              ProgramArguments: ['sh', '-c', '/Users/Shared/.m/m.json'],
              RunAtLoad: true,
            },
          },
          {
            path: '/Library/LaunchDaemons/com.n.helper.plist',
            plist: {
              Label: 'com.n.helper',
              Program: '/usr/local/libexec/n',
              ProgramArguments: ['xmrig'],
              RunAtLoad: true,
            },
          },
        ],
        processes: [
          { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
          // The agent's miner, detached: the program its shell command starts ties it back.
          { pid: 910, ppid: 1, uid: 501, args: '/Users/alice/.p/kworker --config /Users/alice/.p/p.json', cpu: 0.9 },
        ],
        files: {
          '/Users/alice/.p/p.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}',
          '/Users/Shared/.m/m.json': '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}',
        },
      }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(reasonsOf(result, 'com.apple.mdworker')).toContain(
      'pool.supportxmr.com (SupportXMR, file /Users/alice/.p/p.json)',
    );
    const agent = result.items.find((i) => i.item.label === 'com.apple.mdworker');
    expect(agent?.attribution).toBe('detached-program');
    expect(agent?.processes.map((p) => p.pid)).toEqual([910]);
    expect(reasonsOf(result, 'com.m.helper')).toContain(
      'gulf.moneroocean.stream (MoneroOcean, file /Users/Shared/.m/m.json)',
    );
    // The name a process shows is still read: a miner's name there is a reason.
    expect(result.items.find((i) => i.item.label === 'com.n.helper')?.reasons.map((r) => r.code)).toContain(
      'program.known-miner',
    );
  });
});
