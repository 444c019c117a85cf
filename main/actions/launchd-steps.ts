// launchd's side of a disable or an undo. Every change goes through the fixed helper script
// (assets/launchwatch-helper.sh), all of one action's privileged steps in one run, so an administrator
// is asked once; every outcome is then confirmed by asking launchd (`launchctl print`,
// `print-disabled`), never taken from an exit code alone: launchd answers 36 for a bootout that
// succeeds a moment later, and 5 for a bootstrap that works a few seconds later.
import { parseLaunchctlPrint } from '../platform/macos/launchctl-print';
import { parsePrintDisabled } from '../platform/macos/print-disabled';
import type { CommandRunner } from './executor';

export interface HelperStep {
  /** The helper's words for this step: `bootout <target>`, `bootstrap <domain> <plist> <label>`, ... */
  words: string[];
}

export interface HelperResult {
  /** Exit status of each step the helper reached, in order; steps after a failure are absent. */
  statuses: { status: number; said: string }[];
  /** The helper could not run at all (the password was not given, it was not found). */
  problem?: string;
}

/** Runs the steps through the helper in one go (one administrator prompt when `admin`). */
export async function runHelper(
  runner: CommandRunner,
  helperPath: string,
  steps: HelperStep[],
  options: { admin: boolean; reason: string },
): Promise<HelperResult> {
  const argv = ['/bin/sh', helperPath];
  steps.forEach((step, i) => {
    if (i > 0) argv.push('--');
    argv.push(...step.words);
  });
  const result = await runner.run(argv, options);
  const statuses = parseHelperOutput(result.stdout);
  if (statuses.length === 0 && (result.problem || result.code !== 0)) {
    return {
      statuses,
      problem: result.problem ?? (result.stderr.trim() || `the helper exited with status ${result.code}`),
    };
  }
  // A step the helper refused (a value it would not pass on) stops it without a status line.
  if (statuses.length < steps.length && result.code === 2 && !statuses.some((s) => s.status !== 0)) {
    statuses.push({ status: 2, said: result.stderr.trim() });
  }
  return { statuses };
}

/** `step <n> <status>` lines, each followed by what the command said, indented by two spaces. */
export function parseHelperOutput(stdout: string): { status: number; said: string }[] {
  const out: { status: number; said: string }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('step ')) {
      const [, , status] = line.split(' ');
      out.push({ status: Number(status), said: '' });
    } else if (line.startsWith('  ') && out.length > 0) {
      const last = out[out.length - 1] as { status: number; said: string };
      last.said = last.said === '' ? line.slice(2) : `${last.said}\n${line.slice(2)}`;
    }
  }
  return out;
}

export function splitTarget(target: string): { domain: string; label: string } {
  const at = target.lastIndexOf('/');
  return { domain: target.slice(0, at), label: target.slice(at + 1) };
}

export async function isLoaded(runner: CommandRunner, target: string): Promise<boolean> {
  const result = await runner.run(['launchctl', 'print', target], { admin: false, reason: '' });
  return parseLaunchctlPrint(result.stdout, result.stderr, result.code).loaded;
}

export async function isDisabled(runner: CommandRunner, target: string): Promise<boolean | undefined> {
  const { domain, label } = splitTarget(target);
  const result = await runner.run(['launchctl', 'print-disabled', domain], { admin: false, reason: '' });
  if (result.code !== 0) return undefined;
  return parsePrintDisabled(result.stdout).get(label) === true;
}

/** Asks launchd until it agrees (`wanted` loaded or not), for up to `timeoutMs`. */
export async function waitUntilLoaded(
  runner: CommandRunner,
  target: string,
  wanted: boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 100;
  for (;;) {
    if ((await isLoaded(runner, target)) === wanted) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 1000);
  }
}
