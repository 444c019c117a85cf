// The one API between the React renderer and whatever serves it: Electron's preload (IPC) or the web
// bridge (HTTP + server-sent events). Both sides import this module: channel names, request schemas
// (in schemas.ts, checked on the serving side) and the shapes of what comes back. No runtime
// dependencies, so the preload and the renderer stay small.

export const CHANNELS = {
  getSnapshot: 'launchwatch:get-snapshot',
  getItem: 'launchwatch:get-item',
  /** The item page says which item it shows (or none): its detail then comes with every snapshot. */
  watchItem: 'launchwatch:watch-item',
  setOptions: 'launchwatch:set-options',
  setPaused: 'launchwatch:set-paused',
  /** main -> renderer: after each tick, what changed in the snapshot (a SnapshotUpdate). */
  snapshot: 'launchwatch:snapshot',
  /** The rows the page shows: their figures (CPU, sparkline) come with every update; others' wait. */
  watchRows: 'launchwatch:watch-rows',
  /** The page lost track of the updates (it loaded late, or missed one): the next one is whole. */
  resendSnapshot: 'launchwatch:resend-snapshot',
  /** main -> renderer: open this item (a notification was clicked). */
  openItem: 'launchwatch:open-item',
  planDisable: 'launchwatch:plan-disable',
  approvePlan: 'launchwatch:approve-plan',
  cancelPlan: 'launchwatch:cancel-plan',
  undo: 'launchwatch:undo',
  approveItem: 'launchwatch:approve-item',
  unapproveItem: 'launchwatch:unapprove-item',
  /** A capture dropped on the window (the app only: a browser cannot give a file's path). */
  openCapture: 'launchwatch:open-capture',
  /** The gear menu. In the app, main shows the save or open dialog; in web mode the page downloads. */
  exportReport: 'launchwatch:export-report',
  exportApprovals: 'launchwatch:export-approvals',
  importApprovals: 'launchwatch:import-approvals',
  openCaptureDialog: 'launchwatch:open-capture-dialog',
  backToLive: 'launchwatch:back-to-live',
  /** This Mac's history: what is new or changed, and one item's past. */
  getReview: 'launchwatch:get-review',
  getItemHistory: 'launchwatch:get-item-history',
  /** Pivots from an item: its file in the Finder, a path or hash on the clipboard (the app). */
  revealItemFile: 'launchwatch:reveal-item-file',
  copyText: 'launchwatch:copy-text',
} as const;

/** Launch items new or changed since a date and not approved (from the history store). */
export interface ReviewView {
  since: number;
  items: {
    id: string;
    label: string;
    plistPath: string;
    firstSeen: number;
    lastChange?: { at: number; what: string[] };
    verdict?: Verdict;
  }[];
}

/** One item's past on this Mac, for the History section of its page. */
export interface ItemHistoryView {
  firstSeen: number;
  lastSeen: number;
  changes: { at: number; what: string[] }[];
  verdicts: { at: number; verdict: Verdict }[];
  destinations: { endpoint: string; firstSeen: number; lastSeen: number; count: number }[];
  dailyCpu: { day: number; avg: number; max: number }[];
}

export const REPORT_FORMATS = ['html', 'json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  format: ReportFormat;
  /** For posting in public: names, home folders, wallets and the serial number replaced or left out. */
  redacted: boolean;
}

export type Verdict = 'mining' | 'suspicious' | 'high-cpu' | 'ok' | 'approved';

export interface ScanOptionsInput {
  windowSeconds: number;
  cpuThresholdPercent: number;
}

export interface SourceInfo {
  kind: 'live' | 'capture';
  hostname: string;
  os: string;
  osVersion: string;
  privileged: boolean;
  /** For a capture: where it came from and the time it spans. */
  origin?: string;
  startedAt?: number;
  endedAt?: number;
  /** The machine's own zone: times are shown in it (a capture's, not the viewer's). */
  timeZone?: string;
  utcOffset?: string;
}

export interface ItemSummary {
  id: string;
  label: string;
  plistPath: string;
  kind: string;
  scope: 'user' | 'system' | 'apple' | 'app-bundle';
  verdict: Verdict;
  score: number;
  running: boolean;
  cpuPercent: number;
  /** Recent CPU points (percent of one core), oldest first, for the list's sparkline. */
  sparkline: number[];
  destinationCount: number;
  /** The strongest reason, for the list. */
  headline?: string;
  /** "measuring (35 of 120 s)": the samples do not cover the window yet, so CPU flags nothing. */
  measuring?: string;
}

/** A disable that Launchwatch did, from its journal. */
export interface ActionView {
  id: string;
  label: string;
  plistPath: string;
  /** `damaged`: the journal record cannot be read; `message` says why, and Undo restores from its quarantined copy. */
  status: 'running' | 'done' | 'failed' | 'rolled-back' | 'undoing' | 'undone' | 'damaged';
  createdAt: string;
  canUndo: boolean;
  message?: string;
}

export interface PlanView {
  planId: string;
  itemId: string;
  label: string;
  plistPath: string;
  needsAdmin: boolean;
  /** How many administrator prompts the disable takes (0 or 1), and what to tell the person about it. */
  adminPrompts: number;
  adminNote?: string;
  steps: { kind: string; description: string; command?: string }[];
}

export type PlanResponse = { ok: true; plan: PlanView } | { ok: false; refusal: string };

export interface ActionOutcomeView {
  ok: boolean;
  message: string;
  actionId?: string;
  /** The user closed a dialog without choosing: nothing to tell them. */
  canceled?: true;
}

/** What the menu-bar icon shows, every tick: no detail is built for it. A Snapshot is one too. */
export interface StatusSummary {
  loading?: boolean;
  paused: boolean;
  items: { verdict: Verdict }[];
}

export interface Snapshot {
  source: SourceInfo;
  /** Disable, undo and approvals are possible (live on this machine, not a capture). */
  actionsAvailable: boolean;
  actions: ActionView[];
  /** What the user should be told once (recovery after a crash, outcomes). */
  notices: string[];
  paused: boolean;
  /** ms since the epoch of the last tick (or the capture's end). */
  updatedAt?: number;
  options: ScanOptionsInput;
  samples: number;
  notes: string[];
  /** Why this is not an all-clear although nothing is flagged (no launch items, no launchctl list). */
  incomplete?: string;
  items: ItemSummary[];
  /** Set while the first sample is not in yet. */
  loading?: boolean;
  error?: string;
  /** The detail of the item the page said it shows (watchItem), pushed so the page never asks again. */
  detail?: ItemDetail;
  /** Changes when what the history shows (new or changed items, an item's past) may have changed. */
  historyRevision?: string;
}

/**
 * What goes to a page after each tick: the snapshot whole (the first one, and whenever the page asks),
 * or what changed since the one numbered `base`: the items that changed (as an ItemChange each), the
 * items' ids in order when the list's membership or order moved, and the rest of the snapshot. 400 items
 * are about 180 KB of JSON, and parsing that every five seconds was most of what an open popover cost:
 * an unchanged item is not sent, a changed one sends what changed.
 */
export type SnapshotUpdate =
  | { seq: number; snapshot: Snapshot }
  | { seq: number; base: number; rest: Omit<Snapshot, 'items'>; changed: ItemChange[]; order?: string[] };

/**
 * One item's change: a new item whole, or the item at `at` in the base snapshot's list with the fields
 * that changed (`set`, `unset`) and its sparkline moved on (`spark`: drop the oldest points, add new ones).
 */
export type ItemChange =
  | { item: ItemSummary }
  | {
      at: number;
      set?: Partial<ItemSummary>;
      unset?: (keyof ItemSummary)[];
      spark?: { drop: number; add: number[] };
    };

export interface ReasonView {
  code: string;
  text: string;
  weight: number;
  family: string;
  strength: 'strong' | 'weak';
  attack?: string;
}

export interface DestinationView {
  remoteAddress: string;
  remotePort: number;
  protocol: 'TCP' | 'UDP';
  state?: string;
  hostname?: string;
  classification: string;
  pid: number;
  lastSeen: number;
  /** Seen only with administrator rights ("Check Daemons as Administrator"). */
  seenWithAdmin?: boolean;
}

export interface ItemDetail extends ItemSummary {
  program?: string;
  arguments: string[];
  loaded: boolean;
  attribution: string;
  reasons: ReasonView[];
  attack: string[];
  cpu: { avgPercent: number; maxPercent: number; sustained: boolean };
  thresholdPercent: number;
  /** CPU points of the last ten minutes; `restarted` where its process was a new one (a new pid). */
  history: { t: number; percent: number; restarted?: true }[];
  processes: { pid: number; ppid: number; args: string; cpuPercent?: number; uid?: number; user?: string }[];
  destinations: DestinationView[];
  /** Ordinary destinations not seen for as long as the CPU history reaches back, no longer listed. */
  forgottenDestinations?: number;
  listening: { address: string; port: number; protocol: string; pid: number }[];
  plist: { path: string; text: string; sha256?: string; mtime?: string; problems: string[] };
  signing?: { status: string; teamId?: string; authority?: string; identifier?: string; words?: string };
  /** Signed by a vendor of management, backup, security or developer tools (known-vendors.json). */
  vendor?: { name: string; kind: string };
  /** From this Mac's history: first seen, last changed, "usual for this item since ...". */
  past?: { firstSeen: number; lastChange?: { at: number; what: string[] }; usual?: string };
  /** What the item is and what to do, in one sentence (flagged and busy items). */
  sentence?: string;
  /** "390% of one core (about half of all 8 cores)". */
  cpuText?: string;
  /** What Background Task Management says of it (read as root). */
  btm?: { type: string; developer?: string; teamId?: string; enabled: boolean; allowed: boolean };
  runAtLoad: boolean;
  keepAlive: boolean;
  disabled: boolean;
  judgedVerdict: Verdict;
  loadedKnown: boolean;
  lastExitStatus?: number;
  approval?: { approvedAt: string; changed: boolean; note?: string };
}

/** What the preload exposes as `window.launchwatch`, and what the web bridge client implements. */
export interface LaunchwatchApi {
  getSnapshot(): Promise<Snapshot>;
  getItem(id: string): Promise<ItemDetail | undefined>;
  /** The item the page shows (null: none): its detail comes with each snapshot from then on. */
  watchItem(id: string | null): Promise<void>;
  setOptions(options: ScanOptionsInput): Promise<Snapshot>;
  setPaused(paused: boolean): Promise<Snapshot>;
  planDisable(itemId: string): Promise<PlanResponse>;
  approvePlan(planId: string): Promise<ActionOutcomeView>;
  cancelPlan(planId: string): Promise<void>;
  undo(actionId: string): Promise<ActionOutcomeView>;
  /** Approves the item; with `cpuLimitPercent`, accepts only its CPU up to that figure. */
  approveItem(itemId: string, note?: string, cpuLimitPercent?: number): Promise<ActionOutcomeView>;
  unapproveItem(itemId: string): Promise<ActionOutcomeView>;
  /** Updates after every tick (see SnapshotUpdate; `applySnapshotUpdate` turns them into snapshots). */
  onSnapshot(listener: (update: SnapshotUpdate) => void): () => void;
  /** The next update is the whole snapshot (the page missed one, or has none yet). */
  resendSnapshot(): Promise<void>;
  /** The list's rows on screen (null: send every row's figures); see SnapshotEncoder.encode. */
  watchRows(ids: string[] | null): Promise<void>;
  onOpenItem(listener: (id: string) => void): () => void;
  /** Opens a dropped capture folder or .tar.gz; absent in web mode. */
  openCaptureFile?(file: File): Promise<ActionOutcomeView>;
  /** A report of what is shown now: saved where the user chooses (app) or downloaded (web). */
  exportReport(request: ReportRequest): Promise<ActionOutcomeView>;
  /** The approved inventory as a JSON file, for other Macs. */
  exportApprovals(): Promise<ActionOutcomeView>;
  /** Approvals from a file the user picked (its text and name). */
  importApprovals(text: string, name: string): Promise<ActionOutcomeView>;
  /** The app only: the Open dialog for a capture folder or archive, and the way back to this Mac. */
  openCaptureDialog?(): Promise<ActionOutcomeView>;
  backToLive?(): Promise<ActionOutcomeView>;
  /** Undefined where there is no history (a capture, or a store that could not open). */
  getReview(sinceDays: number): Promise<ReviewView | undefined>;
  getItemHistory(id: string): Promise<ItemHistoryView | undefined>;
  /** Puts a path or hash on the clipboard. */
  copyText(text: string): Promise<void>;
  /** The app only: shows the item's property list or program in the Finder (nothing else can be shown). */
  revealItemFile?(itemId: string, which: 'plist' | 'program'): Promise<ActionOutcomeView>;
}
