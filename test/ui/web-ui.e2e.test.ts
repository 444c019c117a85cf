// The real renderer in Debian's Chromium, driven by playwright-core, against web mode on a replayed
// capture that holds a miner and a busy legitimate item.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';
import { CHROMIUM, CHROMIUM_FLAGS, startWeb } from '../support/web';

const root = join(__dirname, '../..');
const artifacts = join(root, 'test/artifacts');
const LONG_LABEL = 'com.example-enterprise.endpoint-protection.realtime.scanner.helper.launch-agent';
function combinedCapture(): string {
  const miner = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
  const backup = scenarios.find((s) => s.name.startsWith('Backblaze'))!.spec;
  const spotlight = scenarios.find((s) => s.name.startsWith('Spotlight'))!.spec;
  return writeCapture({
    privileged: true,
    items: [
      // The miner restarts halfway (a new pid, as launchd's KeepAlive does after a kill): its chart marks it.
      ...miner.items.map((i) => ({ ...i, listedPid: 920 })),
      ...backup.items,
      ...spotlight.items,
      {
        path: `/Library/LaunchAgents/${LONG_LABEL}.plist`,
        plist: { Label: LONG_LABEL, ProgramArguments: ['/Library/Application Support/Example/agent'] },
      },
    ],
    processes: [
      ...miner.processes.flatMap((p) =>
        p.pid === 820
          ? [
              { ...p, alive: (i: number) => i <= 5 },
              { ...p, pid: 920, startedBefore: -55, alive: (i: number) => i >= 6 },
            ]
          : [p],
      ),
      ...backup.processes.filter((p) => p.pid > 100 && p.pid !== 402 && p.pid !== 990),
      ...spotlight.processes.filter((p) => p.pid === 120),
    ],
    connections: [
      ...(miner.connections ?? []).flatMap((c) => (c.pid === 820 ? [c, { ...c, pid: 920 }] : [c])),
      ...(backup.connections ?? []),
    ],
    dns: [...(miner.dns ?? []), ...(backup.dns ?? [])],
    codesign: { ...miner.codesign, ...backup.codesign },
    // dscl . -list /Users UniqueID: name, spaces, uid (see main/platform/users.ts).
    users: 'root                     0\n_www                     70\nalice                    501\n',
  });
}

describe.skipIf(!existsSync(CHROMIUM))(
  'the UI in Chromium (skipped only where Debian chromium is not installed; .ci/run installs it)',
  () => {
    let web: { url: string; child: ChildProcess };
    let browser: Browser;
    let page: Page;
    const cspViolations: string[] = [];

    beforeAll(async () => {
      mkdirSync(artifacts, { recursive: true });
      web = await startWeb(['--replay', combinedCapture(), '--port', '0']);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      page = await browser.newPage({
        viewport: { width: 420, height: 640 },
        colorScheme: 'light',
        acceptDownloads: true,
      });
      page.setDefaultTimeout(8000);
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      web?.child.kill('SIGTERM');
    });

    it('lists the miner first and flagged, the busy backup as high CPU only, Apple items hidden', async () => {
      await page.goto(web.url);
      const rows = page.locator('button.item-row');
      await rows.first().waitFor();
      expect(await rows.first().getAttribute('data-item-id')).toBe(
        '/Users/alice/Library/LaunchAgents/com.apple.rig2.plist',
      );
      expect(await rows.first().locator('.badge').getAttribute('data-verdict')).toBe('mining');
      const backup = page.locator('button.item-row', { hasText: 'com.backblaze.bzserv' });
      expect(await backup.locator('.badge').getAttribute('data-verdict')).toBe('high-cpu');
      expect(await page.locator('button.item-row', { hasText: 'com.apple.metadata.mds' }).count()).toBe(0);
      await page.getByLabel(/Show Apple items/).check();
      expect(await page.locator('button.item-row', { hasText: 'com.apple.metadata.mds' }).count()).toBe(1);
      await page.getByLabel(/Show Apple items/).uncheck();
      // A capture is marked as one: its host, time span and whether it was privileged.
      expect(await page.locator('.capture-mark').textContent()).toMatch(
        /^Capture of alices-mbp \(macOS 14\.6\.1\), .* for 120 s, privileged$/,
      );
      await page.screenshot({ path: join(artifacts, 'popover-list.png') });
    });

    it('opens the miner: chart points, the pool host and port, every reason with its ATT&CK ID', async () => {
      await page.locator('button.item-row').first().focus();
      await page.keyboard.press('Enter');
      await page.locator('#item-title').waitFor();
      expect(await page.locator('#item-title').textContent()).toBe('com.apple.rig2');
      const curve = page.locator('.cpu-chart .cpu-line');
      await curve.waitFor({ state: 'attached' });
      // Straight segments between samples: lines only, no curve that would invent values between them.
      const d = (await curve.getAttribute('d')) ?? '';
      expect(d.split('L').length).toBeGreaterThan(5);
      expect(d).not.toMatch(/[CQS]/);
      // Clipped to the plot (a sample just before a live axis's start continues the line to its edge only).
      const clipId = /^url\(#([\w-]+)\)$/.exec((await curve.getAttribute('clip-path')) ?? '')?.[1];
      expect(await page.locator(`clipPath[id="${clipId}"] rect`).count()).toBe(1);
      // Both axes titled with their units; round ticks; the threshold labelled clear of the axis labels.
      const chart = page.locator('.cpu-chart');
      await chart.locator('.recharts-cartesian-axis-tick-value[orientation="left"]').first().waitFor();
      await chart.locator('.recharts-label', { hasText: 'threshold' }).waitFor();
      expect(await chart.locator('.recharts-label', { hasText: '% of one core' }).count()).toBe(1);
      expect(await chart.locator('.recharts-label', { hasText: /^time \(UTC\)$/ }).count()).toBe(1);
      const yTicks = await chart.locator('.recharts-cartesian-axis-tick-value[orientation="left"]').allTextContents();
      expect(yTicks).toEqual(['0%', '100%', '200%', '300%']);
      // The time axis' labels (drawn beside recharts' frame, at its scale): clock times at round steps, each on
      // a tick mark under the axis and a column of the grid.
      const xTicks = await chart.locator('.cpu-time-tick-value').allTextContents();
      expect(xTicks.length).toBeGreaterThanOrEqual(3);
      expect(xTicks.every((t) => /^\d\d:\d\d:(00|30)$/.test(t))).toBe(true);
      const axisLine = await chart.locator('.recharts-xAxis .recharts-cartesian-axis-line').boundingBox();
      for (const tick of await chart.locator('.cpu-time-tick').all()) {
        const [mark, label] = [await tick.locator('line').boundingBox(), await tick.locator('text').boundingBox()];
        expect(mark?.y).toBeCloseTo(axisLine?.y ?? NaN, 0);
        expect((label?.x ?? 0) + (label?.width ?? 0) / 2).toBeCloseTo((mark?.x ?? NaN) + (mark?.width ?? 0) / 2, 0);
        expect((label?.y ?? 0) + (label?.height ?? 0) / 2).toBeGreaterThan((mark?.y ?? 0) + (mark?.height ?? 0));
      }
      expect(await chart.locator('.cpu-time-grid line').count()).toBe(xTicks.length);
      const threshold = await chart.locator('.recharts-label', { hasText: 'threshold 25%' }).boundingBox();
      for (const tick of await chart.locator('.recharts-cartesian-axis-tick-value, .cpu-time-tick-value').all()) {
        const box = await tick.boundingBox();
        const overlaps =
          !!threshold &&
          !!box &&
          box.x < threshold.x + threshold.width &&
          threshold.x < box.x + box.width &&
          box.y < threshold.y + threshold.height &&
          threshold.y < box.y + box.height;
        expect(overlaps, `threshold label over tick ${await tick.textContent()}`).toBe(false);
      }
      // The last time label ends inside the frame.
      const frame = await chart.boundingBox();
      const lastTick = await chart.locator('.cpu-time-tick-value').last().boundingBox();
      expect((lastTick?.x ?? 0) + (lastTick?.width ?? 0)).toBeLessThanOrEqual((frame?.x ?? 0) + (frame?.width ?? 0));
      // In words, with the real span, for a screen reader.
      const describedBy = (await chart.getAttribute('aria-describedby')) as string;
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
        /^CPU of the process tree, 12 samples from 2026-11-30 09:15:10 UTC to 2026-11-30 09:17:00 UTC \(110 s\)/,
      );
      // The restart: one marker at its time, labelled, and said in words.
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
        /its process restarted once \(2026-11-30 09:16:00 UTC\)/,
      );
      expect(await chart.locator('.restart-marker').count()).toBe(1);
      expect(await chart.locator('.restart-marker .restart-label').textContent()).toBe('restart');
      // At 09:16:00, 50 s into the chart's 110 s: 50/110 of the way along the plot.
      const restartAt = await chart.locator('.restart-marker line').boundingBox();
      const across = ((restartAt?.x ?? 0) - (axisLine?.x ?? 0)) / (axisLine?.width ?? 1);
      expect(across).toBeCloseTo(50 / 110, 2);
      // The sample nearest the pointer read out (its time and percent), its dot on the line; gone on leaving.
      const area = await chart.locator('.cpu-pointer-area').boundingBox();
      if (!area) throw new Error('no pointer area over the chart');
      const readout = chart.locator('.cpu-readout');
      await page.mouse.move(area.x + area.width - 1, area.y + area.height / 2);
      expect(await readout.textContent()).toMatch(/^09:17:00 · \d+(\.\d)?% of one core$/);
      const lastPoint = (d.split('L').at(-1) ?? '').replace('M', '').split(',').map(Number);
      const dot = chart.locator('.cpu-readout-mark circle');
      expect(Number(await dot.getAttribute('cx'))).toBeCloseTo(lastPoint[0] ?? NaN, 0);
      expect(Number(await dot.getAttribute('cy'))).toBeCloseTo(lastPoint[1] ?? NaN, 0);
      await chart.screenshot({ path: join(artifacts, 'cpu-chart-readout.png') });
      await page.mouse.move(area.x + 1, area.y + area.height / 2);
      expect(await readout.textContent()).toMatch(/^09:15:10 · \d+(\.\d)?% of one core$/);
      await page.mouse.move(0, 0);
      await readout.waitFor({ state: 'detached' });
      // From the keyboard: the arrows go from sample to sample (from the newest), Home and End to the ends,
      // each said to a screen reader; Escape puts the readout away and stays on the page.
      const plot = chart.locator('.cpu-chart-plot');
      const said = chart.locator('[aria-live="polite"]');
      await plot.focus();
      await page.keyboard.press('ArrowLeft');
      expect(await readout.textContent()).toMatch(/^09:17:00 · \d+(\.\d)?% of one core$/);
      await page.keyboard.press('ArrowLeft');
      expect(await readout.textContent()).toMatch(/^09:16:50 · /);
      expect(await said.textContent()).toBe(await readout.textContent());
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowLeft');
      expect(await readout.textContent()).toMatch(/^09:15:10 · /);
      await page.keyboard.press('End');
      expect(await readout.textContent()).toMatch(/^09:17:00 · /);
      await page.keyboard.press('Escape');
      await readout.waitFor({ state: 'detached' });
      expect(await said.textContent()).toBe('');
      expect(await page.locator('#item-title').isVisible()).toBe(true);
      await chart.screenshot({ path: join(artifacts, 'cpu-chart.png') });
      const pool = page.locator('.destinations-table tbody tr').first();
      expect(await pool.textContent()).toContain('koto-pool.work');
      expect(await pool.textContent()).toContain('3032');
      const codes = await page.locator('.reasons li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes).toEqual(
        expect.arrayContaining(['cpu.sustained', 'args.stratum-url', 'net.pool-host', 'hide.masquerade']),
      );
      expect(await page.locator('.attack').textContent()).toContain('AN0743');
      // Whom it runs as, by name, and the pivots: its path on the clipboard (no Finder for a capture).
      expect(await page.locator('dt', { hasText: 'Runs as' }).locator('+ dd').textContent()).toBe('alice (uid 501)');
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.locator('#plist-title ~ .pivots').getByRole('button', { name: 'Copy path' }).click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe('/Users/alice/Library/LaunchAgents/com.apple.rig2.plist');
      expect(await page.getByRole('button', { name: 'Show in Finder' }).count()).toBe(0);
      // The file's date as the Mac gave it, in the Mac's zone (UTC for this capture), named.
      expect(await page.locator('#plist-title + .path').textContent()).toMatch(
        /modified \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
      );
      await page.screenshot({ path: join(artifacts, 'item-miner.png'), fullPage: true });
      await page.keyboard.press('Escape');
      await page.locator('button.item-row').first().waitFor();
    });

    it('shows the legitimate busy item as high CPU with no mining reasons', async () => {
      await page.locator('button.item-row', { hasText: 'com.backblaze.bzserv' }).click();
      await page.locator('#item-title').waitFor();
      const codes = await page.locator('.reasons li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes).toEqual(['cpu.sustained']);
      await page.locator('button.back').click();
    });

    it('changes the window and threshold: the busy backup stops being high CPU at 500%', async () => {
      await page.locator('.settings summary').click();
      await page.getByLabel('CPU threshold in percent of one core').fill('500');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.settings summary', { hasText: '500% over 120 s' }).waitFor();
      expect(
        await page
          .locator('button.item-row', { hasText: 'com.backblaze.bzserv' })
          .locator('.badge')
          .getAttribute('data-verdict'),
      ).toBe('ok');
      await page.getByLabel('CPU threshold in percent of one core').fill('25');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('.settings summary', { hasText: '25% over 120 s' }).waitFor();
      await page.locator('.settings summary').click();
    });

    it('switches to dark mode, and the page loaded with no CSP violation', async () => {
      await page.getByRole('button', { name: 'Switch to dark mode' }).click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      // Remembered: a new load of the page (the popover reopened) keeps the user's choice.
      await page.reload();
      await page.locator('button.item-row').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe('rgb(28, 28, 30)');
      await page.screenshot({ path: join(artifacts, 'popover-dark.png') });
      expect(cspViolations).toEqual([]);
    });

    it('Escape from an item returns focus to the row the user came from', async () => {
      await page.goto(web.url);
      const rows = page.locator('button.item-row');
      await rows.first().waitFor();
      const second = rows.nth(1);
      const id = await second.getAttribute('data-item-id');
      await second.click();
      await page.getByRole('heading', { level: 2 }).waitFor();
      await page.keyboard.press('Escape');
      await rows.first().waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-item-id'))).toBe(id);
    });

    it('at 420 px: a long label can be read whole, its title wraps only after dots, destinations fit', async () => {
      await page.goto(web.url);
      const row = page.locator('button.item-row', { hasText: 'com.example-enterprise' });
      await row.waitFor();
      // Cut in the list, but whole in its tooltip and its accessible name.
      expect(await row.locator('.label-text').getAttribute('title')).toBe(LONG_LABEL);
      expect(await row.getAttribute('aria-label')).toContain(LONG_LABEL);
      await row.click();
      const title = page.locator('#item-title');
      await title.waitFor();
      expect(await title.textContent()).toBe(LONG_LABEL);
      // Wrapped onto several lines, each part of the label whole on one line.
      const lines = await title.locator('.segment').evaluateAll((spans) =>
        spans.map((s) => ({
          text: s.textContent,
          rects: s.getClientRects().length,
          top: s.getBoundingClientRect().top,
        })),
      );
      expect(new Set(lines.map((l) => Math.round(l.top))).size).toBeGreaterThan(1);
      expect(lines.filter((l) => l.rects !== 1)).toEqual([]);
      await page.keyboard.press('Escape');

      await page.locator('button.item-row', { hasText: 'com.apple.rig2' }).click();
      const destination = page.locator('.destinations-table tbody tr').first();
      await destination.waitFor();
      // Host, port and kind in view: nothing to the right of the window, and no sideways scrolling.
      for (const cell of ['.dest-host', '.dest-port', '.dest-kind']) {
        const box = await destination.locator(cell).boundingBox();
        expect(box, cell).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0), cell).toBeLessThanOrEqual(420);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
      expect(
        await page
          .locator('.table-wrap')
          .first()
          .evaluate((wrap) => wrap.scrollWidth <= wrap.clientWidth),
      ).toBe(true);
      await page.screenshot({ path: join(artifacts, 'destinations-420.png') });
      await page.keyboard.press('Escape');
    });

    it('the gear menu: a report downloads in the chosen format; approvals wait for a live Mac; Settings', async () => {
      await page.goto(web.url);
      await page.locator('button.item-row').first().waitFor();
      const gear = page.getByRole('button', { name: 'Menu', exact: true });
      await gear.click();
      const menu = page.getByRole('menu');
      // Keyboard: the first item has focus, arrows move, Escape closes and gives focus back to the gear.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Export Report…');
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Open Capture…');
      await page.keyboard.press('Escape');
      expect(await menu.count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Menu');
      // A capture is another Mac: its approvals cannot be changed from here.
      await gear.click();
      expect(await menu.getByRole('menuitem', { name: 'Import Approvals…' }).isDisabled()).toBe(true);
      expect(await menu.getByRole('menuitem', { name: 'Export Approvals…' }).isDisabled()).toBe(true);
      await menu.getByRole('menuitem', { name: 'Export Report…' }).click();
      const sheet = page.getByRole('dialog');
      await sheet.getByLabel(/CSV \(merges/).check();
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        sheet.getByRole('button', { name: 'Export' }).click(),
      ]);
      expect(csv.suggestedFilename()).toBe('launchwatch-alices-mbp.csv');
      const csvText = readFileSync(await csv.path(), 'utf8');
      expect(csvText.split('\r\n')[0]).toMatch(/^label,kind,scope,verdict,/);
      expect(csvText).toContain('com.apple.rig2');
      await page.locator('.notice', { hasText: 'downloaded as launchwatch-alices-mbp.csv' }).waitFor();
      // Redacted HTML: no host name in it.
      await gear.click();
      await menu.getByRole('menuitem', { name: 'Export Report…' }).click();
      await sheet.getByLabel(/For posting in public/).check();
      const [html] = await Promise.all([
        page.waitForEvent('download'),
        sheet.getByRole('button', { name: 'Export' }).click(),
      ]);
      expect(html.suggestedFilename()).toBe('launchwatch-redacted.html');
      const page1 = readFileSync(await html.path(), 'utf8');
      expect(page1).toContain('<h1>Launchwatch report</h1>');
      expect(page1).not.toContain('alices-mbp');
      // Settings from the gear: the look and what "sustained" means.
      await gear.click();
      await menu.getByRole('menuitem', { name: 'Settings…' }).click();
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByLabel('Dark').check();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await settings.getByLabel('Light').check();
      expect(await settings.getByLabel('Window in seconds').count()).toBe(1);
      await settings.getByRole('button', { name: 'Done' }).click();
      expect(await settings.count()).toBe(0);
    });

    it("the page's own API calls carry the token in a header; without it the API refuses", async () => {
      const base = web.url.replace(/\?token=.*/, '');
      const token = new URL(web.url).searchParams.get('token') as string;
      expect((await fetch(`${base}api/snapshot`)).status).toBe(403);
      expect((await fetch(`${base}api/snapshot`, { headers: { 'x-launchwatch-token': 'wrong' } })).status).toBe(403);
      expect((await fetch(`${base}api/snapshot`, { headers: { 'x-launchwatch-token': token } })).status).toBe(200);
      const bad = await fetch(`${base}api/options`, {
        method: 'POST',
        headers: { 'x-launchwatch-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ windowSeconds: 'x' }),
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toContain('windowSeconds');
    });
  },
);
