// The app binary started with --cli (Contents/Resources/launchwatch): the command line runs, with its exit
// status, and no tray, window or single-instance lock comes up.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { headlessArgs } from '../../main/shell/headless';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';
import { electronMock, recorded } from './electron-mock';

vi.mock('electron', () => electronMock);

const argv = process.argv;
afterAll(() => {
  process.argv = argv;
});

describe('headless mode', () => {
  it('takes the CLI arguments after --cli, and nothing without it', () => {
    expect(headlessArgs(['/A/Launchwatch', '--cli', 'scan', '--json'])).toEqual(['scan', '--json']);
    expect(headlessArgs(['/A/Launchwatch'])).toBeUndefined();
  });

  it('runs scan --json on a capture through the app module and exits with the scan status', async () => {
    const capture = writeCapture(scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec);
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((text: string) => {
      out += text;
      return true;
    }) as typeof process.stdout.write);
    process.argv = [
      '/Applications/Launchwatch.app/Contents/MacOS/Launchwatch',
      '--cli',
      'scan',
      '--replay',
      capture,
      '--json',
    ];
    await import('../../main/app');
    await vi.waitFor(() => expect(recorded.exits).toEqual([1]), { timeout: 15_000 });
    write.mockRestore();
    expect(JSON.parse(out).items.some((i: { verdict: string }) => i.verdict === 'mining')).toBe(true);
    expect(recorded.trays).toEqual([]);
    expect(recorded.windows).toEqual([]);
  });
});
