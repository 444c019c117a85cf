// Where Launchwatch keeps its journal, quarantine and approved inventory.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LAUNCHWATCH_STATE_DIR) return env.LAUNCHWATCH_STATE_DIR;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library/Application Support/Launchwatch');
  const state = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(home, '.local/state');
  return join(state, 'launchwatch');
}
