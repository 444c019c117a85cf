// Writes a report in the format its file name says: .html, .json, .csv, or .pdf (the HTML printed by
// headless Chromium, where one is installed).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ScanResult } from '../engine/model';
import { toCsv } from '../engine/reports/csv';
import { toHtmlReport } from '../engine/reports/html-report';
import { toScanDocument } from '../engine/scan-document';
import { UsageError } from './usage-error';

export const REPORT_FORMATS = ['.html', '.json', '.csv', '.pdf'];

export async function writeReport(path: string, result: ScanResult): Promise<void> {
  const format = extname(path).toLowerCase();
  if (!REPORT_FORMATS.includes(format))
    throw new UsageError(`--report ${path}: the file must end in ${REPORT_FORMATS.join(', ')}`);
  try {
    if (format === '.html') writeFileSync(path, toHtmlReport(result));
    else if (format === '.json') writeFileSync(path, `${JSON.stringify(toScanDocument(result), null, 2)}\n`);
    else if (format === '.csv') writeFileSync(path, toCsv(result));
    else await writePdf(path, toHtmlReport(result));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--report ${path}: ${(error as Error).message}`);
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
