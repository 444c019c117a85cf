// A report printed to PDF by headless Chromium or Google Chrome (the command line's PDFs; the app prints with
// Electron). Chromium is taken at its word only for a whole PDF: it can exit 0 having written none (a folder it
// cannot write to, DaanDeSmedt/PHPHeadlessChrome#17), and on a Mac headless Chrome can write the PDF and never exit
// (with the user's own Chrome running: mizzy/peitho#145; Chrome 154: lidge-jun/codexclaw#240), so the PDF is taken as
// soon as it is whole and Chrome is stopped, rather than waited on until the time runs out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { safeTerminalText } from '../engine/terminal-text';

/** How long Chromium gets to print a report. */
export const PDF_TIMEOUT_MS = 60_000;
/** How often the PDF is looked at while Chromium runs. */
const POLL_MS = 200;
/** What Chromium says on stderr, kept for a failure's message. */
const MAX_STDERR = 4096;
/** What stops the command line from outside while it prints: Ctrl-C, `kill`, the terminal closing. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Headless, and nothing fetched or started that a report does not need (no network, no updates, no sync). */
export const HEADLESS_CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** LAUNCHWATCH_CHROMIUM, when set, is the only one tried; else the usual places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LAUNCHWATCH_CHROMIUM) return existsSync(env.LAUNCHWATCH_CHROMIUM) ? env.LAUNCHWATCH_CHROMIUM : undefined;
  const candidates = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

/** The page printed, in a folder of its own that goes with it (Chromium's profile included). */
export async function printPdf(page: string, timeoutMs = PDF_TIMEOUT_MS): Promise<Buffer> {
  const chromium = findChromium();
  if (!chromium)
    throw new Error(
      'a PDF needs Chromium or Google Chrome, and neither is installed; ' +
        'write a .html report and print it instead (or set LAUNCHWATCH_CHROMIUM)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'lw-report-'));
  let stopChromium = (): void => undefined;
  const cleanUp = (): void => {
    stopChromium();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await cleaningUpWhenStopped(cleanUp, () => {
      const htmlPath = join(dir, 'report.html');
      const pdfPath = join(dir, 'report.pdf');
      writeFileSync(htmlPath, page);
      const args = [
        ...HEADLESS_CHROMIUM_FLAGS,
        `--user-data-dir=${join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${pdfPath}`,
        pathToFileURL(htmlPath).href,
      ];
      return printWith(chromium, args, pdfPath, timeoutMs, (stop) => (stopChromium = stop));
    });
  } finally {
    cleanUp();
  }
}

/**
 * `work`, and if the command line is stopped meanwhile (Ctrl-C, `kill`, the terminal closing), `cleanUp` first:
 * Chromium runs in a process group of its own, which a Ctrl-C at the terminal does not reach, and Node's default for
 * these signals exits without running `finally`, which left Chromium printing and its folder behind. The signal is
 * then raised again, so the command line stops as it would have.
 */
async function cleaningUpWhenStopped<T>(cleanUp: () => void, work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    cleanUp();
    process.kill(process.pid, signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  try {
    return await work();
  } finally {
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
  }
}

async function printWith(
  chromium: string,
  args: string[],
  pdfPath: string,
  timeoutMs: number,
  started: (stop: () => void) => void,
): Promise<Buffer> {
  // A process group of its own, so that stopping it stops its helpers (GPU, renderer) too.
  const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const stop = (): void => {
    if (exit !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // It exited between the last look and now.
    }
  };
  started(stop);
  let failedToStart: Error | undefined;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length);
  });
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.on('error', (error) => (failedToStart = error));
  const said = (): string => {
    const last = stderr.trim().split('\n').pop();
    return last ? ` (it said: ${safeTerminalText(last).slice(0, 300)})` : '';
  };
  const startedAt = Date.now();
  let sizeBefore = -1;
  try {
    for (;;) {
      await sleep(POLL_MS);
      if (failedToStart) throw new Error(`${chromium} could not be started: ${failedToStart.message}`);
      const done = exit;
      const pdf = wholePdf(pdfPath);
      // Whole and no longer growing, or whole when Chromium has exited.
      if (pdf && (done || pdf.length === sizeBefore)) return pdf;
      sizeBefore = pdf?.length ?? -1;
      if (done) {
        const how = done.signal ? `was stopped by ${done.signal}` : `exited with ${done.code}`;
        throw new Error(`Chromium ${how} and did not write the PDF${said()}`);
      }
      if (Date.now() - startedAt > timeoutMs)
        throw new Error(`Chromium did not finish the PDF in ${Math.round(timeoutMs / 1000)} s${said()}`);
    }
  } finally {
    stop();
  }
}

/** The file's bytes when they are a whole PDF: its header, and the end-of-file marker in its last kilobyte. */
function wholePdf(path: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  if (!bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) return undefined;
  return bytes.subarray(-1024).includes('%%EOF') ? bytes : undefined;
}
