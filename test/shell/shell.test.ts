import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ItemSummary, Snapshot, SnapshotUpdate } from '../../main/api/contract';
import { CHANNELS } from '../../main/api/contract';
import type { LaunchItem } from '../../main/engine/model';
import { trayMenuTemplate } from '../../main/shell/menu';
import { notificationFor } from '../../main/shell/notifications';
import { INVOKE_CHANNELS, registerIpc, senderCheck } from '../../main/shell/ipc';
import { trayState } from '../../main/shell/tray-state';
import { collectorPath, isOwnPage, popoverOptions, popoverPosition } from '../../main/shell/windows';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture } from '../support/capture-builder';
import { scenarios } from '../support/scenarios';
import { electronMock, FakeWebContents, recorded, type FakeWindow } from './electron-mock';

vi.mock('electron', () => electronMock);

const summary = (verdict: ItemSummary['verdict'], id: string = verdict): ItemSummary => ({
  id,
  label: id,
  plistPath: `/L/${id}.plist`,
  kind: 'LaunchAgent',
  scope: 'user',
  verdict,
  score: 0,
  running: true,
  cpuPercent: 0,
  sparkline: [],
  destinationCount: 0,
});
const snapshot = (items: ItemSummary[], extra: Partial<Snapshot> = {}): Snapshot => ({
  source: { kind: 'live', hostname: 'h', os: 'macOS', osVersion: '14', privileged: false },
  actionsAvailable: true,
  actions: [],
  notices: [],
  paused: false,
  options: { windowSeconds: 120, cpuThresholdPercent: 25 },
  samples: 2,
  notes: [],
  items,
  ...extra,
});
const launchItem = { id: '/L/x.plist', label: 'com.x', plistPath: '/L/x.plist' } as LaunchItem;

describe('tray state from verdicts', () => {
  it('shows the worst verdict, with template images only for the calm states', () => {
    expect(trayState(snapshot([summary('ok')]))).toMatchObject({
      level: 'clear',
      icon: 'trayTemplate.png',
      template: true,
      title: '',
    });
    expect(trayState(snapshot([summary('ok'), summary('high-cpu')]))).toMatchObject({
      level: 'high-cpu',
      template: true,
      tooltip: 'Launchwatch: 1 high CPU',
    });
    expect(trayState(snapshot([summary('high-cpu'), summary('suspicious')]))).toMatchObject({
      level: 'suspicious',
      icon: 'tray-suspicious.png',
      template: false,
      title: '1',
    });
    expect(
      trayState(snapshot([summary('suspicious'), summary('mining', 'm1'), summary('mining', 'm2')])),
    ).toMatchObject({
      level: 'mining',
      icon: 'tray-mining.png',
      title: '3',
      tooltip: 'Launchwatch: 2 mining, 1 suspicious',
    });
    expect(trayState(snapshot([summary('approved')])).level).toBe('clear');
    expect(trayState(snapshot([], { paused: true })).tooltip).toContain('(paused)');
    expect(trayState(undefined).tooltip).toContain('first samples');
  });
});

describe('tray menu', () => {
  it('has Open, Pause, Export, Open Capture, Start at login and Quit, reflecting state', () => {
    const actions = {
      open: vi.fn(),
      togglePause: vi.fn(),
      exportReport: vi.fn(),
      exportRedactedReport: vi.fn(),
      importApprovals: vi.fn(),
      exportApprovals: vi.fn(),
      saveCollector: vi.fn(),
      checkDaemons: vi.fn(),
      stopDaemonCheck: vi.fn(),
      openCapture: vi.fn(),
      backToLive: vi.fn(),
      toggleStartAtLogin: vi.fn(),
      quit: vi.fn(),
    };
    const template = trayMenuTemplate({ paused: true, startAtLogin: true, isCapture: false }, actions);
    expect(template.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      'Open',
      'Resume monitoring',
      'Check Daemons as Administrator...',
      'Export report...',
      'Export report for posting in public (redacted)...',
      'Open Capture...',
      'Save Collector Script...',
      'Import approved items...',
      'Export approved items...',
      'Start at login',
      'Quit Launchwatch',
    ]);
    expect(template.find((i) => i.id === 'login')).toMatchObject({ type: 'checkbox', checked: true });
    const forCapture = trayMenuTemplate({ paused: false, startAtLogin: false, isCapture: true }, actions);
    expect(forCapture.find((i) => i.id === 'pause')).toMatchObject({ label: 'Pause monitoring', enabled: false });
    expect(forCapture.find((i) => i.id === 'live')?.label).toBe('Back to This Mac');
    expect(template.find((i) => i.id === 'live')).toBeUndefined();
    const checking = trayMenuTemplate(
      { paused: false, startAtLogin: false, isCapture: false, checkingDaemons: true },
      actions,
    );
    expect(checking.find((i) => i.id === 'check-daemons')?.label).toBe('Stop Checking Daemons');
    expect(forCapture.find((i) => i.id === 'check-daemons')?.enabled).toBe(false);
  });
});

describe('windows', () => {
  it('finds the collector outside app.asar when packaged, in assets/ from the sources', () => {
    expect(collectorPath(true, '/Applications/Launchwatch.app/Contents/Resources', '/x/assets/')).toBe(
      '/Applications/Launchwatch.app/Contents/Resources/collect.sh',
    );
    expect(collectorPath(false, '/r', '/repo/assets/')).toBe('/repo/assets/collect.sh');
  });

  it('locks the renderer down and places the popover under the icon, on screen', () => {
    expect(popoverOptions('/p.cjs').webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/p.cjs',
    });
    expect(
      popoverPosition({ x: 1000, y: 0, width: 22, height: 24 }, { x: 0, y: 24, width: 1440, height: 876 }),
    ).toEqual({ x: 801, y: 28 });
    expect(popoverPosition({ x: 1420, y: 0, width: 22, height: 24 }, { x: 0, y: 24, width: 1440, height: 876 }).x).toBe(
      1440 - 420 - 4,
    );
    expect(isOwnPage('file:///app/index.html#x', 'file:///app/index.html')).toBe(true);
    expect(isOwnPage('https://evil.example/', 'file:///app/index.html')).toBe(false);
  });
});

describe('notifications', () => {
  it('notifies when an item becomes mining or suspicious, appears or changes; not for the rest', () => {
    expect(notificationFor({ type: 'verdict-changed', item: launchItem, from: 'ok', to: 'mining' })).toMatchObject({
      itemId: '/L/x.plist',
      title: 'A launch item is mining',
    });
    expect(
      notificationFor({ type: 'verdict-changed', item: launchItem, from: 'ok', to: 'suspicious' })?.title,
    ).toContain('looks like a miner');
    expect(notificationFor({ type: 'item-added', item: launchItem })?.title).toBe('New launch item');
    expect(notificationFor({ type: 'verdict-changed', item: launchItem, from: 'mining', to: 'ok' })).toBeUndefined();
    expect(notificationFor({ type: 'item-changed', item: launchItem, what: ['plist', 'program'] })).toMatchObject({
      itemId: '/L/x.plist',
      title: 'A launch item changed',
      body: expect.stringContaining('its property list and program changed.'),
    });
    expect(notificationFor({ type: 'item-changed', item: launchItem, what: ['files'] })?.body).toContain(
      'its scripts or configs changed.',
    );
    expect(notificationFor({ type: 'verdict-changed', item: launchItem, from: 'ok', to: 'high-cpu' })).toBeUndefined();
  });
});

describe('IPC', () => {
  const service = {
    snapshot: vi.fn(() => 'snap'),
    item: vi.fn(),
    setOptions: vi.fn(() => 'set'),
    setPaused: vi.fn(() => 'paused'),
  };
  const handlers = new Map<string, (event: unknown, payload?: unknown) => unknown>();
  const ipc = {
    handle: (c: string, h: (event: unknown, payload?: unknown) => unknown) => handlers.set(c, h),
    removeHandler: (c: string) => handlers.delete(c),
  };
  const page = 'file:///app/dist/renderer/index.html';
  const trusted = { sender: { id: 7 }, senderFrame: { url: page, parent: null } };
  registerIpc(
    ipc as never,
    () => service as never,
    senderCheck(() => 7, page),
  );

  it('handles valid messages from the popover', async () => {
    expect(await handlers.get(CHANNELS.getSnapshot)?.(trusted)).toBe('snap');
    expect(await handlers.get(CHANNELS.setOptions)?.(trusted, { windowSeconds: 60, cpuThresholdPercent: 50 })).toBe(
      'set',
    );
    expect(service.setOptions).toHaveBeenCalledWith({ windowSeconds: 60, cpuThresholdPercent: 50 });
  });

  it('refuses invalid payloads and other senders, and never calls the service for them', () => {
    service.setOptions.mockClear();
    expect(() =>
      handlers.get(CHANNELS.setOptions)?.(trusted, { windowSeconds: 'soon', cpuThresholdPercent: 25 }),
    ).toThrow(/invalid payload/);
    expect(() =>
      handlers.get(CHANNELS.setOptions)?.(trusted, { windowSeconds: 60, cpuThresholdPercent: 25, extra: 1 }),
    ).toThrow(/invalid payload/);
    expect(() => handlers.get(CHANNELS.setPaused)?.(trusted, 'yes')).toThrow(/invalid payload/);
    expect(() => handlers.get(CHANNELS.getItem)?.(trusted, '')).toThrow(/invalid payload/);
    // An approvals file over 4 MiB, or named with control characters, never reaches the service.
    expect(() =>
      handlers.get(CHANNELS.importApprovals)?.(trusted, { name: 'a.json', text: 'x'.repeat(4 * 1024 * 1024 + 1) }),
    ).toThrow(/invalid payload: an approvals file is at most 4 MiB/);
    expect(() => handlers.get(CHANNELS.importApprovals)?.(trusted, { name: 'a\u001b.json', text: '[]' })).toThrow(
      /invalid payload/,
    );
    expect(() =>
      handlers.get(CHANNELS.getSnapshot)?.({ sender: { id: 8 }, senderFrame: { url: page, parent: null } }),
    ).toThrow(/unexpected sender/);
    expect(() =>
      handlers.get(CHANNELS.getSnapshot)?.({
        sender: { id: 7 },
        senderFrame: { url: 'https://evil.example/', parent: null },
      }),
    ).toThrow(/unexpected sender/);
    // Not a prefix match: a page whose URL merely starts with ours is someone else's.
    expect(() =>
      handlers.get(CHANNELS.getSnapshot)?.({
        sender: { id: 7 },
        senderFrame: { url: `${page}.evil.html`, parent: null },
      }),
    ).toThrow(/unexpected sender/);
    // Only the main frame: an iframe inside our own page (even showing our page) is refused.
    expect(() =>
      handlers.get(CHANNELS.getSnapshot)?.({ sender: { id: 7 }, senderFrame: { url: page, parent: { url: page } } }),
    ).toThrow(/unexpected sender/);
    expect(() => handlers.get(CHANNELS.getSnapshot)?.({ sender: { id: 7 }, senderFrame: null })).toThrow(
      /unexpected sender/,
    );
    expect(
      handlers.get(CHANNELS.getSnapshot)?.({
        sender: { id: 7 },
        senderFrame: { url: `${page}#/item/x`, parent: null },
      }),
    ).toBe('snap');
    expect(service.setOptions).not.toHaveBeenCalled();
  });
});

describe('pivots over IPC: the page names an item, never a path', () => {
  it('shows in the Finder only the file the service knows for the item; copies validated text', async () => {
    const handlers = new Map<string, (event: unknown, payload?: unknown) => unknown>();
    const ipc = {
      handle: (c: string, f: (event: unknown, payload?: unknown) => unknown) => handlers.set(c, f),
      removeHandler: vi.fn(),
    };
    const service = {
      itemFilePath: vi.fn((id: string, which: string) =>
        id === '/L/x.plist' && which === 'plist' ? '/Users/alice/Library/LaunchAgents/x.plist' : undefined,
      ),
    };
    const revealFile = vi.fn(() => ({ ok: true, message: 'shown' }));
    const copyText = vi.fn();
    const page = 'file:///app/dist/renderer/index.html';
    const trusted = { sender: { id: 7 }, senderFrame: { url: page, parent: null } };
    registerIpc(
      ipc as never,
      () => service as never,
      senderCheck(() => 7, page),
      {
        openCapture: vi.fn(),
        exportReport: vi.fn(),
        exportApprovals: vi.fn(),
        openCaptureDialog: vi.fn(),
        backToLive: vi.fn(),
        revealFile,
        copyText,
      } as never,
    );
    expect(await handlers.get(CHANNELS.revealItemFile)?.(trusted, { itemId: '/L/x.plist', which: 'plist' })).toEqual({
      ok: true,
      message: 'shown',
    });
    expect(revealFile).toHaveBeenCalledWith('/Users/alice/Library/LaunchAgents/x.plist');
    expect(
      await handlers.get(CHANNELS.revealItemFile)?.(trusted, { itemId: '/etc/passwd', which: 'plist' }),
    ).toMatchObject({
      ok: false,
    });
    expect(revealFile).toHaveBeenCalledTimes(1);
    expect(() => handlers.get(CHANNELS.revealItemFile)?.(trusted, { path: '/etc/passwd' })).toThrow(/invalid payload/);
    handlers.get(CHANNELS.copyText)?.(trusted, 'a'.repeat(64));
    expect(copyText).toHaveBeenCalledWith('a'.repeat(64));
    expect(() => handlers.get(CHANNELS.copyText)?.(trusted, 'x\u001b[2J')).toThrow(/invalid payload/);
  });
});

describe('the shell wired to a mocked electron', () => {
  beforeAll(async () => {
    // The app keeps its journal and history in the state folder: a test's, not this machine's.
    process.env.LAUNCHWATCH_STATE_DIR = mkdtempSync(join(tmpdir(), 'lw-shell-state-'));
    await import('../../main/app');
    await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(() => recorded.appListeners.get('before-quit')?.forEach((l) => l()));

  it('puts one tray icon up, refuses permissions and remote requests, registers every channel', () => {
    expect(recorded.trays).toHaveLength(1);
    expect([...recorded.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(INVOKE_CHANNELS).toHaveLength(Object.keys(CHANNELS).length - 2);
    let allowed: boolean | undefined;
    recorded.permissionHandler?.({}, 'media', (ok) => (allowed = ok));
    expect(allowed).toBe(false);
    let cancel: boolean | undefined;
    recorded.requestFilter?.({ url: 'https://example.com/x.js' }, (r) => (cancel = r.cancel));
    expect(cancel).toBe(true);
    recorded.requestFilter?.({ url: 'file:///app/dist/renderer/index.html' }, (r) => (cancel = r.cancel));
    expect(cancel).toBe(false);
  });

  it('opens the secure popover on click, under the icon, and hides it on the next click', () => {
    const tray = recorded.trays[0]!;
    tray.emit('click');
    expect(recorded.windows).toHaveLength(1);
    const window = recorded.windows[0] as FakeWindow;
    expect(window.visible).toBe(true);
    expect(window.loaded).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(window.options.webPreferences as Record<string, unknown>).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(window.position).toEqual([801, 28]);
    // Opens over full-screen apps and on the current Space, as a menu-bar menu does, without a Dock icon.
    expect(window.allWorkspaces).toEqual([true, { visibleOnFullScreen: true, skipTransformProcessType: true }]);
    expect(tray.ignoresDoubleClicks).toBe(true);
    expect(window.webContents.openHandler?.({ url: 'https://x' })).toEqual({ action: 'deny' });
    // Any web contents (a page, a devtools window): window.open is denied and nothing goes to the browser.
    const other = new FakeWebContents();
    for (const listener of recorded.appListeners.get('web-contents-created') ?? []) listener({}, other);
    expect(other.openHandler?.({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    expect(recorded.externalOpens).toEqual([]);
    let prevented = false;
    window.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    tray.emit('click');
    expect(window.visible).toBe(false);
    tray.emit('click');
    expect(window.visible).toBe(true);
    expect(recorded.windows).toHaveLength(1);
    // Clicking the icon while the popover is open blurs it first (which hides it): it stays closed.
    window.emit('blur');
    tray.emit('click');
    expect(window.visible).toBe(false);
  });

  it('sends snapshots only while the popover is shown; the tray follows every change either way', async () => {
    const window = recorded.windows[0] as FakeWindow;
    const tray = recorded.trays[0]!;
    const sender = { sender: { id: window.webContents.id }, senderFrame: { url: window.loaded, parent: null } };
    const setPaused = recorded.handlers.get(CHANNELS.setPaused)!;
    const pushed = () => window.webContents.sent.filter(([channel]) => channel === CHANNELS.snapshot).length;
    // The live monitor's first tick (this machine's /proc) judges before the tray says anything else.
    for (let i = 0; i < 200 && tray.tooltip.includes('taking the first samples'); i++) await sleep(50);
    window.hide();
    const before = pushed();
    await setPaused(sender, true);
    expect(pushed()).toBe(before);
    expect(tray.tooltip).toContain('(paused)');
    window.show();
    expect(pushed()).toBe(before + 1);
    await setPaused(sender, false);
    expect(pushed()).toBe(before + 2);
    expect(tray.tooltip).not.toContain('(paused)');
    // Shown: the whole snapshot first, then what changed; a page that lost track gets a whole one again.
    const last = (): SnapshotUpdate =>
      window.webContents.sent.filter(([c]) => c === CHANNELS.snapshot).at(-1)![1] as SnapshotUpdate;
    const shownFirst = window.webContents.sent.filter(([c]) => c === CHANNELS.snapshot)[before]![1] as SnapshotUpdate;
    expect('snapshot' in shownFirst).toBe(true);
    expect(last()).toMatchObject({ base: shownFirst.seq, rest: { paused: false } });
    await recorded.handlers.get(CHANNELS.resendSnapshot)!(sender);
    expect(pushed()).toBe(before + 3);
    expect('snapshot' in last()).toBe(true);
    window.hide();
    await setPaused(sender, true);
    await setPaused(sender, false);
    expect(pushed()).toBe(before + 3);
  }, 20_000);

  it('opens a dropped capture through IPC, refusing paths that are not absolute, naming a broken capture', async () => {
    const open = recorded.handlers.get(CHANNELS.openCapture)!;
    const window = recorded.windows[0] as FakeWindow;
    const sender = { sender: { id: window.webContents.id }, senderFrame: { url: window.loaded, parent: null } };
    expect(() => open(sender, 'relative/capture.tar.gz')).toThrow(/invalid payload/);
    expect(() => open(sender, '/tmp/a\nb')).toThrow(/invalid payload/);
    const broken = mkdtempSync(join(tmpdir(), 'lw-broken-'));
    writeFileSync(join(broken, 'manifest.json'), '{"format":"launchwatch-capture","version":9}');
    expect(await open(sender, broken)).toMatchObject({
      ok: false,
      message: expect.stringContaining('manifest.json: field "version" 9'),
    });
    const capture = writeCapture(scenarios.find((s) => s.name.startsWith('CookieMiner: a fake'))!.spec);
    expect(await open(sender, capture)).toMatchObject({ ok: true });
    const snapshot = (await recorded.handlers.get(CHANNELS.getSnapshot)!(sender)) as Snapshot;
    expect(snapshot.source).toMatchObject({
      kind: 'capture',
      hostname: 'alices-mbp',
      privileged: false,
      origin: capture,
    });
    expect(snapshot.actionsAvailable).toBe(false);
    expect(recorded.trays[0]!.tooltip).toContain('1 mining');
  });

  it('shows the menu on right click and toggles start at login', () => {
    recorded.trays[0]!.emit('right-click');
    const menu = recorded.menus.at(-1) as { template: { id?: string; click?: () => void }[] };
    expect(menu.template.map((i) => i.id).filter(Boolean)).toEqual([
      'open',
      'pause',
      'check-daemons',
      'export',
      'export-redacted',
      'open-capture',
      'save-collector',
      'live',
      'import-approvals',
      'export-approvals',
      'login',
      'quit',
    ]);
    menu.template.find((i) => i.id === 'login')?.click?.();
    expect(recorded.loginItem.openAtLogin).toBe(true);
  });
});
