// The one API between the React renderer and whatever serves it: Electron's preload (IPC) or the web
// bridge (HTTP + server-sent events). Both sides import this module: channel names, request schemas
// (in schemas.ts, checked on the serving side) and the shapes of what comes back. No runtime
// dependencies, so the preload and the renderer stay small.

export const CHANNELS = {
  getSnapshot: 'launchwatch:get-snapshot',
  getItem: 'launchwatch:get-item',
  setOptions: 'launchwatch:set-options',
  setPaused: 'launchwatch:set-paused',
  /** main -> renderer: a new snapshot after each tick. */
  snapshot: 'launchwatch:snapshot',
  /** main -> renderer: open this item (a notification was clicked). */
  openItem: 'launchwatch:open-item',
} as const;

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
}

export interface Snapshot {
  source: SourceInfo;
  paused: boolean;
  /** ms since the epoch of the last tick (or the capture's end). */
  updatedAt?: number;
  options: ScanOptionsInput;
  samples: number;
  notes: string[];
  items: ItemSummary[];
  /** Set while the first sample is not in yet. */
  loading?: boolean;
  error?: string;
}

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
  /** CPU points of the last ten minutes. */
  history: { t: number; percent: number }[];
  processes: { pid: number; ppid: number; args: string; cpuPercent?: number }[];
  destinations: DestinationView[];
  listening: { address: string; port: number; protocol: string; pid: number }[];
  plist: { path: string; text: string; sha256?: string; mtime?: string; problems: string[] };
  signing?: { status: string; teamId?: string; authority?: string; identifier?: string };
  runAtLoad: boolean;
  keepAlive: boolean;
  disabled: boolean;
}

/** What the preload exposes as `window.launchwatch`, and what the web bridge client implements. */
export interface LaunchwatchApi {
  getSnapshot(): Promise<Snapshot>;
  getItem(id: string): Promise<ItemDetail | undefined>;
  setOptions(options: ScanOptionsInput): Promise<Snapshot>;
  setPaused(paused: boolean): Promise<Snapshot>;
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  onOpenItem(listener: (id: string) => void): () => void;
}
