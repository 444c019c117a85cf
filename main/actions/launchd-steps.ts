// launchd's side of a disable or an undo. Every change goes through the fixed helper script
// (assets/launchwatch-helper.sh), all of one action's privileged steps in one run, so an administrator
// is asked once; every outcome is then confirmed by asking launchd (`launchctl print`,
// `print-disabled`), never taken from an exit code alone: launchd answers 36 for a bootout that
// succeeds a moment later, and 5 for a bootstrap that works a few seconds later.
import { isTargetableLabel } from '../engine/actions/plan';
import { pasteable, shellQuote } from '../engine/shell-quote';
import { parseLaunchctlPrint } from '../platform/macos/launchctl-print';
import { readPlistValue } from '../platform/macos/launchd-plist';
import { isPlistDict } from '../platform/macos/plist-value';
import { parsePrintDisabled } from '../platform/macos/print-disabled';
import { readRegularFileSync } from '../platform/regular-file';
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

/** Big enough for any launch plist; the scanner reads at most as much (live-reader.ts). */
const MAX_LABEL_PLIST_BYTES = 4 * 1024 * 1024;

/**
 * The Label of the property list at `path`, read through one descriptor (a link at the name is refused), as a word
 * launchctl may be given; else why not. launchd names the service by this key, so it is what gets enabled.
 */
export function labelOfPlist(path: string): { label: string } | { problem: string } {
  let read;
  try {
    read = readRegularFileSync(path, MAX_LABEL_PLIST_BYTES, { noFollow: true });
  } catch (error) {
    return {
      problem: `${path} could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  if (read.refused)
    return { problem: `${path} is ${read.refused === 'too large' ? 'too large' : 'not a regular file'}` };
  const { value, problem } = readPlistValue(read.bytes);
  if (problem) return { problem: `${path}: ${problem}` };
  const label = isPlistDict(value) ? value.Label : undefined;
  if (typeof label !== 'string') return { problem: `${path} has no Label` };
  if (!isTargetableLabel(label)) return { problem: `the Label in ${path} cannot be passed to launchctl` };
  return { label };
}

/**
 * A service that was disabled and booted out, enabled and loaded again through the helper (one run, one prompt when
 * `admin`), then launchd asked until it agrees. The disable is launchd's own record, kept across restarts
 * (launchctl(1), disable: "This state persists across boots of the device"), so putting the file back alone never
 * loads it again. Returns what went wrong, with what is left to do, or undefined.
 */
export async function enableAndLoad(
  runner: CommandRunner,
  helperPath: string,
  service: { domain: string; label: string; path: string },
  options: { admin: boolean; reason: string; confirmMs: number },
): Promise<string | undefined> {
  const { domain, label, path } = service;
  const target = `${domain}/${label}`;
  const left = whatIsLeft(domain, label, path);
  const loaded = await isLoaded(runner, target);
  const steps: HelperStep[] = [];
  // Asked first, so that a service already on again (by hand, or by an Undo before) costs no prompt.
  if ((await isDisabled(runner, target)) !== false) steps.push({ words: ['enable', target] });
  if (!loaded) steps.push({ words: ['bootstrap', domain, path, label] });
  if (steps.length === 0) return undefined;
  const result = await runHelper(runner, helperPath, steps, options);
  for (const [i, step] of steps.entries()) {
    const outcome = result.statuses[i];
    if (!outcome)
      return `${result.problem ?? `the helper stopped before ${step.words[0]}`}. What is left to do: ${left}`;
    if (outcome.status !== 0)
      return `${step.words.slice(0, 2).join(' ')}: ${outcome.said || `exit status ${outcome.status}`}. What is left to do: ${left}`;
  }
  return confirmOn(runner, target, left, options.confirmMs, !loaded);
}

/** Commands to paste that enable and load the service; with no label known, `<its Label>` stands for it. */
export function whatIsLeft(domain: string, label: string | undefined, path: string): string {
  const target = label === undefined ? `${domain}/<its Label>` : pasteable(`${domain}/${label}`);
  let file = '<the file>';
  try {
    file = shellQuote(path);
  } catch {
    // A path with control characters is not written into a command to paste.
  }
  return `launchctl enable ${target} && launchctl bootstrap ${domain} ${file}`;
}

/**
 * After an enable and a bootstrap: launchd asked until it shows `target` loaded (when `checkLoaded`) and not disabled.
 * Returns what is not so, with what is left to do, or undefined.
 */
export async function confirmOn(
  runner: CommandRunner,
  target: string,
  left: string,
  confirmMs: number,
  checkLoaded = true,
): Promise<string | undefined> {
  if (checkLoaded && !(await waitUntilLoaded(runner, target, true, confirmMs)))
    return `launchd does not show ${target} loaded. What is left to do: ${left}`;
  if ((await isDisabled(runner, target)) === true)
    return `launchd still lists ${target} as disabled. What is left to do: launchctl enable ${pasteable(target)}`;
  return undefined;
}

/**
 * The helper's step that enables and loads the service the plist at `path` names, its Label read by root from the file
 * itself: for a file root has just put back, which the user may not be able to read, and whose Label no record the
 * user can write may give.
 */
export function turnOnStep(domain: string, path: string): HelperStep {
  return { words: ['turnon', domain, path] };
}

/** The Label the helper's turnon step read (its first line said, `label <Label>`), if launchctl may be given it. */
export function labelTurnedOn(said: string): string | undefined {
  const first = said.split('\n', 1)[0] ?? '';
  if (!first.startsWith('label ')) return undefined;
  const label = first.slice('label '.length);
  return isTargetableLabel(label) ? label : undefined;
}
