// A launch item can run a harmless program and have the dynamic linker load its own library into it:
// DYLD_INSERT_LIBRARIES in a plist's EnvironmentVariables (dyld(1); KnockKnock's "Library Inserts" looks for it),
// LD_PRELOAD in a systemd unit's environment (ld.so(8)). ATT&CK T1574.006. The program named is then not all that
// runs, so the item says so, and with sustained CPU that makes it suspicious as other hiding does.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeLinuxHome, linuxReaderAt } from '../support/linux-home';
import { describe, expect, it } from 'vitest';
import { ApprovalsStore, readApprovals } from '../../main/actions/approvals-store';
import { approvalFor, changesSince } from '../../main/engine/approvals';
import { replay } from '../../main/cli/scan-command';
import { injectedLibrariesIn } from '../../main/engine/launch-item';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { itemFromUnitFile } from '../../main/platform/linux/persistence';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';

const agent = (environment?: Record<string, unknown>): CaptureSpec => ({
  items: [
    {
      path: '/Users/alice/Library/LaunchAgents/com.node.helper.plist',
      plist: {
        Label: 'com.node.helper',
        ProgramArguments: ['/usr/local/bin/node', '/usr/local/lib/helper/index.js'],
        RunAtLoad: true,
        ...(environment ? { EnvironmentVariables: environment } : {}),
      },
      listedPid: 700,
    },
  ],
  processes: [
    { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
    { pid: 700, ppid: 1, uid: 501, args: '/usr/local/bin/node /usr/local/lib/helper/index.js', cpu: 95 },
  ],
});

describe('libraries a launch item has the dynamic linker load into its program', () => {
  it('are read from DYLD_INSERT_LIBRARIES (colons) and LD_PRELOAD (colons or spaces), bounded', () => {
    expect(injectedLibrariesIn('/a/x.dylib::/b/y.dylib:', ':')).toEqual(['/a/x.dylib', '/b/y.dylib']);
    expect(injectedLibrariesIn('/a/x.so /b/y.so:/c/z.so', ': ')).toEqual(['/a/x.so', '/b/y.so', '/c/z.so']);
    expect(injectedLibrariesIn('/a b', ':')).toEqual(['/a b']);
    expect(injectedLibrariesIn(':'.repeat(100_000) + '/x'.repeat(10), ':')).toHaveLength(1);
    expect(injectedLibrariesIn(Array.from({ length: 100 }, (_, i) => `/l${i}`).join(':'), ':')).toHaveLength(32);
  });

  it('make a busy plist job suspicious, where the same job without them is only busy', async () => {
    const plain = await replay(writeCapture(agent()), DEFAULT_SCAN_OPTIONS);
    expect(plain.items.find((i) => i.item.label === 'com.node.helper')?.verdict).toBe('high-cpu');

    const injected = await replay(
      writeCapture(agent({ DYLD_INSERT_LIBRARIES: '/Users/alice/.cache/.k/libk.dylib' })),
      DEFAULT_SCAN_OPTIONS,
    );
    const item = injected.items.find((i) => i.item.label === 'com.node.helper');
    expect(item?.verdict).toBe('suspicious');
    expect(item?.reasons.find((r) => r.code === 'hide.injected-library')).toMatchObject({
      attack: 'T1574.006',
      text: 'has the dynamic linker load /Users/alice/.cache/.k/libk.dylib into its program (DYLD_INSERT_LIBRARIES), so what runs is not only the program it names',
    });
    // Any other variable, or a value that is not text, injects nothing.
    const other = await replay(
      writeCapture(agent({ DYLD_LIBRARY_PATH: '/x', DYLD_INSERT_LIBRARIES: 7 })),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(other.items.find((i) => i.item.label === 'com.node.helper')?.verdict).toBe('high-cpu');
  });

  it('are read from a systemd unit’s LD_PRELOAD', () => {
    const item = itemFromUnitFile(
      '/etc/systemd/system/x.service',
      Buffer.from(
        '[Service]\nEnvironment="LD_PRELOAD=/var/tmp/.k/libk.so /lib/x.so"\nExecStart=/usr/bin/python3 -m http.server\n',
      ),
      { path: '/etc/systemd/system', kind: 'systemd-service', scope: 'system', manager: 'system' },
    );
    expect(item.injectedLibraries).toEqual(['/var/tmp/.k/libk.so', '/lib/x.so']);
  });
});

describe('an approval of an item that injects a library', () => {
  const item = (injectedSha256?: string) =>
    ({
      id: '/L/a.plist',
      label: 'a',
      plistPath: '/L/a.plist',
      sha256: 'a'.repeat(64),
      program: '/usr/local/bin/node',
      injectedLibraries: ['/Users/alice/.k/libk.dylib'],
      ...(injectedSha256 ? { injectedSha256 } : {}),
    }) as never;

  it('vouches for the library: a changed one is a change live, an unread one in a capture is not', () => {
    const approval = approvalFor(item('c'.repeat(64)), undefined, 'alice');
    expect(approval.librariesSha256).toBe('c'.repeat(64));
    expect(changesSince(approval, item('c'.repeat(64)))).toEqual([]);
    expect(changesSince(approval, item('d'.repeat(64)))).toEqual(['a library it has loaded into its program']);
    expect(changesSince(approval, item(), 'live')).toEqual(['a library it has loaded into its program']);
    expect(changesSince(approval, item(), 'capture')).toEqual([]);
    // It goes to disk and comes back, and a value that is no SHA-256 is refused by field.
    const store = new ApprovalsStore(join(mkdtempSync(join(tmpdir(), 'lw-store-')), 'approvals.json'));
    store.approve(approval);
    expect(new ApprovalsStore(store.path).list()[0]?.librariesSha256).toBe('c'.repeat(64));
    expect(() => readApprovals(store.export().replace('c'.repeat(64), 'nope'), 'e.json')).toThrow(
      /e\.json: field "approvals\.0\.librariesSha256"/,
    );
  });

  it('the live Linux reader hashes the library, so replacing it changes the item', async () => {
    const { home } = fakeLinuxHome();
    mkdirSync(join(home, '.k'));
    writeFileSync(join(home, '.k/libk.so'), 'first build');
    writeFileSync(
      join(home, '.config/systemd/user/lw-pre.service'),
      `[Service]\nEnvironment=LD_PRELOAD=${home}/.k/libk.so\nExecStart=/usr/bin/sleep 100\n`,
    );
    const reader = linuxReaderAt(home);
    const first = (await reader.readInventory()).items.find((i) => i.label === 'lw-pre.service');
    expect(first?.injectedSha256).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(home, '.k/libk.so'), 'second build');
    const second = (await reader.readInventory()).items.find((i) => i.label === 'lw-pre.service');
    expect(second?.injectedSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.injectedSha256).not.toBe(first?.injectedSha256);
  });
});
