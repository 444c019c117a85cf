// A command line printing a report to PDF and nothing else, for the test that stops it midway
// (report-files.test.ts): node runs it with tsx as a loader, so the signal reaches this process itself.
import { printPdf } from '../../main/cli/pdf-print';

const pdf = await printPdf('<p>report</p>', 30_000);
process.stdout.write(`printed ${pdf.length} bytes\n`);
