// A job whose shell command decodes base64 and runs it (`echo <base64> | base64 -d | sh`, base64(1)) shows nothing of
// what it does on its command line (ATT&CK T1140). The text is decoded and read as the shell reads it, so its pool,
// configs and programs count, and the decoding itself is a hiding reason.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { decodedShellText } from '../../main/engine/encoded-commands';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { commandLines } from '../../main/engine/referenced-files';
import { writeCapture } from '../support/capture-builder';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('a shell command that decodes base64 and runs it', () => {
  it('is decoded however it is written: a pipe, eval "$(...)", macOS -D, openssl', () => {
    const payload = 'exec ~/.k/kworker --config ~/.k/c.json';
    expect(decodedShellText(`echo ${b64(payload)} | base64 -d | sh`)).toEqual({ texts: [payload], runs: true });
    expect(decodedShellText(`eval "$(echo '${b64(payload)}' | base64 --decode)"`)).toEqual({
      texts: [payload],
      runs: true,
    });
    expect(decodedShellText(`printf %s ${b64(payload)} | /usr/bin/base64 -D | /bin/bash`).runs).toBe(true);
    expect(decodedShellText(`openssl base64 -d <<< ${b64(payload)} | zsh`).texts).toEqual([payload]);
    // Decoding to a file is decoding, not running.
    expect(decodedShellText(`echo ${b64(payload)} | base64 -d > /tmp/x`)).toEqual({ texts: [payload], runs: false });
    // No decoding, or bytes that are not text: nothing.
    expect(decodedShellText(`echo ${b64(payload)} | base64 | sh`)).toEqual({ texts: [], runs: false });
    expect(
      decodedShellText(`echo ${Buffer.from([0, 1, 2, 255, 254, 3, 4, 5, 6]).toString('base64')} | base64 -d | sh`)
        .texts,
    ).toEqual([]);
    // Its commands are the item's commands, nested decoding too.
    const nested = `echo ${b64(`echo ${b64('/opt/.m/miner -o pool.supportxmr.com:443')} | base64 -d | sh`)} | base64 -d | sh`;
    expect(commandLines(['/bin/sh', '-c', nested])).toContainEqual(['/opt/.m/miner', '-o', 'pool.supportxmr.com:443']);
  });

  it('costs a bounded, linear amount on a hostile command', () => {
    const started = performance.now();
    const hostile = `base64 -d | sh ${`${'QUFB'.repeat(70_000)} `.repeat(20)}${'x '.repeat(200_000)}`;
    const { texts } = decodedShellText(hostile);
    expect(texts.length).toBeLessThanOrEqual(16);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("gives the item the decoded command's config, its detached miner, and the hiding reason", async () => {
    const result = await replay(
      writeCapture({
        items: [
          {
            path: '/Users/alice/Library/LaunchAgents/com.apple.updater.plist',
            plist: {
              Label: 'com.apple.updater',
              ProgramArguments: [
                '/bin/sh',
                '-c',
                `echo ${b64('nohup ~/.cache/.k/kworker --config ~/.cache/.k/c.json >/dev/null 2>&1 &')} | base64 -d | sh`,
              ],
              RunAtLoad: true,
            },
          },
        ],
        processes: [
          { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
          {
            pid: 930,
            ppid: 1,
            uid: 501,
            args: '/Users/alice/.cache/.k/kworker --config /Users/alice/.cache/.k/c.json',
            cpu: 95,
          },
        ],
        files: { '/Users/alice/.cache/.k/c.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}' },
      }),
      DEFAULT_SCAN_OPTIONS,
    );
    const item = result.items.find((i) => i.item.label === 'com.apple.updater');
    expect(item?.attribution).toBe('detached-program');
    expect(item?.processes.map((p) => p.pid)).toEqual([930]);
    expect(item?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['hide.encoded-command', 'args.pool-host']),
    );
    expect(item?.verdict).toBe('mining');
  });
});
