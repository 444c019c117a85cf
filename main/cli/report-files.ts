// Writes a report in the format its file name says: .html, .json, .csv, or .pdf (the HTML printed by
// headless Chromium, where one is installed).
import { extname } from 'node:path';
import { REPORT_FORMATS, type ReportFormat } from '../api/contract';
import type { ScanResult } from '../engine/model';
import { toCsv } from '../engine/reports/csv';
import { toHtmlReport } from '../engine/reports/html-report';
import { toScanDocument } from '../engine/scan-document';
import { writeFileAtomic } from '../actions/atomic-file';
import { printPdf } from './pdf-print';
import { UsageError } from './usage-error';

/** The file endings `--report` takes: the contract's report formats (what the app's Export offers). */
export const REPORT_EXTENSIONS = REPORT_FORMATS.map((format) => `.${format}`);

/**
 * The report goes to `path` whole or not at all (written beside it and renamed over it, the bytes checked): a report
 * that replaces an older one never leaves half of either, and a failed PDF never passes for the old file.
 */
export async function writeReport(path: string, result: ScanResult): Promise<void> {
  const format = extname(path).toLowerCase();
  if (!REPORT_EXTENSIONS.includes(format))
    throw new UsageError(`--report ${path}: the file must end in ${REPORT_EXTENSIONS.join(', ')}`);
  try {
    writeFileAtomic(path, await reportBytes(format.slice(1) as ReportFormat, result), 0o644);
  } catch (error) {
    throw new UsageError(`--report ${path}: ${(error as Error).message}`);
  }
}

/** A report's bytes in one of the formats (for a file or a download); a PDF needs Chromium here. */
export async function reportBytes(format: ReportFormat, result: ScanResult): Promise<Buffer | string> {
  if (format === 'html') return toHtmlReport(result);
  if (format === 'json') return `${JSON.stringify(toScanDocument(result), null, 2)}\n`;
  if (format === 'csv') return toCsv(result);
  return printPdf(toHtmlReport(result));
}
