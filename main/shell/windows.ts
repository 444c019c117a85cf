// The popover window: where it goes under the tray icon, and settings that keep the renderer locked down.
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export const POPOVER_SIZE = { width: 420, height: 600 };

export function popoverOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    ...POPOVER_SIZE,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    transparent: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}

/** Centred under the tray icon, kept inside the display's work area. */
export function popoverPosition(tray: Rectangle, workArea: Rectangle, size = POPOVER_SIZE): { x: number; y: number } {
  const x = Math.round(tray.x + tray.width / 2 - size.width / 2);
  const y = Math.round(tray.y + tray.height + 4);
  return {
    x: Math.min(Math.max(x, workArea.x + 4), workArea.x + workArea.width - size.width - 4),
    y: Math.min(Math.max(y, workArea.y), workArea.y + workArea.height - size.height),
  };
}

/** Only our own page may load: everything else (links, redirects, window.open) is refused. */
export function isOwnPage(url: string, pageUrl: string): boolean {
  return url === pageUrl || url.startsWith(`${pageUrl}#`) || url.startsWith(`${pageUrl}?`);
}

/** collect.sh: outside app.asar in the packaged app (extraResources), in assets/ when run from the sources. */
export function collectorPath(packaged: boolean, resourcesPath: string, assetsDir: string): string {
  return packaged ? `${resourcesPath}/collect.sh` : `${assetsDir}collect.sh`;
}
