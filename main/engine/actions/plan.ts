// Which steps disabling a launch item takes, decided before anything happens, so the person approving
// sees exactly what will run. Pure: the item and the machine's facts in, a plan (or a refusal) out.
import { appBundleOf } from '../launch-item';
import type { LaunchItem, SigningInfo } from '../model';
import { basename, isInterpreter } from '../shell-words';
import { pasteable } from '../shell-quote';
import { hasControlCharacters } from '../terminal-text';

export type StepKind =
  'bootout' | 'disable' | 'systemctl-stop' | 'systemctl-disable' | 'stop-processes' | 'quarantine' | 'note';

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
  /** How many times the administrator password is asked for: once for the whole disable (and once for its undo). */
  adminPrompts: number;
  /** The file stays where it is (an item inside an app bundle, which macOS manages): nothing is quarantined. */
  keepsFile?: boolean;
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

/** systemd unit names: letters, digits and `._@+-` (systemd.unit(5) allows `:\\` too, which no unit here needs). */
export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$/;

/** Longer labels are refused: launchd names no limit, and real ones run to a few dozen characters. */
const MAX_LAUNCHD_LABEL = 1024;

/**
 * Whether a launchd Label can be passed to launchctl inside one service target (`<domain>/<label>`). launchd takes any
 * string as a Label (it keys its jobs by it), so a miner may choose one with spaces, quotes or `;` to keep an
 * allow-list from disabling it: those are passed, always as one argument (execFile's argv, the helper's "$1", each
 * word quoted for the password prompt's sh). Refused: a `/`, where launchctl splits a target, and control characters,
 * which would break the line-by-line answers of launchctl and of the helper.
 */
export function isTargetableLabel(label: string): boolean {
  return label.length > 0 && label.length <= MAX_LAUNCHD_LABEL && !label.includes('/') && !hasControlCharacters(label);
}
const SIP_PROTECTED = /^\/(System|usr\/(?!local\/)|bin|sbin)\//;

export function validatePath(path: string): string | undefined {
  if (!path.startsWith('/')) return `${JSON.stringify(path)} is not an absolute path`;
  if (hasControlCharacters(path)) return 'the path holds control characters';
  if (path.split('/').includes('..')) return 'the path holds ".."';
  return undefined;
}

/** What the person approving is told about passwords: none, or one prompt for all the steps. */
export function adminPromptNote(plan: DisablePlan): string | undefined {
  if (plan.adminPrompts === 0) return undefined;
  return 'macOS will ask for an administrator password once, for all of these steps (and once more for an undo).';
}

/** The plan in words, one numbered step a line, as the command line shows it before asking. */
export function planText(plan: DisablePlan): string {
  const steps = plan.steps.map((s, i) => `  ${i + 1}. ${s.description}\n`).join('');
  const prompt = adminPromptNote(plan);
  return `Disabling ${plan.label || plan.plistPath} will:\n${steps}${prompt ? `  (${prompt})\n` : ''}It can be undone: "launchwatch undo last".\n`;
}

/**
 * Whether an item is Apple's own, decided from the property list: under /System (System Integrity
 * Protection), or an Apple label in Apple's own folder running an Apple-signed program that is not a
 * generic interpreter or tool. Never from the signer of argv[0] alone: miners run under /bin/sh,
 * /usr/bin/python3 or /usr/bin/osascript, all signed by Apple.
 */
export function applesOwn(item: LaunchItem, signing: SigningInfo | undefined): string | undefined {
  if (SIP_PROTECTED.test(item.plistPath))
    return 'is part of macOS (under /System, protected by System Integrity Protection)';
  const appleLabel = item.label.startsWith('com.apple.');
  const appleFolder = item.plistPath.startsWith('/Library/Apple/');
  const program = item.program ?? '';
  if (appleLabel && appleFolder && signing?.status === 'apple' && !isGenericTool(program)) {
    return 'is installed by macOS in /Library/Apple and runs a program signed by Apple';
  }
  return undefined;
}

/** Apple-signed programs that run whatever they are given: owning one says nothing about who wrote the item. */
function isGenericTool(program: string): boolean {
  return isInterpreter(program) || GENERIC_TOOLS.has(basename(program));
}

const GENERIC_TOOLS = new Set([
  'caffeinate',
  'nice',
  'nohup',
  'open',
  'osascript',
  'curl',
  'screen',
  'tmux',
  'launchctl',
  'xargs',
  'find',
  'arch',
  'sudo',
  'sandbox-exec',
]);

export function planDisable(item: LaunchItem, context: PlanContext): PlanOutcome {
  const name = item.label || item.plistPath;
  if (item.plistPath === '') {
    return {
      ok: false,
      refusal: `No property list is known for ${name}: launchd runs it from a file Launchwatch did not read, so there is nothing to put in quarantine and nothing an undo could restore. Find its file (launchctl print shows "path") before disabling it.`,
    };
  }
  const apples = applesOwn(item, context.signing);
  if (apples) return { ok: false, refusal: `${name} ${apples}: Launchwatch does not disable Apple's own items.` };
  const pathProblem = validatePath(item.plistPath);
  if (pathProblem) return { ok: false, refusal: `${name} cannot be disabled safely: ${pathProblem}.` };
  if (item.label && !isTargetableLabel(item.label))
    return {
      ok: false,
      refusal: `The label ${JSON.stringify(item.label)} cannot be passed to launchctl (it has a "/", a control character, or more than ${MAX_LAUNCHD_LABEL} characters).`,
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
        description: `Unload it: launchctl bootout ${pasteable(target)}`,
      });
      steps.push({
        kind: 'disable',
        argv: ['launchctl', 'disable', target],
        description: `Keep launchd from loading it again: launchctl disable ${pasteable(target)}`,
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
  const keepsFile = appBundleOf(item.plistPath) !== undefined;
  if (keepsFile) {
    steps.push({
      kind: 'note',
      description: `No file inside the app is changed (macOS would block it, and it would break the app's signature). The item stays off; macOS lists it in System Settings > General > Login Items & Extensions, and removing the app removes it.`,
    });
  } else {
    steps.push({
      kind: 'quarantine',
      description: `Move ${item.plistPath} into Launchwatch's quarantine, with a byte-for-byte backup that Undo puts back`,
    });
  }
  const plan: DisablePlan = {
    itemId: item.id,
    label: item.label,
    plistPath: item.plistPath,
    kind: item.kind,
    needsAdmin,
    adminPrompts: needsAdmin ? 1 : 0,
    steps,
  };
  if (keepsFile) plan.keepsFile = true;
  return { ok: true, plan };
}
