// The popover kept up to date by updates (main/api/snapshot-stream.ts): the real renderer in Debian's
// Chromium over web mode, on a live service whose processes' CPU the test sets. What is checked is what
// the user sees: rows on screen follow their CPU, a row scrolled into view shows its latest figures at
// once, an item that gets busier moves up though it is off screen, and a page that lost an update
// recovers by itself.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionService } from '../../main/actions/action-service';
import { AppService } from '../../main/app-service';
import type { ConnectionRecord, Inventory, Sample } from '../../main/engine/model';
import type { SampleReading, SystemReader } from '../../main/engine/reader';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { startWebServer, type WebServer } from '../../main/web/web-server';
import { writeCapture, type ItemSpec, type ProcessSpec } from '../support/capture-builder';
import { launchdModel } from '../support/launchd-model';
import { chartDraws, countRedrawnElements, redrawnBetween, redrawnElements } from '../support/react-commits';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/web';

// Fewer than a group shows before "Show more" (40), more than fit on screen (about 12 at 640 px).
const ITEMS = 36;
const pidOf = (n: number): number => 1000 + n;
const idOf = (n: number): string => `/Users/alice/Library/LaunchAgents/com.vendor${n}.agent.plist`;

// A note the macOS reader makes while the user has apps open (main/platform/macos/assemble.ts), given here at
// every sample: the status bar shows the same words from one update to the next.
const APPS_NOTE = 'launchctl list: 3 apps opened by the user (application.*) are not launch items and were not judged';

/** A Mac whose processes use the CPU the test says (percent of one core), on the real clock. */
class ScriptedReader implements SystemReader {
  readonly percent = new Map<number, number>();
  /** Sockets each process has open, the same at every sample until the test changes them. */
  readonly sockets = new Map<number, ConnectionRecord[]>();
  private readonly used = new Map<number, number>();
  private last = Date.now();

  constructor(
    private readonly inventory: Inventory,
    private readonly base: Sample,
  ) {}

  async readInventory(): Promise<Inventory> {
    return { ...this.inventory, items: this.inventory.items.map((i) => ({ ...i })) };
  }

  async readSample(): Promise<SampleReading> {
    const now = Date.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    const processes = this.base.processes.map((p) => {
      const used = (this.used.get(p.pid) ?? p.cpuSeconds) + ((this.percent.get(p.pid) ?? 0) / 100) * seconds;
      this.used.set(p.pid, used);
      return { ...p, cpuSeconds: used };
    });
    const connections = this.base.processes.flatMap((p) => this.sockets.get(p.pid) ?? []);
    return { sample: { takenAt: now, processes, connections }, notes: [APPS_NOTE] };
  }

  watchedFolders(): string[] {
    return [];
  }
}

async function liveMac(): Promise<{ reader: ScriptedReader; service: AppService; actions: ActionService }> {
  const items: ItemSpec[] = [];
  const processes: ProcessSpec[] = [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0, startedBefore: 86400 }];
  for (let n = 0; n < ITEMS; n++) {
    const program = `/Library/Application Support/Vendor ${n}/agent`;
    items.push({
      path: idOf(n),
      plist: { Label: `com.vendor${n}.agent`, ProgramArguments: [program], RunAtLoad: true },
      listedPid: pidOf(n),
    });
    processes.push({ pid: pidOf(n), ppid: 1, uid: 501, args: program, cpu: 0 });
  }
  const capture = await readCapture(writeCapture({ items, processes }));
  const reader = new ScriptedReader(capture.inventory, capture.samples[0] as Sample);
  // Actions on this Mac, for approvals (which run no command); a disable would go to a model of launchd.
  const actions = new ActionService({
    stateDir: mkdtempSync(join(tmpdir(), 'lw-live-state-')),
    runner: launchdModel().runner(),
    processes: { isSame: async () => false, signal: async () => undefined },
    uid: 501,
    isRoot: false,
  });
  const service = AppService.live(
    reader,
    { windowSeconds: 10, cpuThresholdPercent: 25, intervalMs: 400, excludePids: new Set() },
    actions,
  );
  return { reader, service, actions };
}

describe.skipIf(!existsSync(CHROMIUM))(
  'live updates in Chromium (skipped only where Debian chromium is not installed; .ci/run installs it)',
  () => {
    let mac: Awaited<ReturnType<typeof liveMac>>;
    let server: WebServer;
    let browser: Browser;
    let page: Page;
    const row = (n: number) => page.locator(`button.item-row[data-item-id="${idOf(n)}"]`);
    /** Opens item n's page, its process at `percent` of a core, once its chart's line is drawn. */
    const openChartOf = async (n: number, percent: number) => {
      mac.reader.percent.set(pidOf(n), percent);
      await page.evaluate(() => window.scrollTo(0, 0));
      await row(n).click();
      const chart = page.locator('.cpu-chart');
      const curve = chart.locator('.cpu-line');
      await curve.waitFor();
      return { chart, curve };
    };
    const shownCpu = async (n: number): Promise<number> =>
      parseFloat((await row(n).locator('.cpu').textContent()) ?? '');
    const mainCpu = (n: number): number => mac.service.snapshot().items.find((i) => i.id === idOf(n))?.cpuPercent ?? -1;
    const mainPeak = (n: number): number =>
      mac.service.result()?.items.find((i) => i.item.id === idOf(n))?.cpu.maxPercent ?? -1;

    beforeAll(async () => {
      mac = await liveMac();
      mac.service.start();
      server = await startWebServer(mac.service, { rendererDir: join(__dirname, '../../dist/renderer') });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      page = await browser.newPage({ viewport: { width: 420, height: 640 } });
      page.setDefaultTimeout(10_000);
      await page.goto(server.url);
      await page.locator('button.item-row').first().waitFor();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      mac?.service.stop();
    });

    it('a row on screen follows its CPU', async () => {
      const first = Number(
        (await page.locator('button.item-row').first().getAttribute('data-item-id'))?.match(/\d+/)?.[0],
      );
      mac.reader.percent.set(pidOf(first), 8);
      await expect.poll(() => shownCpu(first), { timeout: 10_000 }).toBeGreaterThan(4);
    });

    it('an item that gets busier moves up though its row was off screen', async () => {
      const last = ITEMS - 1;
      expect(await row(last).isVisible()).toBe(true);
      expect(await row(last).evaluate((e) => e.getBoundingClientRect().top > innerHeight)).toBe(true);
      mac.reader.percent.set(pidOf(last), 20);
      await expect
        .poll(() => page.locator('section.group-ok button.item-row').first().getAttribute('data-item-id'), {
          timeout: 10_000,
        })
        .toBe(idOf(last));
    });

    it('a focused row keeps the focus when its item moves up or down the list, or to another group', async () => {
      const n = ITEMS - 3;
      const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-item-id'));
      // Its group, and its place in it.
      const place = () =>
        row(n).evaluate((e) => {
          const section = e.closest('section');
          const rows = [...(section?.querySelectorAll('button.item-row') ?? [])];
          return `${section?.className} ${rows.indexOf(e as HTMLButtonElement)}`;
        });
      await row(n).focus();
      expect(await focusedId()).toBe(idOf(n));
      // Busier than every other item, below the threshold: its row is moved to the top of its group...
      mac.reader.percent.set(pidOf(n), 24);
      await expect.poll(place, { timeout: 10_000 }).toBe('group group-ok 0');
      expect(await focusedId()).toBe(idOf(n));
      // ...quiet again, back down (its element is moved)...
      mac.reader.percent.set(pidOf(n), 0);
      await expect.poll(place, { timeout: 10_000 }).not.toBe('group group-ok 0');
      expect(await place()).toMatch(/^group group-ok [1-9]/);
      expect(await focusedId()).toBe(idOf(n));
      // ...then busy for longer than the window: into another group, where its row is a new element (the
      // browser takes the focus from the old one as it leaves the page).
      mac.reader.percent.set(pidOf(n), 60);
      await expect.poll(place, { timeout: 20_000 }).not.toMatch(/group-ok/);
      expect(await focusedId()).toBe(idOf(n));
      mac.reader.percent.set(pidOf(n), 0);
      // The user moves on, to the search field and then off everything: the list changing again does not
      // pull the focus back to the row.
      await page.getByLabel('Search launch items').focus();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const other = ITEMS - 4;
      mac.reader.percent.set(pidOf(other), 24);
      await expect
        .poll(() => page.locator('section.group-ok button.item-row').first().getAttribute('data-item-id'), {
          timeout: 10_000,
        })
        .toBe(idOf(other));
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
      mac.reader.percent.set(pidOf(other), 0);
    });

    it('a row scrolled into view shows its latest figures at once, with no tick to wait for', async () => {
      const quiet = ITEMS - 2;
      mac.reader.percent.set(pidOf(quiet), 3);
      await expect.poll(() => mainCpu(quiet), { timeout: 10_000 }).toBeGreaterThan(1);
      // No tick from now on: only bringing the row on screen can bring its figures.
      mac.service.setPaused(true);
      const known = mainCpu(quiet);
      await row(quiet).scrollIntoViewIfNeeded();
      await expect.poll(() => shownCpu(quiet), { timeout: 5_000 }).toBeCloseTo(known, 0);
      mac.service.setPaused(false);
    });

    it('a page that missed an update asks for the whole snapshot and goes on', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await shownCpu(1)).toBeLessThan(1);
      let asked = 0;
      const resend = mac.service.resendSnapshot.bind(mac.service);
      mac.service.resendSnapshot = () => {
        asked++;
        resend();
      };
      // An update numbered but never sent: the next one does not follow what the page holds.
      (mac.service as unknown as { encoder: { encode(s: unknown): unknown } }).encoder.encode(mac.service.snapshot());
      mac.reader.percent.set(pidOf(1), 60);
      await expect.poll(() => shownCpu(1), { timeout: 15_000 }).toBeGreaterThan(15);
      expect(asked).toBeGreaterThan(0);
    });

    it('an open item page draws each update once, with its new detail (never again with the one before)', async () => {
      // Seen at each commit through React's hook for developer tools (test/support/react-commits.ts).
      const watched = await browser.newPage({ viewport: { width: 420, height: 640 } });
      try {
        await countRedrawnElements(watched);
        await watched.goto(server.url);
        const n = 4;
        mac.reader.percent.set(pidOf(n), 7);
        await watched.locator(`button.item-row[data-item-id="${idOf(n)}"]`).click();
        await watched.locator('.cpu-chart .cpu-line').waitFor();
        await sleep(500);
        const start = await chartDraws(watched);
        await sleep(2_400);
        const end = await chartDraws(watched);
        // Six ticks of 400 ms: drawn at each with its new points, and never with the old ones first.
        expect(end.fresh - start.fresh).toBeGreaterThanOrEqual(3);
        expect(end.stale - start.stale).toBe(0);
      } finally {
        await watched.close();
      }
    });

    it("an update to an open item page draws only what changed: the chart's line and words, not recharts' frame nor the parts that stayed the same", async () => {
      // Counted in the page at each commit (test/support/react-commits.ts), by part of the page.
      const watched = await browser.newPage({ viewport: { width: 420, height: 640 } });
      const n = 5;
      const socket = (remoteAddress: string, localPort: number): ConnectionRecord => ({
        pid: pidOf(n),
        protocol: 'TCP',
        family: 'IPv4',
        localAddress: '192.168.1.20',
        localPort,
        remoteAddress,
        remotePort: 443,
        state: 'ESTABLISHED',
      });
      try {
        await countRedrawnElements(watched);
        await watched.goto(server.url);
        // Two destinations, seen again at every sample: their times move on, what the table shows does not.
        mac.reader.sockets.set(pidOf(n), [socket('17.57.146.10', 50101), socket('140.82.112.3', 50102)]);
        mac.reader.percent.set(pidOf(n), 7);
        await watched.locator(`button.item-row[data-item-id="${idOf(n)}"]`).click();
        await watched.locator('.cpu-chart .cpu-line').waitFor();
        await expect.poll(() => watched.locator('.destinations-table tbody tr').count()).toBe(2);
        expect(await watched.locator('.status-bar details.notes li').allTextContents()).toContain(APPS_NOTE);
        // Busy, above the threshold (25%) for less than the window (10 s), so the verdict stays: the peak
        // moves at every tick, the y axis' ticks (0-60 for peaks of 40-50%) do not.
        mac.reader.percent.set(pidOf(n), 40);
        await sleep(1_000);
        const start = await redrawnElements(watched);
        for (let percent = 41; percent <= 47; percent++) {
          mac.reader.percent.set(pidOf(n), percent);
          await sleep(350);
        }
        const end = await redrawnElements(watched);
        const during = (part: string): number => redrawnBetween(start, end, part);
        // Six ticks of 400 ms: the CPU part moved on (its figures, the line, the words under the chart)...
        expect(during('cpu-title')).toBeGreaterThanOrEqual(3);
        // ...while recharts' axes, grid and threshold were not made again, nor the parts that did not change
        // (the window's header, the status bar's notes and the actions included).
        for (const part of [
          'app-header',
          'notes',
          'chart frame',
          'item-header',
          'reasons-title',
          'dest-title',
          'program-title',
          'plist-title',
          'actions-title',
        ])
          expect({ part, drawn: during(part) }).toEqual({ part, drawn: 0 });
      } finally {
        mac.reader.sockets.delete(pidOf(n));
        mac.reader.percent.set(pidOf(n), 0);
        await watched.close();
      }
    });

    it('a busy item offers to accept its CPU: the figure follows its peak until the user types one, which updates keep, and Accept approves it with that limit', async () => {
      const n = 10;
      const watched = await browser.newPage({ viewport: { width: 420, height: 640 } });
      watched.setDefaultTimeout(20_000);
      try {
        // Above the threshold (25%) for the whole window (10 s): flagged for its CPU alone.
        mac.reader.percent.set(pidOf(n), 60);
        await watched.goto(server.url);
        await watched.locator(`button.item-row[data-item-id="${idOf(n)}"]`).click();
        const limit = watched.getByLabel('CPU this item may use, in percent of one core');
        await limit.waitFor();
        // Room above a peak of about 60%: 60 x 1.2, in round tens.
        expect(await limit.inputValue()).toBe('80');
        mac.reader.percent.set(pidOf(n), 90);
        await expect.poll(() => limit.inputValue(), { timeout: 5_000 }).toBe('110');
        await limit.fill('300');
        mac.reader.percent.set(pidOf(n), 120);
        await expect.poll(() => mainPeak(n), { timeout: 5_000 }).toBeGreaterThan(110);
        await sleep(1_000);
        expect(await limit.inputValue()).toBe('300');
        await watched.getByRole('button', { name: 'Accept CPU' }).click();
        await watched.locator('.notice', { hasText: 'accepted up to 300% of one core' }).waitFor();
        const approval = mac.actions.approvals.list().find((a) => a.plistPath === idOf(n));
        expect(approval?.cpuLimitPercent).toBe(300);
      } finally {
        mac.reader.percent.set(pidOf(n), 0);
        await watched.close();
      }
    });

    it("a live item page's chart moves its line on at each tick and its time axis at 30 s steps, recharts' frame at neither", async () => {
      const n = 3;
      const { chart, curve } = await openChartOf(n, 6);
      // What recharts draws: the percent axis, the grid's rows, the threshold, the time axis' line and title.
      const frame = () =>
        chart
          .locator('.recharts-cartesian-axis, .recharts-cartesian-grid, .recharts-reference-line, .recharts-label')
          .evaluateAll((els) => els.map((e) => e.outerHTML).join(''));
      // What the chart draws beside it when the time axis moves on: its ticks, their labels and grid columns.
      const timeAxis = () => chart.locator('.cpu-time-axis').evaluate((e) => e.outerHTML);
      // Samples carry this machine's clock: from 4-5 s before a 30 s step to 2-3 s after it (ticks 400 ms apart).
      while (Date.now() % 30_000 < 25_000 || Date.now() % 30_000 > 26_000) await sleep(100);
      const before = { frame: await frame(), line: await curve.getAttribute('d'), time: await timeAxis() };
      const lastLabel = chart.locator('.cpu-time-tick-value').last();
      const [lastTime, lastX] = [await lastLabel.textContent(), (await lastLabel.boundingBox())?.x ?? NaN];
      const plotWidth = (await chart.locator('.cpu-pointer-area').boundingBox())?.width ?? NaN;
      expect(before.frame).toContain('threshold 25%');
      expect(before.frame).toContain('time (UTC)');
      await sleep(2_000);
      // Inside a step: the line moved on, the time axis did not.
      expect(await curve.getAttribute('d')).not.toBe(before.line);
      expect(await timeAxis()).toBe(before.time);
      await sleep(4_500);
      // Past it: the time axis moved on 30 s (its ticks and grid columns shifted left), recharts' frame is the same.
      expect(await timeAxis()).not.toBe(before.time);
      const movedX = (await chart.locator('.cpu-time-tick-value', { hasText: lastTime ?? '' }).boundingBox())?.x;
      // 30 s of the axis' 10 minutes.
      expect((lastX - (movedX ?? NaN)) / plotWidth).toBeCloseTo(30 / 600, 2);
      expect(await frame()).toBe(before.frame);
      await page.keyboard.press('Escape');
      await row(n).waitFor();
      // Up to 30 s waiting for the step, and 6.5 s across it.
    }, 60_000);

    it("an item page's chart is not drawn again while scrolled out of view; its words are, and it catches up when back", async () => {
      const n = 2;
      const { chart, curve } = await openChartOf(n, 5);
      const caption = chart.locator('figcaption');
      const drawn = () => curve.getAttribute('d');
      // On screen it is drawn again at every tick (the line moves on).
      const before = await drawn();
      await expect.poll(drawn, { timeout: 5_000 }).not.toBe(before);
      // A short window, scrolled to the bottom: the chart is well out of view. The window is put back
      // whatever happens, so a failure here does not change the next test's layout.
      await page.setViewportSize({ width: 420, height: 200 });
      try {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        expect(await page.locator('.cpu-chart').evaluate((e) => e.getBoundingClientRect().bottom)).toBeLessThan(-150);
        await sleep(300);
        const held = await drawn();
        const words = await caption.textContent();
        await sleep(2_000);
        // Five ticks later: the same line, while the description for screen readers has moved on.
        expect(await drawn()).toBe(held);
        expect(await caption.textContent()).not.toBe(words);
        // Back on screen, the latest at once, and moving again.
        await page.evaluate(() => window.scrollTo(0, 0));
        await expect.poll(drawn, { timeout: 2_000 }).not.toBe(held);
      } finally {
        await page.setViewportSize({ width: 420, height: 640 });
      }
      await page.keyboard.press('Escape');
      await row(n).waitFor();
    });
  },
);
