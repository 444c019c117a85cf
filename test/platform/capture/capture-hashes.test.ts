// A capture holds no binaries, so an approval's program and library digests could not be checked in one: a program
// swapped after approval went unnoticed on every captured Mac. The collector now takes them (hashes.txt, shasum(1))
// and the capture reader gives them to the items, as a live reader does.
import { describe, expect, it } from 'vitest';
import { approvalFor, changesSince } from '../../../main/engine/approvals';
import { injectedLibrariesDigest } from '../../../main/engine/launch-item';
import { parseHashes, readCapture } from '../../../main/platform/capture/capture-reader';
import { writeCapture, type CaptureSpec } from '../../support/capture-builder';

const PROGRAM = 'a'.repeat(64);
const LIBRARY = 'b'.repeat(64);

const spec = (hashes: string | undefined): CaptureSpec => ({
  items: [
    {
      path: '/Library/LaunchAgents/com.vendor.agent.plist',
      plist: { Label: 'com.vendor.agent', Program: '/Library/Vendor/agent', RunAtLoad: true },
    },
    {
      path: '/Users/alice/Library/LaunchAgents/com.vendor.helper.plist',
      plist: {
        Label: 'com.vendor.helper',
        ProgramArguments: ['/usr/local/bin/helper'],
        EnvironmentVariables: { DYLD_INSERT_LIBRARIES: '/Users/alice/.k/libk.dylib:/Library/Vendor/libv.dylib' },
      },
    },
  ],
  processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 }],
  ...(hashes === undefined ? {} : { hashes }),
});

const item = async (hashes: string | undefined, label: string) =>
  (await readCapture(writeCapture(spec(hashes)))).inventory.items.find((i) => i.label === label);

describe("a capture's hashes.txt", () => {
  it('is read line by line: a line that is not a SHA-256 and an absolute path is named, not taken', () => {
    const notes: string[] = [];
    const hashes = parseHashes(
      `${PROGRAM}\t/Library//Vendor/./agent\n${'A'.repeat(64)}\t/x\n${'c'.repeat(63)}\t/y\nnot a line\n`,
      notes,
    );
    expect([...hashes]).toEqual([['/Library/Vendor/agent', PROGRAM]]);
    expect(notes.join('\n')).toContain('hashes.txt');
  });

  it("gives each item its program's digest and its libraries' digest, as a live reader takes them", async () => {
    const hashes = `${PROGRAM}\t/Library/Vendor/agent\n${LIBRARY}\t/Users/alice/.k/libk.dylib\n${'c'.repeat(64)}\t/Library/Vendor/libv.dylib\n`;
    expect((await item(hashes, 'com.vendor.agent'))?.programSha256).toBe(PROGRAM);
    expect((await item(hashes, 'com.vendor.helper'))?.injectedSha256).toBe(
      injectedLibrariesDigest([
        { path: '/Users/alice/.k/libk.dylib', sha256: LIBRARY },
        { path: '/Library/Vendor/libv.dylib', sha256: 'c'.repeat(64) },
      ]),
    );
    // A library the collector could not hash leaves the libraries unverified, not changed.
    const partial = `${LIBRARY}\t/Users/alice/.k/libk.dylib\n`;
    expect((await item(partial, 'com.vendor.helper'))?.injectedSha256).toBeUndefined();
    expect((await item(undefined, 'com.vendor.agent'))?.programSha256).toBeUndefined();
  });

  it('lets an approval notice a program swapped since, which without it was only unverified', async () => {
    const approved = await item(`${PROGRAM}\t/Library/Vendor/agent\n`, 'com.vendor.agent');
    const approval = approvalFor(approved as never, undefined, 'alice');
    expect(changesSince(approval, approved as never, 'capture')).toEqual([]);
    const swapped = await item(`${'d'.repeat(64)}\t/Library/Vendor/agent\n`, 'com.vendor.agent');
    expect(changesSince(approval, swapped as never, 'capture')).toEqual(['its program']);
    const unhashed = await item(undefined, 'com.vendor.agent');
    expect(changesSince(approval, unhashed as never, 'capture')).toEqual([]);
  });
});
