// Files Launchwatch writes for the user (reports, approvals exports, fleet reports) replace an older file whole or not
// at all, and a PDF is taken from Chromium only when it is one, as Chromium really behaves (main/cli/pdf-print.ts).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { io, TEMP_PREFIX } from '../../main/actions/atomic-file';
import { printPdf } from '../../main/cli/pdf-print';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { writeCapture } from '../support/capture-builder';
import { osqueryLines } from '../support/osquery-rows';
import { runCli } from '../support/cli';
import { scenarios } from '../support/scenarios';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.LAUNCHWATCH_CHROMIUM;
});

const dir = (): string => mkdtempSync(join(tmpdir(), 'lw-report-files-'));

/** A stand-in for Chromium's command line: finds --print-to-pdf=<path> and does `behaviour` with it. */
function fakeChromium(behaviour: string): string {
  const path = join(dir(), 'chromium');
  writeFileSync(
    path,
    `#!/bin/sh
for arg in "$@"; do case $arg in --print-to-pdf=*) out=\${arg#--print-to-pdf=} ;; esac; done
echo "$$" > "${path}.pid"
${behaviour}
`,
  );
  chmodSync(path, 0o755);
  return path;
}

const PDF_START = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n';
const PDF_END = 'trailer << /Root 1 0 R >>\n%%EOF\n';

/**
 * Whether the process is gone within a second: a killed child lingers until Node reaps it, and one whose parent
 * exited is a zombie until init reaps it (its state, Z, in /proc/<pid>/stat, after the command name in brackets).
 */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
      if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('a PDF from headless Chromium', () => {
  it('is taken as soon as it is whole when Chrome writes it and never exits, and Chrome is stopped', async () => {
    // On a Mac, headless Chrome can write the PDF and then stay (the user's own Chrome running, mizzy/peitho#145;
    // Chrome 154, lidge-jun/codexclaw#240): it is not waited on until the time runs out.
    const chromium = fakeChromium(`printf %s '${PDF_START}${PDF_END}' > "$out"; exec sleep 600`);
    process.env.LAUNCHWATCH_CHROMIUM = chromium;
    const pdf = await printPdf('<p>report</p>', 30_000);
    expect(pdf.toString()).toBe(PDF_START + PDF_END);
    expect(await gone(Number(readFileSync(`${chromium}.pid`, 'utf8')))).toBe(true);
  });

  it('is not taken half written: it grows until its end-of-file marker is there', async () => {
    const chromium = fakeChromium(
      `printf %s '${PDF_START}' > "$out"; sleep 1; printf %s '${PDF_END}' >> "$out"; exit 0`,
    );
    process.env.LAUNCHWATCH_CHROMIUM = chromium;
    expect((await printPdf('<p>report</p>', 30_000)).toString()).toBe(PDF_START + PDF_END);
  });

  it('is refused, saying so, when Chrome exits 0 having written none, or runs out of time', async () => {
    // Chromium exits 0 and writes nothing when it cannot write where it is told (DaanDeSmedt/PHPHeadlessChrome#17).
    process.env.LAUNCHWATCH_CHROMIUM = fakeChromium(`echo "ERROR: cannot write $out" >&2; exit 0`);
    await expect(printPdf('<p>report</p>', 30_000)).rejects.toThrow(
      /^Chromium exited with 0 and did not write the PDF \(it said: ERROR: cannot write .*report\.pdf\)$/,
    );
    process.env.LAUNCHWATCH_CHROMIUM = fakeChromium(`printf 'not a pdf' > "$out"; exit 0`);
    await expect(printPdf('<p>report</p>', 30_000)).rejects.toThrow(/did not write the PDF/);
    const hanging = fakeChromium('exec sleep 600');
    process.env.LAUNCHWATCH_CHROMIUM = hanging;
    await expect(printPdf('<p>report</p>', 1_000)).rejects.toThrow('Chromium did not finish the PDF in 1 s');
    expect(await gone(Number(readFileSync(`${hanging}.pid`, 'utf8')))).toBe(true);
  });

  it('stopped midway (Ctrl-C, kill, the terminal closing), the command line stops Chrome and removes its folder', async () => {
    // Chrome runs in a process group of its own, which a Ctrl-C at the terminal does not reach; Node's default for
    // the signal exits at once, so the command line stops Chrome and its folder goes before it stops as asked.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const chromium = fakeChromium(
        `for arg in "$@"; do
  case $arg in --user-data-dir=*) echo "\${arg#--user-data-dir=}" > "$0.profile" ;; esac
done
exec sleep 600`,
      );
      const printer = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'pdf-printer.ts')], {
        env: { ...process.env, LAUNCHWATCH_CHROMIUM: chromium },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        printer.on('exit', (code, signal) => resolve({ code, signal })),
      );
      let output = '';
      printer.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      printer.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 300 && !existsSync(`${chromium}.profile`); i++) await new Promise((r) => setTimeout(r, 50));
      const profile = readFileSync(`${chromium}.profile`, 'utf8').trim();
      const pid = Number(readFileSync(`${chromium}.pid`, 'utf8'));
      expect(existsSync(profile.replace(/\/profile$/, '/report.html'))).toBe(true);
      printer.kill(signal);
      expect(await exited, output).toEqual({ code: null, signal });
      expect(await gone(pid)).toBe(true);
      expect(existsSync(profile.replace(/\/profile$/, ''))).toBe(false);
    }
  }, 60_000);

  it('scan --report over an older PDF: a failed print leaves the older one as it was, and says why', async () => {
    const folder = dir();
    const report = join(folder, 'mac.pdf');
    writeFileSync(report, '%PDF-1.4 the older report %%EOF');
    process.env.LAUNCHWATCH_CHROMIUM = fakeChromium('exit 0');
    const capture = writeCapture(scenarios[0]!.spec);
    const result = await runCli(['scan', '--replay', capture, '--report', report]);
    // Before, a PDF already there passed for the new one: "report written".
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--report ${report}: Chromium exited with 0 and did not write the PDF`);
    expect(readFileSync(report, 'utf8')).toBe('%PDF-1.4 the older report %%EOF');
  });
});

describe('a file written for the user replaces an older one whole or not at all', () => {
  /** A full disk as write(2) shows it: a short write, then ENOSPC. */
  const fillTheDisk = (): void => {
    const real = io.writeSync;
    let left = 10;
    vi.spyOn(io, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (left <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const wrote = real(fd, buffer, offset, Math.min(length, left));
      left -= wrote;
      return wrote;
    }) as typeof io.writeSync);
  };

  it('scan --report: the older report stays, no temporary file is left, and the message names the file', async () => {
    const folder = dir();
    const report = join(folder, 'mac.html');
    writeFileSync(report, '<p>the older report</p>');
    const capture = writeCapture(scenarios[0]!.spec);
    fillTheDisk();
    const result = await runCli(['scan', '--replay', capture, '--report', report]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`--report ${report}: .*the disk took 10 of \\d+ bytes`));
    expect(readFileSync(report, 'utf8')).toBe('<p>the older report</p>');
    expect(readdirSync(folder).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([]);
    vi.restoreAllMocks();
    // With room on the disk, it is replaced whole.
    expect((await runCli(['scan', '--replay', capture, '--report', report])).code).not.toBe(2);
    expect(readFileSync(report, 'utf8')).toContain('<!doctype html>');
  });

  it('approvals export <file> and fleet --report the same way', async () => {
    const folder = dir();
    vi.stubEnv('LAUNCHWATCH_STATE_DIR', join(folder, 'state'));
    try {
      const exported = join(folder, 'approvals.json');
      writeFileSync(exported, 'the older export');
      fillTheDisk();
      const result = await runCli(['approvals', 'export', exported]);
      expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining(`approvals export ${exported}: `) });
      expect(readFileSync(exported, 'utf8')).toBe('the older export');
      vi.restoreAllMocks();
      expect((await runCli(['approvals', 'export', exported])).code).toBe(0);
      expect(JSON.parse(readFileSync(exported, 'utf8'))).toMatchObject({ format: 'launchwatch-approvals' });

      const fleet = join(folder, 'fleet.html');
      writeFileSync(fleet, 'the older fleet report');
      const capture = await readCapture(writeCapture(scenarios[0]!.spec));
      const log = join(folder, 'osqueryd.results.log');
      const lines = osqueryLines('alices-mbp', capture.inventory, capture.samples, 'event');
      writeFileSync(log, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      fillTheDisk();
      const fleetResult = await runCli(['fleet', '--osquery', log, '--report', fleet]);
      expect(fleetResult).toMatchObject({ code: 2, stderr: expect.stringContaining(`--report ${fleet}: `) });
      expect(readFileSync(fleet, 'utf8')).toBe('the older fleet report');
      vi.restoreAllMocks();
      expect((await runCli(['fleet', '--osquery', log, '--report', fleet])).code).not.toBe(2);
      expect(readFileSync(fleet, 'utf8')).toContain('<!doctype html>');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
