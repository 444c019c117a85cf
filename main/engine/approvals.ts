// The approved inventory: items the owner accepts stay quiet while their plist and program are the ones
// approved. Pure: results and approvals in, results with the approval applied out.
import type { LaunchItem, Reason } from './model';
import { NO_SCRIPT_NAMED_FILES } from './referenced-files';

export interface Approval {
  label: string;
  plistPath: string;
  plistSha256: string;
  /** Absent when the program could not be read (a capture holds no binaries). */
  programSha256?: string;
  program?: string;
  /** The configs and scripts its arguments name, when there were any. */
  filesSha256?: string;
  /**
   * The files the scripts it runs name beyond those (LaunchItem.scriptNamedSha256). Absent from approvals made before
   * they were read: those do not vouch for them, and say so.
   */
  scriptFilesSha256?: string;
  /**
   * The files beyond those its arguments name, scripts run by scripts and a program that is a script included
   * (LaunchItem.scriptChainSha256). Absent from approvals made before those were followed: scriptFilesSha256 is then
   * what is checked, and what lies beyond it is said to be uncovered.
   */
  scriptChainFilesSha256?: string;
  /** The libraries it has the dynamic linker load into its program (DYLD_INSERT_LIBRARIES, LD_PRELOAD), when read. */
  librariesSha256?: string;
  note?: string;
  /**
   * Its CPU only, up to this figure (percent of one core): the CPU reason stops flagging it, and every
   * other sign still does. The verdict is never `approved`.
   */
  cpuLimitPercent?: number;
  approvedBy: string;
  approvedAt: string;
}

export function approvalFor(
  item: LaunchItem,
  note: string | undefined,
  approvedBy: string,
  now = new Date(),
  cpuLimitPercent?: number,
): Approval {
  if (!item.sha256) throw new Error(`${item.plistPath} could not be read, so it cannot be approved`);
  const approval: Approval = {
    label: item.label,
    plistPath: item.plistPath,
    plistSha256: item.sha256,
    approvedBy,
    approvedAt: now.toISOString(),
  };
  if (item.programSha256) approval.programSha256 = item.programSha256;
  if (item.program) approval.program = item.program;
  if (item.referencedSha256) approval.filesSha256 = item.referencedSha256;
  if (item.scriptNamedSha256) approval.scriptFilesSha256 = item.scriptNamedSha256;
  if (item.scriptChainSha256) approval.scriptChainFilesSha256 = item.scriptChainSha256;
  if (item.injectedSha256) approval.librariesSha256 = item.injectedSha256;
  if (note) approval.note = note;
  if (cpuLimitPercent !== undefined) approval.cpuLimitPercent = cpuLimitPercent;
  return approval;
}

/**
 * A CPU-only acceptance applied to the reasons: the CPU reason goes when the item is as accepted, uses no
 * more than the figure, and shows no sign of mining or hiding (then nothing is accepted).
 */
export function applyCpuAcceptance(
  approval: Approval & { cpuLimitPercent: number },
  item: LaunchItem,
  avgPercent: number,
  reasons: Reason[],
  source: 'live' | 'capture' = 'live',
  processesOutsideJob = false,
): Reason[] {
  const changes = changesSince(approval, item, source, processesOutsideJob);
  const when = approval.approvedAt.slice(0, 10);
  const note = (text: string): Reason => ({
    code: 'approval.cpu',
    family: 'approval',
    strength: 'weak',
    weight: 0,
    text,
  });
  if (changes.length > 0)
    return [
      note(`its CPU was accepted on ${when}, but ${changes.join(' and ')} changed since: judged in full`),
      ...reasons,
    ];
  if (reasons.some((r) => r.family === 'mining' || r.family === 'hiding'))
    return [
      note(`its CPU was accepted on ${when}, but it shows signs of mining or hiding: judged in full`),
      ...reasons,
    ];
  if (avgPercent > approval.cpuLimitPercent)
    return [
      note(
        `uses ${avgPercent.toFixed(0)}% of one core, more than the ${approval.cpuLimitPercent}% accepted on ${when}`,
      ),
      ...reasons,
    ];
  return [
    note(
      `its CPU is accepted up to ${approval.cpuLimitPercent}% of one core (by ${approval.approvedBy} on ${when}${approval.note ? `: ${approval.note}` : ''})`,
    ),
    ...reasons.filter((r) => r.code !== 'cpu.sustained'),
  ];
}

export function findApproval(item: LaunchItem, approvals: Approval[]): Approval | undefined {
  return approvals.find((a) => a.plistPath === item.plistPath && a.label === item.label);
}

/**
 * What changed since approval (empty: the approval applies). On a live machine a program that can no
 * longer be read counts as changed; a capture holds no programs, only the digests its collector could take
 * (hashes.txt), so there a program or library without one is only unverified.
 */
export function changesSince(
  approval: Approval,
  item: LaunchItem,
  source: 'live' | 'capture' = 'live',
  processesOutsideJob = false,
): string[] {
  const changes: string[] = [];
  if (approval.plistSha256 !== item.sha256) changes.push('its property list');
  if (approval.programSha256 && item.programSha256 && approval.programSha256 !== item.programSha256)
    changes.push('its program');
  if (approval.programSha256 && !item.programSha256 && source === 'live')
    changes.push('its program (it cannot be read any more)');
  if (approval.filesSha256 !== undefined && approval.filesSha256 !== item.referencedSha256)
    changes.push('a script or configuration its arguments name');
  // None was there to read when it was approved: one there now is no file the approval saw.
  if (approval.filesSha256 === undefined && item.referencedSha256 !== undefined)
    changes.push('a script or configuration its arguments name (none could be read when it was approved)');
  // The widest digest both hold: an approval made before scripts run by scripts were followed holds the one level.
  const [approvedScripts, scriptsNow] =
    approval.scriptChainFilesSha256 !== undefined
      ? [approval.scriptChainFilesSha256, item.scriptChainSha256]
      : [approval.scriptFilesSha256, item.scriptNamedSha256];
  if (approvedScripts !== undefined && scriptsNow !== undefined && approvedScripts !== scriptsNow)
    changes.push('a file a script it runs names');
  if (approval.program && item.program && approval.program !== item.program) changes.push('the program it runs');
  // A capture holds no binaries: there a library the collector did not hash is unverified, not changed.
  if (
    approval.librariesSha256 !== undefined &&
    approval.librariesSha256 !== item.injectedSha256 &&
    (item.injectedSha256 !== undefined || source === 'live')
  )
    changes.push('a library it has loaded into its program');
  // An approval vouches for files. A process launchd does not list as the job, found by a command line any
  // program can copy (execve(2)), is not one of them.
  if (processesOutsideJob)
    changes.push('its processes (launchd does not list them as this job; only their command line ties them to it)');
  return changes;
}

/** An approval made before scripts were read for the files they name, of an item whose scripts name some. */
function notCovered(approval: Approval, item: LaunchItem): boolean {
  return (
    approval.scriptFilesSha256 === undefined &&
    item.scriptNamedSha256 !== undefined &&
    item.scriptNamedSha256 !== NO_SCRIPT_NAMED_FILES
  );
}

/**
 * An approval made before scripts run by scripts (or a program that is a script) were followed, of an item where they
 * reach further than the one level it holds.
 */
function chainNotCovered(approval: Approval, item: LaunchItem): boolean {
  return (
    approval.scriptChainFilesSha256 === undefined &&
    approval.scriptFilesSha256 !== undefined &&
    item.scriptChainSha256 !== undefined &&
    item.scriptChainSha256 !== item.scriptNamedSha256
  );
}

export interface ApprovalOutcome {
  /** The approval applies: the verdict is `approved`. */
  applies: boolean;
  /** approval.ok or approval.changed, shown first among the reasons. */
  reason: Reason;
  info: { approvedAt: string; changed: boolean; note?: string };
}

/** Whether the approval still applies to the item as it is now, and what to tell the user. */
export function approvalOutcome(
  approval: Approval,
  item: LaunchItem,
  source: 'live' | 'capture' = 'live',
  processesOutsideJob = false,
): ApprovalOutcome {
  const changes = changesSince(approval, item, source, processesOutsideJob);
  const info = {
    approvedAt: approval.approvedAt,
    changed: changes.length > 0,
    ...(approval.note ? { note: approval.note } : {}),
  };
  if (changes.length > 0) {
    // Judged afresh: the approval no longer applies, and the user is told why.
    return {
      applies: false,
      info,
      reason: {
        code: 'approval.changed',
        family: 'approval',
        strength: 'weak',
        weight: 0,
        text: `changed since approval on ${approval.approvedAt.slice(0, 10)}: ${changes.join(' and ')}`,
      },
    };
  }
  const unverified = [
    approval.programSha256 && !item.programSha256 ? ' (program not verified: not readable here)' : '',
    notCovered(approval, item)
      ? ' (the files its scripts name are not covered: it was approved before Launchwatch read them; approve it again to cover them)'
      : chainNotCovered(approval, item)
        ? ' (the files the scripts its scripts run name are not covered: it was approved before Launchwatch followed them; approve it again to cover them)'
        : '',
  ].join('');
  return {
    applies: true,
    info,
    reason: {
      code: 'approval.ok',
      family: 'approval',
      strength: 'weak',
      weight: 0,
      text: `approved by ${approval.approvedBy} on ${approval.approvedAt.slice(0, 10)}${approval.note ? `: ${approval.note}` : ''}${unverified}`,
    },
  };
}
