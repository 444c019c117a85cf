// IPC: every channel of the contract, every payload validated with zod, every sender checked to be our
// own popover's page. A message that fails either check is refused, never handled.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS } from '../api/contract';
import {
  actionIdSchema,
  approveItemSchema,
  capturePathSchema,
  importApprovalsSchema,
  itemIdSchema,
  watchItemSchema,
  watchRowsSchema,
  optionsSchema,
  pausedSchema,
  planIdSchema,
  copyTextSchema,
  reportRequestSchema,
  revealSchema,
  reviewDaysSchema,
} from '../api/schemas';
import type { ActionOutcomeView, ReportRequest } from '../api/contract';
import type { AppService } from '../app-service';
import { isOwnPage } from './windows';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export class RefusedMessage extends Error {}

/** Every request channel; the two push channels (snapshot, openItem) only go main -> renderer. */
export const INVOKE_CHANNELS = [
  CHANNELS.getSnapshot,
  CHANNELS.resendSnapshot,
  CHANNELS.watchRows,
  CHANNELS.getItem,
  CHANNELS.watchItem,
  CHANNELS.setOptions,
  CHANNELS.setPaused,
  CHANNELS.planDisable,
  CHANNELS.approvePlan,
  CHANNELS.cancelPlan,
  CHANNELS.undo,
  CHANNELS.approveItem,
  CHANNELS.unapproveItem,
  CHANNELS.openCapture,
  CHANNELS.exportReport,
  CHANNELS.exportApprovals,
  CHANNELS.importApprovals,
  CHANNELS.openCaptureDialog,
  CHANNELS.backToLive,
  CHANNELS.getReview,
  CHANNELS.getItemHistory,
  CHANNELS.revealItemFile,
  CHANNELS.copyText,
];

/** What needs the shell's native dialogs and windows; the rest goes to the app service. */
export interface ShellHandlers {
  openCapture: (path: string) => Promise<ActionOutcomeView>;
  exportReport: (request: ReportRequest) => Promise<ActionOutcomeView>;
  exportApprovals: () => Promise<ActionOutcomeView>;
  openCaptureDialog: () => Promise<ActionOutcomeView>;
  backToLive: () => Promise<ActionOutcomeView>;
  /** Shows a file in the Finder: only ever a path the service gave for one of its items. */
  revealFile: (path: string) => ActionOutcomeView;
  copyText: (text: string) => void;
}

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  service: () => AppService,
  trusted: SenderCheck,
  shell?: ShellHandlers,
): () => void {
  const handle = <T>(
    channel: string,
    schema:
      | {
          safeParse: (
            v: unknown,
          ) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
        }
      | undefined,
    run: (value: T) => unknown,
  ) => {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!trusted(event)) throw new RefusedMessage(`${channel}: refused a message from an unexpected sender`);
      if (!schema) return run(undefined as T);
      const parsed = schema.safeParse(payload);
      if (!parsed.success)
        throw new RefusedMessage(`${channel}: invalid payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return run(parsed.data);
    });
  };
  handle(CHANNELS.getSnapshot, undefined, () => service().snapshot());
  handle(CHANNELS.resendSnapshot, undefined, () => service().resendSnapshot());
  handle(CHANNELS.watchRows, watchRowsSchema, (ids) => service().watchRows(ids));
  handle(CHANNELS.getItem, itemIdSchema, (id) => service().item(id));
  handle(CHANNELS.watchItem, watchItemSchema, (id) => service().watchItem(id));
  handle(CHANNELS.setOptions, optionsSchema, (options) => service().setOptions(options));
  handle(CHANNELS.setPaused, pausedSchema, (paused) => service().setPaused(paused));
  handle(CHANNELS.planDisable, itemIdSchema, (id) => service().planDisable(id));
  handle(CHANNELS.approvePlan, planIdSchema, (id) => service().approvePlan(id));
  handle(CHANNELS.cancelPlan, planIdSchema, (id) => service().cancelPlan(id));
  handle(CHANNELS.undo, actionIdSchema, (id) => service().undo(id));
  handle(CHANNELS.approveItem, approveItemSchema, ({ itemId, note, cpuLimitPercent }) =>
    service().approveItem(itemId, note, cpuLimitPercent),
  );
  handle(CHANNELS.unapproveItem, itemIdSchema, (id) => service().unapproveItem(id));
  handle(CHANNELS.getReview, reviewDaysSchema, (days) => service().review(days));
  handle(CHANNELS.getItemHistory, itemIdSchema, (id) => service().itemHistory(id));
  handle(CHANNELS.importApprovals, importApprovalsSchema, ({ text, name }) =>
    service().importApprovalsOutcome(text, name),
  );
  if (shell) {
    handle(CHANNELS.openCapture, capturePathSchema, (path) => shell.openCapture(path));
    handle(CHANNELS.exportReport, reportRequestSchema, (request) => shell.exportReport(request));
    handle(CHANNELS.exportApprovals, undefined, () => shell.exportApprovals());
    handle(CHANNELS.openCaptureDialog, undefined, () => shell.openCaptureDialog());
    handle(CHANNELS.backToLive, undefined, () => shell.backToLive());
    handle(CHANNELS.copyText, copyTextSchema, (text) => shell.copyText(text));
    handle(CHANNELS.revealItemFile, revealSchema, ({ itemId, which }) => {
      // The page names an item, never a path: what is shown is the file the service knows for it.
      const path = service().itemFilePath(itemId, which);
      return path ? shell.revealFile(path) : { ok: false, message: 'This launch item has no such file here.' };
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/**
 * A sender is trusted when it is the popover's own web contents, and the message comes from its main
 * frame (not an iframe) showing exactly our own page: `file:///…/index.html` and nothing that merely
 * starts with it (`index.html.evil.html`).
 */
export function senderCheck(expectedWebContentsId: () => number | undefined, pageUrl: string): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (event.sender.id !== expectedWebContentsId() || !frame || frame.parent !== null) return false;
    return isOwnPage(frame.url, pageUrl);
  };
}
