// The preload (CommonJS, as a sandboxed renderer needs): exposes exactly the contract's API and nothing
// of Node or Electron.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNELS, type LaunchwatchApi, type SnapshotUpdate } from './api/contract';

const api: LaunchwatchApi = {
  getSnapshot: () => ipcRenderer.invoke(CHANNELS.getSnapshot),
  resendSnapshot: () => ipcRenderer.invoke(CHANNELS.resendSnapshot),
  watchRows: (ids) => ipcRenderer.invoke(CHANNELS.watchRows, ids),
  getItem: (id) => ipcRenderer.invoke(CHANNELS.getItem, id),
  watchItem: (id) => ipcRenderer.invoke(CHANNELS.watchItem, id),
  setOptions: (options) => ipcRenderer.invoke(CHANNELS.setOptions, options),
  setPaused: (paused) => ipcRenderer.invoke(CHANNELS.setPaused, paused),
  planDisable: (itemId) => ipcRenderer.invoke(CHANNELS.planDisable, itemId),
  approvePlan: (planId) => ipcRenderer.invoke(CHANNELS.approvePlan, planId),
  cancelPlan: (planId) => ipcRenderer.invoke(CHANNELS.cancelPlan, planId),
  undo: (actionId) => ipcRenderer.invoke(CHANNELS.undo, actionId),
  approveItem: (itemId, note, cpuLimitPercent) =>
    ipcRenderer.invoke(CHANNELS.approveItem, {
      itemId,
      ...(note === undefined ? {} : { note }),
      ...(cpuLimitPercent === undefined ? {} : { cpuLimitPercent }),
    }),
  unapproveItem: (itemId) => ipcRenderer.invoke(CHANNELS.unapproveItem, itemId),
  onSnapshot: (listener) => {
    const wrapped = (_event: IpcRendererEvent, update: SnapshotUpdate) => listener(update);
    ipcRenderer.on(CHANNELS.snapshot, wrapped);
    return () => ipcRenderer.removeListener(CHANNELS.snapshot, wrapped);
  },
  // The sandboxed page cannot see paths; the preload asks Electron for the dropped file's path only.
  openCaptureFile: (file) => ipcRenderer.invoke(CHANNELS.openCapture, webUtils.getPathForFile(file)),
  exportReport: (request) => ipcRenderer.invoke(CHANNELS.exportReport, request),
  exportApprovals: () => ipcRenderer.invoke(CHANNELS.exportApprovals),
  importApprovals: (text, name) => ipcRenderer.invoke(CHANNELS.importApprovals, { text, name }),
  openCaptureDialog: () => ipcRenderer.invoke(CHANNELS.openCaptureDialog),
  backToLive: () => ipcRenderer.invoke(CHANNELS.backToLive),
  getReview: (days) => ipcRenderer.invoke(CHANNELS.getReview, days),
  getItemHistory: (id) => ipcRenderer.invoke(CHANNELS.getItemHistory, id),
  copyText: (text) => ipcRenderer.invoke(CHANNELS.copyText, text),
  revealItemFile: (itemId, which) => ipcRenderer.invoke(CHANNELS.revealItemFile, { itemId, which }),
  onOpenItem: (listener) => {
    const wrapped = (_event: IpcRendererEvent, id: string) => typeof id === 'string' && listener(id);
    ipcRenderer.on(CHANNELS.openItem, wrapped);
    return () => ipcRenderer.removeListener(CHANNELS.openItem, wrapped);
  },
};

contextBridge.exposeInMainWorld('launchwatch', api);
