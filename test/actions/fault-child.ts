// Run by the fault-injection test as a real child process: disables (or undoes) with the executor and
// SIGKILLs itself at the N-th step boundary, right after the journal reached the disk.
import { ActionService } from '../../main/actions/action-service';
import { localRunner } from '../../main/actions/runners';
import type { ItemResult } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';

const [stateDir = '', plistPath = '', mode = 'disable', killAtText = '0', killAfterText = '0', kind = 'agent'] =
  process.argv.slice(2);
const killAt = Number(killAtText);
const killAfterMs = Number(killAfterText);
let boundaries = 0;
const service = new ActionService({
  stateDir,
  // launchctl on PATH is the model of launchd (its state file named by LW_LAUNCHD_STATE in the environment), where an
  // administrator's command runs as root (LW_MODEL_ROOT), as the model's own runner does.
  runner: {
    run: (argv, options) =>
      localRunner(options.admin ? { ...process.env, LW_MODEL_ROOT: '1' } : process.env).run(argv, options),
  },
  processes: { isSame: async () => false, signal: async () => undefined },
  uid: 501,
  isRoot: false,
  onBoundary: (label) => {
    boundaries++;
    process.stdout.write(`${label}\n`);
    if (boundaries !== killAt) return;
    // Later, to die in the middle of what comes next (the helper retrying a bootstrap).
    if (killAfterMs > 0) setTimeout(() => process.kill(process.pid, 'SIGKILL'), killAfterMs);
    else process.kill(process.pid, 'SIGKILL');
  },
});
const item =
  kind === 'daemon'
    ? launchAgent(plistPath, 'com.evil.miner', { kind: 'LaunchDaemon', scope: 'system' })
    : launchAgent(plistPath, 'com.evil.miner');
const result = { item, processes: [], reasons: [] } as unknown as ItemResult;
if (mode === 'disable') {
  const plan = service.plan(result);
  await service.approvePlan(plan.planId as string);
} else {
  await service.undo('last');
}
process.stdout.write('finished\n');
