// Which steps disabling a launch item takes, decided before anything happens, so the person approving
// sees exactly what will run. Pure: the item and the machine's facts in, a plan (or a refusal) out.
import type { LaunchItem, SigningInfo } from '../model';
import { hasControlCharacters } from '../terminal-text';

export type StepKind = 'bootout' | 'disable' | 'systemctl-stop' | 'systemctl-disable' | 'stop-processes' | 'quarantine';

export interface PlanStep {
  kind: StepKind;
  /** What a person reads in the approval sheet. */
  description: string;
  /** The exact command, for command steps (an argv array, never a shell string). */
  argv?: string[];
  /** For stop-processes: the processes to end (pid and start time, so a reused pid is never hit). */
  processes?: { pid: number; startedAt: number; args: string }[];
}

export interface DisablePlan {
  itemId: string;
  label: string;
  plistPath: string;
  kind: LaunchItem['kind'];
  /** Daemons and files under /Library need an administrator. */
  needsAdmin: boolean;
  steps: PlanStep[];
}

export type PlanOutcome = { ok: true; plan: DisablePlan } | { ok: false; refusal: string };

export interface PlanContext {
  uid: number;
  /** The capturing user's processes currently attributed to the item. */
  processes: { pid: number; startedAt: number; args: string }[];
  signing?: SigningInfo;
  /** Running as root already (then no prompt is needed). */
  isRoot: boolean;
}

/** launchd labels are reverse-DNS-like; anything else is refused rather than passed to launchctl. */
export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$/;
const SIP_PROTECTED = /^\/(System|usr\/(?!local\/)|bin|sbin)\//;

export function validatePath(path: string): string | undefined {
  if (!path.startsWith('/')) return `${JSON.stringify(path)} is not an absolute path`;
  if (hasControlCharacters(path)) return 'the path holds control characters';
  if (path.split('/').includes('..')) return 'the path holds ".."';
  return undefined;
}

export function planDisable(item: LaunchItem, context: PlanContext): PlanOutcome {
  const name = item.label || item.plistPath;
  if (item.plistPath === '') {
    return {
      ok: false,
      refusal: `No property list is known for ${name}: launchd runs it from a file Launchwatch did not read, so there is nothing to put in quarantine and nothing an undo could restore. Find its file (launchctl print shows "path") before disabling it.`,
    };
  }
  if (item.scope === 'apple' || SIP_PROTECTED.test(item.plistPath)) {
    return {
      ok: false,
      refusal: `${name} is part of macOS (under /System, protected by System Integrity Protection): Launchwatch does not disable it.`,
    };
  }
  if (context.signing?.status === 'apple')
    return {
      ok: false,
      refusal: `${name} runs a program signed by Apple: Launchwatch does not disable Apple's own items.`,
    };
  const pathProblem = validatePath(item.plistPath);
  if (pathProblem) return { ok: false, refusal: `${name} cannot be disabled safely: ${pathProblem}.` };
  if (item.label && !LABEL_PATTERN.test(item.label))
    return {
      ok: false,
      refusal: `The label ${JSON.stringify(item.label)} has characters launchctl labels never have: Launchwatch will not pass it to a command.`,
    };

  const steps: PlanStep[] = [];
  let needsAdmin: boolean;
  if (item.kind === 'LaunchAgent' || item.kind === 'LaunchDaemon') {
    const domain = item.kind === 'LaunchDaemon' ? 'system' : `gui/${context.uid}`;
    if (item.label) {
      const target = `${domain}/${item.label}`;
      steps.push({
        kind: 'bootout',
        argv: ['launchctl', 'bootout', target],
        description: `Unload it: launchctl bootout ${target}`,
      });
      steps.push({
        kind: 'disable',
        argv: ['launchctl', 'disable', target],
        description: `Keep launchd from loading it again: launchctl disable ${target}`,
      });
    }
    needsAdmin = !context.isRoot && (item.kind === 'LaunchDaemon' || item.plistPath.startsWith('/Library/'));
  } else if (item.kind === 'systemd-service') {
    const unit = item.unitName ?? item.label;
    if (!LABEL_PATTERN.test(unit))
      return { ok: false, refusal: `The unit name ${JSON.stringify(unit)} is not one systemctl accepts.` };
    const user = item.scope === 'user';
    const base = user ? ['systemctl', '--user'] : ['systemctl'];
    steps.push({
      kind: 'systemctl-stop',
      argv: [...base, 'stop', unit],
      description: `Stop it: ${[...base, 'stop', unit].join(' ')}`,
    });
    steps.push({
      kind: 'systemctl-disable',
      argv: [...base, 'disable', unit],
      description: `Keep it from starting again: ${[...base, 'disable', unit].join(' ')}`,
    });
    needsAdmin = !user && !context.isRoot;
  } else {
    needsAdmin = item.scope !== 'user' && !context.isRoot;
  }
  if (context.processes.length > 0) {
    steps.push({
      kind: 'stop-processes',
      processes: context.processes,
      description: `End what is left of its processes: ${context.processes.map((p) => `${p.pid} (${p.args.slice(0, 60)})`).join(', ')}`,
    });
  }
  steps.push({
    kind: 'quarantine',
    description: `Move ${item.plistPath} into Launchwatch's quarantine, with a byte-for-byte backup that Undo puts back`,
  });
  return {
    ok: true,
    plan: { itemId: item.id, label: item.label, plistPath: item.plistPath, kind: item.kind, needsAdmin, steps },
  };
}
