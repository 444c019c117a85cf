// A file a launch item names that is there but was not read is said on every item naming it, never dropped in
// silence: its config may be the evidence.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeLinuxHome, linuxReaderAt } from '../support/linux-home';
import { describe, expect, it } from 'vitest';
import { filesNamedByJob } from '../../main/engine/job-home';
import { filesNamedBy, NO_SCRIPT_NAMED_FILES, scriptNamedFilesDigest } from '../../main/engine/referenced-files';
import {
  gatherNamedFiles,
  MAX_REFERENCED_FILE,
  readScriptProgram,
  refusalOf,
  type NotRead,
} from '../../main/platform/not-read';
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
    // Every file named, inside sh -c too, is asked for once however many items name it; each program once, to see
    // whether it is a script (by default, from the same reader).
    const asked: string[] = [];
    const read = gatherNamedFiles(
      [two, one],
      (item) => filesNamedBy(item.arguments, '/Users/alice'),
      (path) => {
        asked.push(path);
        return answers[path];
      },
    );
    expect(asked.sort()).toEqual(['/a/config.json', '/bin/sh', '/gone.json', '/opt/one', '/var/root/.x/config.json']);
    expect(read.get('/a/config.json')).toBe('{"pools":[]}');
    const denied = 'not read: /var/root/.x/config.json: permission denied to this user (a scan run as root reads it)';
    expect(two.problems).toEqual([denied]);
    expect(one.problems).toEqual([denied]);
  });

  it('a program that is a script is read, and the scripts it runs in turn; its own bytes stay out of the digests', () => {
    const answers: Record<string, string | NotRead> = {
      '/p/run.sh': '#!/bin/sh\ncd /p && sh stage.sh\n',
      '/p/stage.sh': 'exec ./kworker -c pool.json\n',
      '/p/pool.json': '{"pools":[]}',
      '/opt/bin/tool': '\u0000\u0001ELF-ish, no #!',
    };
    const script = launchAgent('/s.plist', 's', { arguments: ['/p/run.sh'] });
    const binary = launchAgent('/b.plist', 'b', { arguments: ['/opt/bin/tool', '-c', '/p/pool.json'] });
    const user = { name: 'alice', uid: 501, home: '/Users/alice' };
    const asked: string[] = [];
    const read = gatherNamedFiles(
      [script, binary],
      (item, files, depth) => filesNamedByJob(item, user, files, depth),
      (path) => {
        asked.push(path);
        return answers[path];
      },
    );
    expect([...read.keys()].sort()).toEqual(['/p/pool.json', '/p/run.sh', '/p/stage.sh']);
    expect(asked.sort()).toEqual(
      [
        '/opt/bin/tool',
        '/p/pool.json',
        '/p/run.sh',
        '/p/stage.sh',
        // Relative names are tried in each folder the job may be in: `/` (launchd's) and /p.
        '/pool.json',
        '/stage.sh',
      ].sort(),
    );
    // The script's bytes are its program's digest; what it names, two scripts down, is in the scripts' digest.
    expect(script.referencedSha256).toBeUndefined();
    expect(script.scriptChainSha256).toBe(
      scriptNamedFilesDigest(['/p/stage.sh', '/stage.sh', '/p/pool.json', '/pool.json'], read),
    );
    // The one level read before (approvals made then hold it) saw nothing of a program that is a script.
    expect(script.scriptNamedSha256).toBe(NO_SCRIPT_NAMED_FILES);
    expect(binary.scriptNamedSha256).toBe(NO_SCRIPT_NAMED_FILES);
    expect(binary.scriptChainSha256).toBe(NO_SCRIPT_NAMED_FILES);
    expect(script.problems).toEqual([]);
  });

  it('a program is read only when it starts with #!, and never past 1 MiB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-programs-'));
    const write = (name: string, bytes: string | Buffer): string => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    expect(readScriptProgram(write('run.sh', '#!/bin/sh\necho hi\n'))).toBe('#!/bin/sh\necho hi\n');
    expect(
      readScriptProgram(write('tool', Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01, 0x23, 0x21]))),
    ).toBeUndefined();
    expect(readScriptProgram(write('text', 'echo no interpreter line\n'))).toBeUndefined();
    expect(readScriptProgram(write('big.sh', `#!/bin/sh\n${'#'.repeat(MAX_REFERENCED_FILE)}`))).toBeUndefined();
    expect(readScriptProgram(write('one', '#'))).toBeUndefined();
    // A shell reads a text without #! as a script; never a binary, whatever its size.
    expect(readScriptProgram(join(dir, 'text'), 'shell')).toBe('echo no interpreter line\n');
    expect(readScriptProgram(join(dir, 'tool'), 'shell')).toBeUndefined();
    expect(readScriptProgram(dir)).toBeUndefined();
    expect(readScriptProgram(join(dir, 'gone'))).toBeUndefined();
  });

  it('the Linux reader follows a unit whose ExecStart is a script, through the script it runs, to its config', async () => {
    const { home } = fakeLinuxHome();
    mkdirSync(join(home, '.p'));
    writeFileSync(join(home, '.p/run.sh'), '#!/bin/bash\ncd "$HOME/.p"\nbash ./stage.sh\n', { mode: 0o755 });
    writeFileSync(join(home, '.p/stage.sh'), `exec ${home}/.p/kworker --config ${home}/.p/pool.json\n`);
    writeFileSync(join(home, '.p/pool.json'), '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
    writeFileSync(join(home, '.config/systemd/user/lw-p.service'), `[Service]\nExecStart=${home}/.p/run.sh\n`);
    const reader = linuxReaderAt(home);
    const first = await reader.readInventory();
    expect(first.files.get(`${home}/.p/run.sh`)).toContain('stage.sh');
    expect(first.files.get(`${home}/.p/pool.json`)).toContain('supportxmr');
    const before = first.items.find((i) => i.label === 'lw-p.service')?.scriptChainSha256;
    writeFileSync(join(home, '.p/pool.json'), '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}');
    const after = (await reader.readInventory()).items.find((i) => i.label === 'lw-p.service')?.scriptChainSha256;
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('the Linux reader follows a script a unit runs by its path, not the binary that script runs', async () => {
    const { home } = fakeLinuxHome();
    mkdirSync(join(home, '.q'));
    writeFileSync(join(home, '.q/start.sh'), './kworker --config q.json\n', { mode: 0o755 });
    writeFileSync(
      join(home, '.q/kworker'),
      Buffer.concat([Buffer.from('\u007fELF\u0002\u0001\u0001\u0000'), Buffer.alloc(64)]),
    );
    writeFileSync(join(home, '.q/q.json'), '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
    writeFileSync(
      join(home, '.config/systemd/user/lw-q.service'),
      `[Service]\nExecStart=/bin/sh -c "cd ${home}/.q && exec ./start.sh"\n`,
    );
    const inventory = await linuxReaderAt(home).readInventory();
    expect(inventory.files.get(`${home}/.q/start.sh`)).toContain('kworker');
    expect(inventory.files.get(`${home}/.q/q.json`)).toContain('supportxmr');
    expect(inventory.files.has(`${home}/.q/kworker`)).toBe(false);
    expect(inventory.items.find((i) => i.label === 'lw-q.service')?.problems).toEqual([]);
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
