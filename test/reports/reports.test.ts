// Reports in every format from built captures, including a hostile one whose labels, arguments and
// paths hold HTML, JavaScript, CSV formulas, ANSI escapes and non-UTF-8 bytes.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { csvCell } from '../../main/engine/reports/csv';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { scenarios, WALLET } from '../support/scenarios';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/web';

const artifacts = join(__dirname, '../../test/artifacts');
const EVIL_LABEL = 'com.evil.<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const FORMULA_LABEL = '=HYPERLINK("http://evil.example","click")';

function hostileCapture(): string {
  const cookie = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
  const spec: CaptureSpec = {
    ...cookie,
    hostname: 'alices-mbp',
    items: [
      {
        path: '/Users/alice/Library/LaunchAgents/evil.plist',
        listedPid: 850,
        binary: true,
        plist: {
          Label: EVIL_LABEL,
          ProgramArguments: [
            '/Users/alice/.x/<b>run</b>',
            '-o',
            'stratum+tcp://pool.supportxmr.com:3333',
            '-u',
            WALLET,
            '--note=\u001b[31mred\u001b[0m',
          ],
        },
      },
      {
        path: '/Users/alice/Library/LaunchAgents/formula.plist',
        listedPid: 860,
        binary: true,
        plist: { Label: FORMULA_LABEL, ProgramArguments: ['/Users/alice/bin/+cmd|calc', '-2+3', '@SUM(1)'] },
      },
      // An XML plist with bytes that are not UTF-8 inside a string.
      {
        path: '/Users/alice/Library/LaunchAgents/bytes.plist',
        plist: Buffer.concat([
          Buffer.from(
            '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>com.bytes.',
          ),
          Buffer.from([0xff, 0xfe, 0x80]),
          Buffer.from('</string><key>Program</key><string>/Users/alice/b</string></dict></plist>\n'),
        ]),
      },
      ...cookie.items,
    ],
    processes: [
      ...cookie.processes,
      {
        pid: 850,
        ppid: 1,
        args: `/Users/alice/.x/<b>run</b> -o stratum+tcp://pool.supportxmr.com:3333 -u ${WALLET} --note=\u001b[31mred\u001b[0m`,
        cpu: 300,
      },
      { pid: 860, ppid: 1, args: '/Users/alice/bin/+cmd|calc -2+3 @SUM(1)', cpu: 1 },
    ],
    connections: [
      ...(cookie.connections ?? []),
      { pid: 850, local: '192.168.1.20:50999', remote: '141.94.96.71:3333' },
    ],
    dns: [...(cookie.dns ?? []), ['141.94.96.71', 'pool.supportxmr.com']],
  };
  return writeCapture(spec);
}

const run = runCli;

describe('reports', () => {
  let capture: string;
  let dir: string;
  let browser: Browser | undefined;
  beforeAll(async () => {
    capture = hostileCapture();
    dir = mkdtempSync(join(tmpdir(), 'lw-reports-'));
    mkdirSync(artifacts, { recursive: true });
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 60_000);
  afterAll(async () => browser?.close());

  // Skipped only where Debian's chromium is missing; .ci/run installs it.
  it.skipIf(!existsSync(CHROMIUM))(
    'HTML: one self-contained file, the answer first, the flagged items, nothing executable or external',
    async () => {
      const file = join(dir, 'report.html');
      expect((await run(['scan', '--replay', capture, '--report', file])).code).toBe(1);
      const page = await browser!.newPage({ viewport: { width: 900, height: 1200 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(file).href);
      const answer = await page.locator('p.answer').textContent();
      expect(answer).toMatch(/^2 launch items are mining: /);
      expect(answer).toContain(EVIL_LABEL);
      expect(answer).toContain('com.apple.rig2');
      const headings = await page.locator('section.item h3').allTextContents();
      expect(headings.some((h) => h.includes(EVIL_LABEL))).toBe(true);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img, iframe, object, embed, link, [onerror], [onload]').count()).toBe(0);
      const external = await page.evaluate(() =>
        [...document.querySelectorAll('[src], [href]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href')),
      );
      expect(external).toEqual([]);
      const css = await page.locator('style').allTextContents();
      expect(css.join('')).not.toMatch(/url\(|@import/);
      expect(await page.locator('section.item svg polyline').count()).toBeGreaterThanOrEqual(2);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(await page.locator('h2', { hasText: 'How this was measured' }).count()).toBe(1);
      expect(await page.locator('dd', { hasText: 'not run as root' }).count()).toBe(1);
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      await page.close();
    },
  );

  // Skipped only where Debian's chromium is missing; .ci/run installs it.
  it.skipIf(!existsSync(CHROMIUM))('PDF: printed through headless Chromium, pages readable as images', async () => {
    const file = join(dir, 'report.pdf');
    await run(['scan', '--replay', capture, '--report', file]);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const hasPdftoppm = await promisify(execFile)('pdftoppm', ['-v']).then(
      () => true,
      () => false,
    );
    if (!hasPdftoppm) return; // poppler-utils is installed by .ci/run; the PDF itself is checked above.
    // A4, and every page names the Mac and says which page of how many it is.
    const info = (await promisify(execFile)('pdfinfo', [file])).stdout;
    expect(info).toMatch(/Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    for (let page = 1; page <= pages; page++) {
      const text = (await promisify(execFile)('pdftotext', ['-f', `${page}`, '-l', `${page}`, file, '-'])).stdout;
      expect(text).toContain('Launchwatch report: alices-mbp');
      expect(text).toContain(`Page ${page} of ${pages}`);
    }
    await promisify(execFile)('pdftoppm', ['-png', '-r', '60', file, join(artifacts, 'report-page')]);
    expect(
      readdirSync(artifacts).filter((f) => f.startsWith('report-page') && f.endsWith('.png')).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it('PDF without Chromium, or an unknown format: a clear message naming the file', async () => {
    const saved = process.env.LAUNCHWATCH_CHROMIUM;
    process.env.LAUNCHWATCH_CHROMIUM = '/nonexistent/chromium';
    try {
      const result = await run(['scan', '--replay', capture, '--report', join(dir, 'no.pdf')]);
      expect(result).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('no.pdf: a PDF needs Chromium or Google Chrome, and neither is installed'),
      });
    } finally {
      if (saved === undefined) delete process.env.LAUNCHWATCH_CHROMIUM;
      else process.env.LAUNCHWATCH_CHROMIUM = saved;
    }
    expect(await run(['scan', '--replay', capture, '--report', '/tmp/x.docx'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--report /tmp/x.docx: the file must end in .html, .json, .csv, .pdf'),
    });
  });

  it('CSV: RFC 4180, parsed back intact, and no cell a spreadsheet would run', async () => {
    const file = join(dir, 'report.csv');
    await run(['scan', '--replay', capture, '--report', file]);
    const text = readFileSync(file, 'utf8');
    expect(text.includes('\r\n')).toBe(true);
    const rows = parseCsv(text, { relax_quotes: false }) as string[][];
    expect(rows[0]).toEqual([
      'label',
      'kind',
      'scope',
      'verdict',
      'score',
      'cpu_avg_percent',
      'cpu_max_percent',
      'destinations',
      'reasons',
      'plist_path',
      'program',
      'host',
      'scanned_at',
    ]);
    expect(rows).toHaveLength(5);
    // Every row names its Mac and the time, so reports from many Macs merge.
    for (const row of rows.slice(1))
      expect(row.slice(-2)).toEqual(['alices-mbp', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)]);
    const formula = rows.find((r) => r[0]?.includes('HYPERLINK'));
    expect(formula?.[0]).toBe(`'${FORMULA_LABEL}`);
    expect(rows.find((r) => r[0]?.startsWith('com.evil'))?.[0]).toBe(EVIL_LABEL);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
  });

  it('NDJSON: one object per item per line, each with host and time', async () => {
    const { stdout } = await run(['scan', '--replay', capture, '--ndjson']);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const line of lines)
      expect(line).toMatchObject({
        host: { hostname: 'alices-mbp' },
        time: '2026-11-30T09:17:00.000Z',
        label: expect.any(String),
        verdict: expect.any(String),
      });
  });

  it('the terminal table strips ANSI escapes and the JSON keeps text as data', async () => {
    const table = (await run(['scan', '--replay', capture])).stdout;
    expect(table.includes('\u001b')).toBe(false);
    const doc = JSON.parse((await run(['scan', '--replay', capture, '--json'])).stdout);
    expect(doc.items.map((i: { label: string }) => i.label)).toContain(EVIL_LABEL);
    expect(doc.items.some((i: { label: string }) => i.label.includes('\ufffd'))).toBe(true);
  });

  it('--redact leaves no user name, host name, home path or wallet in any format', async () => {
    const outputs: string[] = [];
    for (const ext of ['html', 'json', 'csv']) {
      const file = join(dir, `redacted.${ext}`);
      outputs.push((await run(['scan', '--replay', capture, '--redact', '--report', file])).stdout);
      outputs.push(readFileSync(file, 'utf8'));
    }
    outputs.push((await run(['scan', '--replay', capture, '--redact', '--json'])).stdout);
    outputs.push((await run(['scan', '--replay', capture, '--redact', '--ndjson'])).stdout);
    for (const text of outputs) {
      expect(text).not.toMatch(/alice/i);
      expect(text).not.toContain(WALLET);
      expect(text).not.toContain('k1GqvkK7le6hQcBjJ7sUuGnX4VGBbHZN8Ms');
    }
    const doc = JSON.parse(outputs.at(-2) as string);
    expect(doc.host.hostname).toBe('<host>');
    expect(doc.items.find((i: { plistPath: string }) => i.plistPath.endsWith('evil.plist')).plistPath).toBe(
      '/Users/<user>/Library/LaunchAgents/evil.plist',
    );
    // Stable placeholders: the same wallet is the same placeholder everywhere in one report.
    expect(JSON.stringify(doc)).toMatch(/<wallet-1>/);
  });
});
