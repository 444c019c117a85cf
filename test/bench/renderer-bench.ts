// The popover's cost in Chromium, as the UI tests run it: web mode over the app service with a
// synthetic 400-item Mac (the bench capture, moving on in real time, with churn), the page open in
// Debian's Chromium, and the renderer's main-thread time (CDP Performance.getMetrics: TaskDuration) over
// a stretch of live updates, with the list shown and then with an item page open.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { AppService } from '../../main/app-service';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { POPOVER_SIZE } from '../../main/shell/windows';
import { startWebServer } from '../../main/web/web-server';
import { writeCapture } from '../support/capture-builder';
import { countRedrawnElements, redrawnBetween, redrawnElements } from '../support/react-commits';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/web';
import { benchCaptureSpec } from './replay-bench';
import { ChurnReader } from './week-bench';

export interface RendererFigures {
  intervalSeconds: number;
  /** Updates in one stretch; each figure is the median stretch of several. */
  updates: number;
  /** Stretches measured for the list and for the settled item page. */
  stretches: number;
  /**
   * Renderer main-thread time per update, and per minute of the stretch: the time its tasks took
   * (TaskDuration, wall time) and the CPU time of the thread (ThreadTime: what the thread itself used, so
   * less sensitive to the rest of the machine, this bench's own monitor included). Per minute of the clock,
   * not per update times 12: the chart's time axis moves on every 30 s of the clock whatever the interval,
   * and a bench at 2.5 s apart counted one such move a minute where the app at 5 s has two.
   */
  list: RendererFigure;
  /** The list's first stretch, while V8 still compiles the page's code (a page shown again after a while pays some). */
  listWarmingUp: RendererFigure;
  /** Once the page has settled (its second stretch): what keeping it open costs. */
  itemPage: RendererFigure;
  /** The first stretch after it opens, which costs more (10-25% here; not analysed further). */
  itemPageOpening: RendererFigure;
}

/** How many stretches the list and the settled item page are measured over: one stretch moves by 15% here. */
const STRETCHES = 5;

export interface RendererFigure {
  msPerUpdate: number;
  msPerMinute: number;
  cpuMsPerUpdate: number;
  cpuMsPerMinute: number;
  /**
   * Elements React made again per update (given new props; test/support/react-commits.ts): the work an
   * update costs counted rather than timed, so it does not move with this machine's load.
   */
  redrawnPerUpdate: number;
  /**
   * Elements made again in recharts' frame around the CPU line (the percent axis, grid rows, threshold,
   * the time axis' line) over the whole stretch: none but when the percent axis' ticks or the threshold
   * change (not when the time axis moves on, every 30 s: the chart draws the times itself).
   */
  chartFrameInStretch: number;
  /** The least and the most thread CPU a minute of the stretches measured (the figures are the median one's). */
  cpuMsPerMinuteRange: [number, number];
}

const MEASURING_SECONDS = 10;

export async function runRendererBench(options: {
  seconds: number;
  intervalSeconds: number;
}): Promise<RendererFigures | string> {
  const rendererDir = join(import.meta.dirname ?? __dirname, '../../dist/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) return 'the renderer is not built (npm run build)';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  const capture = await readCapture(writeCapture(benchCaptureSpec()));
  const [first, second] = capture.samples;
  if (!first || !second) return 'the bench capture has fewer than two samples';
  const reader = new ChurnReader(capture.inventory, first, second, { realClock: true });
  const service = AppService.live(reader, {
    // A short window, so the list is measured as it stands all day: while the first window fills, every
    // row's "measuring (35 of 120 s)" moves on each tick, and every row on screen is drawn again.
    windowSeconds: MEASURING_SECONDS,
    cpuThresholdPercent: 25,
    intervalMs: options.intervalSeconds * 1000,
    excludePids: new Set(),
  });
  service.start();
  const server = await startWebServer(service, { rendererDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    // The popover's own size (it cannot be resized): a larger page would show and draw more rows.
    const page = await browser.newPage({ viewport: POPOVER_SIZE });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async (): Promise<{ task: number; thread: number }> => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      const value = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
      return { task: value('TaskDuration'), thread: value('ThreadTime') };
    };
    await countRedrawnElements(page);
    await page.goto(server.url);
    await page.locator('.item-row').first().waitFor({ timeout: 30_000 });
    await sleep(MEASURING_SECONDS * 1000 + 3 * options.intervalSeconds * 1000);
    const measureOne = async (): Promise<RendererFigure> => {
      const before = await taskSeconds();
      const drawnBefore = await redrawnElements(page);
      await sleep(options.seconds * 1000);
      const after = await taskSeconds();
      const drawnAfter = await redrawnElements(page);
      const updates = options.seconds / options.intervalSeconds;
      const perMinute = 60 / options.seconds;
      const [task, thread] = [(after.task - before.task) * 1000, (after.thread - before.thread) * 1000];
      return {
        msPerUpdate: task / updates,
        msPerMinute: task * perMinute,
        cpuMsPerUpdate: thread / updates,
        cpuMsPerMinute: thread * perMinute,
        redrawnPerUpdate: redrawnBetween(drawnBefore, drawnAfter) / updates,
        chartFrameInStretch: redrawnBetween(drawnBefore, drawnAfter, 'chart frame'),
        cpuMsPerMinuteRange: [thread * perMinute, thread * perMinute],
      };
    };
    /** The stretch of median thread CPU among `count`, with the range of all of them. */
    const measure = async (count: number): Promise<RendererFigure> => {
      const figures: RendererFigure[] = [];
      for (let n = 0; n < count; n++) figures.push(await measureOne());
      figures.sort((a, b) => a.cpuMsPerMinute - b.cpuMsPerMinute);
      const median = figures[Math.floor((figures.length - 1) / 2)] as RendererFigure;
      const range: [number, number] = [figures[0]!.cpuMsPerMinute, figures[figures.length - 1]!.cpuMsPerMinute];
      return { ...median, cpuMsPerMinuteRange: range };
    };
    // The popover's page lives as long as the app and is shown again and again: its code has been compiled by
    // V8's optimizing tiers long before. A first stretch lets that happen here, and is shown apart.
    const listWarmingUp = await measureOne();
    const list = await measure(STRETCHES);
    // An item page open: a busy item (its chart, processes and destinations change every update).
    await page.locator('.item-row').first().click();
    await page.locator('.item-page, [aria-label="Back"], h2').first().waitFor();
    await sleep(2 * options.intervalSeconds * 1000);
    const itemPageOpening = await measureOne();
    const itemPage = await measure(STRETCHES);
    return {
      intervalSeconds: options.intervalSeconds,
      updates: options.seconds / options.intervalSeconds,
      stretches: STRETCHES,
      list,
      listWarmingUp,
      itemPage,
      itemPageOpening,
    };
  } finally {
    await browser.close();
    await server.close();
    service.stop();
  }
}
