// What the report says about the Mac and its time, and how it draws CPU: from built captures (the
// manifest as collect.sh writes it) through replay, the way a helpdesk opens them.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import {
  chartDescription,
  DETAIL_HISTORY_MS,
  elapsedTicks,
  liveTimeDomain,
  nearestPoint,
  niceTicks,
  pointsAcross,
  thresholdLabelPlace,
  timeTicks,
} from '../../main/engine/chart-scale';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { managerSummary } from '../../main/engine/plain-words';
import { cssString, toHtmlReport } from '../../main/engine/reports/html-report';
import { redactResult } from '../../main/engine/reports/redact';
import { formatTime } from '../../main/engine/time-format';
import { writeCapture, type CaptureSpec } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';

const cookie = scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec;
const MACHINE = {
  model: 'MacBookPro18,3',
  osBuild: '23G93',
  cpuModel: 'Apple M1 Pro',
  memoryBytes: 17179869184,
  bootedAt: Date.parse('2026-11-27T07:00:00Z') / 1000,
  loggedInUser: 'alice',
  serial: 'C02ZK0XXMD6M',
  timeZone: 'Europe/Paris',
  utcOffset: '+0100',
};

/** The miner dies after sample 5 and launchd starts it again with a new pid (KeepAlive). */
function restartingCapture(extra: Partial<CaptureSpec> = {}): string {
  const args = (cookie.processes.find((p) => p.pid === 820) as { args: string }).args;
  return writeCapture({
    ...cookie,
    items: cookie.items.map((i) => ({ ...i, listedPid: 920 })),
    processes: [
      ...cookie.processes.filter((p) => p.pid !== 820),
      { pid: 820, ppid: 1, args, cpu: 300, alive: (i) => i <= 5 },
      { pid: 920, ppid: 1, args, cpu: 300, startedBefore: -55, alive: (i) => i >= 6 },
    ],
    connections: [{ pid: 920, local: '192.168.1.20:50400', remote: '45.76.100.7:3032' }],
    machine: MACHINE,
    fileDates: { '/Users/alice/Library/LaunchAgents/com.apple.rig2.plist': 1_764_000_000 },
    ...extra,
  });
}

describe('machine facts, time zone and file dates in reports', () => {
  it('shows the facts a helpdesk asks for, times in the Mac’s own zone, and the Mac’s file date', async () => {
    const result = await replay(restartingCapture(), { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 60 });
    const page = toHtmlReport(result, new Date('2026-11-30T09:20:00Z'));
    const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      'Action needed: alices-mbp runs 1 background program that mines cryptocurrency, using about 38% of its processing power.',
    );
    expect(text).toMatch(/Model MacBookPro18,3 System macOS 14\.6\.1 \(23G93\), arm64 Processor Apple M1 Pro, 8 cores/);
    expect(text).toContain('Memory 16 GB');
    expect(text).toContain('Up for 3 days 2 hours');
    expect(text).toContain('Logged-in user alice');
    expect(text).toContain('Serial number C02ZK0XXMD6M');
    // 09:15 UTC is 10:15 in Paris in November.
    expect(text).toContain('2026-11-30 10:15:00 GMT+1');
    expect(text).toContain('times in Europe/Paris');
    expect(text).not.toContain('2026-11-30T09:15:00');
    // The date the Mac gave the plist, not the date of the copy in the capture.
    const miner = result.items.find((i) => i.item.label === 'com.apple.rig2');
    expect(miner?.item.mtime).toBe(new Date(1_764_000_000_000).toISOString());
    expect(text).toContain('modified 2025-11-24 17:00:00 GMT+1');
  });

  it('redacted: no serial number and no user; the rest stays', async () => {
    const result = redactResult(await replay(restartingCapture(), DEFAULT_SCAN_OPTIONS));
    const page = toHtmlReport(result);
    expect(page).not.toContain('C02ZK0XXMD6M');
    expect(page).not.toContain('Serial number');
    expect(page).not.toContain('alices-mbp');
    expect(page).toContain('MacBookPro18,3');
  });

  it('a capture from an older collector (no machine facts) and one with a bad fact: the rest, and a note', async () => {
    const old = await replay(writeCapture(cookie), DEFAULT_SCAN_OPTIONS);
    expect(toHtmlReport(old)).toContain('2026-11-30 09:15:00 UTC');
    const bad = await replay(
      restartingCapture({ machine: { ...MACHINE, memoryBytes: 'lots', timeZone: 'Mars/Olympus', serial: 'a\u0007b' } }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(bad.notes).toContain(
      'manifest.json: field "host.machine.memoryBytes": Invalid input: expected number, received string; left out',
    );
    expect(bad.notes.some((n) => n.startsWith('manifest.json: field "host.machine.serial"'))).toBe(true);
    expect(bad.host.machine).toMatchObject({ model: 'MacBookPro18,3' });
    // A zone this runtime does not know: the recorded offset, said so.
    expect(toHtmlReport(bad)).toContain('2026-11-30 10:15:00 UTC+01:00');
  });

  it('the manager line for each outcome', async () => {
    const quiet = {
      path: '/Library/LaunchAgents/com.example.ok.plist',
      plist: { Label: 'com.example.ok', Program: '/usr/local/bin/ok' },
    };
    const clean = await replay(
      writeCapture({ ...cookie, items: [quiet], processes: cookie.processes.filter((p) => p.pid !== 820) }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(managerSummary(clean)).toBe('No cryptocurrency mining found on alices-mbp.');
    const incomplete = await replay(
      writeCapture({ ...cookie, items: [], emptyLaunchctlList: true }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(managerSummary(incomplete)).toMatch(/^Not conclusive: the scan of alices-mbp could not see enough/);
  });

  it('a host name cannot end the CSS string or the style element of the printed page', () => {
    expect(cssString('evil"; } </style><script>x')).toBe('evil\\22 \\3b  \\7d  \\3c \\2f style\\3e \\3c script\\3e x');
  });
});

describe('the CPU chart', () => {
  it('round ticks on both axes, the last time label inside the frame', () => {
    expect(niceTicks(402)).toEqual([0, 200, 400, 600]);
    expect(niceTicks(96)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(elapsedTicks(120_000)).toEqual({ ticks: [0, 50, 100], unit: 's', divisor: 1000 });
    expect(elapsedTicks(3_600_000)).toMatchObject({ ticks: [0, 20, 40, 60], unit: 'min' });
    const t0 = Date.parse('2026-11-30T09:15:07Z');
    expect(timeTicks(t0, t0 + 120_000).map((t) => new Date(t).toISOString().slice(11, 19))).toEqual([
      '09:15:30',
      '09:16:00',
      '09:16:30',
      '09:17:00',
    ]);
  });

  it("the live chart's time axis stays put between 30 s steps, the newest sample at most a step from its end", () => {
    const hhmmss = ([from, to]: [number, number]) => [from, to].map((t) => new Date(t).toISOString().slice(11, 19));
    const at = (time: string) => Date.parse(`2026-11-30T${time}Z`);
    expect(hhmmss(liveTimeDomain(at('09:15:01')))).toEqual(['09:05:30', '09:15:30']);
    // Samples every 5 s move nothing until the next step; the one on it closes the axis there.
    for (const time of ['09:15:05', '09:15:17.5', '09:15:29.9', '09:15:30'])
      expect(hhmmss(liveTimeDomain(at(time)))).toEqual(['09:05:30', '09:15:30']);
    expect(hhmmss(liveTimeDomain(at('09:15:30.001')))).toEqual(['09:06:00', '09:16:00']);
    const [from, to] = liveTimeDomain(at('09:15:01'));
    expect(to - from).toBe(DETAIL_HISTORY_MS);
  });

  it('keeps the samples a live axis shows, with one beyond each end so the line reaches the edges', () => {
    const points = [0, 10, 20, 30, 40, 50].map((t) => ({ t, percent: t }));
    expect(pointsAcross(points, 15, 35).map((p) => p.t)).toEqual([10, 20, 30, 40]);
    expect(pointsAcross(points, 20, 30).map((p) => p.t)).toEqual([10, 20, 30, 40]);
    expect(pointsAcross(points, -100, 100).map((p) => p.t)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(pointsAcross(points, 60, 90).map((p) => p.t)).toEqual([50]);
    expect(pointsAcross([], 0, 1)).toEqual([]);
  });

  it('finds the sample nearest the pointer', () => {
    const points = [0, 10, 20, 30].map((t) => ({ t }));
    expect([-5, 0, 4, 5, 6, 14, 16, 29, 99].map((t) => nearestPoint(points, t))).toEqual([0, 0, 0, 0, 1, 1, 2, 3, 3]);
    expect(nearestPoint([], 3)).toBe(-1);
  });

  it('puts the threshold label where the line does not run through it', () => {
    const y = (v: number) => 200 - v / 2; // 0% at 200, 400% at 0
    const flatHigh = Array.from({ length: 10 }, (_, i) => ({ t: i, percent: 85 }));
    expect(thresholdLabelPlace(flatHigh, 80, y, 0)).toBe('below-right');
    const flatLow = Array.from({ length: 10 }, (_, i) => ({ t: i, percent: 10 }));
    expect(thresholdLabelPlace(flatLow, 80, y, 0)).toBe('above-right');
    const around = Array.from({ length: 10 }, (_, i) => ({ t: i, percent: i % 2 ? 84 : 76 }));
    expect(thresholdLabelPlace(around, 80, y, 0)).toBe('above-left');
  });

  it('marks the restart (a new pid) and describes the real span in words', async () => {
    const result = await replay(restartingCapture(), { ...DEFAULT_SCAN_OPTIONS, windowSeconds: 60 });
    const miner = result.items.find((i) => i.item.label === 'com.apple.rig2');
    const restarts = miner?.history.filter((p) => p.restarted) ?? [];
    expect(restarts.map((p) => new Date(p.t).toISOString())).toEqual(['2026-11-30T09:16:00.000Z']);
    const page = toHtmlReport(result);
    expect(page).toContain('restarted: a new process at 2026-11-30 10:16:00 GMT+1');
    expect(page).toContain('CPU, % of one core');
    expect(page).toContain('time since 2026-11-30 10:15:10 GMT+1 (s)');
    expect(page).toMatch(/aria-labelledby="cpu-0-t cpu-0-d"/);
    const description = chartDescription(
      miner?.history ?? [],
      result.options.cpuThresholdPercent,
      'com.apple.rig2',
      (ms) => formatTime(ms, MACHINE),
    );
    expect(description).toMatch(
      /^com\.apple\.rig2, 12 samples from 2026-11-30 10:15:10 GMT\+1 to 2026-11-30 10:17:00 GMT\+1 \(110 s\): .* its process restarted once \(2026-11-30 10:16:00 GMT\+1\)\.$/,
    );
    expect(page.replace(/\s+/g, ' ')).toContain(description.replace(/\s+/g, ' '));
    // Straight segments between the samples: a polyline, no curve.
    expect(page).toMatch(/<polyline points="[\d.,\s]+"/);
    expect(page).not.toMatch(/<path d="[^"]*[CQS]/);
  });
});
