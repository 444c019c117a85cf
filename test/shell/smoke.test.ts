// `Launchwatch --smoke-test` (the macOS CI workflow's check that the app starts): the tray and the window
// come up, the page loads, one line is printed, and the app exits 0.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { electronMock, recorded } from './electron-mock';

vi.mock('electron', () => electronMock);

const argv = process.argv;
afterAll(() => {
  process.argv = argv;
  recorded.appListeners.get('before-quit')?.forEach((l) => l());
});

describe('smoke mode', () => {
  it('prints one line and exits 0 once the tray and the page are up', async () => {
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((text: string) => {
      out += text;
      return true;
    }) as typeof process.stdout.write);
    process.env.LAUNCHWATCH_STATE_DIR = (await import('node:fs')).mkdtempSync(
      `${(await import('node:os')).tmpdir()}/lw-smoke-`,
    );
    process.argv = ['/Applications/Launchwatch.app/Contents/MacOS/Launchwatch', '--smoke-test'];
    await import('../../main/app');
    await vi.waitFor(() => expect(recorded.exits).toEqual([0]), { timeout: 15_000 });
    write.mockRestore();
    expect(out).toMatch(/^launchwatch smoke test: ok \(tray and window up, page file:\/\/.*index\.html\)\n$/m);
    expect(recorded.trays).toHaveLength(1);
    expect(recorded.windows).toHaveLength(1);
  });
});
