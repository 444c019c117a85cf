// Seeded mutation of the verbatim real outputs and plists the parsers are tested on: whoever controls a
// Mac (or edits a capture) writes these, byte for byte. Whatever the bytes, a parser returns (it never
// throws), what it returns is shaped as the engine expects (a pid is a pid, a port a port), its problems
// are bounded, and a line it cannot read hides no other line. A failure prints its seed and mutations.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBinary } from 'plist';
import { describe, expect, it } from 'vitest';
import { assembleSample } from '../../main/platform/macos/assemble';
import { parseBtmDump } from '../../main/platform/macos/btm';
import { parseCodesignOutput } from '../../main/platform/macos/codesign';
import { parseLaunchctlList } from '../../main/platform/macos/launchctl-list';
import { parseLaunchctlPrint } from '../../main/platform/macos/launchctl-print';
import { launchItemFromPlist } from '../../main/platform/macos/launchd-plist';
import { parseLsof } from '../../main/platform/macos/lsof';
import { parsePlistBytes } from '../../main/platform/macos/plist-value';
import { parsePrintDisabled } from '../../main/platform/macos/print-disabled';
import { parsePs } from '../../main/platform/macos/ps';
import { decodeVis, encodeVis } from '../../main/platform/macos/vis';
import { parseProcNet } from '../../main/platform/linux/proc-net';
import { parseProcStat } from '../../main/platform/linux/proc';
import { itemFromUnitFile, persistenceFolders } from '../../main/platform/linux/persistence';
import { NAMED_PROBLEMS } from '../../main/platform/problem-list';
import { ApprovalError, readApprovals, serializeApprovals } from '../../main/actions/approvals-store';
import { analyseSamples } from '../../main/engine/analyzer';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { toCsv } from '../../main/engine/reports/csv';
import { toHtmlReport } from '../../main/engine/reports/html-report';
import { redactResult } from '../../main/engine/reports/redact';
import { toScanDocument } from '../../main/engine/scan-document';
import { renderTable } from '../../main/engine/terminal-table';
import { CaptureError, readCapture } from '../../main/platform/capture/capture-reader';
import { FleetHost } from '../../main/platform/osquery/fleet-host';
import { parseResultLine, type ResultRows } from '../../main/platform/osquery/results';
import { buildCaptureFiles, writeCapture } from '../support/capture-builder';
import { osqueryLines, type Line } from '../support/osquery-rows';
import { scenarios } from '../support/scenarios';
import { seededRandom } from '../support/snapshots';

const MAC = join(__dirname, '../fixtures/macos');
const LINUX = join(__dirname, '../fixtures/linux');
const macText = (path: string): string => readFileSync(join(MAC, path), 'utf8');
// A few seconds in npm test; deeper runs by hand: FUZZ_CASES=20000 FUZZ_SEED=7 npx vitest run test/security/parser-fuzz.
const CASES_PER_INPUT = Number(process.env.FUZZ_CASES ?? 300);
const SEED_BASE = Number(process.env.FUZZ_SEED ?? 0) * 10_000;

/** Tokens that have broken parsers: signs, huge and odd numbers, separators, controls, markup. */
const TOKENS = [
  '-',
  '-1',
  '0',
  '99999999999999999999999',
  '1e308',
  'NaN',
  '0x10',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\0',
  '\u202e',
  '\ufeff',
  ':',
  '=',
  '"',
  '{',
  '}',
  '(',
  ')',
  '[',
  '<',
  '&',
  '\\',
  'p',
  '\np1\n',
  'f',
  'n',
  'bplist00',
  '<dict>',
  '</dict>',
  '<key>Label</key>',
  '<integer>',
  '<![CDATA[',
  '__proto__',
  'constructor',
  'x'.repeat(5000),
];

interface Mutated<T> {
  input: T;
  steps: string[];
}

/** One to four edits of a string: a char changed, a span cut or repeated, a token put in, lines swapped, a cut end. */
function mutateText(text: string, random: () => number): Mutated<string> {
  const at = (n: number): number => Math.floor(random() * (n + 1));
  const steps: string[] = [];
  let out = text;
  for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
    const kind = Math.floor(random() * 6);
    const i = at(out.length);
    const j = Math.min(out.length, i + Math.floor(random() * 40));
    if (kind === 0) {
      const c = String.fromCharCode(Math.floor(random() * 0x3000));
      steps.push(`char ${JSON.stringify(c)} at ${i}`);
      out = out.slice(0, i) + c + out.slice(i + 1);
    } else if (kind === 1) {
      steps.push(`cut ${i}-${j}`);
      out = out.slice(0, i) + out.slice(j);
    } else if (kind === 2) {
      steps.push(`repeat ${i}-${j}`);
      out = out.slice(0, j) + out.slice(i, j) + out.slice(j);
    } else if (kind === 3) {
      const token = TOKENS[Math.floor(random() * TOKENS.length)]!;
      steps.push(`token ${JSON.stringify(token.slice(0, 20))} at ${i}`);
      out = out.slice(0, i) + token + out.slice(i);
    } else if (kind === 4) {
      const lines = out.split('\n');
      const a = Math.floor(random() * lines.length);
      const b = Math.floor(random() * lines.length);
      steps.push(`swap lines ${a} and ${b}`);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    } else {
      steps.push(`end at ${i}`);
      out = out.slice(0, i);
    }
  }
  return { input: out, steps };
}

/** The same on bytes, for binary plists: bytes changed (offsets, counts and types are bytes there), cut, repeated. */
function mutateBytes(bytes: Uint8Array, random: () => number): Mutated<Uint8Array> {
  const steps: string[] = [];
  let out = Buffer.from(bytes);
  for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
    const kind = Math.floor(random() * 4);
    const i = Math.floor(random() * out.length);
    if (kind <= 1) {
      const value = kind === 0 ? Math.floor(random() * 256) : [0, 0xff, 0x7f, 0x80, 0x0f, 0xdf, 0xaf][i % 7]!;
      steps.push(`byte ${i} = ${value}`);
      out[i] = value;
    } else if (kind === 2) {
      steps.push(`end at ${i}`);
      out = out.subarray(0, i);
    } else {
      const j = Math.min(out.length, i + 1 + Math.floor(random() * 16));
      steps.push(`repeat ${i}-${j}`);
      out = Buffer.concat([out.subarray(0, j), out.subarray(i, j), out.subarray(j)]);
    }
  }
  return { input: out, steps };
}

/** Runs `check` on CASES_PER_INPUT mutations of `input`; a failure names the seed and the edits. */
function fuzz<T, U = T>(
  seed: number,
  input: T,
  mutate: (input: T, random: () => number) => Mutated<U>,
  check: (input: U) => void,
): void {
  const random = seededRandom(SEED_BASE + seed);
  for (let n = 0; n < CASES_PER_INPUT; n++) {
    const mutated = mutate(input, random);
    try {
      check(mutated.input);
    } catch (error) {
      throw new Error(`seed ${SEED_BASE + seed}, case ${n}: ${mutated.steps.join('; ')}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

const isPid = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
const isPort = (n: unknown): boolean =>
  n === undefined || (Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535);
const boundedProblems = (problems: string[]): void => {
  expect(problems.length).toBeLessThanOrEqual(NAMED_PROBLEMS + 1);
  for (const p of problems) expect(p.length).toBeLessThan(1000);
};

/** The miner of the threat cases, whose capture files the fuzz edits. */
const minerSpec = () => scenarios.find((x) => x.name.startsWith('CookieMiner: a fake'))!.spec;

describe('the command parsers take any bytes', () => {
  it('ps: rows with real pids, uids and times, and bounded problems', () => {
    // A real ps in the collector's columns, the capture builder's (the same shape, with a miner's long
    // arguments), and a ps of other columns (-eo pid,comm,lstart...), which reads as problems only.
    const inputs = [
      macText('ps/pid-ppid-uid-etime-time-args.adapted-from-fastfetch-984.txt'),
      String(buildCaptureFiles(minerSpec()).get('samples/0000/ps.txt')),
      macText('ps/ps-eo-pid-comm-lstart-etime-time-args-ecs-475.txt'),
    ];
    // Unedited, the first two read whole and the third is named line by line: nothing below checks nothing.
    const unedited = inputs.map((text) => assembleSample(0, text, undefined));
    expect(unedited.map((u) => u.sample.processes.length > 2)).toEqual([true, true, false]);
    expect(unedited[2]!.problems.length).toBeGreaterThan(5);
    inputs.forEach((input, k) =>
      fuzz(100 + k, input, mutateText, (text) => {
        const { sample, problems } = assembleSample(1_700_000_000_000, text, undefined);
        boundedProblems(problems);
        for (const p of sample.processes) {
          expect(isPid(p.pid) && isPid(p.ppid), `pid ${p.pid}, ppid ${p.ppid}`).toBe(true);
          expect(Number.isSafeInteger(p.uid), `uid ${p.uid}`).toBe(true);
          expect(Number.isFinite(p.cpuSeconds) && p.cpuSeconds >= 0, `cpu ${p.cpuSeconds}`).toBe(true);
          expect(Number.isFinite(p.startedAt), `started ${p.startedAt}`).toBe(true);
          expect(typeof p.args).toBe('string');
        }
      }),
    );
  });

  it('lsof -F: sockets with real pids, ports, protocols and families; the same text reads the same twice', () => {
    const inputs = [
      'lsof/lsof-F-listen-mixed-claimed-real-capture.txt',
      'lsof/lsof-F-tcp-established-cnquery.txt',
      'lsof/lsof-F-udp-loginwindow-cnquery.txt',
      'lsof/lsof-i443-F-chrome-helper-blog.txt',
    ];
    // Unedited, the -nP captures read sockets; the last (without -nP: host and service names) only problems.
    expect(inputs.map((path) => parseLsof(macText(path)).records.length > 0)).toEqual([true, true, true, false]);
    expect(parseLsof(macText(inputs[3]!)).problems.length).toBeGreaterThan(0);
    inputs.forEach((path, k) =>
      fuzz(200 + k, macText(path), mutateText, (text) => {
        const first = parseLsof(text);
        boundedProblems(first.problems);
        for (const c of first.records) {
          expect(isPid(c.pid), `pid ${c.pid}`).toBe(true);
          expect(['TCP', 'UDP']).toContain(c.protocol);
          expect(['IPv4', 'IPv6']).toContain(c.family);
          expect(isPort(c.localPort) && isPort(c.remotePort), `ports ${c.localPort} ${c.remotePort}`).toBe(true);
          expect(typeof c.localAddress).toBe('string');
        }
        // Blocks are remembered by pid between ticks: what is remembered must never change what is read.
        expect(parseLsof(text)).toEqual(first);
      }),
    );
  });

  it('launchctl list, print-disabled, print and btm dump: labels, pids and flags of the right types', () => {
    for (const [k, path] of [
      'launchctl-list/modern-user-negative-status.txt',
      'launchctl-list/system-sudo-santa-460.txt',
    ].entries()) {
      expect(parseLaunchctlList(macText(path)).records.length, path).toBeGreaterThan(10);
      fuzz(300 + k, macText(path), mutateText, (text) => {
        const { records, problems } = parseLaunchctlList(text);
        boundedProblems(problems);
        for (const s of records) {
          expect(typeof s.label === 'string' && s.label !== '', `label ${JSON.stringify(s.label)}`).toBe(true);
          expect(s.pid === undefined || (isPid(s.pid) && s.pid > 1), `pid ${s.pid}`).toBe(true);
          expect(s.lastExitStatus === undefined || Number.isSafeInteger(s.lastExitStatus)).toBe(true);
        }
      });
    }
    expect(parsePrintDisabled(macText('print-disabled/user-501-true-false-ninehills-85.txt')).size).toBeGreaterThan(3);
    expect(parseBtmDump(macText('btm/ventura-art-of-mac-malware-ch5.txt')).records.length).toBeGreaterThan(0);
    expect(parseLaunchctlPrint(macText('launchctl-print/service-nix-hook-1187.adapted.txt'), '', 0).pid).toBeDefined();
    expect(parseCodesignOutput('/x', macText('codesign/developer-id-chrome-dvv-fleet-23476.txt')).status).toBe(
      'developer-id',
    );
    fuzz(310, macText('print-disabled/user-501-true-false-ninehills-85.txt'), mutateText, (text) => {
      for (const [label, disabled] of parsePrintDisabled(text)) {
        expect(typeof label).toBe('string');
        expect(typeof disabled).toBe('boolean');
      }
    });
    fuzz(320, macText('launchctl-print/service-nix-hook-1187.adapted.txt'), mutateText, (text) => {
      const print = parseLaunchctlPrint(text, '', 0);
      expect(typeof print.loaded).toBe('boolean');
      expect(print.pid === undefined || (isPid(print.pid) && print.pid > 0), `pid ${print.pid}`).toBe(true);
    });
    fuzz(330, macText('btm/ventura-art-of-mac-malware-ch5.txt'), mutateText, (text) => {
      const { records, problems } = parseBtmDump(text);
      boundedProblems(problems);
      for (const r of records) {
        expect(typeof r.enabled === 'boolean' && typeof r.allowed === 'boolean').toBe(true);
        expect(r.uid === undefined || Number.isSafeInteger(r.uid), `uid ${r.uid}`).toBe(true);
      }
    });
    fuzz(340, macText('codesign/developer-id-chrome-dvv-fleet-23476.txt'), mutateText, (text) => {
      const info = parseCodesignOutput('/Applications/Google Chrome.app', text);
      expect(['apple', 'app-store', 'developer-id', 'adhoc', 'unsigned', 'other', 'unknown']).toContain(info.status);
    });
  });

  it("one line that cannot be read hides no other line's record (ps, launchctl list)", () => {
    const cases: [string, (text: string) => unknown[]][] = [
      ['ps/pid-ppid-uid-etime-time-args.adapted-from-fastfetch-984.txt', (t) => parsePs(t).records],
      ['launchctl-list/modern-user-negative-status.txt', (t) => parseLaunchctlList(t).records],
    ];
    for (const [k, [path, parse]] of cases.entries()) {
      const lines = macText(path).split('\n');
      const random = seededRandom(SEED_BASE + 400 + k);
      for (let n = 0; n < CASES_PER_INPUT; n++) {
        const broken = 1 + Math.floor(random() * (lines.length - 1));
        const garbage = mutateText(lines[broken]!, random).input.replaceAll('\n', ' ');
        const apart = [...lines.slice(0, broken), ...lines.slice(broken + 1)].join('\n');
        const withGarbage = [...lines.slice(0, broken), garbage, ...lines.slice(broken + 1)].join('\n');
        const expected = parse(apart);
        expect(expected.length).toBeGreaterThan(lines.length / 2);
        const read = parse(withGarbage);
        // The bad line may still read as a record of its own; every other line's record is there as before.
        for (const record of expected)
          expect(read, `line ${broken + 1} as ${JSON.stringify(garbage.slice(0, 80))}`).toContainEqual(record);
      }
    }
  });

  it('strvis: what encodeVis writes decodeVis reads back, and decodeVis takes any text', () => {
    const random = seededRandom(SEED_BASE + 500);
    for (let n = 0; n < CASES_PER_INPUT * 4; n++) {
      const length = Math.floor(random() * 40);
      let text = '';
      for (let i = 0; i < length; i++)
        text += String.fromCodePoint(random() < 0.5 ? Math.floor(random() * 256) : Math.floor(random() * 0xd7ff));
      expect(typeof decodeVis(text)).toBe('string');
      // ps leaves backslashes as they are (VIS_NOSLASH), so an argument holding a literal `\^B` prints as
      // one holding byte 2 does: only text without a backslash reads back for certain, as it does on a Mac.
      if (!text.includes('\\')) expect(decodeVis(encodeVis(text)), JSON.stringify(text)).toBe(text);
      else expect(encodeVis(text)).toContain('\\');
    }
  });
});

describe('an approvals file IT hands to many Macs', () => {
  it('is read whole or refused with an ApprovalError naming the file', () => {
    const text = serializeApprovals([
      {
        label: 'com.backblaze.bzbmenu',
        plistPath: '/Library/LaunchAgents/com.backblaze.bzbmenu.plist',
        plistSha256: 'a'.repeat(64),
        programSha256: 'b'.repeat(64),
        program: '/Library/Backblaze.bzpkg/bztransmit',
        note: 'backup, approved by IT',
        cpuLimitPercent: 150,
        approvedBy: 'it@example.com',
        approvedAt: '2026-11-30T09:15:00Z',
      },
    ]);
    fuzz(1200, text, mutateText, (edited) => {
      let approvals;
      try {
        approvals = readApprovals(edited, '/tmp/approvals.json').approvals;
      } catch (error) {
        expect(error).toBeInstanceOf(ApprovalError);
        expect((error as Error).message.startsWith('/tmp/approvals.json: ')).toBe(true);
        return;
      }
      for (const a of approvals) {
        expect(a.plistPath.startsWith('/')).toBe(true);
        expect(a.plistSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(a.cpuLimitPercent === undefined || (a.cpuLimitPercent >= 1 && a.cpuLimitPercent <= 100_000)).toBe(true);
      }
    });
  });
});

describe('plists and unit files: whatever the bytes, an item that says what it could not read', () => {
  const checkItem = (item: ReturnType<typeof launchItemFromPlist>): void => {
    expect(typeof item.label).toBe('string');
    expect(item.program === undefined || typeof item.program === 'string').toBe(true);
    expect(Array.isArray(item.arguments) && item.arguments.every((a) => typeof a === 'string')).toBe(true);
    if (item.unreadable !== undefined) expect(item.problems).toContain(item.unreadable);
    for (const p of item.problems) expect(typeof p).toBe('string');
  };
  const plists = [
    'plists/com.apple.mDNSResponder.plist',
    'plists/cookie-miner-payload-launchagent.atomic-emulation.plist',
    'plists/homebrew.mxcl.pgweb.plist',
  ];

  it('XML plists', () => {
    plists.forEach((path, k) =>
      fuzz(600 + k, macText(path), mutateText, (text) =>
        checkItem(
          launchItemFromPlist(
            { path: '/Library/LaunchDaemons/x.plist', bytes: Buffer.from(text) },
            'LaunchDaemon',
            'system',
          ),
        ),
      ),
    );
  });

  it('binary plists (offsets, counts and object types are bytes an attacker picks)', () => {
    plists.forEach((path, k) => {
      // The XML fixture's content written as bplist00, as plutil -convert binary1 would.
      const value = parsePlistBytes(readFileSync(join(MAC, path)));
      const binary = Buffer.from(buildBinary(value as never));
      expect(parsePlistBytes(binary), path).toEqual(value);
      fuzz(700 + k, binary as Uint8Array, mutateBytes, (bytes) =>
        checkItem(launchItemFromPlist({ path: '/Library/LaunchAgents/x.plist', bytes }, 'LaunchAgent', 'user')),
      );
    });
  });

  it('systemd units and XDG autostart entries', () => {
    const home = '/home/alice';
    const folders = persistenceFolders({ HOME: home }, home);
    const unit = folders.find((f) => f.path.includes('systemd'))!;
    const autostart = folders.find((f) => f.path.includes('autostart'))!;
    for (const [k, [file, folder]] of (
      [
        ['unit-apt-daily.service', unit],
        ['autostart-xdg-user-dirs.desktop', autostart],
      ] as const
    ).entries())
      fuzz(800 + k, readFileSync(join(LINUX, file), 'utf8'), mutateText, (text) =>
        checkItem(itemFromUnitFile(join(folder.path, file), Buffer.from(text), folder)),
      );
  });

  it('/proc stat and /proc/net lines', () => {
    fuzz(900, readFileSync(join(LINUX, 'proc-stat-paren-comm.txt'), 'utf8'), mutateText, (text) => {
      const stat = parseProcStat(text);
      if (stat === undefined) return;
      expect(isPid(stat.pid) && isPid(stat.ppid), `pid ${stat.pid} ppid ${stat.ppid}`).toBe(true);
      expect(Number.isFinite(stat.cpuTicks) && stat.cpuTicks >= 0, `cpu ${stat.cpuTicks}`).toBe(true);
      expect(Number.isFinite(stat.startTicks) && stat.startTicks >= 0, `start ${stat.startTicks}`).toBe(true);
    });
    expect(parseProcStat(readFileSync(join(LINUX, 'proc-stat-paren-comm.txt'), 'utf8'))).toBeDefined();
    expect(parseProcNet(readFileSync(join(LINUX, 'proc-net-tcp.txt'), 'utf8'), 'TCP', 'IPv4').length).toBeGreaterThan(
      0,
    );
    fuzz(910, readFileSync(join(LINUX, 'proc-net-tcp.txt'), 'utf8'), mutateText, (text) => {
      for (const s of parseProcNet(text, 'TCP', 'IPv4')) {
        expect(isPort(s.localPort) && isPort(s.remotePort), `ports ${s.localPort} ${s.remotePort}`).toBe(true);
        expect(Number.isSafeInteger(s.inode) && s.inode >= 0, `inode ${s.inode}`).toBe(true);
      }
    });
  });
});

describe("osquery's results log: a host writes its own lines", () => {
  it('whatever a row holds, a fleet host reads as processes with real pids and sockets with real ports', async () => {
    const miner = minerSpec();
    const capture = await readCapture(writeCapture(miner));
    const lines = osqueryLines('mac-1', capture.inventory, capture.samples.slice(0, 4));
    // A value changed in one row of one line (the JSON stays JSON), or the line's text itself edited.
    const mutateLog = (log: Line[], random: () => number): Mutated<string[]> => {
      const copy = JSON.parse(JSON.stringify(log)) as Line[];
      const steps: string[] = [];
      for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
        const line = copy[Math.floor(random() * copy.length)]!;
        const rows = [
          ...((line.snapshot as Record<string, string>[] | undefined) ?? []),
          ...(line.columns ? [line.columns as Record<string, string>] : []),
        ];
        const row = rows[Math.floor(random() * rows.length)];
        if (!row) continue;
        const keys = Object.keys(row);
        const key = keys[Math.floor(random() * keys.length)]!;
        const token = TOKENS[Math.floor(random() * TOKENS.length)]!;
        steps.push(`${line.name as string} ${key} = ${JSON.stringify(token.slice(0, 20))}`);
        row[key] = token;
      }
      const text = copy.map((l) => JSON.stringify(l));
      if (random() < 0.2) {
        const k = Math.floor(random() * text.length);
        const edited = mutateText(text[k]!, random);
        steps.push(`line ${k}: ${edited.steps.join(', ')}`);
        text[k] = edited.input;
      }
      return { input: text, steps };
    };
    const unedited = new FleetHost('mac-1');
    for (const line of lines) unedited.add(parseResultLine(JSON.stringify(line)) as ResultRows);
    expect(
      unedited.toInventoryAndSamples().samples.map((x) => x.processes.length > 0 && x.connections!.length > 0),
    ).toEqual([true, true, true, true]);
    fuzz(1000, lines, mutateLog, (text) => {
      const host = new FleetHost('mac-1');
      for (const line of text) {
        const parsed = parseResultLine(line);
        if (!('problem' in parsed)) host.add(parsed);
      }
      const { samples } = host.toInventoryAndSamples();
      for (const sample of samples) {
        for (const p of sample.processes) {
          expect(isPid(p.pid) && isPid(p.ppid), `pid ${p.pid}, ppid ${p.ppid}`).toBe(true);
          expect(Number.isFinite(p.cpuSeconds) && p.cpuSeconds >= 0, `cpu ${p.cpuSeconds}`).toBe(true);
          expect(Number.isFinite(p.startedAt), `started ${p.startedAt}`).toBe(true);
        }
        for (const c of sample.connections ?? []) {
          expect(isPid(c.pid), `socket pid ${c.pid}`).toBe(true);
          expect(isPort(c.localPort) && isPort(c.remotePort), `ports ${c.localPort} ${c.remotePort}`).toBe(true);
        }
      }
    });
  });
});

describe('a capture bundle: every file in it edited', () => {
  it('is read, judged and reported with the miner still flagged, or refused naming the capture and the file', async () => {
    const miner = minerSpec();
    const files = buildCaptureFiles({
      ...miner,
      samples: 4,
      users: 'root 0\nalice 501\n',
      fileDates: { '/Users/alice/Library/LaunchAgents/com.apple.rig2.plist': 1_764_400_000 },
    });
    const names = [...files.keys()];
    const root = mkdtempSync(join(tmpdir(), 'lw-fuzz-capture-'));
    const random = seededRandom(SEED_BASE + 1100);
    // Each case writes a whole bundle and reads it: a tenth of the cases the pure parsers get.
    const cases = Math.max(1, Math.round(CASES_PER_INPUT / 10));
    try {
      for (let n = 0; n < cases; n++) {
        const name = names[Math.floor(random() * names.length)]!;
        const original = files.get(name)!;
        const mutated = Buffer.isBuffer(original)
          ? mutateBytes(original, random)
          : name === 'manifest.json' && random() < 0.5
            ? mutateManifest(original, random)
            : mutateText(original, random);
        const dir = join(root, String(n));
        for (const [file, content] of files) {
          mkdirSync(dirname(join(dir, file)), { recursive: true });
          writeFileSync(join(dir, file), file === name ? mutated.input : content);
        }
        const where = `case ${n}: ${name}: ${mutated.steps.join('; ')}`;
        let capture;
        try {
          capture = await readCapture(dir);
        } catch (error) {
          expect(error, where).toBeInstanceOf(CaptureError);
          const message = (error as Error).message;
          expect(message.startsWith(`${dir}: `), `${where}: ${message}`).toBe(true);
          // The file edited is the one named, or the manifest that lists it.
          expect(message.includes(name) || message.includes('manifest.json'), `${where}: ${message}`).toBe(true);
          continue;
        }
        try {
          const result = analyseSamples(capture.inventory, capture.samples, DEFAULT_SCAN_OPTIONS);
          for (const item of result.items) expect(['mining', 'suspicious', 'high-cpu', 'ok']).toContain(item.verdict);
          // Never blind: one file edited (the manifest aside, which says what the capture is) leaves the
          // miner's other evidence standing, and some item flagged.
          if (name !== 'manifest.json')
            expect(
              result.items.some((i) => i.verdict === 'mining' || i.verdict === 'suspicious'),
              `${where}: ${result.items.map((i) => `${i.item.label} ${i.verdict}`).join(', ')}`,
            ).toBe(true);
          JSON.stringify(toScanDocument(result));
          renderTable(result);
          toCsv(result);
          toHtmlReport(redactResult(result));
        } catch (error) {
          throw new Error(`${where}: ${(error as Error).stack}`, { cause: error });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

/** A field of the manifest given a value of another kind (the JSON stays JSON). */
function mutateManifest(text: string, random: () => number): Mutated<string> {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const fields: [Record<string, unknown>, string][] = [];
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      fields.push([value as Record<string, unknown>, key]);
      walk(v);
    }
  };
  walk(manifest);
  const [owner, key] = fields[Math.floor(random() * fields.length)]!;
  const values = [null, -1, 0, 1e308, '', 'x'.repeat(5000), [], {}, true, '2026-13-45T99:99:99Z', '__proto__'];
  const value = values[Math.floor(random() * values.length)];
  owner[key] = value;
  return { input: JSON.stringify(manifest), steps: [`${key} = ${JSON.stringify(value)?.slice(0, 20)}`] };
}
