// Parsers against verbatim real output (test/fixtures/macos/README.md says where each file came from).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodesignBundle, parseCodesignOutput } from '../../../main/platform/macos/codesign';
import { parseDns } from '../../../main/platform/macos/dns';
import { parseLaunchctlList } from '../../../main/platform/macos/launchctl-list';
import { parseLsof, socketNames } from '../../../main/platform/macos/lsof';
import { parsePrintDisabled } from '../../../main/platform/macos/print-disabled';
import { parseCpuTime, parseElapsed, parsePs, toProcessRecord } from '../../../main/platform/macos/ps';
import { decodeVis, encodeVis } from '../../../main/platform/macos/vis';
import { NAMED_PROBLEMS } from '../../../main/platform/problem-list';
import { assembleSample, SAMPLE_LIMITS } from '../../../main/platform/macos/assemble';

const fixture = (path: string): string => readFileSync(join(__dirname, '../../fixtures/macos', path), 'utf8');

describe('launchctl list', () => {
  it('reads a recent user domain with negative statuses and application.* labels', () => {
    const { records, problems } = parseLaunchctlList(fixture('launchctl-list/modern-user-negative-status.txt'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(64);
    expect(records[0]).toEqual({ label: 'com.apple.SafariHistoryServiceAgent', lastExitStatus: 0 });
    expect(records[1]).toEqual({ label: 'com.apple.progressd', lastExitStatus: -9 });
    expect(records.find((r) => r.label === 'com.apple.cloudphotod')).toEqual({
      label: 'com.apple.cloudphotod',
      pid: 33888,
      lastExitStatus: -9,
    });
    expect(records.some((r) => r.label.startsWith('application.'))).toBe(true);
  });

  it('reads output without a header (piped through grep)', () => {
    const { records, problems } = parseLaunchctlList(fixture('launchctl-list/grep-santa-noheader-1092.txt'));
    expect(problems).toEqual([]);
    expect(records.length).toBeGreaterThan(0);
    expect(records.some((r) => r.lastExitStatus === -6)).toBe(true);
  });

  it('reads an El Capitan user list and a sudo system list', () => {
    for (const file of ['launchctl-list/elcapitan-user-lunchy-go-7.txt', 'launchctl-list/system-sudo-santa-460.txt']) {
      const { records, problems } = parseLaunchctlList(fixture(file));
      expect(problems, file).toEqual([]);
      expect(records.length, file).toBeGreaterThan(30);
      expect(records.every((r) => r.label.length > 0)).toBe(true);
    }
  });

  it("reads a label with a line end back whole, so the row its second line forges is not another job's", () => {
    const forging = 'com.evil.x\n4242\t0\tcom.apple.idle';
    const text = `PID\tStatus\tLabel\n-\t0\tcom.apple.a\n812\t0\t${forging}\n-\t0\tcom.apple.b\nx\t0\tcom.c\n`;
    // As the property lists are not read yet: the forged row stands, a pid for com.apple.idle.
    expect(parseLaunchctlList(text).records).toContainEqual({ label: 'com.apple.idle', pid: 4242, lastExitStatus: 0 });
    const { records, problems } = parseLaunchctlList(text, [forging, 'com.evil.x\nsomething else']);
    expect(records).toEqual([
      { label: 'com.apple.a', lastExitStatus: 0 },
      { label: forging, pid: 812, lastExitStatus: 0 },
      { label: 'com.apple.b', lastExitStatus: 0 },
      { label: 'com.c', lastExitStatus: 0 },
    ]);
    // Line numbers stay those of the text.
    expect(problems).toEqual(['line 6: "com.c": PID "x" is not a job\'s process: read as unknown']);
    // Of two labels that start alike, the one the text goes on with; a label ending in a line end, with its empty line.
    const two = parseLaunchctlList('11\t0\tcom.x\nA\n12\t0\tcom.x\nA\tB\n13\t0\tcom.y\n\n', [
      'com.x\nA',
      'com.x\nA\tB',
      'com.y\n',
    ]).records;
    expect(two.map((r) => [r.label, r.pid])).toEqual([
      ['com.x\nA', 11],
      ['com.x\nA\tB', 12],
      ['com.y\n', 13],
    ]);
  });

  it('takes no pid for a label listed twice (launchd keys its jobs by label): one of the rows was forged', () => {
    const text = 'PID\tStatus\tLabel\n-\t0\tcom.apple.idle\n812\t0\tcom.submitted\n4242\t0\tcom.apple.idle\n';
    const { records, problems } = parseLaunchctlList(text);
    expect(records).toEqual([
      { label: 'com.apple.idle', lastExitStatus: 0 },
      { label: 'com.submitted', pid: 812, lastExitStatus: 0 },
      { label: 'com.apple.idle', lastExitStatus: 0 },
    ]);
    expect(problems).toEqual([expect.stringContaining('"com.apple.idle" is listed 2 times')]);
    expect(problems[0]).toContain('(4242)');
    // Bounded: the pids of a label listed a thousand times are named eight at a time.
    const many = Array.from({ length: 1000 }, (_, i) => `${1000 + i}\t0\tcom.x`).join('\n');
    const [named] = parseLaunchctlList(many).problems;
    expect(named).toContain('is listed 1000 times');
    expect(named).toContain('1007 and 992 more');
  });

  it('reads back whole only labels launchctl could be given (1,024 characters at most)', () => {
    const long = `com.x\n${'y'.repeat(1100)}`;
    const { records } = parseLaunchctlList(`12\t0\t${long}\n`, [long]);
    expect(records.map((r) => r.label)).toEqual(['com.x']);
  });

  it('names the line it cannot read and keeps the rest', () => {
    const { records, problems } = parseLaunchctlList(
      'PID\tStatus\tLabel\n12\t0\tcom.a\nnot a row\nx\t0\tcom.b\n-\t-\tcom.c\n',
    );
    // com.b's row has a label: launchd has the job, only its PID is unreadable.
    expect(records).toEqual([
      { label: 'com.a', pid: 12, lastExitStatus: 0 },
      { label: 'com.b', lastExitStatus: 0 },
      { label: 'com.c' },
    ]);
    expect(problems).toEqual([
      expect.stringContaining('line 3'),
      'line 4: "com.b": PID "x" is not a job\'s process: read as unknown',
    ]);
  });

  it("takes no pid that is not a job's: 0 (the kernel), 1 (launchd), signs, hex, exponents, empty, past 10 digits", () => {
    const bad = ['0', '1', '-5', '0x1f', '1e3', '', '12345678901', '+7', '7.0'];
    const { records, problems } = parseLaunchctlList(
      [
        'PID\tStatus\tLabel',
        ...bad.map((pid, i) => `${pid}\t0\tcom.bad${i}`),
        '2\t-9\tcom.good',
        '7\tx\tcom.s',
        '8\t???\tcom.stopped',
      ].join('\n'),
    );
    expect(records.slice(0, bad.length)).toEqual(bad.map((_, i) => ({ label: `com.bad${i}`, lastExitStatus: 0 })));
    expect(records.slice(bad.length)).toEqual([
      { label: 'com.good', pid: 2, lastExitStatus: -9 },
      { label: 'com.s', pid: 7 },
      // A job stopped by a signal: launchctl prints `???` for its status (ProcursusTeam/launchctl list.c).
      { label: 'com.stopped', pid: 8 },
    ]);
    expect(problems).toHaveLength(bad.length + 1);
    expect(problems[1]).toBe('line 3: "com.bad1": PID "1" is not a job\'s process: read as unknown');
    expect(problems.at(-1)).toBe('line 12: "com.s": Status "x" is not an exit status: read as unknown');
  });
});

describe('launchctl print-disabled', () => {
  it('reads the => true/false form and ignores login item associations', () => {
    const overrides = parsePrintDisabled(fixture('print-disabled/user-501-true-false-ninehills-85.txt'));
    expect(overrides.get('com.docker.helper')).toBe(false);
    expect(overrides.get('com.apple.Siri.agent')).toBe(true);
    expect(overrides.has('version.com.docker.helper')).toBe(false);
  });

  it('reads the => enabled/disabled form of macOS 14 and later', () => {
    const overrides = parsePrintDisabled(fixture('print-disabled/gui-enabled-disabled-darwin25-kipi-134.txt'));
    expect(overrides.get('com.docker.helper')).toBe(false);
    expect(overrides.get('com.cole.content-brain')).toBe(true);
    expect(overrides.get('com.apple.Siri.agent')).toBe(true);
  });

  it('reads the system domain', () => {
    const overrides = parsePrintDisabled(fixture('print-disabled/system-true-false-macos12-mergen-1.txt'));
    expect(overrides.size).toBeGreaterThan(3);
  });
});

describe('ps', () => {
  it('reads CPU time with minutes never rolled into hours, and elapsed time with days', () => {
    expect(parseCpuTime('139:17.71')).toBeCloseTo(139 * 60 + 17.71, 5);
    expect(parseCpuTime('0:00.62')).toBeCloseTo(0.62, 5);
    expect(parseCpuTime('01:02:03')).toBe(3723);
    expect(parseCpuTime('2-01:00:00')).toBe(2 * 86400 + 3600);
    expect(parseElapsed('09-04:18:37')).toBe(9 * 86400 + 4 * 3600 + 18 * 60 + 37);
    expect(parseElapsed('01:02:03')).toBe(3723);
    expect(parseElapsed('00:07')).toBe(7);
    expect(parseElapsed('abc')).toBeUndefined();
  });

  it('reads rows whose args contain spaces', () => {
    const { records, problems } = parsePs(fixture('ps/pid-ppid-uid-etime-time-args.adapted-from-fastfetch-984.txt'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(13);
    expect(records[2]).toEqual({
      pid: 95,
      ppid: 1,
      uid: 0,
      elapsedSeconds: 3 * 86400 + 2 * 3600 + 11 * 60 + 5,
      cpuSeconds: 90.08,
      rawArgs: '/usr/libexec/UserEventAgent (System)',
    });
    expect(records[12]?.cpuSeconds).toBeCloseTo(8357.71, 2);
  });

  it('turns elapsed time into a start time', () => {
    const { records } = parsePs('  812     1   501    01:00   1:30.00 /Users/alice/.x/agent -o pool:3333\n');
    const record = toProcessRecord(records[0]!, Date.parse('2026-11-30T09:16:00Z'));
    expect(new Date(record.startedAt).toISOString()).toBe('2026-11-30T09:15:00.000Z');
    expect(record.args).toBe('/Users/alice/.x/agent -o pool:3333');
  });

  it('reads every time shape where it lies as the regular expressions would, fractions and days included', () => {
    expect(parseCpuTime('12:34.5')).toBe(12 * 60 + 34 + Number('0.5'));
    expect(parseCpuTime('12:34.567')).toBe(12 * 60 + 34 + Number('0.567'));
    expect(parseCpuTime('0:07')).toBe(7);
    expect(parseCpuTime('0:7.10')).toBeUndefined();
    expect(parseCpuTime('1:00.')).toBeUndefined();
    expect(parseElapsed('3-01:02:03')).toBe(3 * 86400 + 3723);
    expect(parseElapsed('3-02:03')).toBeUndefined();
    expect(parseElapsed('1:2:3:4')).toBeUndefined();
    const row = parsePs('  7 1 0 12-03:04:05 139:17.71 /sbin/x\n').records[0];
    expect(row).toMatchObject({ elapsedSeconds: 12 * 86400 + 3 * 3600 + 4 * 60 + 5, cpuSeconds: 139 * 60 + 17.71 });
  });

  it('hands the engine the same command line each sample, and the new one after an exec', () => {
    const at = (text: string) => toProcessRecord(parsePs(text).records[0]!, 0).args;
    const first = at('  901 1 501 01:00 0:01.00 /usr/local/bin/agent --serve --port 8080\n');
    const again = at('  901 1 501 01:05 0:01.20 /usr/local/bin/agent --serve --port 8080\n');
    expect(again).toBe(first);
    expect(at('  901 1 501 01:10 0:01.30 /usr/local/bin/xmrig -o pool:3333\n')).toBe(
      '/usr/local/bin/xmrig -o pool:3333',
    );
    expect(at('  901 1 501 01:15 0:01.40 /usr/local/bin/a\\^Ib\n')).toBe('/usr/local/bin/a\tb');
  });

  it('names a line it cannot read', () => {
    const { records, problems } = parsePs('  1 0 0 00:01 0:00.01 /sbin/launchd\ngarbage here\n');
    expect(records).toHaveLength(1);
    expect(problems[0]).toContain('line 2');
  });

  it('reads pid, ppid and uid as ps writes them, in decimal up to ten digits (an 11-digit one is no pid)', () => {
    const { records, problems } = parsePs(
      [
        '  4294967294 1 -2 00:01 0:00.01 /ten/digits',
        '  12345678901 1 0 00:01 0:00.01 /eleven/digits',
        '  5 1 -12345678901 00:01 0:00.01 /eleven/digit/uid',
        '  6 1 501 00:01 0:00.01 /fine',
      ].join('\n'),
    );
    expect(records.map((r) => [r.pid, r.uid, r.rawArgs])).toEqual([
      [4294967294, -2, '/ten/digits'],
      [6, 501, '/fine'],
    ]);
    expect(problems).toEqual([expect.stringContaining('line 2'), expect.stringContaining('line 3')]);
  });

  it('decodes strvis escapes (tabs, newlines, UTF-8 under LC_ALL=C) and round-trips them', () => {
    expect(decodeVis('/bin/echo a\\^Ib\\^Jc')).toBe('/bin/echo a\tb\nc');
    expect(decodeVis('/Users/alice/Caf\\M-C\\M-)/run')).toBe('/Users/alice/Café/run');
    expect(decodeVis('C:\\path\\to')).toBe('C:\\path\\to');
    const argv = 'tool --name "Zoë\tx"';
    expect(decodeVis(encodeVis(argv))).toBe(argv);
  });
});

describe('lsof -F', () => {
  it('reads TCP, UDP, LISTEN and bracketed IPv6 from a real capture, skipping unknown fields', () => {
    const { records, problems } = parseLsof(fixture('lsof/lsof-F-listen-mixed-claimed-real-capture.txt'));
    expect(problems).toEqual([]);
    expect(records[0]).toEqual({
      pid: 90039,
      protocol: 'UDP',
      family: 'IPv4',
      localAddress: '127.0.0.1',
      localPort: 61367,
    });
    expect(records[1]).toEqual({
      pid: 90039,
      protocol: 'TCP',
      family: 'IPv4',
      localAddress: '127.0.0.1',
      localPort: 52309,
      state: 'LISTEN',
    });
    expect(records[2]).toEqual({
      pid: 16309,
      protocol: 'TCP',
      family: 'IPv6',
      localAddress: '2403:6200:8827:231c:2575:d03e:14f4:38d3',
      localPort: 53953,
      remoteAddress: '2404:6800:4003:c03::bc',
      remotePort: 5228,
      state: 'ESTABLISHED',
    });
    expect(records.find((r) => r.localAddress === '*')?.localPort).toBe(53977);
  });

  it('reads the g, R, a, l, G, d, o fields of full -F output without tripping on them', () => {
    const { records, problems } = parseLsof(fixture('lsof/lsof-F-tcp-established-cnquery.txt'));
    expect(problems).toEqual([]);
    expect(records[0]).toMatchObject({
      pid: 37224,
      remoteAddress: '76.76.21.61',
      remotePort: 443,
      state: 'ESTABLISHED',
    });
    expect(records.every((r) => r.protocol === 'TCP' || r.protocol === 'UDP')).toBe(true);
  });

  it('treats empty output (lsof exits 1 when nothing matches) as no connections', () => {
    expect(parseLsof('')).toEqual({ records: [], problems: [] });
  });

  it('takes a pid only in decimal digits and a port only up to 65535, naming what it skips', () => {
    const socket = 'f3\ntIPv4\nPTCP\nn10.0.0.5:50123->94.130.12.27:3333\n';
    const { records, problems } = parseLsof(
      ['p1e3', 'p0x10', 'p-4', 'p12345678901', 'p701', 'p702'].map((p) => `${p}\n${socket}`).join('') +
        'f4\ntIPv4\nPTCP\nn10.0.0.5:50124->94.130.12.27:65536\n',
    );
    expect(records).toEqual([
      {
        pid: 701,
        protocol: 'TCP',
        family: 'IPv4',
        localAddress: '10.0.0.5',
        localPort: 50123,
        remoteAddress: '94.130.12.27',
        remotePort: 3333,
      },
      expect.objectContaining({ pid: 702, remotePort: 3333 }),
    ]);
    expect(problems.slice(0, 4)).toEqual([
      'line 1: bad pid "1e3"',
      'line 6: bad pid "0x10"',
      'line 11: bad pid "-4"',
      'line 16: bad pid "12345678901"',
    ]);
    expect(problems[4]).toContain('65536');
  });

  it('reports a name it cannot read and goes on', () => {
    const { records, problems } = parseLsof('p1\nf3\ntIPv4\nPTCP\nnweird\nf4\ntIPv4\nPUDP\nn*:53\n');
    expect(records).toEqual([{ pid: 1, protocol: 'UDP', family: 'IPv4', localAddress: '*', localPort: 53 }]);
    expect(problems[0]).toContain('weird');
  });

  it('reads the same text the same way again, with names it has read before, and fresh records each time', () => {
    const text = fixture('lsof/lsof-F-listen-mixed-claimed-real-capture.txt') + 'p7\nf9\ntIPv4\nPTCP\nn1.2.3.4\n';
    const first = parseLsof(text);
    const again = parseLsof(text);
    expect(again).toEqual(first);
    expect(again.problems).toEqual([expect.stringContaining('"1.2.3.4"')]);
    expect(again.records[0]).not.toBe(first.records[0]);
    // Same name, other process, socket type and state: only the name's reading is shared.
    const other = parseLsof('p2\nf5\ntIPv6\nPTCP\nn127.0.0.1:52309\nTST=CLOSE_WAIT\n');
    expect(other.records).toEqual([
      { pid: 2, protocol: 'TCP', family: 'IPv6', localAddress: '127.0.0.1', localPort: 52309, state: 'CLOSE_WAIT' },
    ]);
  });

  it('reads a process again when its sockets change, and names the right line after processes it did not read again', () => {
    const steady = 'p1\nf3\ntIPv4\nPTCP\nn10.0.0.1:5000->10.0.0.2:443\nTST=ESTABLISHED\n';
    const bad = 'pxyz\nf4\n';
    for (let round = 0; round < 2; round++) expect(parseLsof(steady + bad).problems).toEqual(['line 7: bad pid "xyz"']);
    const changed = parseLsof(`${steady}f4\ntIPv4\nPUDP\nn*:5353\np2\nf5\ntIPv4\nPTCP\nn10.0.0.1:6000\nTST=LISTEN\n`);
    expect(changed.records).toEqual([
      {
        pid: 1,
        protocol: 'TCP',
        family: 'IPv4',
        localAddress: '10.0.0.1',
        localPort: 5000,
        remoteAddress: '10.0.0.2',
        remotePort: 443,
        state: 'ESTABLISHED',
      },
      { pid: 1, protocol: 'UDP', family: 'IPv4', localAddress: '*', localPort: 5353 },
      { pid: 2, protocol: 'TCP', family: 'IPv4', localAddress: '10.0.0.1', localPort: 6000, state: 'LISTEN' },
    ]);
    expect(parseLsof(steady).records).toHaveLength(1);
  });

  it('keeps a bounded number of names whatever the output holds', () => {
    const lines = ['p1'];
    for (let i = 0; i < 40_000; i++)
      lines.push(`f${i}`, 'tIPv4', 'PTCP', `n10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:1->1.1.1.1:2`);
    lines.push('f1', 'tIPv4', 'PUDP', `n${'x'.repeat(5_000)}`);
    const { records, problems } = parseLsof(lines.join('\n'));
    expect(records).toHaveLength(40_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.length).toBeLessThan(200);
    expect(socketNames.size).toBeLessThanOrEqual(2 * 16_384);
  });
});

describe('codesign', () => {
  it('tells Developer ID, Apple platform, ad-hoc and unsigned apart', () => {
    expect(parseCodesignOutput('/x', fixture('codesign/developer-id-chrome-dvv-fleet-23476.txt'))).toMatchObject({
      status: 'developer-id',
      teamId: 'EQHXZ8M8AV',
    });
    expect(
      parseCodesignOutput('/usr/bin/ruby', fixture('codesign/apple-platform-ruby-dv-verbose4-defender-docs.txt'))
        .status,
    ).toBe('apple');
    expect(
      parseCodesignOutput('/usr/libexec/bootpd', fixture('codesign/apple-platform-bootpd-dvv-blog.txt')).status,
    ).toBe('apple');
    // At verbosity 1 there are no Authority lines: the platform identifier tells.
    expect(
      parseCodesignOutput('/bin/cat', fixture('codesign/apple-platform-cat-dv-verbose1-frida-blog.txt')).status,
    ).toBe('apple');
    const adhoc = parseCodesignOutput('/g', fixture('codesign/adhoc-gcat-dv-frida-blog.txt'));
    expect(adhoc).toMatchObject({ status: 'adhoc', identifier: 'cat' });
    expect(adhoc.teamId).toBeUndefined();
    expect(parseCodesignOutput('/f', fixture('codesign/adhoc-linker-signed-verbose4-dune-5650.txt')).status).toBe(
      'adhoc',
    );
    expect(parseCodesignOutput('/u', fixture('codesign/unsigned-dv-flipchart.txt')).status).toBe('unsigned');
  });

  it('splits a codesign.txt bundle by ### path', () => {
    const bundle = `### /Library/Application Support/Vendor/agent\n${fixture('codesign/developer-id-chrome-dvv-fleet-23476.txt')}### /Users/alice/.hidden/tool\n/Users/alice/.hidden/tool: code object is not signed at all\n### /gone\n/gone: No such file or directory\n`;
    const map = parseCodesignBundle(bundle);
    expect(map.get('/Library/Application Support/Vendor/agent')?.status).toBe('developer-id');
    expect(map.get('/Users/alice/.hidden/tool')?.status).toBe('unsigned');
    expect(map.get('/gone')).toMatchObject({ status: 'unknown', note: '/gone: No such file or directory' });
  });
});

describe('dns.txt', () => {
  it('reads ip-hostname pairs, comments and IPv6, and names bad lines', () => {
    const { records, problems } = parseDns(
      '# from the collector\n51.68.1.2\tpool.example.\n2001:db8::1 v6.example # reverse\nbogus\n',
    );
    expect(records).toEqual([
      { address: '51.68.1.2', hostname: 'pool.example' },
      { address: '2001:db8::1', hostname: 'v6.example' },
    ]);
    expect(problems).toEqual([expect.stringContaining('line 4')]);
  });
});

describe('garbage output (everything read is written by whoever controls the Mac)', () => {
  // 200,000 bad lines: the first named (with their line), the rest counted in one last message, and the
  // good lines among them still read.
  const BAD = 200_000;
  const expectBounded = (problems: string[], firstLine: string, more = BAD - NAMED_PROBLEMS) => {
    expect(problems).toHaveLength(NAMED_PROBLEMS + 1);
    expect(problems[0]).toContain(firstLine);
    expect(problems.at(-1)).toBe(`${more} more lines could not be read`);
  };

  it('ps', () => {
    const { records, problems } = parsePs(`  1 0 0 00:01 0:00.01 /sbin/launchd\n${'garbage\n'.repeat(BAD)}`);
    expect(records).toHaveLength(1);
    expectBounded(problems, 'line 2');
  });

  it('lsof: bad pids and unreadable names', () => {
    const good = 'p7\nf3\ntIPv4\nPTCP\nn10.0.0.1:5000->51.68.1.2:3333\nTST=ESTABLISHED\n';
    const { records, problems } = parseLsof(
      `${'pnot-a-pid\n'.repeat(BAD / 2)}p9\n${'f1\ntIPv4\nPUDP\nnweird\n'.repeat(BAD / 2)}${good}`,
    );
    expect(records).toHaveLength(1);
    expectBounded(problems, 'line 1: bad pid');
  });

  it('launchctl list', () => {
    const { records, problems } = parseLaunchctlList(
      `PID\tStatus\tLabel\n${'no tabs\n'.repeat(BAD)}-\t0\tcom.example.ok\n`,
    );
    expect(records).toEqual([{ label: 'com.example.ok', lastExitStatus: 0 }]);
    expectBounded(problems, 'line 2');
  });

  it('command lines past the length read: the first few named, the rest counted', () => {
    const long = 'y'.repeat(SAMPLE_LIMITS.argsChars + 10);
    const ps = Array.from({ length: 30 }, (_, i) => `  ${100 + i} 1 501 00:01 0:00.01 /bin/long ${long}`).join('\n');
    const { sample, problems } = assembleSample(Date.now(), ps, undefined);
    expect(sample.processes).toHaveLength(30);
    expect(problems.filter((p) => p.includes('command line is'))).toHaveLength(NAMED_PROBLEMS);
    expect(problems.at(-1)).toBe(
      `ps: 10 more command lines longer than ${SAMPLE_LIMITS.argsChars} characters were cut`,
    );
  });

  it('dns.txt', () => {
    const { records, problems } = parseDns(`${'bogus\n'.repeat(BAD)}51.68.1.2\tpool.example\n`);
    expect(records).toHaveLength(1);
    expectBounded(problems, 'line 1');
  });
});

describe('launchctl print', () => {
  it('reads state, pid and path of a loaded service, ignoring nested blocks, and "Could not find service" as not loaded', async () => {
    const { parseLaunchctlPrint } = await import('../../../main/platform/macos/launchctl-print');
    const printed = readFileSync(
      join(__dirname, '../../fixtures/macos/launchctl-print/service-nix-hook-1187.adapted.txt'),
      'utf8',
    );
    expect(parseLaunchctlPrint(printed, '', 0)).toEqual({
      loaded: true,
      state: 'not running',
      pid: 41,
      path: '/Library/LaunchDaemons/systems.determinate.nix-installer.nix-hook.plist',
    });
    const missing = readFileSync(
      join(__dirname, '../../fixtures/macos/launchctl-print/not-found-gui-toss-40.stderr.txt'),
      'utf8',
    );
    expect(parseLaunchctlPrint('', missing, 113)).toEqual({ loaded: false });
  });
});

describe('dscl home folder', () => {
  it('reads NFSHomeDirectory, and nothing that is not an absolute path', async () => {
    const { homeFromDscl } = await import('../../../main/cli/live-scan');
    expect(homeFromDscl('NFSHomeDirectory: /Users/alice\n')).toBe('/Users/alice');
    expect(homeFromDscl('No such key: NFSHomeDirectory\n')).toBeUndefined();
    expect(homeFromDscl('NFSHomeDirectory: ../etc\n')).toBeUndefined();
  });
});
