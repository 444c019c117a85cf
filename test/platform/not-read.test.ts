// A file a launch item names that is there but was not read is said on every item naming it, never dropped in
// silence: its config may be the evidence.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeLinuxHome, linuxReaderAt } from '../support/linux-home';
import { describe, expect, it } from 'vitest';
import { filesNamedBy } from '../../main/engine/referenced-files';
import { gatherNamedFiles, refusalOf, type NotRead } from '../../main/platform/not-read';
import { launchAgent } from '../support/launch-items';

describe('files items name that are there but not read', () => {
  it('are read once, and named on each item naming them with the reason', () => {
    const answers: Record<string, string | NotRead> = {
      '/a/config.json': '{"pools":[]}',
      '/var/root/.x/config.json': { notRead: 'permission denied to this user (a scan run as root reads it)' },
    };
    const one = launchAgent('/one.plist', 'one', { arguments: ['/opt/one', '-c', '/var/root/.x/config.json'] });
    const two = launchAgent('/two.plist', 'two', {
      arguments: ['/bin/sh', '-c', '/opt/two -c /var/root/.x/config.json --config=/a/config.json -c /gone.json'],
    });
    // Every file named, inside sh -c too, is asked for once however many items name it.
    const asked: string[] = [];
    const read = gatherNamedFiles(
      [two, one],
      (item) => filesNamedBy(item.arguments, '/Users/alice'),
      (path) => {
        asked.push(path);
        return answers[path];
      },
    );
    expect(asked.sort()).toEqual(['/a/config.json', '/gone.json', '/var/root/.x/config.json']);
    expect(read.get('/a/config.json')).toBe('{"pools":[]}');
    const denied = 'not read: /var/root/.x/config.json: permission denied to this user (a scan run as root reads it)';
    expect(two.problems).toEqual([denied]);
    expect(one.problems).toEqual([denied]);
  });

  it("a refusal is the system's (EACCES, EPERM); a file that is gone or a path through a file is none", () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(refusalOf(error('EACCES'))?.notRead).toBe('permission denied to this user (a scan run as root reads it)');
    expect(refusalOf(error('EPERM'))?.notRead).toMatch(
      /^the system refused it \(Operation not permitted; on macOS, Full Disk Access/,
    );
    expect(refusalOf(error('ENOENT'))).toBeUndefined();
    expect(refusalOf(error('ENOTDIR'))).toBeUndefined();
    expect(refusalOf(undefined)).toBeUndefined();
  });

  it('the Linux reader names a config over 1 MiB on the unit that names it', async () => {
    const { home } = fakeLinuxHome();
    writeFileSync(join(home, 'big.json'), 'x'.repeat(1024 * 1024 + 1));
    writeFileSync(join(home, 'small.json'), '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
    writeFileSync(
      join(home, '.config/systemd/user/lw-big.service'),
      `[Service]\nExecStart=/opt/big/run --config ${home}/big.json -c ${home}/small.json\n`,
    );
    const reader = linuxReaderAt(home);
    const inventory = await reader.readInventory();
    const item = inventory.items.find((i) => i.label === 'lw-big.service');
    expect(item?.problems).toEqual([`not read: ${home}/big.json: larger than 1 MiB`]);
    expect(inventory.files.get(`${home}/small.json`)).toContain('supportxmr');
  });
});
