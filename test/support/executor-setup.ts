// A temporary tree with one user agent's plist, launchctl and systemctl shims that record their argv,
// and an action service over it: what the executor tests start from.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionService } from '../../main/actions/action-service';
import { localRunner } from '../../main/actions/runners';
import type { ItemResult, LaunchItem } from '../../main/engine/model';
import { makeShims, type Shim } from './shims';

export const PLIST = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>com.evil.miner</string></dict></plist>\n',
);

export function setup(shims: Record<string, Shim> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'lw-exec-'));
  const agents = join(root, 'Users/alice/Library/LaunchAgents');
  mkdirSync(agents, { recursive: true });
  const plistPath = join(agents, 'com.evil.miner.plist');
  writeFileSync(plistPath, PLIST);
  chmodSync(plistPath, 0o640);
  const bin = makeShims({ launchctl: {}, systemctl: {}, ...shims });
  const env = { ...process.env, PATH: `${bin.dir}:/usr/bin:/bin` };
  const item: LaunchItem = {
    id: plistPath,
    label: 'com.evil.miner',
    plistPath,
    kind: 'LaunchAgent',
    scope: 'user',
    program: '/x',
    arguments: ['/x'],
    runAtLoad: true,
    keepAlive: false,
    watchPaths: [],
    limitLoadToSessionType: [],
    problems: [],
    persistenceTechnique: 'T1543.001',
    sha256: 'a',
  };
  const result = { item, processes: [], reasons: [], verdict: 'mining' } as unknown as ItemResult;
  const service = new ActionService({
    stateDir: join(root, 'state'),
    runner: localRunner(env),
    processes: { isSame: async () => false, signal: async () => undefined },
    uid: 501,
    isRoot: false,
  });
  const calls = () =>
    readFileSync(bin.log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t').join(' '));
  return { root, plistPath, service, result, calls, env };
}
