// Whoever wrote a launch item owns the folders it sits in and the files it names, and can swap a name for another file
// at any moment: here, right after the reader looks at it by name (stat, lstat, readdir; these tests hook them), the
// name is swapped, as a loop of rename(2)s would at some point. What is read must then be what was looked at, or
// nothing: never a FIFO's wait for a writer (which blocks the reader; a helper opens the FIFO for writing after a few
// seconds so that a reader that did block fails this test instead of hanging it), never a link's target outside, and
// never one file's bytes kept under another file's identity.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'plist';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApprovalError, readApprovalsFile } from '../../main/actions/approvals-store';
import { openCaptureFiles } from '../../main/platform/capture/capture-files';
import { FileHasher } from '../../main/platform/file-hash';
import { MacLiveReader } from '../../main/platform/macos/live-reader';
import { ingestOsquery } from '../../main/platform/osquery/ingest';
import { readScriptProgram, readSmallFile } from '../../main/platform/not-read';
import { readRegularFile, readRegularFileSync, sizeWords } from '../../main/platform/regular-file';
import { PLIST, setup } from '../support/executor-setup';
import { fakeLinuxHome, linuxReaderAt } from '../support/linux-home';

/** What to do right after the reader's next look at a path, by the function that looked. */
const swaps = vi.hoisted(() => {
  const after = new Map<string, () => void>();
  const looked = (kind: string, path: unknown): void => {
    const key = `${kind} ${String(path)}`;
    const swap = after.get(key);
    if (swap === undefined) return;
    after.delete(key);
    swap();
  };
  /** `look`, then the swap due after it (once its promise settles, for one that returns a promise). */
  const hooked =
    <A extends unknown[], R>(kind: string, look: (...args: A) => R) =>
    (...args: A): R => {
      const result = look(...args);
      if (!(result instanceof Promise)) {
        looked(kind, args[0]);
        return result;
      }
      return result.then((value: unknown) => {
        looked(kind, args[0]);
        return value;
      }) as R;
    };
  return { after, looked, hooked };
});

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const hooked = swaps.hooked;
  const wrapped = {
    ...fs,
    statSync: hooked('stat', fs.statSync),
    lstatSync: hooked('lstat', fs.lstatSync),
    existsSync: hooked('exists', fs.existsSync),
    readdirSync: hooked('readdir', fs.readdirSync),
  };
  return { ...wrapped, default: wrapped };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const hooked = swaps.hooked;
  const wrapped = {
    ...fs,
    stat: hooked('stat', fs.stat),
    lstat: hooked('lstat', fs.lstat),
    readdir: hooked('readdir', fs.readdir),
    // Each entry is looked at as the folder gives it: the hook runs before the reader sees the entry.
    opendir: async (...args: Parameters<typeof fs.opendir>) => {
      const dir = await fs.opendir(...args);
      const path = String(args[0]);
      return {
        path: dir.path,
        close: () => dir.close(),
        read: async () => {
          const entry = await dir.read();
          if (entry !== null) swaps.looked('entry', `${path}/${entry.name}`);
          return entry;
        },
        async *[Symbol.asyncIterator]() {
          for await (const entry of dir) {
            swaps.looked('entry', `${path}/${entry.name}`);
            yield entry;
          }
        },
      };
    },
    access: hooked('access', fs.access),
    // A file changed while it is read: the hook runs after each read of an open file.
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<unknown>;
      Object.assign(handle, {
        read: async (...a: unknown[]) => {
          const result = await read(...a);
          swaps.looked('read', args[0]);
          return result;
        },
      });
      return handle;
    },
  };
  return { ...wrapped, default: wrapped };
});

const writers: ChildProcess[] = [];
afterEach(() => {
  swaps.after.clear();
  for (const writer of writers.splice(0)) writer.kill('SIGKILL');
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const folder = (): string => mkdtempSync(join(tmpdir(), 'lw-swap-'));

/**
 * A writer that, from `ms` on, opens whatever FIFO is at `path` whenever a reader waits on it (O_NONBLOCK: a write-only
 * open fails with ENXIO when none does, fifo(7)), and closes it: a reader that blocked gets an empty read, not a hang.
 */
function unblocker(path: string, ms = 1000, text = ''): void {
  const code = `const fs = require('fs');
    const [path, ms, text] = process.argv.slice(1);
    setTimeout(() => setInterval(() => {
      try {
        if (!fs.lstatSync(path).isFIFO()) return;
        const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        fs.writeSync(fd, text);
        fs.closeSync(fd);
      } catch {}
    }, 100), +ms);`;
  writers.push(spawn(process.execPath, ['-e', code, path, String(ms), text], { stdio: 'ignore' }));
}

/** A FIFO at `path`, with its unblocker. */
function fifo(path: string): void {
  execFileSync('mkfifo', [path]);
  unblocker(path);
}

/** After the next `kind` look at `path`, a FIFO takes its name (what a blocked reader then reads: `text`). */
function fifoAfter(kind: string, path: string, text = ''): void {
  const dir = folder();
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  unblocker(path, 1000, text);
  swaps.after.set(`${kind} ${path}`, () => renameSync(join(dir, 'pipe'), path));
}

/** `swap` once `path` was listed: after its folder's readdir, or as a folder read an entry at a time gives it. */
function afterListed(path: string, swap: () => void): void {
  const once = (): void => {
    swaps.after.delete(`readdir ${dirname(path)}`);
    swaps.after.delete(`entry ${path}`);
    swap();
  };
  swaps.after.set(`readdir ${dirname(path)}`, once);
  swaps.after.set(`entry ${path}`, once);
}

/** Two folders' names exchanged (their files keep their identities: a rename of a folder changes none of them). */
function exchange(a: string, b: string): void {
  renameSync(a, `${a}.swap`);
  renameSync(b, a);
  renameSync(`${a}.swap`, b);
}

/** After the next `kind` look at `path`, folders `a` and `b` exchanged; `undo` exchanges them back if they were. */
function exchangeAfter(kind: string, path: string, a: string, b: string): { undo: () => void } {
  let done = false;
  swaps.after.set(`${kind} ${path}`, () => {
    exchange(a, b);
    done = true;
  });
  return {
    undo: () => {
      swaps.after.delete(`${kind} ${path}`);
      if (done) exchange(a, b);
    },
  };
}

describe('reading through one open file (regular-file.ts)', () => {
  it('a FIFO is refused at once, unread and without waiting for a writer; so is a device', async () => {
    const dir = folder();
    fifo(join(dir, 'pipe'));
    expect(readRegularFileSync(join(dir, 'pipe'), 1024)).toMatchObject({ refused: 'not a regular file' });
    expect(await readRegularFile(join(dir, 'pipe'), 1024)).toMatchObject({ refused: 'not a regular file' });
    expect(readRegularFileSync('/dev/zero', 1024)).toMatchObject({ refused: 'not a regular file' });
    expect(readRegularFileSync(dir, 1024)).toMatchObject({ refused: 'not a regular file' });
  });

  it('a file over the bound is refused, one at it is read, and a link is refused when asked not to follow', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'ten'), '0123456789');
    symlinkSync(join(dir, 'ten'), join(dir, 'link'));
    expect(readRegularFileSync(join(dir, 'ten'), 9)).toMatchObject({ refused: 'too large' });
    expect(await readRegularFile(join(dir, 'ten'), 9)).toMatchObject({ refused: 'too large' });
    expect(readRegularFileSync(join(dir, 'ten'), 10).bytes?.toString()).toBe('0123456789');
    expect((await readRegularFile(join(dir, 'ten'), 10)).bytes?.toString()).toBe('0123456789');
    expect(readRegularFileSync(join(dir, 'link'), 10).bytes?.toString()).toBe('0123456789');
    expect(() => readRegularFileSync(join(dir, 'link'), 10, { noFollow: true })).toThrow(/ELOOP/);
    await expect(readRegularFile(join(dir, 'link'), 10, { noFollow: true })).rejects.toThrow(/ELOOP/);
  });
});

describe('a file written to while it is read', () => {
  it('one grown past the bound after it was opened is refused, not cut short', async () => {
    const path = join(folder(), 'grows');
    writeFileSync(path, 'x'.repeat(70 * 1024));
    swaps.after.set(`read ${path}`, () => appendFileSync(path, 'y'.repeat(40 * 1024)));
    const got = await readRegularFile(path, 100 * 1024);
    expect(got).toMatchObject({ refused: 'too large' });
    expect(sizeWords(got.info.size, 100 * 1024)).toBe('grew past it while it was read');
  });

  it("a program rewritten while it is hashed: no digest (it was no version of the file), then the new one's", async () => {
    const path = join(folder(), 'helper');
    writeFileSync(path, 'a'.repeat(3 * 1024 * 1024));
    // Its first bytes rewritten in place once the hasher has read past them.
    swaps.after.set(`read ${path}`, () => {
      const fd = openSync(path, 'r+');
      writeSync(fd, 'b', 0);
      closeSync(fd);
    });
    const hasher = new FileHasher();
    expect(await hasher.sha256(path)).toBeUndefined();
    expect(await hasher.sha256(path)).toBe(sha256(`b${'a'.repeat(3 * 1024 * 1024 - 1)}`));
  });
});

describe('a name swapped right after the reader looked at it', () => {
  it.each([
    ['a file an item names', 'pool.json', '{"url":"stratum+tcp://pool.example:3333"}', readSmallFile],
    [
      'a program that is a script',
      'start.sh',
      '#!/bin/sh\nexec /tmp/.x/xmrig -o pool.example:3333\n',
      readScriptProgram,
    ],
    ['an approvals file handed in', 'approvals.json', '{"format":"launchwatch-approvals"}\n', readApprovalsFile],
  ])('%s, swapped for a FIFO: the file is read, nothing waits', (_what, name, text, read) => {
    const path = join(folder(), name);
    writeFileSync(path, text);
    for (const kind of ['stat', 'lstat', 'exists']) fifoAfter(kind, path);
    expect(read(path)).toBe(text);
  });

  it('an approvals file that is a FIFO is refused, naming it', () => {
    const pipe = join(folder(), 'pipe');
    fifo(pipe);
    expect(() => readApprovalsFile(pipe)).toThrow(ApprovalError);
    expect(() => readApprovalsFile(pipe)).toThrow(`${pipe}: not a file`);
  });

  it("a program's digest is never kept under another file's identity (an approval would vouch for it)", async () => {
    const dir = folder();
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'bin/helper'), 'the approved helper');
    writeFileSync(join(dir, 'other/helper'), 'a miner');
    const program = join(dir, 'bin/helper');
    const swap = exchangeAfter('stat', program, join(dir, 'bin'), join(dir, 'other'));
    const hasher = new FileHasher();
    const first = await hasher.sha256(program);
    swap.undo();
    // Whatever the first read saw, the file there now is the approved helper, unchanged: its own digest.
    expect([sha256('the approved helper'), sha256('a miner')]).toContain(first);
    expect(await hasher.sha256(program)).toBe(sha256('the approved helper'));
    // And the other way round: the miner there now is not vouched for by the helper's digest.
    exchange(join(dir, 'bin'), join(dir, 'other'));
    expect(await hasher.sha256(program)).toBe(sha256('a miner'));
  });

  it("a systemd unit's parse is never kept under another unit file's identity", async () => {
    const { home, units } = fakeLinuxHome();
    const other = join(home, 'other-units');
    mkdirSync(other);
    writeFileSync(join(units, 'sync.service'), '[Service]\nExecStart=/usr/bin/rsync --daemon\n');
    writeFileSync(join(other, 'sync.service'), '[Service]\nExecStart=/tmp/.x/xmrig -o pool.example:3333\n');
    const unit = join(units, 'sync.service');
    const swap = exchangeAfter('stat', unit, units, other);
    const reader = linuxReaderAt(home);
    const first = (await reader.readInventory()).items.find((i) => i.plistPath === unit);
    swap.undo();
    expect(['/usr/bin/rsync', '/tmp/.x/xmrig']).toContain(first?.program);
    // The unit there now is the rsync one, unchanged since the first look: it is what the inventory says.
    const second = (await reader.readInventory()).items.find((i) => i.plistPath === unit);
    expect(second?.program).toBe('/usr/bin/rsync');
    exchange(units, other);
    const third = (await reader.readInventory()).items.find((i) => i.plistPath === unit);
    expect(third?.program).toBe('/tmp/.x/xmrig');
  });

  it('a unit swapped for a FIFO after the look is named unreadable, and the inventory goes on', async () => {
    const { home, units } = fakeLinuxHome();
    writeFileSync(join(units, 'a.service'), '[Service]\nExecStart=/usr/bin/true\n');
    writeFileSync(join(units, 'b.service'), '[Service]\nExecStart=/usr/bin/false\n');
    fifoAfter('stat', join(units, 'a.service'));
    const inventory = await linuxReaderAt(home).readInventory();
    const a = inventory.items.find((i) => i.plistPath === join(units, 'a.service'));
    expect(a?.problems.join('\n')).toContain('not a regular file when it was read: not read');
    expect(inventory.items.find((i) => i.plistPath === join(units, 'b.service'))?.program).toBe('/usr/bin/false');
  });

  it("a launchd property list swapped for a FIFO after the reader's look: it is read, nothing waits", async () => {
    const root = folder();
    const agents = join(root, 'Users/alice/Library/LaunchAgents');
    mkdirSync(agents, { recursive: true });
    const plist = join(agents, 'com.example.sync.plist');
    writeFileSync(plist, build({ Label: 'com.example.sync', ProgramArguments: ['/usr/bin/true'] } as never));
    for (const kind of ['stat', 'exists']) fifoAfter(kind, plist);
    const reader = new MacLiveReader({
      root,
      home: '/Users/alice',
      uid: 501,
      userName: 'alice',
      resolveNames: false,
      // No macOS command here: each is named as not run in the notes, which these checks do not look at.
      env: { PATH: join(root, 'no-commands') },
    });
    const item = (await reader.readInventory()).items.find((i) => i.label === 'com.example.sync');
    expect(item?.program ?? item?.arguments[0]).toBe('/usr/bin/true');
  });

  it("a launch item's file swapped for a FIFO after a look by name, at Disable: the backup is the file, nothing waits", async () => {
    const { service, result, plistPath } = setup();
    fifoAfter('lstat', plistPath);
    const outcome = await service.approvePlan(service.plan(result).planId as string);
    expect(outcome.ok).toBe(true);
    expect(readFileSync(outcome.record.backup!.backupPath)).toEqual(PLIST);
    expect(outcome.record.backup!.sha256).toBe(createHash('sha256').update(PLIST).digest('hex'));
    // The FIFO that took the name by the time the file was removed is named and removed, never read.
    expect(outcome.record.messages.join('\n')).toContain(`${plistPath} had become a FIFO after it was backed up`);
    expect((await service.undo('last')).ok).toBe(true);
    expect(readFileSync(plistPath)).toEqual(PLIST);
  });

  it("a FIFO at a launch item's name when Undo puts the file back: named and left alone, nothing waits", async () => {
    const { service, result, plistPath } = setup();
    const outcome = await service.approvePlan(service.plan(result).planId as string);
    expect(outcome.ok).toBe(true);
    fifo(plistPath);
    const undone = await service.undo('last');
    expect(undone.ok).toBe(false);
    expect(undone.message).toContain(`a FIFO is already at ${plistPath}; it was left alone`);
    expect(readFileSync(outcome.record.backup!.backupPath)).toEqual(PLIST);
  });

  it('a capture file swapped for a link out of the capture after the folder was listed: not followed', async () => {
    const capture = folder();
    const outside = folder();
    writeFileSync(join(outside, 'secret'), 'a file outside the capture');
    mkdirSync(join(capture, 'fs/Library/LaunchAgents'), { recursive: true });
    const plist = join(capture, 'fs/Library/LaunchAgents/a.plist');
    writeFileSync(plist, 'the captured plist');
    afterListed(plist, () => {
      rmSync(plist);
      symlinkSync(join(outside, 'secret'), plist);
    });
    const files = await openCaptureFiles(capture);
    expect(files.read('fs/Library/LaunchAgents/a.plist')).toBeUndefined();
    expect(files.skipped().get('fs/Library/LaunchAgents/a.plist')).toBe('a symbolic link when it was read: not read');
  });

  it('a capture file swapped for a FIFO after the folder was listed: named, nothing waits', async () => {
    const capture = folder();
    mkdirSync(join(capture, 'fs'), { recursive: true });
    writeFileSync(join(capture, 'fs/a.plist'), 'the captured plist');
    writeFileSync(join(capture, 'fs/b.plist'), 'another');
    afterListed(join(capture, 'fs/a.plist'), () => {
      rmSync(join(capture, 'fs/a.plist'));
      fifo(join(capture, 'fs/a.plist'));
    });
    const files = await openCaptureFiles(capture);
    expect(files.skipped().get('fs/a.plist')).toBe('not a regular file when it was read: not read');
    expect(files.read('fs/b.plist')?.toString()).toBe('another');
  });

  it('a file of a folder of osquery results swapped for a FIFO after the look: passed over, nothing waits', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.log'), 'not a result\n');
    writeFileSync(join(dir, 'b.log'), 'not one either\n');
    for (const kind of ['stat', 'lstat']) fifoAfter(kind, join(dir, 'a.log'), 'from the FIFO\n');
    const outcome = await ingestOsquery(dir);
    // a.log is read as the file it was, or passed over as the FIFO it became: never waited on.
    expect(outcome.problems.some((p) => p.startsWith(`${join(dir, 'b.log')}:1: `))).toBe(true);
    expect(outcome.lines).toBeLessThanOrEqual(2);
    expect(outcome.problems.join('\n')).not.toContain('FIFO');
  });
});
