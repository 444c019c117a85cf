// The action service for this machine: the right command runner and process control for the platform.
import { readFileSync } from 'node:fs';
import { ActionService } from './action-service';
import { linuxProcessControl, localRunner, macProcessControl, macRunner } from './runners';
import { stateDir } from '../platform/state-dir';

export function actionServiceForThisMachine(env: NodeJS.ProcessEnv = process.env): ActionService {
  const dir = stateDir(env);
  if (process.platform === 'darwin') {
    const runner = macRunner();
    return new ActionService({ stateDir: dir, runner, processes: macProcessControl(runner) });
  }
  const boot = Number(/^btime\s+(\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0) * 1000;
  return new ActionService({ stateDir: dir, runner: localRunner(env), processes: linuxProcessControl(boot) });
}
