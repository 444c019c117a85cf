// One line of osquery's results log in each shape it comes in: the filesystem logger's event, snapshot
// and batch formats (osquery docs/wiki/deployment/logging.md, whose examples these are), Fleet's
// forwarded results (hostIdentifier plus decorations, numbers when numerics are on), and what is not one.
import { describe, expect, it } from 'vitest';
import { parseResultLine, tableOf } from '../../main/platform/osquery/results';

describe('osquery result lines', () => {
  it('the three documented formats', () => {
    const event = parseResultLine(
      '{"action":"added","columns":{"name":"osqueryd","path":"/usr/local/bin/osqueryd","pid":"97830"},"name":"processes","hostname":"hostname.local","calendarTime":"Tue Sep 30 17:37:30 2014","unixTime":"1412123850","epoch":"314159265","counter":"1"}',
    );
    expect(event).toMatchObject({
      host: 'hostname.local',
      unixTime: 1412123850,
      rows: [{ action: 'added', columns: { pid: '97830' } }],
    });
    const snapshot = parseResultLine(
      '{"action":"snapshot","snapshot":[{"parent":"0","path":"/sbin/launchd","pid":"1"},{"parent":"1","path":"/usr/sbin/syslogd","pid":"51"}],"name":"process_snapshot","hostIdentifier":"hostname.local","calendarTime":"Mon May  2 22:27:32 2016 UTC","unixTime":"1462228052","epoch":"314159265","counter":"1"}',
    );
    expect(snapshot).toMatchObject({ host: 'hostname.local', rows: [{ action: 'snapshot' }, { action: 'snapshot' }] });
    const batch = parseResultLine(
      '{"diffResults":{"added":[{"name":"osqueryd","path":"/usr/local/bin/osqueryd","pid":"97830"}],"removed":[{"name":"osqueryd","path":"/usr/local/bin/osqueryd","pid":"97650"}]},"name":"processes","hostname":"hostname.local","calendarTime":"Tue Sep 30 17:37:30 2014","unixTime":"1412123850","epoch":"314159265","counter":"1"}',
    );
    expect('rows' in batch && batch.rows.map((r) => `${r.action} ${r.columns.pid}`)).toEqual([
      'added 97830',
      'removed 97650',
    ]);
  });

  it('as Fleet forwards them: decorations, numbers when numerics are on', () => {
    const line = parseResultLine(
      JSON.stringify({
        name: 'pack/Launchwatch/processes',
        hostIdentifier: '',
        decorations: { host_uuid: 'EB714C9D-C1F8-5F40-A1D7-3E4F3C6A2B11', hostname: 'alices-mbp' },
        unixTime: 1764493200,
        numerics: true,
        action: 'added',
        columns: { pid: 820, parent: 1, uid: 501, cmdline: '/Users/Shared/xmrig2', user_time: 600000, system_time: 0 },
      }),
    );
    expect(line).toMatchObject({ host: 'alices-mbp', rows: [{ columns: { pid: '820', user_time: '600000' } }] });
    expect(tableOf(('rows' in line && line.rows[0]?.columns) || {})).toBe('processes');
  });

  it('what is not a result says why, and a __proto__ column is data', () => {
    expect(parseResultLine('{"action":"added"')).toMatchObject({ problem: expect.stringMatching(/^not JSON/) });
    expect(parseResultLine('[]')).toEqual({ problem: 'not a JSON object' });
    expect(parseResultLine('{"action":"added","columns":{},"unixTime":"1"}')).toEqual({
      problem: 'no hostIdentifier or hostname',
    });
    expect(parseResultLine('{"action":"added","columns":{},"hostname":"h"}')).toEqual({ problem: 'no unixTime' });
    expect(parseResultLine('{"action":"weird","hostname":"h","unixTime":"1"}')).toEqual({
      problem: 'neither an event, a snapshot nor a batch of results',
    });
    const proto = parseResultLine(
      '{"action":"added","columns":{"__proto__":"x","pid":"1"},"hostname":"h","unixTime":"1"}',
    );
    expect('rows' in proto && Object.getPrototypeOf(proto.rows[0]?.columns)).toBe(null);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('a changed launch item in a batch line', () => {
  it('removed (old) and added (new) at one time: the item stays, with its new arguments', async () => {
    const { FleetHost } = await import('../../main/platform/osquery/fleet-host');
    const host = new FleetHost('h');
    const row = (args: string) => ({
      path: '/Library/LaunchAgents/a.plist',
      label: 'a',
      program: '',
      program_arguments: args,
    });
    host.add({ host: 'h', name: 'launchd', unixTime: 1, rows: [{ action: 'added', columns: row('/bin/a --old') }] });
    host.add({
      host: 'h',
      name: 'launchd',
      unixTime: 2,
      // The batch format lists "added" before "removed".
      rows: [
        { action: 'added', columns: row('/bin/a --new') },
        { action: 'removed', columns: row('/bin/a --old') },
      ],
    });
    expect(host.toInventoryAndSamples().inventory.items.map((i) => i.arguments)).toEqual([['/bin/a', '--new']]);
    // Event lines may come the other way round: the old row's removal after the new row's addition.
    host.add({ host: 'h', name: 'launchd', unixTime: 3, rows: [{ action: 'added', columns: row('/bin/a --newer') }] });
    host.add({ host: 'h', name: 'launchd', unixTime: 3, rows: [{ action: 'removed', columns: row('/bin/a --new') }] });
    expect(host.toInventoryAndSamples().inventory.items.map((i) => i.arguments)).toEqual([['/bin/a', '--newer']]);
    // A real removal (the row as it stands) takes the item away.
    host.add({
      host: 'h',
      name: 'launchd',
      unixTime: 4,
      rows: [{ action: 'removed', columns: row('/bin/a --newer') }],
    });
    expect(host.toInventoryAndSamples().inventory.items).toEqual([]);
  });
});

describe('processes and sockets over time, as differential rows', () => {
  it('a changed row replaces the old one, a removed row goes, and sockets that differ only in an IPv6 address stay two', async () => {
    const { FleetHost } = await import('../../main/platform/osquery/fleet-host');
    // Two times held: the first is folded into the host's tables when the third comes.
    const host = new FleetHost('h', 2);
    const proc = (pid: number, cpuMs: number, cmdline = `/bin/p${pid}`) => ({
      pid: String(pid),
      parent: '1',
      uid: '501',
      cmdline,
      user_time: String(cpuMs),
      system_time: '0',
      start_time: '100',
    });
    const socket = (remote: string) => ({
      pid: '10',
      family: '10',
      protocol: '6',
      local_address: 'fe80::1',
      local_port: '50000',
      remote_address: remote,
      remote_port: '443',
    });
    const at = (unixTime: number, name: string, rows: { action: 'added' | 'removed'; columns: object }[]) =>
      host.add({ host: 'h', name, unixTime, rows: rows as never });
    at(60, 'processes', [
      { action: 'added', columns: proc(10, 1000) },
      { action: 'added', columns: proc(11, 1000) },
    ]);
    at(120, 'processes', [
      { action: 'removed', columns: proc(10, 1000) },
      { action: 'added', columns: proc(10, 31_000) },
    ]);
    at(120, 'sockets', [
      { action: 'added', columns: socket('2001:db8::1:443') },
      { action: 'added', columns: socket('2001:db8::1') },
    ]);
    at(180, 'processes', [
      { action: 'removed', columns: proc(11, 1000) },
      { action: 'removed', columns: proc(10, 31_000) },
      { action: 'added', columns: proc(10, 61_000) },
    ]);
    const { samples } = host.toInventoryAndSamples();
    const seen = samples.map((s) => s.processes.map((p) => `${p.pid}@${p.cpuSeconds}`).sort());
    expect(seen).toEqual([['10@31', '11@1'], ['10@61']]);
    expect(samples[0]?.connections?.map((c) => c.remoteAddress).sort()).toEqual(['2001:db8::1', '2001:db8::1:443']);
  });

  it('takes pids, times and ports only as osquery writes them; a peer with an unreadable port keeps its address', async () => {
    const { FleetHost } = await import('../../main/platform/osquery/fleet-host');
    const host = new FleetHost('h');
    const proc = (pid: string, extra: Record<string, string> = {}) => ({
      pid,
      parent: '1',
      uid: '501',
      cmdline: `/bin/p${pid}`,
      user_time: '1000',
      system_time: '0',
      start_time: '100',
      ...extra,
    });
    const socket = (pid: string, remotePort: string, localPort = '50000') => ({
      pid,
      family: '2',
      protocol: '6',
      local_address: '10.0.0.5',
      local_port: localPort,
      remote_address: '94.130.12.27',
      remote_port: remotePort,
    });
    host.add({
      host: 'h',
      name: 'processes',
      unixTime: 60,
      rows: [
        ...['1e3', '0x10', '-4', '12.5', ''].map((pid) => ({ action: 'snapshot' as const, columns: proc(pid) })),
        { action: 'snapshot', columns: proc('20', { parent: '-1', user_time: '1e308', start_time: '1e308' }) },
        { action: 'snapshot', columns: proc('21') },
      ],
    });
    host.add({
      host: 'h',
      name: 'sockets',
      unixTime: 60,
      rows: [
        { action: 'snapshot', columns: socket('1e3', '3333') },
        { action: 'snapshot', columns: socket('21', '70000', '99999') },
        { action: 'snapshot', columns: socket('21', '3333') },
      ],
    });
    const [sample] = host.toInventoryAndSamples().samples;
    expect(sample?.processes.map((p) => [p.pid, p.ppid, p.cpuSeconds, p.startedAt])).toEqual([
      [20, 0, 0, 0],
      [21, 1, 1, 100_000],
    ]);
    expect(sample?.connections?.map((c) => [c.pid, c.localPort, c.remoteAddress, c.remotePort])).toEqual([
      [21, undefined, '94.130.12.27', undefined],
      [21, 50000, '94.130.12.27', 3333],
    ]);
  });
});
