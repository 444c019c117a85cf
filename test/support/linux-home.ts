// A Linux home folder of the tests' own, with its systemd user-unit folder, and the live Linux reader for it: the
// real reader, on real files, with no machine facts to read (systeminformation is slow and not what these test).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxLiveReader } from '../../main/platform/linux/live-reader';

export function fakeLinuxHome(): { home: string; units: string } {
  const home = mkdtempSync(join(tmpdir(), 'lw-home-'));
  const units = join(home, '.config/systemd/user');
  mkdirSync(units, { recursive: true });
  return { home, units };
}

export function linuxReaderAt(home: string): LinuxLiveReader {
  return new LinuxLiveReader({
    env: { HOME: home, PATH: process.env.PATH },
    home,
    machineFacts: async () => ({ facts: {}, notes: [] }),
  });
}
