// A temporary tree with one user agent's plist, loaded in a model of launchd (launchd-model.ts) that
// answers as a real Mac does, and an action service over it: what the executor tests start from.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionService } from '../../main/actions/action-service';
import type { ProcessControl } from '../../main/actions/executor';
import type { ItemResult, LaunchItem } from '../../main/engine/model';
import { launchAgent } from './launch-items';
import { launchdModel, type LaunchdModel } from './launchd-model';

export const PLIST = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>com.evil.miner</string></dict></plist>\n',
);

export const plistFor = (label: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>${label}</string></dict></plist>\n`,
  );

export interface SetupOptions {
  /** How long after a bootout launchd answers 5 to a bootstrap of the same label. */
  settleMs?: number;
  /** A bootout answered with 36 while the service takes this long to exit. */
  slowExitMs?: number;
  /** Loaded in launchd to begin with (default true). */
  loaded?: boolean;
  processes?: ProcessControl;
  model?: LaunchdModel;
  /** Runs at each step boundary of the executor, as a crash or the malware would act there. */
  onBoundary?: (label: string) => void;
}

export function setup(options: SetupOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'lw-exec-'));
  const agents = join(root, 'Users/alice/Library/LaunchAgents');
  mkdirSync(agents, { recursive: true });
  const plistPath = join(agents, 'com.evil.miner.plist');
  writeFileSync(plistPath, PLIST);
  chmodSync(plistPath, 0o640);
  const model = options.model ?? launchdModel({ bootstrapSettleMs: options.settleMs ?? 0 });
  if (options.loaded !== false) model.load('gui/501', 'com.evil.miner', plistPath);
  if (options.slowExitMs !== undefined)
    model.update((s) => (s.slowExitMs['com.evil.miner'] = options.slowExitMs as number));
  const item = agentItem(plistPath, 'com.evil.miner');
  const result = { item, processes: [], reasons: [], verdict: 'mining' } as unknown as ItemResult;
  const runner = model.runner();
  const service = new ActionService({
    stateDir: join(root, 'state'),
    runner,
    processes: options.processes ?? { isSame: async () => false, signal: async () => undefined },
    uid: 501,
    isRoot: false,
    confirmTimeoutMs: 4000,
    ...(options.onBoundary ? { onBoundary: options.onBoundary } : {}),
  });
  return { root, plistPath, service, result, model, runner, env: model.env };
}

/** The Launch Agent the executor tests act on (its file's hash as the plan records it). */
export function agentItem(plistPath: string, label: string, extra: Partial<LaunchItem> = {}): LaunchItem {
  return launchAgent(plistPath, label, { sha256: 'a', ...extra });
}

/** Action `id`'s journal record under `root`, made unreadable (a field its schema needs taken out), `change` made too. */
export function damageRecord(
  root: string,
  id: string,
  change: (json: { backup: Record<string, unknown>; plan: Record<string, unknown> }) => void = () => {},
): void {
  const path = join(root, 'state/actions', `${id}.json`);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  delete json.status;
  change(json);
  writeFileSync(path, JSON.stringify(json));
}
