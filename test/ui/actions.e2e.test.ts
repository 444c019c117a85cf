// Disable with approval and Undo in the real UI (Chromium), live on this Linux machine: a unit whose
// process the test starts; systemctl is a shim that records its argv (no systemd runs here).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeShims } from '../support/shims';
import { systemctlModel } from '../support/systemctl-model';
import { CHROMIUM, CHROMIUM_FLAGS, startWeb } from '../support/web';

const root = join(__dirname, '../..');

describe.skipIf(!existsSync(CHROMIUM) || process.platform !== 'linux')(
  'disable and undo in the UI (needs Debian chromium, which .ci/run installs)',
  () => {
    const children: ChildProcess[] = [];
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
      children.forEach((c) => c.kill('SIGKILL'));
    });

    it('Disable shows the steps, Approve disables, Undo brings the unit file back byte for byte', async () => {
      const home = mkdtempSync(join(tmpdir(), 'lw-ui-home-'));
      const units = join(home, '.config/systemd/user');
      mkdirSync(units, { recursive: true });
      const argv = [process.execPath, join(root, 'test/e2e/programs/idle.mjs'), '--lw-ui-actions'];
      const unitText = `[Service]\nExecStart=${argv.join(' ')}\n\n[Install]\nWantedBy=default.target\n`;
      const unitPath = join(units, 'lw-ui-act.service');
      writeFileSync(unitPath, unitText);
      const worker = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
      children.push(worker);
      const exited = new Promise<string | null>((resolve) => worker.on('exit', (_c, signal) => resolve(signal)));
      const shims = makeShims({ systemctl: systemctlModel() });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        LAUNCHWATCH_STATE_DIR: join(home, 'state'),
        PATH: `${shims.dir}:${process.env.PATH}`,
      };
      delete env.XDG_CONFIG_HOME;
      const web = await startWeb(['--interval', '1', '--port', '0'], env);
      children.push(web.child);

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      const page = await browser.newPage({ viewport: { width: 420, height: 700 }, acceptDownloads: true });
      page.setDefaultTimeout(15_000);
      await page.goto(web.url);
      // This machine's history: the unit is new, and listed as such until someone approves it.
      await page.locator('.review', { hasText: 'lw-ui-act.service' }).waitFor();
      expect(await page.locator('.review-row', { hasText: 'lw-ui-act.service' }).textContent()).toMatch(/new \d{4}-/);
      await page.getByLabel('Search launch items').fill('lw-ui-act');
      await page.locator('button.item-row', { hasText: 'lw-ui-act.service' }).click();
      await page.getByRole('button', { name: 'Disable…' }).click();

      const sheet = page.getByRole('dialog');
      await sheet.waitFor();
      const steps = await sheet.locator('.plan-steps li').allTextContents();
      expect(steps).toEqual([
        'Stop it: systemctl --user stop lw-ui-act.service',
        'Keep it from starting again: systemctl --user disable lw-ui-act.service',
        expect.stringMatching(new RegExp(`^End what is left of its processes: ${worker.pid} `)),
        `Move ${unitPath} into Launchwatch's quarantine, with a byte-for-byte backup that Undo puts back`,
      ]);
      await page.screenshot({ path: join(root, 'test/artifacts/approval-sheet.png') });
      // Keyboard: focus starts on Cancel and Tab stays inside the sheet.
      // Focus is placed once the sheet is mounted (an effect): asked until it is.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve and disable');
      // The snapshot arrives each second and re-renders the page: focus stays where the user put it.
      // The open item's detail comes with each snapshot: the page asks nothing more of the server for it.
      const asked: string[] = [];
      const onRequest = (request: { url(): string }) => asked.push(new URL(request.url()).pathname);
      page.on('request', onRequest);
      await page.waitForTimeout(2500);
      page.off('request', onRequest);
      expect(asked.filter((path) => path === '/api/item' || path === '/api/review')).toEqual([]);
      expect(asked.filter((path) => path === '/api/item-history').length).toBeLessThanOrEqual(1);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve and disable');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      // Cancelling changes nothing.
      await sheet.getByRole('button', { name: 'Cancel' }).click();
      expect(existsSync(unitPath)).toBe(true);
      expect(readFileSync(shims.log, 'utf8')).toBe('');

      await page.getByRole('button', { name: 'Disable…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Approve and disable' }).click();
      await page.locator('.notice', { hasText: 'is disabled' }).waitFor();
      expect(existsSync(unitPath)).toBe(false);
      expect(await exited).toBe('SIGTERM');
      // Each change confirmed by asking systemd (is-active, is-enabled).
      expect(readFileSync(shims.log, 'utf8').trim().split('\n')).toEqual([
        'systemctl\t--user\tstop\tlw-ui-act.service',
        'systemctl\t--user\tis-active\tlw-ui-act.service',
        'systemctl\t--user\tdisable\tlw-ui-act.service',
        'systemctl\t--user\tis-enabled\tlw-ui-act.service',
      ]);

      const disabledRow = page.locator('.disabled-row', { hasText: 'lw-ui-act.service' });
      await disabledRow.waitFor();
      // The outcome is where the user is: at the top, with Undo right next to it, and focus on that Undo
      // (not on a row further down), through the snapshots that follow.
      await page.waitForTimeout(2500);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('notice-undo');
      await page.getByLabel('Search launch items').fill('');
      await page.screenshot({ path: join(root, 'test/artifacts/disabled.png') });
      await page.locator('.notice').getByRole('button', { name: 'Undo' }).click();
      await page.locator('.notice', { hasText: 'is back at' }).waitFor();
      expect(await page.locator('.notice').getByRole('button', { name: 'Undo' }).count()).toBe(0);
      expect(readFileSync(unitPath, 'utf8')).toBe(unitText);
      // Dismissed, a notice stays gone (the engine still lists it in the snapshot).
      await page.locator('.notice .dismiss').click();
      await page.waitForTimeout(1500);
      expect(await page.locator('.notice').count()).toBe(0);
      const row = page.locator('button.item-row', { hasText: 'lw-ui-act.service' });
      // Approve: the page stays on the item and shows its new state beside the notice.
      await row.click();
      // Its history on this Mac: first seen, verdicts over time.
      const past = page.locator('.item-history');
      await past.locator('dt', { hasText: 'First seen' }).waitFor();
      expect(await past.locator('.history-verdicts li').first().textContent()).toMatch(/: OK$/);
      await page.getByRole('button', { name: 'Approve this item' }).click();
      await page.locator('.notice', { hasText: 'is approved' }).waitFor();
      await page.getByRole('button', { name: 'Remove approval' }).waitFor();
      expect(await page.locator('#item-title').textContent()).toBe('lw-ui-act.service');
      // Approved since it appeared: off the review list.
      await page.getByRole('button', { name: '← All items' }).click();
      await page.locator('button.item-row').first().waitFor();
      await expect.poll(() => page.locator('.review-row', { hasText: 'lw-ui-act.service' }).count()).toBe(0);
      await row.click();
      await page.getByRole('button', { name: 'Remove approval' }).click();
      await page.locator('.notice', { hasText: 'judged again' }).waitFor();
      await page.getByRole('button', { name: '← All items' }).click();
      await row.click();
      // The item page is up (and listening for Escape) before the key is pressed.
      await page.locator('#item-title', { hasText: 'lw-ui-act.service' }).waitFor();
      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.className), { timeout: 5000 })
        .toContain('item-row');
      // Focus returns to the row once; later snapshots do not pull it back from where the user went.
      await page.getByLabel('Search launch items').focus();
      await page.waitForTimeout(2500);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search launch items');

      // Approvals through the gear: exported to a file, removed, and brought back from that file.
      await row.click();
      await page.getByRole('button', { name: 'Approve this item' }).click();
      await page.getByRole('button', { name: 'Remove approval' }).waitFor();
      const gear = page.getByRole('button', { name: 'Menu', exact: true });
      await gear.click();
      const [exported] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: 'Export Approvals…' }).click(),
      ]);
      expect(exported.suggestedFilename()).toBe('launchwatch-approvals.json');
      const approvalsFile = join(home, 'launchwatch-approvals.json');
      await exported.saveAs(approvalsFile);
      expect(readFileSync(approvalsFile, 'utf8')).toContain('lw-ui-act.service');
      await page.getByRole('button', { name: 'Remove approval' }).click();
      await page.getByRole('button', { name: 'Approve this item' }).waitFor();
      await gear.click();
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('menuitem', { name: 'Import Approvals…' }).click(),
      ]);
      await chooser.setFiles(approvalsFile);
      await page.locator('.notice', { hasText: 'Imported 1 approvals from launchwatch-approvals.json' }).waitFor();
      await page.getByRole('button', { name: 'Remove approval' }).waitFor();
      // Not an approvals file: a message naming it, nothing imported.
      writeFileSync(join(home, 'notes.json'), '{"hello":');
      await gear.click();
      const [again] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('menuitem', { name: 'Import Approvals…' }).click(),
      ]);
      await again.setFiles(join(home, 'notes.json'));
      await page.locator('.notice', { hasText: 'notes.json' }).waitFor();
    }, 90_000);
  },
);
