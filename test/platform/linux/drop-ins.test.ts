// systemd reads `<unit>.d/*.conf` drop-ins after the unit file and merges them in (systemd.unit(5), Description), so a
// drop-in can replace a harmless unit's ExecStart= without touching the unit file. A unit is read with its drop-ins,
// and found in every persistent folder of systemd's unit search path (systemd.unit(5), Unit File Load Path).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeLinuxHome, linuxReaderAt } from '../../support/linux-home';
import { describe, expect, it } from 'vitest';
import { analyseSamples } from '../../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS } from '../../../main/engine/model';
import { chooseDropIns, dropInFolderNames, MAX_DROP_INS } from '../../../main/platform/linux/drop-ins';
import { itemFromUnitFile, persistenceFolders } from '../../../main/platform/linux/persistence';
import { reasonsOf } from '../../support/capture-builder';

const SYSTEM_FOLDER = {
  path: '/usr/lib/systemd/system',
  kind: 'systemd-service',
  scope: 'system',
  manager: 'system',
} as const;

describe('systemd drop-ins', () => {
  it('are looked for in the unit’s folder, each dash-cut prefix, and the type’s own, most specific first', () => {
    expect(dropInFolderNames('foo-bar-baz.service')).toEqual([
      'foo-bar-baz.service.d',
      'foo-bar-.service.d',
      'foo-.service.d',
      'service.d',
    ]);
    expect(dropInFolderNames('cron.service')).toEqual(['cron.service.d', 'service.d']);
  });

  it('apply by file name across folders; of two with one name, the earlier folder of the search path wins', () => {
    const listings = new Map([
      ['/etc/systemd/system/a-b.service.d', ['50-x.conf']],
      ['/usr/lib/systemd/system/a-b.service.d', ['50-x.conf', '10-y.conf']],
      ['/usr/lib/systemd/system/a-.service.d', ['70-z.conf']],
      ['/etc/systemd/system/service.d', ['05-all.conf', '70-z.conf']],
    ]);
    const chosen = chooseDropIns('a-b.service', ['/etc/systemd/system', '/usr/lib/systemd/system'], (f) =>
      listings.get(f),
    );
    expect(chosen).toEqual({
      paths: [
        '/etc/systemd/system/service.d/05-all.conf',
        '/usr/lib/systemd/system/a-b.service.d/10-y.conf',
        '/etc/systemd/system/a-b.service.d/50-x.conf',
        '/etc/systemd/system/service.d/70-z.conf',
      ],
      more: 0,
    });
    const many = Array.from({ length: MAX_DROP_INS + 5 }, (_, i) => `${String(i).padStart(3, '0')}.conf`);
    expect(chooseDropIns('x.service', ['/e'], () => many)).toMatchObject({ more: 5 });
  });

  it('replace ExecStart= after an empty one, and show in the item’s text, hash and problems', () => {
    const unit = Buffer.from('[Service]\nExecStart=/usr/sbin/cron -f\nEnvironment=A=1\n');
    const alone = itemFromUnitFile('/usr/lib/systemd/system/cron.service', unit, SYSTEM_FOLDER);
    const dropIn = {
      path: '/etc/systemd/system/cron.service.d/override.conf',
      bytes: Buffer.from('[Service]\nExecStart=\nExecStart=/var/tmp/.x/kworker -c /var/tmp/.x/c.json\n'),
    };
    const item = itemFromUnitFile('/usr/lib/systemd/system/cron.service', unit, SYSTEM_FOLDER, undefined, undefined, [
      dropIn,
    ]);
    expect(item).toMatchObject({
      program: '/var/tmp/.x/kworker',
      arguments: ['/var/tmp/.x/kworker', '-c', '/var/tmp/.x/c.json'],
      problems: [
        'ExecStart= is set by the drop-in /etc/systemd/system/cron.service.d/override.conf, not by the unit file',
      ],
    });
    expect(item.rawText).toBe(
      '# /usr/lib/systemd/system/cron.service\n[Service]\nExecStart=/usr/sbin/cron -f\nEnvironment=A=1\n\n' +
        '# /etc/systemd/system/cron.service.d/override.conf\n[Service]\nExecStart=\nExecStart=/var/tmp/.x/kworker -c /var/tmp/.x/c.json\n',
    );
    expect(item.sha256).not.toBe(alone.sha256);
    // Without the empty ExecStart= a second command is added, not swapped in: the unit's own still runs first.
    const added = itemFromUnitFile('/usr/lib/systemd/system/cron.service', unit, SYSTEM_FOLDER, undefined, undefined, [
      { path: '/etc/systemd/system/cron.service.d/more.conf', bytes: Buffer.from('[Service]\nExecStart=/bin/x\n') },
    ]);
    expect(added.program).toBe('/usr/sbin/cron');
    expect(added.problems).toEqual([
      '1 more ExecStart= lines (only the first is read; systemd runs them only for Type=oneshot)',
    ]);
  });

  it('are in every persistent folder of the search path, the user’s data folder too', () => {
    const paths = persistenceFolders({}, '/home/a').map((f) => `${f.path} ${f.manager ?? ''}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/etc/systemd/system.control system',
        '/usr/local/lib/systemd/system system',
        '/home/a/.config/systemd/user.control user',
        '/home/a/.local/share/systemd/user user',
        '/etc/xdg/systemd/user user',
        '/usr/share/systemd/user user',
        '/usr/local/lib/systemd/user user',
      ]),
    );
    // In systemd's order: /etc before /usr/local/lib before /usr/lib.
    const order = paths.map((p) => p.split(' ')[0]);
    expect(order.indexOf('/etc/systemd/system')).toBeLessThan(order.indexOf('/usr/local/lib/systemd/system'));
    expect(order.indexOf('/usr/local/lib/systemd/system')).toBeLessThan(order.indexOf('/usr/lib/systemd/system'));
  });
});

describe('the Linux reader with drop-ins and the whole search path', () => {
  it('reads a harmless unit as its drop-in makes it, units in ~/.local/share and templates, and names an unreadable one', async () => {
    const { home, units: config } = fakeLinuxHome();
    mkdirSync(join(config, 'lw-sync.service.d'), { recursive: true });
    mkdirSync(join(home, '.local/share/systemd/user'), { recursive: true });
    mkdirSync(join(home, '.x'));
    writeFileSync(join(home, '.x/c.json'), '{"pools":[{"url":"pool.supportxmr.com:443"}]}');
    writeFileSync(join(home, '.x/d.json'), '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}');
    writeFileSync(join(config, 'lw-sync.service'), '[Service]\nExecStart=/usr/bin/true\n');
    writeFileSync(
      join(config, 'lw-sync.service.d/override.conf'),
      '[Service]\nExecStart=\nExecStart=%h/.x/kworker --config %h/.x/c.json\n',
    );
    writeFileSync(
      join(home, '.local/share/systemd/user/lw-data.service'),
      '[Service]\nExecStart=%h/.x/m -c %h/.x/d.json\n',
    );
    // A template is persistence too: its enabled instances run as `lw-t@<instance>.service`.
    writeFileSync(join(config, 'lw-t@.service'), '[Service]\nExecStart=%h/.x/m -c %h/.x/%i.json\n');
    writeFileSync(join(config, 'lw-huge.service'), `[Service]\nExecStart=/bin/true\n#${'x'.repeat(1024 * 1024)}\n`);
    const reader = linuxReaderAt(home);
    const inventory = await reader.readInventory();
    const byLabel = (label: string) => inventory.items.find((i) => i.label === label);
    expect(byLabel('lw-sync.service')).toMatchObject({
      program: `${home}/.x/kworker`,
      problems: [`ExecStart= is set by the drop-in ${config}/lw-sync.service.d/override.conf, not by the unit file`],
    });
    expect(byLabel('lw-data.service')).toMatchObject({ program: `${home}/.x/m`, scope: 'user' });
    expect(byLabel('lw-t@.service')).toMatchObject({
      unitName: 'lw-t@.service',
      arguments: [`${home}/.x/m`, '-c', `${home}/.x/%i.json`],
      problems: [],
    });
    expect(byLabel('lw-huge.service')).toMatchObject({
      unitName: 'lw-huge.service',
      unreadable: 'larger than 1 MiB: not read',
    });
    expect(byLabel('lw-huge.service')?.sha256).toBeUndefined();

    const result = analyseSamples(inventory, [], DEFAULT_SCAN_OPTIONS);
    expect(reasonsOf(result, 'lw-sync.service')).toContain('supportxmr');
    expect(reasonsOf(result, 'lw-data.service')).toContain('moneroocean');
    expect(result.items.find((i) => i.item.label === 'lw-huge.service')?.reasons.map((r) => r.code)).toContain(
      'plist.unreadable',
    );

    // A drop-in that changes is read again at the next inventory, though the unit file did not change.
    writeFileSync(join(config, 'lw-sync.service.d/override.conf'), '[Service]\nExecStart=\nExecStart=/opt/.y/other\n');
    const again = await reader.readInventory();
    expect(again.items.find((i) => i.label === 'lw-sync.service')?.program).toBe('/opt/.y/other');
  });

  it('reads at most 1 MiB of drop-ins for a unit, since a service.d/ one applies to every service', async () => {
    const { home, units } = fakeLinuxHome();
    mkdirSync(join(units, 'service.d'));
    writeFileSync(join(units, 'service.d/10-a.conf'), `[Service]\nEnvironment=A=1\n#${'x'.repeat(600 * 1024)}\n`);
    writeFileSync(join(units, 'service.d/20-b.conf'), `[Service]\nEnvironment=B=2\n#${'x'.repeat(600 * 1024)}\n`);
    for (const name of ['lw-one', 'lw-two'])
      writeFileSync(join(units, `${name}.service`), '[Service]\nExecStart=/bin/true $A $B\n');
    const inventory = await linuxReaderAt(home).readInventory();
    for (const name of ['lw-one.service', 'lw-two.service']) {
      const item = inventory.items.find((i) => i.label === name);
      expect(item?.arguments).toEqual(['/bin/true', '1']);
      expect(item?.problems).toContain('1 more drop-ins not read (at most 64, 1 MiB in all)');
    }
  });
});
