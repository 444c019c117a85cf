// A stand-in for the `electron` module: records what the shell asks of it, so tests can check the
// windows it opens, the tray it sets up and the IPC it registers, without an Electron binary.
import { EventEmitter } from 'node:events';

export const recorded = {
  windows: [] as FakeWindow[],
  trays: [] as FakeTray[],
  handlers: new Map<string, (event: unknown, payload?: unknown) => unknown>(),
  appListeners: new Map<string, ((...args: unknown[]) => void)[]>(),
  menus: [] as unknown[],
  loginItem: { openAtLogin: false },
  notifications: [] as { title: string; body: string }[],
  permissionHandler: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
  requestFilter: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
  externalOpens: [] as string[],
  exits: [] as number[],
};

let nextId = 1;
export class FakeWebContents extends EventEmitter {
  id = nextId++;
  isLoading() {
    return false;
  }
  isDestroyed() {
    return false;
  }
  sent: [string, unknown][] = [];
  openHandler: ((d: { url: string }) => { action: string }) | undefined;
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (d: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

export class FakeWindow extends EventEmitter {
  webContents = new FakeWebContents();
  visible = false;
  loaded: string | undefined;
  position: [number, number] | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    recorded.windows.push(this);
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  // Electron emits 'show' and 'hide' when visibility changes (BrowserWindow events).
  show() {
    const was = this.visible;
    this.visible = true;
    if (!was) this.emit('show');
  }
  hide() {
    const was = this.visible;
    this.visible = false;
    if (was) this.emit('hide');
  }
  focus() {}
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return false;
  }
  setPosition(x: number, y: number) {
    this.position = [x, y];
  }
  allWorkspaces: [boolean, Record<string, unknown>] | undefined;
  setVisibleOnAllWorkspaces(visible: boolean, options: Record<string, unknown>) {
    this.allWorkspaces = [visible, options];
  }
}

export class FakeTray extends EventEmitter {
  image: unknown;
  tooltip = '';
  title = '';
  constructor(image: unknown) {
    super();
    this.image = image;
    recorded.trays.push(this);
  }
  setImage(image: unknown) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setTitle(text: string) {
    this.title = text;
  }
  ignoresDoubleClicks = false;
  setIgnoreDoubleClickEvents(ignore: boolean) {
    this.ignoresDoubleClicks = ignore;
  }
  getBounds() {
    return { x: 1000, y: 0, width: 22, height: 24 };
  }
  popUpContextMenu(menu: unknown) {
    recorded.menus.push(menu);
  }
}

const fakeApp = {
  requestSingleInstanceLock: () => true,
  quit: () => undefined,
  exit: (code?: number) => {
    recorded.exits.push(code ?? 0);
  },
  whenReady: () => Promise.resolve(),
  on: (event: string, listener: (...args: unknown[]) => void) => {
    recorded.appListeners.set(event, [...(recorded.appListeners.get(event) ?? []), listener]);
  },
  dock: { hide: () => undefined },
  getLoginItemSettings: () => ({ ...recorded.loginItem }),
  setLoginItemSettings: (s: { openAtLogin: boolean }) => {
    recorded.loginItem.openAtLogin = s.openAtLogin;
  },
};

export const electronMock = {
  app: fakeApp,
  BrowserWindow: FakeWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  nativeImage: {
    createFromPath: (path: string) => ({
      path,
      template: false,
      setTemplateImage(this: { template: boolean }, t: boolean) {
        this.template = t;
      },
    }),
  },
  Notification: class {
    static isSupported() {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {}
    on() {}
    show() {
      recorded.notifications.push(this.options);
    }
  },
  screen: { getDisplayMatching: () => ({ workArea: { x: 0, y: 24, width: 1440, height: 876 } }) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof recorded.permissionHandler) => {
        recorded.permissionHandler = h;
      },
      webRequest: {
        onBeforeRequest: (h: typeof recorded.requestFilter) => {
          recorded.requestFilter = h;
        },
      },
    },
  },
  dialog: {
    showSaveDialog: async () => ({ canceled: true }),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    showErrorBox: () => undefined,
  },
  shell: {
    openExternal: async (url: string) => {
      recorded.externalOpens.push(url);
    },
  },
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, payload?: unknown) => unknown) =>
      recorded.handlers.set(channel, handler),
    removeHandler: (channel: string) => recorded.handlers.delete(channel),
  },
};
