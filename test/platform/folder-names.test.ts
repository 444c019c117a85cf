// A launch folder's owner can fill it with millions of names: they are read as a stream, at most a bound held.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderNames, folderNamesNote } from '../../main/platform/folder-names';
import { fakeLinuxHome, linuxReaderAt } from '../support/linux-home';

function folderOf(count: number, name: (n: number) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-names-'));
  for (let n = 0; n < count; n++) writeFileSync(join(dir, name(n)), '');
  return dir;
}

describe('folderNames', () => {
  it('keeps the wanted names, sorted, and says none is left out under the bounds', async () => {
    const dir = folderOf(6, (n) => (n % 2 === 0 ? `job${5 - n}.plist` : `other${n}`));
    const listed = await folderNames(dir, 10, (name) => name.endsWith('.plist'));
    expect(listed).toEqual({ names: ['job1.plist', 'job3.plist', 'job5.plist'], more: 0, cut: false });
    expect(folderNamesNote(dir, listed, 10)).toBeUndefined();
  });

  it('keeps the first maxKept wanted names by name, whatever order the folder gives, and counts the rest', async () => {
    // Made in descending order: a folder that gives names in the order they were made gives the last first.
    const dir = folderOf(40, (n) => `n${String(39 - n).padStart(2, '0')}${n % 3 === 0 ? '' : '.plist'}`);
    const wanted = (name: string) => name.endsWith('.plist');
    const listed = await folderNames(dir, 4, wanted);
    expect(listed.names).toEqual(['n01.plist', 'n02.plist', 'n04.plist', 'n05.plist']);
    expect(listed).toMatchObject({ more: 22, cut: false });
    expect(folderNamesNote('/L', listed, 4)).toBe('/L: 26 names; the first 4 by name were kept');
  });

  it('stops reading a folder past maxRead entries, and says so', async () => {
    const dir = folderOf(30, (n) => `n${n}`);
    const listed = await folderNames(dir, 5, () => true, 12);
    expect(listed).toMatchObject({ more: 7, cut: true });
    expect(listed.names).toHaveLength(5);
    expect(folderNamesNote('/L', listed, 5)).toBe(
      '/L: more than 1,000,000 entries; read no further, the first 5 names by name of those read were kept',
    );
  });

  it('throws what opendir throws (a folder that is not there)', async () => {
    await expect(folderNames(join(tmpdir(), 'lw-no-such-folder-x'), 5)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the live Linux reader on a unit folder with more names than it holds', () => {
  it('reads the units it holds, names the folder, and says the inventory is incomplete', async () => {
    const { home, units } = fakeLinuxHome();
    writeFileSync(join(units, 'a.service'), '[Service]\nExecStart=/usr/bin/true\n');
    // Empty: masked units (systemd.unit(5)), read as nothing. Names of no unit (a README) are not held at all.
    for (let n = 0; n < 20_000; n++) writeFileSync(join(units, `f${n}.service`), '');
    for (let n = 0; n < 50; n++) writeFileSync(join(units, `README${n}`), '');
    const inventory = await linuxReaderAt(home).readInventory();
    expect(inventory.notes).toContain(
      `${units}: 20,001 names; the first 20,000 by name were kept: a unit among the rest was not read`,
    );
    expect(inventory.incomplete).toBe('a unit folder holds more names than are read (20,000)');
  }, 60_000);

  it('a folder under the bound leaves the inventory complete', async () => {
    const { home, units } = fakeLinuxHome();
    writeFileSync(join(units, 'a.service'), '[Service]\nExecStart=/usr/bin/true\n');
    const inventory = await linuxReaderAt(home).readInventory();
    expect(inventory.incomplete).toBeUndefined();
    expect(inventory.items.find((i) => i.plistPath === join(units, 'a.service'))?.program).toBe('/usr/bin/true');
  });
});
