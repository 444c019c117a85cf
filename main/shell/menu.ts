// The tray's right-click menu, as a template the shell hands to Electron's Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuState {
  paused: boolean;
  startAtLogin: boolean;
  isCapture: boolean;
  /** "Check Daemons as Administrator" is running (the item becomes "Stop Checking Daemons"). */
  checkingDaemons?: boolean;
}

export interface MenuActions {
  open: () => void;
  togglePause: () => void;
  exportReport: () => void;
  exportRedactedReport: () => void;
  importApprovals: () => void;
  exportApprovals: () => void;
  saveCollector: () => void;
  checkDaemons: () => void;
  stopDaemonCheck: () => void;
  openCapture: () => void;
  backToLive: () => void;
  toggleStartAtLogin: () => void;
  quit: () => void;
}

export function trayMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  return [
    { id: 'open', label: 'Open', click: actions.open },
    {
      id: 'pause',
      label: state.paused ? 'Resume monitoring' : 'Pause monitoring',
      enabled: !state.isCapture,
      click: actions.togglePause,
    },
    state.checkingDaemons
      ? { id: 'check-daemons', label: 'Stop Checking Daemons', click: actions.stopDaemonCheck }
      : {
          id: 'check-daemons',
          label: 'Check Daemons as Administrator...',
          enabled: !state.isCapture,
          click: actions.checkDaemons,
        },
    { type: 'separator' },
    { id: 'export', label: 'Export report...', click: actions.exportReport },
    {
      id: 'export-redacted',
      label: 'Export report for posting in public (redacted)...',
      click: actions.exportRedactedReport,
    },
    { id: 'open-capture', label: 'Open Capture...', click: actions.openCapture },
    { id: 'save-collector', label: 'Save Collector Script...', click: actions.saveCollector },
    ...(state.isCapture ? [{ id: 'live', label: 'Back to This Mac', click: actions.backToLive }] : []),
    { type: 'separator' },
    {
      id: 'import-approvals',
      label: 'Import approved items...',
      enabled: !state.isCapture,
      click: actions.importApprovals,
    },
    {
      id: 'export-approvals',
      label: 'Export approved items...',
      enabled: !state.isCapture,
      click: actions.exportApprovals,
    },
    { type: 'separator' },
    {
      id: 'login',
      label: 'Start at login',
      type: 'checkbox',
      checked: state.startAtLogin,
      click: actions.toggleStartAtLogin,
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Launchwatch', accelerator: 'Command+Q', click: actions.quit },
  ];
}
