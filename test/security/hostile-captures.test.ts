// The adversarial campaign of issue #9, rebuilt: plists, file names and captures written by the miner's
// author must never make a running miner scan as clean, freeze the engine, or mislead the reader.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBinary } from 'plist';
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { analyseCommand, minerProgramName } from '../../main/engine/command-evidence';
import { defaultIndicators } from '../../main/engine/indicators';
import { Analyzer } from '../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS, type ScanResult } from '../../main/engine/model';
import { replaceEmails } from '../../main/engine/reports/redact';
import { toCsv } from '../../main/engine/reports/csv';
import { toHtmlReport } from '../../main/engine/reports/html-report';
import { renderTable } from '../../main/engine/terminal-table';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { launchItemFromPlist } from '../../main/platform/macos/launchd-plist';
import { parsePlistBytes } from '../../main/platform/macos/plist-value';
import { isShellCommandOption } from '../../main/engine/shell-words';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { runCli } from '../support/cli';

const HOME = '/Users/alice';
const POOL_ARGS =
  '-o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';
const LABEL = 'com.example.updater';

/** A miner at 388% with a pool connection, listed by launchd with its pid, whose plist is `plist`. */
function minerSpec(plist: Buffer | Record<string, unknown>, extra: Partial<CaptureSpec> = {}): CaptureSpec {
  return {
    items: [{ path: `${HOME}/Library/LaunchAgents/${LABEL}.plist`, plist }],
    extraListed: [['700', 0, LABEL]],
    processes: [
      { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.3, startedBefore: 86400 },
      { pid: 700, ppid: 1, args: `/Users/alice/.cache/updater ${POOL_ARGS}`, cpu: 388 },
    ],
    connections: [{ pid: 700, local: '192.168.1.20:50000', remote: '94.130.12.27:3333' }],
    dns: [['94.130.12.27', 'pool.supportxmr.com']],
    ...extra,
  };
}

const xml = (body: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`,
  );
const MINER_XML = xml(`<key>__proto__</key><dict><key>polluted</key><string>yes</string></dict>
<key>Label</key><string>${LABEL}</string>
<key>ProgramArguments</key><array><string>/Users/alice/.cache/updater</string>${POOL_ARGS.split(' ')
  .map((a) => `<string>${a}</string>`)
  .join('')}</array>
<key>RunAtLoad</key><true/>`);

function itemOf(result: ScanResult, label = LABEL) {
  const item = result.items.find((i) => i.item.label === label);
  expect(item, `an item labelled ${label} among ${result.items.map((i) => i.item.label).join(', ')}`).toBeDefined();
  return item as NonNullable<typeof item>;
}

/** A bplist00 whose arrays share references: `levels` arrays of `width` references each to the next. */
function referenceBomb(levels: number, width: number): Buffer {
  const objects: Buffer[] = [];
  for (let i = 0; i < levels; i++) objects.push(Buffer.from([0xa0 | width, ...Array(width).fill(i + 1)]));
  objects.push(Buffer.from([0x10, 0x01]));
  const header = Buffer.from('bplist00');
  const offsets: number[] = [];
  let at = header.length;
  for (const o of objects) {
    offsets.push(at);
    at += o.length;
  }
  const table = Buffer.from(offsets.map((o) => [o >> 8, o & 0xff]).flat());
  const trailer = Buffer.alloc(32);
  trailer[6] = 2;
  trailer[7] = 1;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(0n, 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([header, ...objects, table, trailer]);
}

describe('never blind: a running miner is found whatever its plist does', () => {
  it('a __proto__ key is data: the plist is read, nothing is polluted, the miner is flagged (XML and binary)', async () => {
    const result = await replay(writeCapture(minerSpec(MINER_XML)), DEFAULT_SCAN_OPTIONS);
    const miner = itemOf(result);
    expect(miner.verdict).toBe('mining');
    expect(miner.item.unreadable).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const content = JSON.parse(
      `{"__proto__":{"polluted":"yes"},"Label":"${LABEL}","ProgramArguments":["/Users/alice/.cache/updater","-o","stratum+tcp://pool.supportxmr.com:3333"]}`,
    );
    const binary = Buffer.from(buildBinary(content));
    const value = parsePlistBytes(binary) as Record<string, unknown>;
    expect(Object.keys(value)).toContain('__proto__');
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(itemOf(await replay(writeCapture(minerSpec(binary)), DEFAULT_SCAN_OPTIONS)).verdict).toBe('mining');
  });

  it('a plist the collector found but that never answered its read (a FIFO put under its name): still an item, flagged', async () => {
    const path = `${HOME}/Library/LaunchAgents/${LABEL}.plist`;
    const spec = minerSpec({}, { notCopied: `no-answer\t${path}\n` });
    spec.items = [];
    const miner = itemOf(await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS));
    expect(miner.item).toMatchObject({
      plistPath: path,
      labelFromLaunchd: true,
      unreadable: expect.stringContaining('it did not answer a read within the collector'),
    });
    expect(miner.processes.map((p) => p.pid)).toEqual([700]);
    expect(miner.verdict).toBe('mining');
    expect(miner.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['plist.unreadable', 'cpu.sustained']));
  });

  it('a truncated plist: the item takes its label from launchd, keeps its processes, is flagged, and scan exits 1', async () => {
    const capture = writeCapture(minerSpec(MINER_XML.subarray(0, 200)));
    const miner = itemOf(await replay(capture, DEFAULT_SCAN_OPTIONS));
    expect(miner.item).toMatchObject({
      labelFromLaunchd: true,
      unreadable: expect.stringMatching(/cannot parse property list/),
    });
    expect(miner.processes.map((p) => p.pid)).toEqual([700]);
    expect(miner.verdict).toBe('mining');
    expect(miner.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['plist.unreadable', 'cpu.sustained', 'net.pool-host']),
    );
    const { code, stdout } = await runCli(['scan', '--replay', capture]);
    expect(code).toBe(1);
    expect(stdout).toContain(LABEL);
  });

  it('an unreadable plist of a running job is suspicious on any sign, even with no CPU to speak of', async () => {
    const spec = minerSpec(Buffer.from('not a plist at all'));
    spec.processes[1] = { pid: 700, ppid: 1, args: '/Users/alice/.cache/updater --donate-level 1', cpu: 1 };
    spec.connections = [{ pid: 700, local: '192.168.1.20:50000', remote: '203.0.113.9:3333' }];
    const item = itemOf(await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS));
    expect(item.verdict).toBe('suspicious');
    expect(item.cpu.sustained).toBe(false);
  });

  it('a plist over the size limit is named and still an item: its running job is judged by its processes', async () => {
    const dir = writeCapture(minerSpec(xml('<key>Label</key><string>placeholder</string>')));
    // Sparse: 65 MiB on paper, nothing on disk.
    truncateSync(join(dir, `fs${HOME}/Library/LaunchAgents/${LABEL}.plist`), 65 * 1024 * 1024);
    const miner = itemOf(await replay(dir, DEFAULT_SCAN_OPTIONS));
    expect(miner.item.unreadable).toMatch(/larger than 64 MiB/);
    expect(miner.verdict).toBe('mining');
  });

  it('a symbolic link is followed inside the capture, and named (never followed) when it leads out', async () => {
    const spec = minerSpec(MINER_XML);
    spec.items = [];
    spec.files = { [`${HOME}/.hidden/real.plist`]: MINER_XML };
    const inside = writeCapture(spec);
    const agents = join(inside, `fs${HOME}/Library/LaunchAgents`);
    mkdirSync(agents, { recursive: true });
    symlinkSync('../../.hidden/real.plist', join(agents, `${LABEL}.plist`));
    const followed = itemOf(await replay(inside, DEFAULT_SCAN_OPTIONS));
    expect(followed.item.problems).toContain(`a symbolic link to ${HOME}/.hidden/real.plist`);
    expect(followed.item.unreadable).toBeUndefined();
    expect(followed.verdict).toBe('mining');

    // An absolute target is a path on the Mac, which the capture keeps under fs/.
    rmSync(join(agents, `${LABEL}.plist`));
    symlinkSync(`${HOME}/.hidden/real.plist`, join(agents, `${LABEL}.plist`));
    expect(itemOf(await replay(inside, DEFAULT_SCAN_OPTIONS)).item.unreadable).toBeUndefined();

    rmSync(join(agents, `${LABEL}.plist`));
    symlinkSync('/etc/passwd', join(agents, `${LABEL}.plist`));
    const outside = itemOf(await replay(inside, DEFAULT_SCAN_OPTIONS));
    expect(outside.item.unreadable).toMatch(/symbolic link to "\/etc\/passwd"/);
    expect(outside.item.content).toBeUndefined();
    expect(outside.verdict).toBe('mining');
  });

  it('a running job no plist explains becomes an item judged by its processes; apps the user opened do not', async () => {
    const spec = minerSpec(MINER_XML);
    spec.items = [];
    spec.extraListed = [
      ['700', 0, 'com.example.ghost'],
      ['990', 0, 'application.com.apple.Safari.1234.5678'],
    ];
    spec.processes.push({ pid: 990, ppid: 1, args: '/Applications/Safari.app/Contents/MacOS/Safari', cpu: 5 });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    const ghost = itemOf(result, 'com.example.ghost');
    expect(ghost.item).toMatchObject({
      plistPath: '',
      labelFromLaunchd: true,
      unreadable: expect.stringMatching(/no property list/),
    });
    expect(ghost.verdict).toBe('mining');
    expect(result.items.some((i) => i.item.label.startsWith('application.'))).toBe(false);
    expect(result.notes.join('\n')).toMatch(/1 apps opened by the user \(application\.\*\)/);
  });

  it("a launchctl list that gives a job launchd's pid (1) or the kernel's (0) blames no process on it, and says so", async () => {
    const spec = minerSpec(MINER_XML);
    const decoy = (n: number) => ({
      path: `${HOME}/Library/LaunchAgents/com.example.decoy${n}.plist`,
      plist: { Label: `com.example.decoy${n}`, ProgramArguments: [`/opt/decoy${n}`] },
    });
    spec.items.push(decoy(0), decoy(1));
    spec.extraListed!.push(['0', 0, 'com.example.decoy0'], ['1', 0, 'com.example.decoy1']);
    spec.processes.unshift({ pid: 0, ppid: 0, uid: 0, args: 'kernel_task', cpu: 12, startedBefore: 86400 });
    // An app that mines, a child of launchd: not a launch item's, whatever the list says.
    spec.processes.push({
      pid: 990,
      ppid: 1,
      args: `/Applications/Calendar 2.app/Contents/MacOS/xmr ${POOL_ARGS}`,
      cpu: 370,
    });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    for (const label of ['com.example.decoy0', 'com.example.decoy1']) {
      expect(itemOf(result, label).processes, label).toEqual([]);
      expect(itemOf(result, label).verdict, label).toBe('ok');
    }
    expect(itemOf(result).processes.map((p) => p.pid)).toEqual([700]);
    expect(itemOf(result).verdict).toBe('mining');
    expect(result.notes).toContain(
      'launchctl list: line 5: "com.example.decoy0": PID "0" is not a job\'s process: read as unknown',
    );
    expect(result.notes).toContain(
      'launchctl list: line 6: "com.example.decoy1": PID "1" is not a job\'s process: read as unknown',
    );
  });

  it('a configuration nested 100,000 deep, or env run by env 50,000 times, cannot stop the scan', async () => {
    const config = `${HOME}/.cache/config.json`;
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepConfig = minerSpec(
      { Label: LABEL, ProgramArguments: [`${HOME}/.cache/updater`, '--config', config] },
      { files: { [config]: `{"pools":[{"url":"stratum+tcp://pool.supportxmr.com:3333"}],"x":${nested}}` } },
    );
    const envChain = minerSpec({
      Label: LABEL,
      ProgramArguments: [
        ...Array<string>(50_000).fill('/usr/bin/env'),
        `${HOME}/.cache/updater`,
        ...POOL_ARGS.split(' '),
      ],
    });
    for (const spec of [deepConfig, envChain]) {
      const item = itemOf(await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS));
      expect(item.verdict).toBe('mining');
      expect(item.reasons.map((r) => r.code)).toContain('args.pool-host');
    }
  });

  it('a config path spelled with //, /./ or x/../ is still the file the collector copied to where it leads', async () => {
    const config = `${HOME}/.cache/config.json`;
    for (const spelled of [
      `${HOME}//.cache/config.json`,
      `${HOME}/./.cache/config.json`,
      `${HOME}/x/../.cache/config.json`,
    ]) {
      const spec = minerSpec(
        { Label: LABEL, ProgramArguments: [`${HOME}/.cache/updater`, '-c', spelled] },
        { files: { [config]: '{"pools":[{"url":"stratum+tcp://pool.supportxmr.com:3333"}]}' } },
      );
      const item = itemOf(await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS));
      expect(item.reasons.map((r) => r.text)).toContain(
        `names known mining pool pool.supportxmr.com (SupportXMR, file ${spelled})`,
      );
    }
  });

  it('an item whose analysis fails is looked at harder, and every other item is still judged', async () => {
    // A fault of ours, raised where arguments and command lines are read: on the name "boom".
    class FaultOn extends Set<string> {
      override has(name: string): boolean {
        if (name === 'boom') throw new RangeError('Maximum call stack size exceeded');
        return super.has(name);
      }
    }
    const indicators = defaultIndicators();
    indicators.minerPrograms = new FaultOn(indicators.minerPrograms);
    const spec = minerSpec(MINER_XML);
    spec.items.push(
      {
        path: `${HOME}/Library/LaunchAgents/com.example.boom.plist`,
        plist: { Label: 'com.example.boom', ProgramArguments: ['/opt/boom'] },
      },
      {
        path: `${HOME}/Library/LaunchAgents/com.example.child.plist`,
        plist: { Label: 'com.example.child', ProgramArguments: ['/opt/child'] },
      },
    );
    spec.extraListed!.push(['800', 0, 'com.example.boom'], ['810', 0, 'com.example.child']);
    spec.processes.push(
      { pid: 800, ppid: 1, args: '/opt/boom', cpu: 150 },
      { pid: 810, ppid: 1, args: '/opt/child', cpu: 0.1 },
      { pid: 811, ppid: 810, args: '/tmp/boom --quiet', cpu: 0.1 },
    );
    const { inventory, samples } = await readCapture(writeCapture(spec));
    const analyzer = new Analyzer(inventory, { ...DEFAULT_SCAN_OPTIONS, historyCapacity: samples.length }, indicators);
    for (const sample of samples) analyzer.addSample(sample);
    const result = analyzer.result();
    expect(itemOf(result).verdict).toBe('mining');
    const boom = itemOf(result, 'com.example.boom');
    // Busy and not analysed: suspicious, never high-cpu or ok.
    expect(boom.verdict).toBe('suspicious');
    expect(boom.reasons.find((r) => r.code === 'analysis.incomplete')?.text).toBe(
      'part of what this item runs could not be analysed (its evidence: RangeError: Maximum call stack size exceeded); judged by the rest',
    );
    // A child's command line that could not be analysed is named; with another sign (a program in /tmp,
    // which alone and without CPU decides nothing) the item is suspicious, as an unreadable plist is.
    const child = itemOf(result, 'com.example.child');
    expect(child.reasons.map((r) => r.code)).toEqual(['hide.hidden-path', 'analysis.incomplete']);
    expect(child.verdict).toBe('suspicious');
    expect(child.reasons.find((r) => r.code === 'analysis.incomplete')?.text).toContain(
      'command line of pid 811: RangeError',
    );
    expect(analyzer.verdicts().find((v) => v.label === 'com.example.child')?.verdict).toBe(child.verdict);
  });

  it('a file that is not a regular file is named in the notes', async () => {
    const dir = writeCapture(minerSpec(MINER_XML));
    symlinkSync('/etc/hostname', join(dir, 'samples/0000/extra.txt'));
    const { inventory } = await readCapture(dir);
    expect(inventory.notes.join('\n')).toContain('samples/0000/extra.txt: a symbolic link to "/etc/hostname"');
  });
});

describe('never freeze: bounded parsing and patterns', () => {
  it('a 300-byte binary plist whose arrays share references (10^12 objects) is refused quickly, and the item listed', () => {
    const bomb = referenceBomb(12, 10);
    expect(bomb.length).toBeLessThan(400);
    const started = performance.now();
    const item = launchItemFromPlist(
      { path: `${HOME}/Library/LaunchAgents/bomb.plist`, bytes: bomb },
      'LaunchAgent',
      'user',
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(item.unreadable).toMatch(/more than 100000 values/);
  });

  it('reference cycles, deep nesting and out-of-range offsets are problems, not crashes', () => {
    const cycle = referenceBomb(1, 1);
    cycle[9] = 0; // the array refers to itself
    expect(() => parsePlistBytes(cycle)).toThrow(/cycle/);
    const deep = Buffer.from(`<plist>${'<array>'.repeat(5000)}${'</array>'.repeat(5000)}</plist>`);
    expect(() => parsePlistBytes(deep)).toThrow(/nested deeper than 64/);
    const broken = referenceBomb(2, 2);
    broken.writeBigUInt64BE(1n << 40n, broken.length - 8);
    expect(() => parsePlistBytes(broken)).toThrow(/offset table lies outside/);
    expect(() => parsePlistBytes(Buffer.from('bplist00'))).toThrow(/truncated/);
  });

  it('file names and arguments built to backtrack are read in linear time', () => {
    const indicators = defaultIndicators();
    const started = performance.now();
    expect(minerProgramName(`/a/${'1'.repeat(100_000)}!`, indicators)).toBeUndefined();
    analyseCommand(['/bin/sh', `-${'c'.repeat(100_000)}`, `/a/${'1'.repeat(100_000)}!`], 'arguments', indicators);
    replaceEmails(`${'.'.repeat(100_000)}-.AA@`, (e) => e);
    replaceEmails('a@'.repeat(50_000), (e) => e);
    expect(isShellCommandOption(`-${'c'.repeat(100_000)}\u0000`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(minerProgramName('/opt/xmrig-6.21.0-x64', indicators)).toBe('xmrig');
    expect(minerProgramName('/opt/minerd_x64', indicators)).toBe('minerd');
    expect(replaceEmails('mail walker@example.com now', () => '<e>')).toBe('mail <e> now');
  });

  it('a manifest that declares a million samples is read up to the bound, with a note', async () => {
    const dir = writeCapture(minerSpec(MINER_XML, { samples: 3 }));
    const manifest = JSON.parse(readText(join(dir, 'manifest.json')));
    const first = manifest.samples as { dir: string; takenAt: string }[];
    manifest.samples = [...first, ...Array.from({ length: 1_000_000 }, () => first[0])];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const capture = await readCapture(dir);
    expect(capture.notes).toContain('manifest.json declares 1000003 samples: the first 10000 were read');
    expect(capture.samples.length).toBe(10_000);
  }, 60_000);

  it('too many processes and an endless command line are cut with a note; the rest still works', async () => {
    const spec = minerSpec(MINER_XML, { samples: 2 });
    spec.processes.push({ pid: 9000, ppid: 1, args: `/bin/padded ${'x'.repeat(300 * 1024)}`, cpu: 0 });
    spec.processes.push(
      ...Array.from({ length: 20_500 }, (_, i) => ({ pid: 10_000 + i, ppid: 1, args: '/usr/bin/true', cpu: 0 })),
    );
    const { notes } = await readCapture(writeCapture(spec));
    expect(notes.join('\n')).toMatch(/20503 processes, more than 20000: the first 20000 were read/);
    expect(notes.join('\n')).toMatch(/pid 9000's command line is \d+ characters: only the first 262144 were read/);
  }, 60_000);

  it('launchctl lists of 200,000 running jobs no plist explains, user and system: bounded, named, the miner flagged', async () => {
    const spec = minerSpec(MINER_XML, { samples: 2, privileged: true });
    for (let i = 0; i < 200_000; i++) spec.extraListed!.push([String(20_000 + i), 0, `com.ghost.${i}`]);
    const dir = writeCapture(spec);
    // Root's own list too, naming the same ghosts: merging the two once compared every row with every row.
    const system = ['PID\tStatus\tLabel'];
    for (let i = 0; i < 200_000; i++) system.push(`${20_000 + i}\t0\tcom.ghost.${i}`);
    writeFileSync(join(dir, 'launchctl-list-system.txt'), `${system.join('\n')}\n`);
    const result = await replay(dir, DEFAULT_SCAN_OPTIONS);
    // 100,000 rows a list are read: two of Apple's (not running), the miner, 99,997 ghosts; 5,000 judged.
    expect(result.notes).toEqual(
      expect.arrayContaining([
        'launchctl list: 200003 rows, more than launchd holds: the first 100000 were read',
        'launchctl list (system): 200000 rows, more than launchd holds: the first 100000 were read',
        'launchctl list: 99997 running jobs that no property list explains (a Mac runs a few hundred jobs in all): the first 5000 were judged',
      ]),
    );
    expect(result.items.filter((i) => i.item.label.startsWith('com.ghost.'))).toHaveLength(5000 + 5000);
    expect(itemOf(result).reasons.map((r) => r.code)).toContain('args.pool-host');
  }, 60_000);

  it("20,500 decoy plists before the miner's: 20,000 read, a note, and the running miner judged by its processes", async () => {
    const spec = minerSpec(MINER_XML, { samples: 2 });
    spec.items[0]!.path = `${HOME}/Library/LaunchAgents/zzz.${LABEL}.plist`;
    for (let i = 0; i < 20_500; i++)
      spec.items.push({
        path: `${HOME}/Library/LaunchAgents/a.decoy.${String(i).padStart(5, '0')}.plist`,
        plist: { Label: `a.decoy.${i}`, Program: '/usr/bin/true' },
      });
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    expect(result.items.filter((i) => i.item.label.startsWith('a.decoy.'))).toHaveLength(20_000);
    expect(result.notes).toContain(
      '20501 property lists in the launchd folders, more than any Mac holds: the first 20000 were read (a running job among the rest is judged by its processes)',
    );
    const miner = itemOf(result);
    expect(miner.item.labelFromLaunchd).toBe(true);
    expect(miner.reasons.map((r) => r.code)).toContain('args.pool-host');
    expect(result.incomplete).toBe(
      '501 property lists past the first 20,000 were not read, so a job among them that is not running was not judged',
    );
  }, 60_000);

  it('a ps.txt and lsof.txt of garbage cost a few notes, not one a line, and the rest is still read', async () => {
    const dir = writeCapture(minerSpec(MINER_XML, { samples: 2 }));
    // lsof skips lines of letters it does not know: its garbage is bad pids.
    for (const [name, garbage] of [
      ['ps.txt', 'garbage\n'],
      ['lsof.txt', 'pX\n'],
    ] as const)
      writeFileSync(
        join(dir, 'samples/0001', name),
        readText(join(dir, 'samples/0001', name)) + garbage.repeat(100_000),
      );
    const { notes, samples } = await readCapture(dir);
    const ofSample = notes.filter((n) => n.startsWith('samples/0001'));
    expect(ofSample.slice(0, 5).every((n) => n.includes('ps: line'))).toBe(true);
    // 20 named and one count from each of ps and lsof: 5 shown, 37 more.
    expect(ofSample.at(-1)).toBe('samples/0001: 37 more notes on ps.txt and lsof.txt not shown');
    expect(ofSample).toHaveLength(6);
    expect(samples[1]?.processes.length).toBe(samples[0]?.processes.length);
  }, 60_000);

  it('CPU stays physical: time running backwards and rates above the cores are dropped with a note', async () => {
    const spec = minerSpec(MINER_XML, { samples: 4 });
    spec.processes.push({ pid: 800, ppid: 1, args: '/usr/bin/liar', cpu: (i) => (i === 2 ? 100_000 : 0) });
    const dir = writeCapture(spec);
    // Sample 3 says pid 800 used less CPU than in sample 2.
    const ps3 = readText(join(dir, 'samples/0003/ps.txt'))
      .split('\n')
      .map((line) => (line.trim().startsWith('800 ') ? line.replace(/\d+:\d\d\.\d\d/, '0:00.00') : line))
      .join('\n');
    writeFileSync(join(dir, 'samples/0003/ps.txt'), ps3);
    const result = await replay(dir, { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 30 }); // 4 samples, 30 s
    for (const item of result.items) expect(item.cpu.maxPercent).toBeLessThanOrEqual(8 * 100 * 1.1);
    const note = result.notes.find((n) => n.includes('impossible and dropped'));
    expect(note).toMatch(/2 CPU figures were impossible and dropped \(first: pid 800: .* more than 8 cores can give\)/);
    expect(itemOf(result).verdict).toBe('mining');
  });
});

describe('never mislead: what the reader sees is what the text is', () => {
  it('control and bidirectional characters never reach a terminal, CSV or HTML raw', async () => {
    const evilLabel = 'com.example.\u202egpj.exe\u001b[2J\u200b';
    // Written by hand: plist writers refuse such text, a miner's author does not.
    const spec = minerSpec(
      Buffer.from(
        MINER_XML.toString('utf8').replace(
          `<string>${LABEL}</string>`,
          `<string>${evilLabel.replace('\u001b', '&#27;')}</string>`,
        ),
      ),
    );
    spec.extraListed = [['700', 0, evilLabel]];
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    const outputs = { table: renderTable(result), csv: toCsv(result), html: toHtmlReport(result) };
    for (const [name, text] of Object.entries(outputs)) {
      for (const raw of ['\u202e', '\u001b', '\u200b'])
        expect(text.includes(raw), `${name} holds U+${raw.charCodeAt(0).toString(16)} raw`).toBe(false);
      expect(text, name).toContain('\\u202e');
    }
  });

  it('a truncated tar inside a valid gzip, and a file that is not gzip, are named as such', async () => {
    const { gzipSync } = await import('node:zlib');
    const dir = mkdtempSync(join(tmpdir(), 'lw-bad-archive-'));
    writeFileSync(join(dir, 'not.tar.gz'), 'PK\u0003\u0004 a zip, not a capture');
    const header = Buffer.alloc(512);
    header.write('cap/manifest.json');
    header.write('0000644\0', 100);
    header.write(`${(100_000).toString(8).padStart(11, '0')}\0`, 124);
    header.write('ustar\u000000', 257);
    let sum = 0;
    header.fill(' ', 148, 156);
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    writeFileSync(join(dir, 'short.tar.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(1000, 'x')])));
    await expect(readCapture(join(dir, 'not.tar.gz'))).rejects.toThrow(/not\.tar\.gz: not a gzip archive/);
    await expect(readCapture(join(dir, 'short.tar.gz'))).rejects.toThrow(
      /short\.tar\.gz: the tar archive inside the gzip is truncated/,
    );
    const { code, stderr } = await runCli(['scan', '--replay', join(dir, 'not.tar.gz')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a gzip archive/);
  });
});

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
