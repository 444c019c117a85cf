// The Electron shell: a menu-bar icon, a popover window, IPC, notifications and login items, wired to
// the app service. Thin on purpose: what it decides lives in main/shell/ and is tested there.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHANNELS,
  REPORT_FORMATS,
  type ActionOutcomeView,
  type ReportFormat,
  type ReportRequest,
  type SnapshotUpdate,
  type StatusSummary,
} from './api/contract';
import { ApprovalError, readApprovalsFile } from './actions/approvals-store';
import { copyFileAtomic, writeFileAtomic } from './actions/atomic-file';
import { actionServiceForThisMachine } from './actions/machine-actions';
import { AppService } from './app-service';
import { DEFAULT_SCAN_OPTIONS, type ScanResult } from './engine/model';
import { toCsv } from './engine/reports/csv';
import { toHtmlReport } from './engine/reports/html-report';
import { toScanDocument } from './engine/scan-document';
import { HistoryStore } from './history/history-store';
import { MacLiveReader } from './platform/macos/live-reader';
import { stateDir } from './platform/state-dir';
import { watchFolders } from './platform/watch-folders';
import { registerIpc, senderCheck } from './shell/ipc';
import { trayMenuTemplate } from './shell/menu';
import { notificationFor } from './shell/notifications';
import { trayState } from './shell/tray-state';
import { collectorPath, isOwnPage, popoverOptions, popoverPosition } from './shell/windows';
import { headlessArgs } from './shell/headless';
import { main } from './cli';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const PAGE = new URL('../renderer/index.html', import.meta.url).href;
const ASSETS = here('../../assets/');

// A second copy hands over to the first (second-instance) and exits at once, before it reads or
// changes anything: two monitors must never share one journal.
// Headless (Contents/Resources/launchwatch): the command line only, beside a running app if there is one.
const headless = headlessArgs(process.argv);
const primary = headless === undefined && app.requestSingleInstanceLock();
if (headless !== undefined) {
  app.dock?.hide();
  const io = {
    stdout: (t: string) => process.stdout.write(t),
    stderr: (t: string) => process.stderr.write(t),
    stderrStream: process.stderr,
  };
  main(headless, io).then(
    (code) => app.exit(code),
    (error: unknown) => {
      process.stderr.write(`launchwatch: internal error: ${(error as Error).message}\n`);
      app.exit(2);
    },
  );
} else if (!primary) app.exit(0);

let tray: Tray | undefined;
let popover: BrowserWindow | undefined;
// This Mac's history, opened once for the app's life: a store that cannot open costs the baselines, not the watch.
let history: HistoryStore | null | undefined;
function historyStore(): HistoryStore | undefined {
  if (history === undefined) {
    try {
      history = HistoryStore.open(stateDir());
    } catch (error) {
      process.stderr.write(`launchwatch: no history this time: ${(error as Error).message}\n`);
      history = null;
    }
  }
  return history ?? undefined;
}
const liveService = (): AppService => {
  const store = historyStore();
  return AppService.live(
    new MacLiveReader(),
    { ...DEFAULT_SCAN_OPTIONS, intervalMs: 5000, watch: watchFolders },
    actionServiceForThisMachine(),
    store,
  );
};
// Created once the app is ready (and only in the first copy).
let service!: AppService;
let lastBlurHide = 0;
const smokeTest = process.argv.includes('--smoke-test');
const notifications = new Set<Notification>();

function popoverWindow(): BrowserWindow {
  if (popover && !popover.isDestroyed()) return popover;
  popover = new BrowserWindow(popoverOptions(here('./preload.cjs')));
  // Like a menu-bar menu: over full-screen apps and on the current Space, without turning the app into
  // one with a Dock icon.
  popover.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
  const contents = popover.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, PAGE)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  popover.on('blur', () => {
    lastBlurHide = Date.now();
    popover?.hide();
  });
  // A hidden popover is sent nothing, and nothing is built for it; shown, it gets the latest at once.
  popover.on('show', () => watchSnapshots(true));
  popover.on('hide', () => watchSnapshots(false));
  void popover.loadURL(PAGE);
  return popover;
}

function showPopover(): void {
  const window = popoverWindow();
  if (tray) {
    const bounds = tray.getBounds();
    const { x, y } = popoverPosition(bounds, screen.getDisplayMatching(bounds).workArea);
    window.setPosition(x, y, false);
  }
  window.show();
  window.focus();
}

function togglePopover(): void {
  if (popover?.isVisible()) popover.hide();
  // Clicking the icon first blurs the popover (which hides it): that click meant "close".
  else if (Date.now() - lastBlurHide > 250) showPopover();
}

/** Opens an item in the popover, once its page has loaded (a new window drops earlier messages). */
function openItem(itemId: string): void {
  showPopover();
  const contents = popover?.webContents;
  if (!contents) return;
  if (contents.isLoading()) contents.once('did-finish-load', () => contents.send(CHANNELS.openItem, itemId));
  else contents.send(CHANNELS.openItem, itemId);
}

function refreshTray(status: StatusSummary = service.status()): void {
  if (!tray) return;
  const state = trayState(status);
  const image = nativeImage.createFromPath(`${ASSETS}tray/${state.icon}`);
  image.setTemplateImage(state.template);
  tray.setImage(image);
  tray.setToolTip(state.tooltip);
  tray.setTitle(state.title);
}

function showMenu(): void {
  const snapshot = service.status();
  const menu = Menu.buildFromTemplate(
    trayMenuTemplate(
      {
        paused: snapshot.paused,
        startAtLogin: app.getLoginItemSettings().openAtLogin,
        isCapture: service.isCapture,
        checkingDaemons: service.checkingDaemons,
      },
      {
        open: showPopover,
        togglePause: () => service.setPaused(!service.status().paused),
        exportReport: () => void exportReport({ format: 'html', redacted: false }).then(showFailure),
        exportRedactedReport: () => void exportReport({ format: 'html', redacted: true }).then(showFailure),
        importApprovals: () => void importApprovals(),
        exportApprovals: () => void exportApprovals().then(showFailure),
        saveCollector: () => void saveCollector(),
        checkDaemons: () => void service.checkDaemonsAsAdmin(),
        stopDaemonCheck: () => void service.stopDaemonCheck(),
        openCapture: () => void chooseCapture().then(showFailure),
        backToLive: backToThisMac,
        toggleStartAtLogin: () => app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin }),
        quit: () => app.quit(),
      },
    ),
  );
  tray?.popUpContextMenu(menu);
}

const REPORT_FILTERS: Record<ReportFormat, { name: string; extensions: string[] }> = {
  html: { name: 'HTML report', extensions: ['html'] },
  pdf: { name: 'PDF', extensions: ['pdf'] },
  json: { name: 'JSON (scan document)', extensions: ['json'] },
  csv: { name: 'CSV', extensions: ['csv'] },
};

/** Export: HTML, PDF (the same HTML printed by Chromium), JSON or CSV, by the file name chosen. */
async function exportReport(request: ReportRequest): Promise<ActionOutcomeView> {
  let result: ScanResult;
  try {
    result = service.reportResult(request.redacted);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const { filePath, canceled } = await dialog.showSaveDialog({
    title: request.redacted ? 'Export report for posting in public' : 'Export report',
    defaultPath: service.reportFileName(request.format, request.redacted),
    // The format asked for first; the others stay choosable by name.
    filters: [
      REPORT_FILTERS[request.format],
      ...REPORT_FORMATS.filter((f) => f !== request.format).map((f) => REPORT_FILTERS[f]),
    ],
  });
  if (canceled || !filePath) return { ok: false, canceled: true, message: 'The report was not saved.' };
  try {
    // Whole or not at all: a report saved over an older one never leaves half of either.
    writeFileAtomic(filePath, await exportBytes(filePath, result), 0o600);
    return { ok: true, message: `Report saved to ${filePath}.` };
  } catch (error) {
    return { ok: false, message: `The report could not be written to ${filePath}: ${(error as Error).message}` };
  }
}

/** From the tray menu there is no window to show an outcome in: a failure gets a dialog (a cancel does not). */
function showFailure(outcome: ActionOutcomeView): void {
  if (!outcome.ok && !outcome.canceled) dialog.showErrorBox('Launchwatch', outcome.message);
}

async function exportBytes(path: string, result: ScanResult): Promise<Buffer | string> {
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (extension === '.json') return `${JSON.stringify(toScanDocument(result), null, 2)}\n`;
  if (extension === '.csv') return toCsv(result);
  const page = toHtmlReport(result);
  if (extension !== '.pdf') return page;
  // Printed in a window that runs no script and loads nothing but the page itself.
  const dir = await mkdtemp(join(tmpdir(), 'launchwatch-report-'));
  const htmlPath = join(dir, 'report.html');
  await writeFile(htmlPath, page, { mode: 0o600 });
  const printer = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false },
  });
  try {
    await printer.loadFile(htmlPath);
    // The paper and the page margins (host name, page numbers) come from the report's @page rule, as in
    // the CLI's Chromium: the same PDF from both.
    return await printer.webContents.printToPDF({ printBackground: true, pageSize: 'A4', preferCSSPageSize: true });
  } finally {
    printer.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

async function importApprovals(): Promise<void> {
  const { filePaths, canceled } = await dialog.showOpenDialog({
    title: 'Import approved items',
    properties: ['openFile'],
    filters: [{ name: 'JSON', extensions: ['json'] }],
  });
  if (canceled || !filePaths[0]) return;
  try {
    // Bounded, and only a regular file: a device or a huge file is refused before it is read.
    const text = readApprovalsFile(filePaths[0]);
    if (text === undefined) throw new ApprovalError(`${filePaths[0]}: no such file`);
    const message = service.importApprovals(text, filePaths[0]);
    void dialog.showMessageBox({ message });
  } catch (error) {
    dialog.showErrorBox('These approvals cannot be imported', (error as Error).message);
  }
}

async function exportApprovals(): Promise<ActionOutcomeView> {
  if (service.isCapture) return { ok: false, message: 'Approvals belong to this Mac: go back to it to export them.' };
  const { filePath, canceled } = await dialog.showSaveDialog({
    title: 'Export approved items',
    defaultPath: 'launchwatch-approvals.json',
    filters: [{ name: 'JSON', extensions: ['json'] }],
  });
  if (canceled || !filePath) return { ok: false, canceled: true, message: 'The approved items were not exported.' };
  try {
    writeFileAtomic(filePath, service.exportApprovals(), 0o644);
    return { ok: true, message: `Approved items saved to ${filePath}.` };
  } catch (error) {
    return { ok: false, message: `${filePath}: ${(error as Error).message}` };
  }
}

/** collect.sh, shipped beside app.asar (extraResources) so a helpdesk can send it as it is. */
async function saveCollector(): Promise<void> {
  const { filePath, canceled } = await dialog.showSaveDialog({
    title: 'Save Collector Script',
    defaultPath: 'collect.sh',
  });
  if (canceled || !filePath) return;
  try {
    // Whole and runnable, or not at all; a failure is said (from the tray there is no window to say it in).
    copyFileAtomic(collectorPath(app.isPackaged, process.resourcesPath, ASSETS), filePath, 0o755);
  } catch (error) {
    dialog.showErrorBox('Launchwatch', `The collector could not be saved to ${filePath}: ${(error as Error).message}`);
  }
}

async function chooseCapture(): Promise<ActionOutcomeView> {
  const { filePaths, canceled } = await dialog.showOpenDialog({
    title: 'Open Capture',
    properties: ['openFile', 'openDirectory'],
    filters: [{ name: 'Capture', extensions: ['gz', 'tgz'] }],
  });
  if (canceled || !filePaths[0]) return { ok: false, canceled: true, message: 'No capture was opened.' };
  return openCapture(filePaths[0]);
}

/** Shows a capture with the same views as this Mac; a broken one is named with the file and field. */
async function openCapture(path: string): Promise<{ ok: boolean; message: string }> {
  try {
    const opened = await AppService.fromCapture(path, DEFAULT_SCAN_OPTIONS);
    service.stop();
    service = opened;
    wireService();
    showPopover();
    return { ok: true, message: `Showing the capture ${path}.` };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function backToThisMac(): ActionOutcomeView {
  service.stop();
  service = liveService();
  wireService();
  void service.recover();
  return { ok: true, message: 'Watching this Mac again.' };
}

let stopSnapshots: (() => void) | undefined;
/** Snapshots flow to the popover only while it is shown. */
function watchSnapshots(visible: boolean): void {
  stopSnapshots?.();
  stopSnapshots = undefined;
  if (!visible || !popover || popover.isDestroyed()) return;
  // The first update is the whole snapshot; the page asks again if it was not listening yet.
  stopSnapshots = service.onSnapshot((update: SnapshotUpdate) => {
    if (popover && !popover.isDestroyed()) popover.webContents.send(CHANNELS.snapshot, update);
  });
}

let unwire: (() => void)[] = [];
function wireService(): void {
  unwire.forEach((off) => off());
  unwire = [
    service.onStatus((status) => refreshTray(status)),
    () => stopSnapshots?.(),
    service.onEvent((event) => {
      const request = notificationFor(event);
      if (!request || !Notification.isSupported()) return;
      const notification = new Notification({ title: request.title, body: request.body });
      // Held until clicked or closed: a collected notification loses its click handler.
      notifications.add(notification);
      notification.on('click', () => {
        notifications.delete(notification);
        openItem(request.itemId);
      });
      notification.on('close', () => notifications.delete(notification));
      notification.show();
    }),
  ];
  service.start();
  refreshTray();
  watchSnapshots(popover?.isVisible() === true);
}

app.on('second-instance', showPopover);
app.on('web-contents-created', (_event, contents) => {
  // The page links nowhere: no window opens, and nothing is handed to the browser.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
app.on('window-all-closed', () => {
  // A menu-bar app lives on with no window open.
});

if (primary)
  void app.whenReady().then(() => {
    service = liveService();
    app.dock?.hide();
    // No remote content, ever: refuse every permission request and any request leaving file://.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.webRequest.onBeforeRequest((details, callback) =>
      callback({ cancel: !/^(file|devtools):/.test(details.url) }),
    );
    registerIpc(
      ipcMain,
      () => service,
      senderCheck(() => popover?.webContents.id, PAGE),
      {
        openCapture,
        exportReport,
        exportApprovals,
        openCaptureDialog: chooseCapture,
        backToLive: async () => backToThisMac(),
        revealFile: (path) => {
          shell.showItemInFolder(path);
          return { ok: true, message: `Shown in the Finder: ${path}` };
        },
        copyText: (text) => clipboard.writeText(text),
      },
    );
    tray = new Tray(nativeImage.createFromPath(`${ASSETS}tray/trayTemplate.png`));
    // A quick second click is a second click, not a double-click that is swallowed.
    tray.setIgnoreDoubleClickEvents(true);
    tray.on('click', togglePopover);
    tray.on('right-click', showMenu);
    wireService();
    void service.recover();
    if (smokeTest) runSmokeTest();
  });

/** --smoke-test (the macOS CI workflow): the tray and the window exist and the page loads; one line, then exit. */
function runSmokeTest(): void {
  const window = popoverWindow();
  const contents = window.webContents;
  const finish = (ok: boolean, why: string): void => {
    process.stdout.write(`launchwatch smoke test: ${ok ? 'ok' : 'failed'} (${why})\n`);
    app.exit(ok ? 0 : 1);
  };
  setTimeout(() => finish(false, 'the page did not load within 30 s'), 30_000).unref();
  const check = (): void => finish(tray !== undefined && !contents.isDestroyed(), `tray and window up, page ${PAGE}`);
  if (contents.isLoading()) {
    contents.once('did-finish-load', check);
    contents.once('did-fail-load', (_event, code, description) =>
      finish(false, `page failed to load: ${code} ${description}`),
    );
  } else check();
}

app.on('before-quit', () => {
  service?.stop();
  history?.close();
});
