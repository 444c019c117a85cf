import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemFromUnitFile, persistenceFolders } from '../../../main/platform/linux/persistence';
import {
  parseBootTime,
  parseCgroupUnit,
  parseCmdline,
  parseProcStat,
  parseStatusUid,
} from '../../../main/platform/linux/proc';
import { parseProcNet, socketInode } from '../../../main/platform/linux/proc-net';
import { parseDesktopExec, parseIni } from '../../../main/platform/linux/unit-file';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/linux', name), 'utf8');
const ports = Object.fromEntries(
  fixture('ports.txt')
    .trim()
    .split(' ')
    .reduce<[string, number][]>((acc, word, i, all) => (i % 2 === 0 ? [...acc, [word, Number(all[i + 1])]] : acc), []),
);

describe('/proc', () => {
  it('reads stat fields after the last parenthesis, whatever the command name holds', () => {
    const stat = parseProcStat(fixture('proc-stat-paren-comm.txt'));
    expect(stat?.comm).toBe('x) (y z');
    expect(stat?.state).toBe('S');
    expect(stat?.ppid).toBeGreaterThan(1);
    expect(stat?.startTicks).toBeGreaterThan(0);
    expect(parseProcStat(fixture('proc-1-stat.txt'))?.pid).toBe(1);
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('takes only whole non-negative numbers for pid, ppid, CPU and start (a cut or garbled line is no process)', () => {
    const line = fixture('proc-stat-paren-comm.txt');
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    const withField = (n: number, value: string): string =>
      line.slice(0, line.lastIndexOf(')') + 2) + fields.map((f, i) => (i === n - 3 ? value : f)).join(' ');
    expect(parseProcStat(withField(4, fields[1]!))).toEqual(parseProcStat(line));
    // ppid (4), utime (14), stime (15), starttime (22), numbered from 1 with pid as proc(5) does.
    for (const [n, value] of [
      [4, 'x'],
      [4, '-1'],
      [14, '1.5'],
      [15, '-3'],
      [22, 'NaN'],
      [22, '99999999999999999999'],
    ] as const)
      expect(parseProcStat(withField(n, value)), `field ${n} = ${value}`).toBeUndefined();
    expect(parseProcStat(`-4 ${line.slice(line.indexOf('('))}`)).toBeUndefined();
  });

  it('splits cmdline on NUL, keeping spaces and parentheses inside arguments', () => {
    expect(parseCmdline(readFileSync(join(__dirname, '../../fixtures/linux/proc-cmdline-spaces.bin')))).toEqual([
      'my (weird) name',
      '30',
    ]);
    expect(parseCmdline(Buffer.alloc(0))).toEqual([]);
  });

  it('finds the systemd service in cgroup v2 and v1 lines, not the user manager, and none in a container', () => {
    expect(parseCgroupUnit('0::/user.slice/user-1000.slice/user@1000.service/app.slice/miner.service\n')).toBe(
      'miner.service',
    );
    expect(parseCgroupUnit('1:name=systemd:/system.slice/cron.service\n')).toBe('cron.service');
    expect(parseCgroupUnit('0::/user.slice/user-1000.slice/user@1000.service/init.scope\n')).toBeUndefined();
    expect(parseCgroupUnit(fixture('proc-self-cgroup.txt'))).toBeUndefined();
  });

  it('reads uid from status and btime from /proc/stat', () => {
    expect(parseStatusUid('Name:\tx\nUid:\t1000\t1000\t1000\t1000\n')).toBe(1000);
    expect(parseBootTime(fixture('proc-stat-btime.txt'))).toBeGreaterThan(1_600_000_000);
  });
});

describe('/proc/net', () => {
  it('decodes little-endian IPv4 endpoints and TCP states from a real table', () => {
    const sockets = parseProcNet(fixture('proc-net-tcp.txt'), 'TCP', 'IPv4');
    expect(sockets.find((s) => s.localPort === ports.listen)).toMatchObject({
      localAddress: '127.0.0.1',
      state: 'LISTEN',
      remotePort: 0,
    });
    expect(sockets.find((s) => s.localPort === ports.client)).toMatchObject({
      localAddress: '127.0.0.1',
      remoteAddress: '127.0.0.1',
      remotePort: ports.listen,
      state: 'ESTABLISHED',
    });
    expect(sockets.every((s) => Number.isInteger(s.inode))).toBe(true);
  });

  it('decodes IPv6 (::1) and UDP', () => {
    expect(
      parseProcNet(fixture('proc-net-tcp6.txt'), 'TCP', 'IPv6').find((s) => s.localPort === ports.v6),
    ).toMatchObject({ localAddress: '::1', state: 'LISTEN' });
    expect(
      parseProcNet(fixture('proc-net-udp.txt'), 'UDP', 'IPv4').find((s) => s.localPort === ports.udp),
    ).toMatchObject({ localAddress: '127.0.0.1', state: '' });
    expect(
      parseProcNet(
        '  sl local\n   0: 0000000000000000FFFF00000100007F:0D05 00000000000000000000000000000000:0000 01 0 0 0 0 0 0 0 42\n',
        'TCP',
        'IPv6',
      )[0],
    ).toMatchObject({ localAddress: '127.0.0.1', localPort: 3333, state: 'ESTABLISHED' });
  });

  it('skips a line whose endpoint is not as the kernel prints it (%08X:%04X), and keeps the others', () => {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const line = (local: string, remote: string, inode = '42'): string =>
      `   0: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000   501        0 ${inode} 1 0 100 0 0 10 0\n`;
    const good = line('0100007F:0D05', '0100007F:A297');
    const bad = [
      line('0100007F:0D05', '0100007F:A297A297A297'),
      line('0100007F:D05', '0100007F:A297'),
      line('ZZ00007F:0D05', '0100007F:A297'),
      line('0100007F:0D05', '0100007F:-001'),
      line('0100007F:0D05', '0100007F:A297', '-1'),
      line('0100007F:0D05', '0100007F:A297', '1.5'),
    ];
    const sockets = parseProcNet(header + bad.join('') + good, 'TCP', 'IPv4');
    expect(sockets).toEqual([
      {
        inode: 42,
        protocol: 'TCP',
        family: 'IPv4',
        localAddress: '127.0.0.1',
        localPort: 3333,
        remoteAddress: '127.0.0.1',
        remotePort: 0xa297,
        state: 'ESTABLISHED',
      },
    ]);
  });

  it('reads socket inodes from fd links', () => {
    expect(socketInode('socket:[27163]')).toBe(27163);
    expect(socketInode('/dev/null')).toBeUndefined();
  });
});

describe('systemd units and XDG autostart', () => {
  it('reads a real Debian unit: ExecStart, not ExecStartPre', () => {
    const item = itemFromUnitFile(
      '/lib/systemd/system/apt-daily.service',
      Buffer.from(fixture('unit-apt-daily.service')),
      { path: '/lib/systemd/system', kind: 'systemd-service', scope: 'system' },
    );
    expect(item).toMatchObject({
      label: 'apt-daily.service',
      unitName: 'apt-daily.service',
      kind: 'systemd-service',
      program: '/usr/lib/apt/apt.systemd.daily',
      arguments: ['/usr/lib/apt/apt.systemd.daily', 'update'],
      persistenceTechnique: 'T1543.002',
      problems: [],
    });
  });

  it('handles ExecStart prefixes, quotes, continuations and Restart', () => {
    const quoted = itemFromUnitFile(
      '/u/q.service',
      Buffer.from('[Service]\nExecStart=-/usr/bin/x "a b" \'c\' d\\ e\n'),
      { path: '/u', kind: 'systemd-service', scope: 'system' },
    );
    expect(quoted.arguments).toEqual(['/usr/bin/x', 'a b', 'c', 'd e']);
    const ini = parseIni(
      '[Service]\nExecStart=/bin/a \\\n  --flag\nRestart=always\n# comment\n[Install]\nWantedBy=default.target\n',
    );
    expect(ini.Service?.ExecStart).toEqual(['/bin/a  --flag']);
    const item = itemFromUnitFile(
      '/u/x.service',
      Buffer.from('[Service]\nExecStart=/bin/a --flag\nRestart=always\n[Install]\nWantedBy=default.target\n'),
      { path: '/u', kind: 'systemd-service', scope: 'user' },
    );
    expect(item).toMatchObject({ keepAlive: true, runAtLoad: true, arguments: ['/bin/a', '--flag'] });
    expect(
      itemFromUnitFile('/u/y.service', Buffer.from('[Unit]\nDescription=y\n'), {
        path: '/u',
        kind: 'systemd-service',
        scope: 'user',
      }).problems,
    ).toEqual(['no ExecStart']);
  });

  it('reads a unit whose sections or keys are named __proto__ or constructor as words, polluting nothing', () => {
    const item = itemFromUnitFile(
      '/u/p.service',
      Buffer.from('[__proto__]\npolluted=yes\n[Service]\nconstructor=1\nhasOwnProperty=2\nExecStart=/opt/.p/run\n'),
      { path: '/u', kind: 'systemd-service', scope: 'system' },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(item).toMatchObject({ program: '/opt/.p/run', problems: [] });
    expect(JSON.parse(JSON.stringify(item.content))).toEqual({
      ['__proto__']: { polluted: ['yes'] },
      Service: { constructor: ['1'], hasOwnProperty: ['2'], ExecStart: ['/opt/.p/run'] },
    });
  });

  it('reads real autostart entries and drops Exec field codes', () => {
    const item = itemFromUnitFile(
      '/etc/xdg/autostart/at-spi-dbus-bus.desktop',
      Buffer.from(fixture('autostart-at-spi-dbus-bus.desktop')),
      { path: '/etc/xdg/autostart', kind: 'autostart', scope: 'system' },
    );
    expect(item).toMatchObject({
      kind: 'autostart',
      program: '/usr/libexec/at-spi-bus-launcher',
      persistenceTechnique: 'T1547.013',
    });
    expect(parseDesktopExec('"/opt/My App/run" --open %U 100%%')).toEqual(['/opt/My App/run', '--open', '100%']);
    const hidden = itemFromUnitFile('/h/a.desktop', Buffer.from('[Desktop Entry]\nExec=/bin/a\nHidden=true\n'), {
      path: '/h',
      kind: 'autostart',
      scope: 'user',
    });
    expect(hidden.disabledInPlist).toBe(true);
  });

  it('looks where systemd and XDG look, honouring $HOME and $XDG_CONFIG_HOME', () => {
    expect(persistenceFolders({}, '/home/a').map((f) => f.path)).toEqual(
      expect.arrayContaining([
        '/home/a/.config/systemd/user',
        '/home/a/.config/autostart',
        '/etc/xdg/autostart',
        '/etc/systemd/system',
        '/usr/lib/systemd/user',
      ]),
    );
    const custom = persistenceFolders({ XDG_CONFIG_HOME: '/cfg', XDG_CONFIG_DIRS: '/etc/xdg:/opt/xdg' }, '/home/a').map(
      (f) => f.path,
    );
    expect(custom).toEqual(expect.arrayContaining(['/cfg/systemd/user', '/cfg/autostart', '/opt/xdg/autostart']));
    expect(custom).not.toContain('/home/a/.config/autostart');
  });
});
