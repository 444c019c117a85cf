// Writes a report in the format its file name says: .html, .json, .csv, or .pdf (the HTML printed by
// headless Chromium, where one is installed).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { REPORT_FORMATS, type ReportFormat } from '../api/contract';
import type { ScanResult } from '../engine/model';
import { toCsv } from '../engine/reports/csv';
import { toHtmlReport } from '../engine/reports/html-report';
import { toScanDocument } from '../engine/scan-document';
import { UsageError } from './usage-error';

/** The file endings `--report` takes: the contract's report formats (what the app's Export offers). */
export const REPORT_EXTENSIONS = REPORT_FORMATS.map((format) => `.${format}`);

export async function writeReport(path: string, result: ScanResult): Promise<void> {
  const format = extname(path).toLowerCase();
  if (!REPORT_EXTENSIONS.includes(format))
    throw new UsageError(`--report ${path}: the file must end in ${REPORT_EXTENSIONS.join(', ')}`);
  try {
    if (format === '.pdf') await writePdf(path, toHtmlReport(result));
    else writeFileSync(path, await reportBytes(format.slice(1) as ReportFormat, result));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--report ${path}: ${(error as Error).message}`);
  }
}

/** A report's bytes in one of the formats, for a download (web mode); a PDF needs Chromium here. */
export async function reportBytes(format: ReportFormat, result: ScanResult): Promise<Buffer | string> {
  if (format === 'html') return toHtmlReport(result);
  if (format === 'json') return `${JSON.stringify(toScanDocument(result), null, 2)}\n`;
  if (format === 'csv') return toCsv(result);
  const dir = mkdtempSync(join(tmpdir(), 'lw-pdf-'));
  try {
    const path = join(dir, 'report.pdf');
    await writePdf(path, toHtmlReport(result));
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

async function writePdf(path: string, page: string): Promise<void> {
  const chromium = findChromium();
  if (!chromium)
    throw new UsageError(
      `--report ${path}: a PDF needs Chromium or Google Chrome, and neither is installed; write a .html report and print it instead (or set LAUNCHWATCH_CHROMIUM)`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'lw-report-'));
  try {
    const htmlPath = join(dir, 'report.html');
    writeFileSync(htmlPath, page);
    await promisify(execFile)(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${path}`,
        pathToFileURL(htmlPath).href,
      ],
      { timeout: 60_000 },
    );
    if (!existsSync(path)) throw new Error('Chromium did not write the PDF');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
