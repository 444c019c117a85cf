// `sfltool dumpbtm` on real public output from two macOS versions (test/fixtures/macos/README.md), and
// what a capture does with it: BTM's facts join the items, a launchd record no plist backs becomes an item.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../main/cli/scan-command';
import { DEFAULT_SCAN_OPTIONS } from '../../../main/engine/model';
import { parseBtmDump } from '../../../main/platform/macos/btm';
import { writeCapture } from '../../support/capture-builder';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/macos/btm', name), 'utf8');

describe('sfltool dumpbtm', () => {
  it('reads macOS 13 records (decimal disposition, uneven indentation)', () => {
    const { records, problems } = parseBtmDump(fixture('ventura-art-of-mac-malware-ch5.txt'));
    expect(problems).toEqual([]);
    expect(records).toEqual([
      {
        name: 'softwareupdate',
        type: 'legacy daemon',
        enabled: true,
        allowed: true,
        identifier: 'com.apple.softwareupdate',
        path: '/Library/LaunchDaemons/com.apple.softwareupdate.plist',
        executablePath: '/Users/User/.local/softwareupdate',
        parent: 'Unknown Developer',
      },
      {
        name: 'ChmodBPF',
        type: 'curated legacy daemon',
        enabled: true,
        allowed: true,
        developer: 'Wireshark',
        teamId: '7Z6EMTD2C6',
        identifier: 'org.wireshark.ChmodBPF',
        path: '/Library/LaunchDaemons/org.wireshark.ChmodBPF.plist',
        executablePath: '/Library/Application Support/Wireshark/ChmodBPF/ChmodBPF',
        parent: 'Wireshark',
      },
    ]);
  });

  it('reads newer records (hex disposition, Flags, Bundle Identifier), and never reads "disabled" as enabled', () => {
    const [raycast] = parseBtmDump(fixture('sequoia-raycast-landon-2024.adapted.txt')).records;
    expect(raycast).toMatchObject({
      name: 'Raycast',
      type: 'app',
      developer: 'Raycast Technologies Inc',
      teamId: 'SY64MV22J9',
      bundleId: 'com.raycast.macos',
      path: '/Applications/Raycast.app/',
      enabled: true,
      allowed: true,
    });
    const off = fixture('sequoia-raycast-landon-2024.adapted.txt').replace(
      '[enabled, allowed, visible, notified] (0xb)',
      '[disabled, disallowed, visible] (0x4)',
    );
    expect(parseBtmDump(off).records[0]).toMatchObject({ enabled: false, allowed: false });
  });

  it('in a capture: joins the item it names, and a record no plist backs becomes an item that is looked at harder', async () => {
    const dump =
      fixture('ventura-art-of-mac-malware-ch5.txt') + '\n' + fixture('sequoia-raycast-landon-2024.adapted.txt');
    const dir = writeCapture({
      privileged: true,
      items: [
        {
          path: '/Library/LaunchDaemons/org.wireshark.ChmodBPF.plist',
          plist: {
            Label: 'org.wireshark.ChmodBPF',
            Program: '/Library/Application Support/Wireshark/ChmodBPF/ChmodBPF',
          },
        },
      ],
      processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.3, startedBefore: 86400 }],
      files: {},
    });
    writeFileSync(join(dir, 'btm.txt'), dump);
    const result = await replay(dir, DEFAULT_SCAN_OPTIONS);
    const chmod = result.items.find((i) => i.item.label === 'org.wireshark.ChmodBPF');
    expect(chmod?.item.btm).toEqual({
      type: 'curated legacy daemon',
      developer: 'Wireshark',
      teamId: '7Z6EMTD2C6',
      enabled: true,
      allowed: true,
    });
    const dazzle = result.items.find((i) => i.item.label === 'com.apple.softwareupdate');
    expect(dazzle?.item).toMatchObject({
      kind: 'LaunchDaemon',
      program: '/Users/User/.local/softwareupdate',
      plistPath: '/Library/LaunchDaemons/com.apple.softwareupdate.plist',
      unreadable: expect.stringMatching(
        /Background Task Management lists it \(legacy daemon\), but no property list was read/,
      ),
    });
    expect(dazzle?.reasons.map((r) => r.code)).toContain('plist.unreadable');
    expect(result.notes.join('\n')).toContain(
      'Background Task Management: 1 app open at login: Raycast (Raycast Technologies Inc)',
    );
  });
});
